/*
 * app.js: the signed-in pages of mapkeeper (deals, one deal's review, search). Plain
 * JavaScript, no framework. <body data-page="..."> says which page this is.
 *
 * Everything the server sends is untrusted text (call quotes can hold "<script>"), so the
 * DOM is only ever built with createElement and textContent, never from HTML strings.
 *
 * The API is called with the session cookie. GET /api/session first gives the CSRF token
 * that every write sends back as X-CSRF-Token; a 401 anywhere means the session ended.
 */
(function () {
	'use strict';

	var csrf = '';
	var leaving = false;

	/* ---------- small helpers ---------- */

	/* h('tag', {class, text, attr: value...}, child...): an element. Children are nodes,
	 * strings (as text) or arrays of them; null and undefined are skipped. */
	function h(tag, props) {
		var e = document.createElement(tag);
		var k;
		if (props) {
			for (k in props) {
				if (!Object.prototype.hasOwnProperty.call(props, k) || props[k] === null || props[k] === undefined)
					continue;
				if (k === 'class')
					e.className = props[k];
				else if (k === 'text')
					e.textContent = String(props[k]);
				else if (k === 'hidden' || k === 'disabled' || k === 'checked')
					e[k] = !!props[k];
				else
					e.setAttribute(k, String(props[k]));
			}
		}
		for (var i = 2; i < arguments.length; i++)
			add(e, arguments[i]);
		return e;
	}

	function add(parent, c) {
		if (c === null || c === undefined || c === false)
			return;
		if (Array.isArray(c)) {
			c.forEach(function (x) { add(parent, x); });
			return;
		}
		parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
	}

	function $(id) {
		return document.getElementById(id);
	}

	function clear(e) {
		while (e.firstChild)
			e.removeChild(e.firstChild);
	}

	function flash(msg) {
		var f = $('flash');
		if (!f)
			return;
		f.textContent = msg;
		f.hidden = !msg;
	}

	function dealUrl(name) {
		return '/deal?name=' + encodeURIComponent(name);
	}

	function dealApi(name, what) {
		return '/api/deals/' + encodeURIComponent(name) + '/' + what;
	}

	/* "00:01:07.000" -> "00:01:07" */
	function hms(s) {
		return s && s.length > 8 ? s.slice(0, 8) : s || '';
	}

	/* "2026-03-10T14:02:11Z" -> "2026-03-10 14:02" */
	function when(at) {
		if (!at)
			return '';
		var m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(at);
		return m ? m[1] + ' ' + m[2] : at;
	}

	function today() {
		var d = new Date();
		var p = function (n) { return (n < 10 ? '0' : '') + n; };
		return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
	}

	function isOverdue(it) {
		return it.status === 'open' && !!it.due && it.due < today();
	}

	function plural(n, one, many) {
		return n + ' ' + (n === 1 ? one : many);
	}

	/* ---------- the API ---------- */

	function ApiError(message, status) {
		this.message = message;
		this.status = status;
	}
	ApiError.prototype = Object.create(Error.prototype);
	ApiError.prototype.name = 'ApiError';

	/* To the sign-in page, which brings the user back here (what was typed in an editor is
	 * kept in sessionStorage as it is typed, and put back). */
	function toLogin() {
		if (!leaving) {
			leaving = true;
			var here = window.location.pathname + window.location.search;
			window.location.assign(here === '/' ? '/login' : '/login?next=' + encodeURIComponent(here));
		}
	}

	/* api('GET'|'DELETE', path) or api('POST'|'PATCH', path, body): the parsed JSON answer, or an
	 * ApiError with the server's {"error": ...} message. */
	function api(method, path, body) {
		var opts = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
		if (method !== 'GET')
			opts.headers['X-CSRF-Token'] = csrf;
		if (method === 'POST' || method === 'PATCH') {
			opts.headers['Content-Type'] = 'application/json';
			opts.body = JSON.stringify(body || {});
		}
		return fetch(path, opts).then(function (r) {
			if (r.status === 401) {
				toLogin();
				throw new ApiError('Your session has ended; sign in again.', 401);
			}
			return r.text().then(function (t) {
				var d = null;
				try {
					d = t ? JSON.parse(t) : null;
				} catch (e) {
					d = null;
				}
				if (!r.ok)
					throw new ApiError(d && typeof d.error === 'string' ? d.error : 'the server answered ' + r.status, r.status);
				if (d === null)
					throw new ApiError('the server sent something that is not JSON', r.status);
				return d;
			});
		}, function () {
			throw new ApiError('cannot reach the server', 0);
		});
	}

	function session() {
		return api('GET', '/api/session').then(function (d) {
			csrf = d.csrf || '';
			document.querySelectorAll('form.logout').forEach(function (f) {
				var field = f.querySelector('input[name="csrf"]');
				if (field)
					field.value = csrf;
				var b = f.querySelector('button');
				if (b)
					b.disabled = !csrf;
			});
		});
	}

	/* ---------- deals ---------- */

	function numCell(field, value, warn, title, label) {
		return h('td', { class: 'num' + (warn ? ' warn' : ''), 'data-field': field, 'data-label': label, title: title }, value);
	}

	function changedText(days) {
		if (days === null || days === undefined)
			return 'never';
		if (days === 0)
			return 'today';
		if (days === 1)
			return 'yesterday';
		return days + ' days ago';
	}

	/* What a deal is sorted by, per column: a number, a string, or null (always last). */
	var SORTS = {
		name: function (d) { return d.name.toLowerCase(); },
		buyer: function (d) { return d.buyer_org ? d.buyer_org.toLowerCase() : null; },
		pending: function (d) { return hnum(d, 'pending'); },
		next_step: function (d) { return d.health && d.health.next_step ? d.health.next_step : null; },
		next_meeting: function (d) { return d.health && d.health.next_meeting ? d.health.next_meeting : null; },
		go_live: function (d) { return d.health && d.health.go_live ? d.health.go_live : null; },
		slack: function (d) { return hnum(d, 'slack_days'); },
		ack: function (d) { return d.health && d.health.acknowledged_at ? d.health.acknowledged_at : null; },
		criteria: function (d) { return hnum(d, 'criteria'); },
		open_items: function (d) { return hnum(d, 'open_items'); },
		buyer_items: function (d) { return hnum(d, 'buyer_items'); },
		overdue: function (d) { return hnum(d, 'overdue'); },
		slipped: function (d) { return hnum(d, 'slipped'); },
		stakeholders: function (d) { return hnum(d, 'stakeholders_met'); },
		open_risks: function (d) { return hnum(d, 'open_risks'); },
		days_since_change: function (d) { return hnum(d, 'days_since_change'); }
	};

	function hnum(d, k) {
		return d.health && typeof d.health[k] === 'number' ? d.health[k] : null;
	}

	function dealRow(d) {
		var hl = d.health || null;
		var n = function (k) { return hnum(d, k); };
		var show = function (v) { return v === null ? '–' : String(v); };
		var days = hl ? hl.days_since_change : null;
		var stale = typeof days === 'number' && days > 14;
		var overdue = n('overdue'), slipped = n('slipped'), pending = n('pending');
		var last = h('td', { class: 'num' + (stale ? ' warn' : ''), 'data-field': 'days_since_change', 'data-label': 'Plan changed' },
			changedText(days), stale ? h('span', { class: 'badge warn', text: 'stale' }) : null);
		var warn = (overdue || 0) > 0 || (slipped || 0) > 0 || stale || past || meeting === 'none';
		var next = hl && hl.next_step
			? [h('span', { 'data-testid': 'next-step-date', text: hl.next_step }),
				hl.next_step_action ? h('div', { class: 'muted small', text: hl.next_step_action }) : null]
			: h('span', { class: hl && 'next_step' in hl ? 'warn' : 'muted', text: hl && 'next_step' in hl ? 'none' : '–' });
		var meeting = hl && hl.next_meeting ? hl.next_meeting : hl && 'next_meeting' in hl ? 'none' : '–';
		var slack = n('slack_days'), past = slack !== null && slack < 0;
		var golive = hl && hl.go_live ? hl.go_live : hl && 'go_live' in hl ? 'none' : '–';
		var ack = hl && hl.acknowledged_at ? when(hl.acknowledged_at) : hl && 'acknowledged_at' in hl ? 'never' : '–';
		return h('tr', { 'data-testid': 'deal-row', 'data-name': d.name, class: warn ? 'needs-attention' : null },
			h('td', { class: 'deal-cell', 'data-label': 'Deal' },
				h('a', { href: dealUrl(d.name), class: 'deal-name', 'data-testid': 'deal-link', text: d.name }),
				d.sellers ? h('div', { class: 'muted', text: 'sellers: ' + d.sellers }) : null),
			h('td', { 'data-label': 'Buyer', text: d.buyer_org || '–' }),
			numCell('pending', show(pending), pending > 0, pending > 0 ? 'proposals waiting for review' : null, 'Pending'),
			h('td', { 'data-field': 'next_step', 'data-label': 'Next step' }, next),
			h('td', { 'data-field': 'go_live', 'data-label': 'Go-live', class: golive === 'none' ? 'muted' : null, text: golive }),
			h('td', { class: 'num' + (past ? ' past' : ''), 'data-field': 'slack', 'data-label': 'Slack',
				title: past ? 'the critical path ends after go-live' : null },
				slack === null ? '–' : String(slack), past ? h('span', { class: 'badge overdue', text: 'past go-live' }) : null),
			h('td', { 'data-field': 'next_meeting', 'data-label': 'Next meeting', class: meeting === 'none' ? 'warn' : null, text: meeting }),
			h('td', { 'data-field': 'ack', 'data-label': 'Buyer ack', class: ack === 'never' ? 'muted' : null, text: ack }),
			numCell('criteria', show(n('criteria')), false, 'success criteria on the plan', 'Criteria'),
			numCell('open_items', show(n('open_items')), false, null, 'Open items'),
			numCell('buyer_items', hl ? n('buyer_items') + ' of ' + n('items') : '–', false, 'buyer items of all items', 'Buyer items'),
			numCell('overdue', show(overdue), overdue > 0, overdue > 0 ? 'open items past their due date' : null, 'Overdue'),
			numCell('slipped', show(slipped), slipped > 0, slipped > 0 ? 'items whose due date moved later' : null, 'Slipped'),
			numCell('stakeholders', hl ? n('stakeholders_met') + ' of ' + n('stakeholders_named') : '–', false,
				'met on a call, of named', 'Stakeholders met'),
			numCell('open_risks', show(n('open_risks')), false, null, 'Open risks'),
			last);
	}

	var list = { deals: [], key: 'name', dir: 1, filter: '', noMeeting: false, pastGoLive: false };

	/* The health filters: no next meeting, a critical path past go-live. */
	function healthMatches(d) {
		var hl = d.health || {};
		if (list.noMeeting && hl.next_meeting)
			return false;
		return !list.pastGoLive || (typeof hl.slack_days === 'number' && hl.slack_days < 0);
	}

	function sortDeals() {
		var f = SORTS[list.key] || SORTS.name;
		return list.deals.slice().sort(function (a, b) {
			var x = f(a), y = f(b);
			if (x === null && y === null)
				return a.name < b.name ? -1 : 1;
			if (x === null)
				return 1;
			if (y === null)
				return -1;
			if (x < y)
				return -list.dir;
			if (x > y)
				return list.dir;
			return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
		});
	}

	function matches(d, words) {
		var hay = [d.name, d.buyer_org || '', d.sellers || '', d.seller_org || ''].join(' ').toLowerCase();
		return words.every(function (w) { return hay.indexOf(w) >= 0; });
	}

	function drawDeals() {
		var body = $('deal-rows');
		var words = list.filter.toLowerCase().split(/\s+/).filter(Boolean);
		var shown = sortDeals().filter(function (d) { return matches(d, words) && healthMatches(d); });
		var filtered = words.length || list.noMeeting || list.pastGoLive;
		clear(body);
		shown.forEach(function (x) { body.appendChild(dealRow(x)); });
		document.querySelectorAll('#deals th[data-sort]').forEach(function (th) {
			var k = th.getAttribute('data-sort');
			var b = th.querySelector('button');
			th.setAttribute('aria-sort', k === list.key ? (list.dir > 0 ? 'ascending' : 'descending') : 'none');
			b.setAttribute('aria-label', 'Sort by ' + b.textContent.trim().toLowerCase() +
				(k === list.key ? (list.dir > 0 ? ', now ascending' : ', now descending') : ''));
		});
		$('deal-shown').textContent = filtered ? shown.length + ' of ' + plural(list.deals.length, 'deal', 'deals') + ' shown' : '';
		$('no-match').hidden = !(list.deals.length && !shown.length);
		$('deals').hidden = !shown.length;
	}

	function pageDeals() {
		var params = new URLSearchParams(window.location.search);
		if (SORTS[params.get('sort')])
			list.key = params.get('sort');
		list.dir = params.get('dir') === 'desc' ? -1 : 1;
		list.filter = params.get('q') || '';
		list.noMeeting = params.get('no_meeting') === '1';
		list.pastGoLive = params.get('past_go_live') === '1';
		$('deal-filter').value = list.filter;
		$('filter-no-meeting').checked = list.noMeeting;
		$('filter-past-go-live').checked = list.pastGoLive;
		var keep = function () {
			var q = new URLSearchParams();
			if (list.key !== 'name')
				q.set('sort', list.key);
			if (list.dir < 0)
				q.set('dir', 'desc');
			if (list.filter)
				q.set('q', list.filter);
			if (list.noMeeting)
				q.set('no_meeting', '1');
			if (list.pastGoLive)
				q.set('past_go_live', '1');
			var qs = q.toString();
			window.history.replaceState(null, '', '/' + (qs ? '?' + qs : ''));
		};
		document.querySelectorAll('#deals th[data-sort] button').forEach(function (b) {
			b.addEventListener('click', function () {
				var k = b.parentNode.getAttribute('data-sort');
				list.dir = list.key === k ? -list.dir : 1;
				list.key = k;
				keep();
				drawDeals();
			});
		});
		[['filter-no-meeting', 'noMeeting'], ['filter-past-go-live', 'pastGoLive']].forEach(function (x) {
			$(x[0]).addEventListener('change', function () {
				list[x[1]] = $(x[0]).checked;
				keep();
				drawDeals();
			});
		});
		$('deal-filter').addEventListener('input', function () {
			list.filter = $('deal-filter').value.trim();
			keep();
			drawDeals();
		});
		return api('GET', '/api/deals').then(function (d) {
			list.deals = d.deals || [];
			$('loading').hidden = true;
			$('deals-tools').hidden = list.deals.length === 0;
			$('no-deals').hidden = list.deals.length !== 0;
			drawDeals();
		});
	}

	/* ---------- one deal ---------- */

	var KINDS = {
		add_item: ['New item', ''],
		update_due: ['Due date change', ''],
		mark_done: ['Mark done', ''],
		mark_blocked: ['Mark blocked', 'risk'],
		mark_dropped: ['Drop item', 'risk'],
		add_stakeholder: ['New stakeholder', 'person'],
		add_risk: ['New risk', 'risk'],
		set_goal: ['Goal', 'plan'],
		set_go_live: ['Go-live date', 'plan'],
		add_criterion: ['Success criterion', 'plan'],
		add_dependency: ['Dependency', 'plan'],
		set_next_meeting: ['Next meeting', 'plan'],
		set_stance: ['Stance', 'person']
	};
	/* The plan's phases (mk_phase_name, mk_phase_title) and the stances (mk_stance_name). */
	var PHASES = [['discovery', 'Discovery and validation'], ['proof', 'Proof of value'],
		['business_case', 'Business case and approval'], ['procurement', 'Procurement and legal'],
		['signature', 'Signature and kickoff'], ['onboarding', 'Onboarding']];
	var STANCES = ['unknown', 'champion', 'supporter', 'neutral', 'skeptic', 'blocker'];
	/* The fields an issue-14 proposal's edit takes, by kind (PATCH /api/proposals/ID). */
	var ELEMENT_FIELDS = {
		set_goal: ['text'],
		set_go_live: ['due', 'kind'],
		add_criterion: ['text'],
		add_dependency: ['waiting', 'text', 'item', 'depends_on'],
		set_next_meeting: ['due', 'time', 'who', 'text'],
		set_stance: ['stance']
	};
	var RISK_CATEGORIES = ['budget', 'timeline', 'competition', 'paper_process', 'stakeholder', 'technical', 'priority'];
	var CONTEXT_LINES = 2;

	function kindLabel(k) {
		return KINDS[k] ? KINDS[k][0] : String(k).replace(/_/g, ' ');
	}

	function riskLabel(c) {
		return c ? String(c).replace(/_/g, ' ') : 'risk';
	}

	var deal = {
		name: '',
		proposals: [],
		open: {},        /* plan item ids whose history is shown */
		editing: {},     /* plan item ids whose editor is open */
		current: -1,     /* the card the keys act on */
		undo: null,      /* { label, ids }: the proposals of the last decision made here */
		plan: null,      /* the plan as last loaded (GET .../plan) */
		crm: null,       /* the deal in the CRMs as last loaded (GET .../crm) */
		crmBusy: {},     /* CRM name -> 'push', 'pull' or 'link' while one runs */
		crmResult: {},   /* CRM name -> { text, error, lines }: what the last run here did */
		features: { decisions: false, calls: false }
	};

	/* ----- drafts: what is typed in an editor outlives the session (sessionStorage) ----- */

	function draftKey(what, id) {
		return 'mk.draft.' + deal.name + '.' + what + '.' + id;
	}

	function draftGet(what, id) {
		try {
			var v = window.sessionStorage.getItem(draftKey(what, id));
			return v ? JSON.parse(v) : null;
		} catch (e) {
			return null;
		}
	}

	function draftKeep(what, id, form) {
		var v = {};
		Array.prototype.forEach.call(form.elements, function (f) {
			if (f.name)
				v[f.name] = f.value;
		});
		try {
			window.sessionStorage.setItem(draftKey(what, id), JSON.stringify(v));
		} catch (e) { /* a full or closed storage: the draft is only a nicety */ }
	}

	function draftDrop(what, id) {
		try {
			window.sessionStorage.removeItem(draftKey(what, id));
		} catch (e) { /* as above */ }
	}

	/* Fills a form from a draft and keeps it as it is typed into. */
	function draftWire(form, what, id) {
		var d = draftGet(what, id);
		if (d)
			Array.prototype.forEach.call(form.elements, function (f) {
				if (f.name && Object.prototype.hasOwnProperty.call(d, f.name))
					f.value = d[f.name];
			});
		form.addEventListener('input', function () { draftKeep(what, id, form); });
		form.addEventListener('change', function () { draftKeep(what, id, form); });
		return !!d;
	}

	/* ----- messages ----- */

	function showError(el, text) {
		el.textContent = text;
		el.hidden = !text;
	}

	/* A polite line at the top ("Approved: ..."), with an Undo button when undo is given. */
	function notice(text, undoable) {
		var n = $('notice');
		clear(n);
		n.hidden = !text;
		if (!text)
			return;
		add(n, h('span', { 'data-testid': 'notice-text', text: text }));
		if (undoable && deal.features.decisions) {
			var b = h('button', { type: 'button', class: 'link', 'data-testid': 'undo', 'aria-label': 'Undo: ' + text, text: 'Undo (u)' });
			b.addEventListener('click', undoLast);
			add(n, [' ', b]);
		}
	}

	function setCount() {
		var c = $('pending-count');
		var n = deal.proposals.length;
		c.textContent = String(n);
		c.className = 'count' + (n ? '' : ' zero');
		$('no-proposals').hidden = n !== 0;
		$('bulk').hidden = n === 0;
		$('approve-all').textContent = 'Approve all ' + n;
		$('reject-all').textContent = 'Reject all ' + n;
		$('approve-all').setAttribute('aria-label', 'Approve all ' + plural(n, 'pending proposal', 'pending proposals') + ' of ' + deal.name);
		$('reject-all').setAttribute('aria-label', 'Reject all ' + plural(n, 'pending proposal', 'pending proposals') + ' of ' + deal.name);
	}

	function fact(dt, dd, testid) {
		return [h('dt', { text: dt }), h('dd', { 'data-testid': testid }, dd)];
	}

	function evidenceBlock(ev) {
		if (!ev || !ev.quote)
			return h('p', { class: 'muted', text: '(no words from a call behind this)' });
		var parts = [];
		if (ev.speaker)
			parts.push(h('span', { class: 'speaker', 'data-testid': 'speaker', text: ev.speaker }));
		if (ev.start)
			parts.push(h('span', { 'data-testid': 'time', text: hms(ev.start) }));
		if (ev.meeting)
			parts.push(h('span', { 'data-testid': 'meeting', text: ev.meeting }));
		var cite = h('div', { class: 'cite' });
		parts.forEach(function (p, i) {
			if (i)
				cite.appendChild(document.createTextNode(' · '));
			cite.appendChild(p);
		});
		return [h('blockquote', { 'data-testid': 'quote', text: ev.quote }), cite];
	}

	/* "00:01:07" from milliseconds */
	function msTime(ms) {
		var s = Math.floor(ms / 1000);
		var p = function (n) { return (n < 10 ? '0' : '') + n; };
		return p(Math.floor(s / 3600)) + ':' + p(Math.floor(s / 60) % 60) + ':' + p(s % 60);
	}

	/* The call's lines around a quote, fetched when first opened. */
	function contextBlock(p, what) {
		if (!p.evidence || !p.evidence.quote)
			return null;
		var body = h('div', { class: 'context-lines' });
		var det = h('details', { class: 'context', 'data-testid': 'context' },
			h('summary', { 'data-testid': 'context-toggle', 'aria-label': 'The call around the quote: ' + what },
				'The call around the quote'),
			body);
		var loaded = false;
		det.addEventListener('toggle', function () {
			if (!det.open || loaded)
				return;
			loaded = true;
			add(body, h('p', { class: 'muted', text: 'Loading…' }));
			api('GET', '/api/proposals/' + encodeURIComponent(p.id) + '/context?lines=' + CONTEXT_LINES).then(function (d) {
				clear(body);
				var lines = d.lines || [];
				if (!lines.length)
					add(body, h('p', { class: 'muted', text: 'The call\'s lines are not stored.' }));
				add(body, h('ol', { class: 'transcript' }, lines.map(function (l) {
					return h('li', { 'data-testid': 'context-line', class: l.quote ? 'quoted' : null, 'data-quote': l.quote ? '1' : '0' },
						h('span', { class: 'time', text: msTime(l.start_ms) }), ' ',
						h('span', { class: 'speaker', text: l.speaker }), ': ',
						h('span', { 'data-testid': 'context-text', text: l.text }));
				})));
			}, function (e) {
				loaded = false;
				clear(body);
				add(body, h('p', { class: 'error', text: 'Not loaded: ' + e.message }));
			});
		});
		return det;
	}

	function editable(p) {
		return p.kind === 'add_item' || p.kind === 'update_due' || p.kind === 'add_stakeholder' || p.kind === 'add_risk' ||
			!!ELEMENT_FIELDS[p.kind];
	}

	/* "#12 send the MSA" for a plan item id, from the plan as loaded. */
	function itemName(id) {
		var it = deal.plan && (deal.plan.items || []).filter(function (x) { return x.id === id; })[0];
		return '#' + id + (it ? ' ' + it.action : '');
	}

	function personName(p) {
		return p.name || p.role || '(no name)';
	}

	/* "2026-05-14 10:00" of a proposal's or the plan's next meeting */
	function meetingWhen(date, time) {
		return (date || 'no date') + (time ? ' ' + time : '');
	}

	/* What an issue-14 proposal is about, in a few words. */
	function elementWhat(p) {
		switch (p.kind) {
		case 'set_goal':
		case 'add_criterion':
			return p.text || '(nothing said)';
		case 'set_go_live':
			return (p.category === 'signed' ? 'signed by ' : 'live by ') + (p.due || 'no date');
		case 'add_dependency':
			return (p.action || '(a step)') + ' waits on ' + (p.text || '(another step)');
		case 'set_next_meeting':
			return meetingWhen(p.due, p.time) + (p.name ? ' with ' + p.name : '');
		default:
			return personName(p) + ': ' + (p.category || 'unknown');
		}
	}

	/* The facts of an issue-14 proposal's card: what is on the plan now beside what it says. */
	function elementFacts(p) {
		var plan = deal.plan || {};
		var facts = [];
		if (p.kind === 'set_goal')
			facts.push(fact('Goal now', plan.goal || 'none yet', 'now'));
		else if (p.kind === 'set_go_live') {
			facts.push(fact('By then', p.category === 'signed' ? 'signed (contract)' : 'live (in use)', 'go-live-kind'));
			if (p.text)
				facts.push(fact('Words', p.text, 'words'));
			facts.push(fact('Go-live now', plan.go_live ? plan.go_live.date + ' (' + plan.go_live.kind + ')' : 'none yet', 'now'));
		} else if (p.kind === 'add_dependency') {
			facts.push(fact('Waiting', p.item_id ? itemName(p.item_id) : (p.action || '(not said)') + ' (not a plan item)', 'waiting'));
			facts.push(fact('Waits on', p.depends_on_id ? itemName(p.depends_on_id) : p.depends_on_proposal_id
				? (p.text || '') + ' (proposal #' + p.depends_on_proposal_id + ')' : (p.text || '(not said)') + ' (not a plan item)', 'on'));
		} else if (p.kind === 'set_next_meeting') {
			facts.push(fact('When', meetingWhen(p.due, p.time), 'when'));
			facts.push(fact('Who', p.name || 'not said', 'who'));
			facts.push(fact('What for', p.text || 'not said', 'purpose'));
		} else if (p.kind === 'set_stance') {
			var now = (plan.stakeholders || []).filter(function (x) {
				return (p.name && x.name === p.name) || (!p.name && p.role && x.role === p.role);
			})[0];
			facts.push(fact('Role', p.role || 'not said', 'role'), fact('Side', p.side, 'side'));
			facts.push(fact('Stance now', now ? now.stance : 'not on the plan yet', 'now'));
		}
		return facts;
	}

	/* What a proposal is about, in a few words, for the names of its buttons. */
	function proposalWhat(p) {
		var w;
		if (ELEMENT_FIELDS[p.kind])
			w = kindLabel(p.kind).toLowerCase() + ': ' + elementWhat(p);
		else if (p.kind === 'add_stakeholder')
			w = 'add stakeholder ' + (p.name || '(no name)');
		else if (p.kind === 'add_risk')
			w = riskLabel(p.category) + ' risk' + (p.text ? ', ' + p.text : '');
		else if (p.kind === 'update_due')
			w = 'move the due date of ' + (p.action || 'an item') + ' to ' + (p.due || 'no date');
		else if (p.kind === 'add_item')
			w = p.action || '(no action)';
		else
			w = kindLabel(p.kind).toLowerCase() + ': ' + (p.action || 'an item');
		return w.length > 90 ? w.slice(0, 89) + '…' : w;
	}

	/* Fills a proposal card; mode: '' (buttons), 'edit' (its editor) or 'reject' (a reason). */
	function fillCard(card, p, mode, note) {
		var kind = KINDS[p.kind] ? KINDS[p.kind][1] : '';
		var what, facts, about = proposalWhat(p);
		clear(card);
		card.className = 'card' + (deal.proposals.indexOf(p) === deal.current ? ' current' : '');
		card.setAttribute('aria-label', kindLabel(p.kind) + ': ' + about);
		if (ELEMENT_FIELDS[p.kind]) {
			what = elementWhat(p);
			facts = elementFacts(p);
		} else if (p.kind === 'add_stakeholder') {
			what = p.name || '(no name)';
			facts = [fact('Role', p.role || 'not said', 'role'), fact('Side', p.side, 'side')];
		} else if (p.kind === 'add_risk') {
			var cat = riskLabel(p.category);
			what = cat.charAt(0).toUpperCase() + cat.slice(1);
			facts = [fact('Category', cat, 'category')];
			if (p.text && (!p.evidence || p.text !== p.evidence.quote))
				facts.push(fact('Risk', p.text, 'risk-text'));
		} else {
			what = p.action || '(no action)';
			var due;
			if (p.kind === 'update_due')
				due = [h('span', { class: 'old', 'data-testid': 'old-due', text: p.old_due || 'no date' }), ' → ',
					h('span', { 'data-testid': 'new-due', text: p.due || 'no date' })];
			else
				due = p.due || 'no date';
			facts = [fact('Owner', p.owner || 'not named', 'owner'), fact('Side', p.side, 'side')];
			if (p.due || p.old_due || p.kind === 'add_item')
				facts.push(fact('Due', due, 'due'));
			if (p.item_id)
				facts.push(fact('Plan item', '#' + p.item_id, 'item'));
		}
		add(card, h('div', { class: 'card-head' },
			h('span', { class: 'kind ' + kind, 'data-testid': 'kind', text: kindLabel(p.kind) }),
			typeof p.confidence === 'number'
				? h('span', { class: 'confidence', text: 'confidence ' + Math.round(p.confidence * 100) + '%' })
				: null));
		add(card, h('p', { class: 'what', 'data-testid': 'what', text: what }));
		add(card, h('dl', { class: 'facts' }, facts));
		add(card, evidenceBlock(p.evidence));
		add(card, contextBlock(p, about));
		if (note)
			add(card, h('p', { class: 'muted', 'data-testid': 'note', text: note }));
		var err = h('p', { class: 'error', 'data-testid': 'card-error', role: 'alert', hidden: true });
		if (mode === 'edit') {
			add(card, editor(card, p, err));
		} else if (mode === 'reject') {
			add(card, rejectForm(card, p, err, about));
		} else {
			var ap = h('button', { type: 'button', class: 'approve', 'data-testid': 'approve', 'aria-label': 'Approve: ' + about, text: 'Approve' });
			var rj = h('button', { type: 'button', class: 'reject', 'data-testid': 'reject', 'aria-label': 'Reject: ' + about, text: 'Reject' });
			var ed = editable(p) ? h('button', { type: 'button', 'data-testid': 'edit', 'aria-label': 'Edit: ' + about, text: 'Edit' }) : null;
			add(card, h('div', { class: 'actions' }, ap, rj, ed));
			ap.addEventListener('click', function () { decide(card, p, 'approve', err); });
			rj.addEventListener('click', function () { openCard(card, p, 'reject'); });
			if (ed)
				ed.addEventListener('click', function () { openCard(card, p, 'edit'); });
		}
		add(card, err);
	}

	function openCard(card, p, mode) {
		fillCard(card, p, mode);
		var first = card.querySelector('form input, form select');
		if (first)
			first.focus();
	}

	function rejectForm(card, p, err, about) {
		var reason = h('input', { type: 'text', name: 'reason', 'data-testid': 'reject-reason', autocomplete: 'off' });
		var yes = h('button', { type: 'submit', class: 'reject', 'data-testid': 'reject-confirm', 'aria-label': 'Reject now: ' + about, text: 'Reject' });
		var no = h('button', { type: 'button', 'data-testid': 'cancel', 'aria-label': 'Keep pending: ' + about, text: 'Cancel' });
		var form = h('form', { class: 'editor', 'data-testid': 'reject-form' },
			h('label', { class: 'wide' }, 'Why reject it? (optional, kept in the history)', reason),
			h('div', { class: 'actions wide' }, yes, no));
		no.addEventListener('click', function () { fillCard(card, p, ''); card.focus(); });
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			decide(card, p, 'reject', err, reason.value.trim());
		});
		return form;
	}

	function editor(card, p, err) {
		var fields, form, initial = {};
		var input = function (name, type, value, label, wide) {
			var f = h('input', { type: type, name: name, 'data-testid': 'edit-' + name, autocomplete: 'off' });
			f.value = value || '';
			initial[name] = f.value;
			return h('label', { class: wide ? 'wide' : null }, label, f);
		};
		var select = function (name, options, value, label) {
			var f = h('select', { name: name, 'data-testid': 'edit-' + name },
				options.map(function (o) { return h('option', { value: o[0], text: o[1] }); }));
			f.value = value;
			initial[name] = f.value;
			return h('label', null, label, f);
		};
		if (ELEMENT_FIELDS[p.kind]) {
			fields = elementEditorFields(p, input, select);
		} else if (p.kind === 'add_stakeholder') {
			fields = [input('name', 'text', p.name, 'Name'), input('role', 'text', p.role, 'Role')];
		} else if (p.kind === 'add_risk') {
			var sel = h('select', { name: 'category', 'data-testid': 'edit-category' },
				RISK_CATEGORIES.map(function (c) { return h('option', { value: c, text: riskLabel(c) }); }));
			sel.value = p.category || 'timeline';
			initial.category = sel.value;
			fields = [h('label', null, 'Category', sel), input('text', 'text', p.text, 'What the risk is', true)];
		} else {
			fields = [input('owner', 'text', p.owner, 'Owner'), input('due', 'date', p.due, 'Due'),
				input('action', 'text', p.action, 'Action', true)];
		}
		var save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save', text: 'Save' });
		var cancel = h('button', { type: 'button', 'data-testid': 'cancel', text: 'Cancel' });
		form = h('form', { class: 'editor', 'data-testid': 'editor', 'aria-label': 'Edit: ' + proposalWhat(p) },
			fields, h('div', { class: 'actions wide' }, save, cancel));
		draftWire(form, 'proposal', p.id);
		cancel.addEventListener('click', function () {
			draftDrop('proposal', p.id);
			fillCard(card, p, '');
		});
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			err.hidden = true;
			var change = {};
			var element = !!ELEMENT_FIELDS[p.kind];
			Object.keys(initial).forEach(function (k) {
				var v = form.elements[k].value.trim();
				if (v === initial[k])
					return;
				if (element && ITEM_FIELDS[k])
					change[ITEM_FIELDS[k]] = v ? Number(v) : null;
				else if (element)
					change[k] = v === '' && p.kind !== 'set_goal' && p.kind !== 'add_criterion' ? null : v;
				else
					change[k] = v === '' && (k === 'due' || k === 'role') ? null : v;
			});
			if (change.action === '' || change.name === '' || change.text === '') {
				showError(err, 'That field cannot be empty.');
				return;
			}
			if (!Object.keys(change).length) {
				draftDrop('proposal', p.id);
				fillCard(card, p, '');
				return;
			}
			save.disabled = cancel.disabled = true;
			api('PATCH', '/api/proposals/' + encodeURIComponent(p.id), change).then(function (np) {
				draftDrop('proposal', p.id);
				replaceProposal(np);
				fillCard(card, np, '', 'Edited: still pending until you approve it.');
			}, function (e) {
				save.disabled = cancel.disabled = false;
				showError(err, 'Not saved: ' + e.message);
			});
		});
		return form;
	}

	/* A dependency's items in its editor (not "item": a form's elements.item is a method). */
	var ITEM_FIELDS = { waiting_item: 'item', on_item: 'depends_on' };

	/* The editor's fields of an issue-14 proposal (ELEMENT_FIELDS says which). */
	function elementEditorFields(p, input, select) {
		var items = [['', '(not a plan item)']].concat(((deal.plan && deal.plan.items) || []).map(function (it) {
			return [String(it.id), '#' + it.id + ' ' + (it.action.length > 60 ? it.action.slice(0, 59) + '…' : it.action)];
		}));
		switch (p.kind) {
		case 'set_goal':
			return [input('text', 'text', p.text, 'Goal', true)];
		case 'add_criterion':
			return [input('text', 'text', p.text, 'Criterion', true)];
		case 'set_go_live':
			return [input('due', 'date', p.due, 'Date'),
				select('kind', [['live', 'live (in use)'], ['signed', 'signed (contract)']], p.category === 'signed' ? 'signed' : 'live', 'By then')];
		case 'add_dependency':
			return [input('waiting', 'text', p.action, 'The step that waits', true),
				select('waiting_item', items, p.item_id ? String(p.item_id) : '', 'That step on the plan'),
				input('text', 'text', p.text, 'What it waits on', true),
				select('on_item', items, p.depends_on_id ? String(p.depends_on_id) : '', 'That on the plan')];
		case 'set_next_meeting':
			return [input('due', 'date', p.due, 'Date'), input('time', 'time', p.time, 'Time'),
				input('who', 'text', p.name, 'Who'), input('text', 'text', p.text, 'What for', true)];
		default:
			return [select('stance', STANCES.map(function (x) { return [x, x]; }), p.category || 'unknown', 'Stance')];
		}
	}

	function replaceProposal(np) {
		deal.proposals = deal.proposals.map(function (x) { return x.id === np.id ? np : x; });
	}

	function decide(card, p, what, err, reason) {
		var buttons = card.querySelectorAll('button');
		buttons.forEach(function (b) { b.disabled = true; });
		card.classList.add('busy');
		err.hidden = true;
		api('POST', '/api/proposals/' + encodeURIComponent(p.id) + '/' + what, reason ? { reason: reason } : {}).then(function () {
			var label = (what === 'approve' ? 'Approved: ' : 'Rejected: ') + proposalWhat(p);
			deal.undo = { label: label, ids: [p.id] };
			removeCard(card, p);
			notice(label, true);
			return refresh();
		}, function (e) {
			if (e.status === 409 || e.status === 404) {
				/* decided elsewhere meanwhile: it is no longer pending either way */
				removeCard(card, p);
				flash('Proposal ' + p.id + ' was already decided: ' + e.message);
				return refresh();
			}
			buttons.forEach(function (b) { b.disabled = false; });
			card.classList.remove('busy');
			showError(err, (what === 'approve' ? 'Not approved: ' : 'Not rejected: ') + e.message);
		}).catch(function (e) {
			flash('Could not reload the plan: ' + e.message);
		});
	}

	function removeCard(card, p) {
		var i = deal.proposals.indexOf(p);
		var had = card.contains(document.activeElement);
		deal.proposals = deal.proposals.filter(function (x) { return x.id !== p.id; });
		if (card.parentNode)
			card.parentNode.removeChild(card);
		setCount();
		if (deal.current >= 0 && i >= 0) {
			deal.current = Math.min(i, deal.proposals.length - 1);
			focusCard(had); /* the keys' user goes on with the next card */
		}
	}

	function cardOf(p) {
		return document.querySelector('[data-testid="proposal"][data-id="' + p.id + '"]');
	}

	/* Moves the keys' focus to deal.current (scrolling to it when move is set). */
	function focusCard(move) {
		document.querySelectorAll('[data-testid="proposal"].current').forEach(function (c) { c.classList.remove('current'); });
		var p = deal.proposals[deal.current];
		var c = p && cardOf(p);
		if (!c)
			return;
		c.classList.add('current');
		if (move) {
			c.focus();
			c.scrollIntoView({ block: 'nearest' });
		}
	}

	function loadProposals() {
		return api('GET', dealApi(deal.name, 'proposals')).then(function (d) {
			var box = $('proposals');
			deal.proposals = d.proposals || [];
			if (deal.current >= deal.proposals.length)
				deal.current = deal.proposals.length - 1;
			clear(box);
			deal.proposals.forEach(function (p) {
				var card = h('article', { class: 'card', 'data-testid': 'proposal', 'data-id': p.id, 'data-kind': p.kind, tabindex: '-1' });
				fillCard(card, p, draftGet('proposal', p.id) ? 'edit' : '');
				box.appendChild(card);
			});
			$('proposals-loading').hidden = true;
			setCount();
			focusCard(false);
		});
	}

	/* ----- approve or reject everything pending ----- */

	function bulk(approve) {
		var n = deal.proposals.length;
		var form = $('bulk-confirm');
		form.hidden = false;
		form.setAttribute('data-what', approve ? 'approve' : 'reject');
		form.setAttribute('data-count', String(n));
		$('bulk-text').textContent = (approve ? 'Approve all ' : 'Reject all ') + plural(n, 'pending proposal', 'pending proposals') +
			' of ' + deal.name + '? ' + (approve ? 'Each goes on the plan.' : 'None goes on the plan.');
		$('bulk-reason-label').hidden = approve;
		$('bulk-reason').value = '';
		$('bulk-yes').textContent = approve ? 'Approve ' + n : 'Reject ' + n;
		$('bulk-yes').className = approve ? 'approve' : 'reject';
		showError($('bulk-error'), '');
		$('bulk-yes').focus();
	}

	function bulkRun(ev) {
		ev.preventDefault();
		var form = $('bulk-confirm');
		var approve = form.getAttribute('data-what') === 'approve';
		var n = Number(form.getAttribute('data-count'));
		var ids = deal.proposals.map(function (p) { return p.id; });
		var body = { count: n };
		if (!approve && $('bulk-reason').value.trim())
			body.reason = $('bulk-reason').value.trim();
		$('bulk-yes').disabled = true;
		api('POST', dealApi(deal.name, approve ? 'approve-all' : 'reject-all'), body).then(function (d) {
			var done = approve ? d.approved : d.rejected;
			var label = (approve ? 'Approved ' : 'Rejected ') + plural(done, 'proposal', 'proposals');
			form.hidden = true;
			deal.undo = { label: label, ids: ids };
			notice(label + '.', true);
			return Promise.all([loadProposals(), refresh()]);
		}, function (e) {
			showError($('bulk-error'), (e.status === 409 ? 'Nothing changed: ' : 'Nothing changed: ') + e.message);
			if (e.status === 409)
				return loadProposals().then(function () { form.hidden = true; });
		}).then(function () {
			$('bulk-yes').disabled = false;
		}, function (e) {
			$('bulk-yes').disabled = false;
			flash('Could not reload: ' + e.message);
		});
	}

	/* ----- undo ----- */

	/* Undoes the decisions recorded for proposal ids (newest first), or the last one. */
	function undoProposals(ids) {
		return api('GET', '/api/decisions?deal=' + encodeURIComponent(deal.name) + '&limit=' + Math.max(ids.length * 2, 10)).then(function (d) {
			var want = {};
			ids.forEach(function (id) { want[id] = true; });
			var todo = (d.decisions || []).filter(function (x) {
				return want[x.proposal_id] && (x.kind === 'approve' || x.kind === 'reject') && !x.undone_by;
			});
			if (!todo.length)
				throw new ApiError('no decision of these proposals is left to undo', 409);
			return todo.reduce(function (chain, x) {
				return chain.then(function () { return api('POST', '/api/undo', { decision: x.id }); });
			}, Promise.resolve()).then(function () { return todo.length; });
		});
	}

	function undoLast() {
		var u = deal.undo;
		if (!u || !deal.features.decisions)
			return;
		deal.undo = null;
		undoProposals(u.ids).then(function (n) {
			notice('Undone: ' + u.label + (n > 1 ? ' (' + n + ' decisions)' : '') + '.', false);
			return Promise.all([loadProposals(), refresh()]);
		}).catch(function (e) {
			flash('Not undone: ' + e.message);
			return refresh();
		});
	}

	/* The plan section's "last decision" line, with its undo (any decision, by anyone). */
	function loadLastDecision() {
		var box = $('last-decision');
		if (!deal.features.decisions)
			return Promise.resolve();
		return api('GET', '/api/decisions?deal=' + encodeURIComponent(deal.name) + '&limit=1').then(function (d) {
			var x = (d.decisions || [])[0];
			clear(box);
			box.hidden = !x;
			if (!x)
				return;
			var b = h('button', { type: 'button', 'data-testid': 'undo-last', 'aria-label': 'Undo the last decision: ' + (x.summary || x.kind), text: 'Undo it' });
			add(box, [h('span', { class: 'muted', text: 'Last decision: ' }),
				h('span', { 'data-testid': 'last-summary', text: x.summary || x.kind }),
				h('span', { class: 'muted', text: ' · ' + (x.by || 'someone') + ' · ' + when(x.at) + ' ' }), b]);
			b.addEventListener('click', function () {
				b.disabled = true;
				api('POST', '/api/undo', { decision: x.id }).then(function (r) {
					var s = r && r.undone && r.undone.summary ? r.undone.summary : x.summary || x.kind;
					notice('Undone: ' + s + '.', false);
					return Promise.all([loadProposals(), refresh()]);
				}, function (e) {
					b.disabled = false;
					flash('Not undone: ' + e.message);
				});
			});
		});
	}

	/* ----- the plan ----- */

	function statusBadge(s) {
		return h('span', { class: 'badge ' + s, 'data-testid': 'status', text: s });
	}

	var STATUS_CALL = { done: 'done', dropped: 'drop', blocked: 'block', open: 'reopen' };

	function planRow(it) {
		var overdue = isOverdue(it);
		var label = it.action.length > 90 ? it.action.slice(0, 89) + '…' : it.action;
		var btn = h('button', { type: 'button', class: 'link', 'data-testid': 'history', 'aria-expanded': 'false',
			'aria-label': 'History: ' + label, text: 'history' });
		var edit = deal.features.decisions
			? h('button', { type: 'button', 'data-testid': 'item-edit', 'aria-label': 'Edit item: ' + label, 'aria-expanded': 'false', text: 'Edit' })
			: null;
		var tr = h('tr', { 'data-testid': 'plan-item', 'data-id': it.id, class: 'clickable' + (overdue ? ' overdue' : '') },
			h('td', { 'data-testid': 'action', 'data-label': 'Action', class: 'wrap', text: it.action }),
			h('td', { class: 'nowrap', 'data-testid': 'owner', 'data-label': 'Owner', text: it.owner || '–' }),
			h('td', { class: 'due nowrap', 'data-label': 'Due' },
				h('span', { 'data-testid': 'due', text: it.due || '–' }),
				overdue ? h('span', { class: 'badge overdue', 'data-testid': 'overdue', text: 'overdue' }) : null,
				it.slipped ? h('span', { class: 'badge slipped', 'data-testid': 'slipped', title: 'its due date moved later', text: 'slipped' }) : null),
			h('td', { 'data-label': 'Status' }, statusBadge(it.status), itemMarks(it)),
			h('td', { 'data-label': 'Phase' }, phaseSelect(it, label)),
			h('td', { class: 'num', 'data-testid': 'revisions', 'data-label': 'Revisions', text: it.revisions }),
			h('td', { class: 'nowrap controls' }, btn, edit));
		tr.addEventListener('click', function (ev) {
			if (ev.target.closest('a') || (ev.target.closest('button') && ev.target.closest('button') !== btn))
				return;
			toggleHistory(tr, it.id, btn);
		});
		if (edit)
			edit.addEventListener('click', function () { toggleItemEditor(tr, it, edit); });
		return tr;
	}

	/* What working backward says of an item: critical, late, held up, past go-live. */
	function itemMarks(it) {
		var m = [];
		if (it.critical)
			m.push(h('span', { class: 'badge critical', 'data-testid': 'critical', title: 'on the critical path to go-live', text: 'critical' }));
		if (it.late && !isOverdue(it) && !it.slipped)
			m.push(h('span', { class: 'badge warn', 'data-testid': 'late', text: 'late' }));
		if (it.held_by)
			m.push(h('span', { class: 'badge held', 'data-testid': 'held-by', title: 'it waits on an item that is late or blocked',
				text: 'held up by #' + it.held_by }));
		if (it.past_go_live)
			m.push(h('span', { class: 'badge overdue', 'data-testid': 'past-go-live', text: 'past go-live' }));
		return m.length ? [' ', m] : null;
	}

	/* The item's phase, changed as soon as another is chosen. */
	function phaseSelect(it, label) {
		var sel = h('select', { 'data-testid': 'item-phase', 'aria-label': 'Phase of ' + label, disabled: !deal.features.decisions },
			PHASES.map(function (ph) { return h('option', { value: ph[0], text: ph[1] }); }));
		sel.value = it.phase || 'discovery';
		sel.addEventListener('change', function () {
			var to = sel.value;
			sel.disabled = true;
			api('PATCH', '/api/items/' + encodeURIComponent(it.id), { phase: to }).then(function () {
				notice('Phase: ' + label + ' → ' + PHASES.filter(function (ph) { return ph[0] === to; })[0][1] + '.', false);
				return refresh();
			}, function (e) {
				sel.value = it.phase || 'discovery';
				sel.disabled = false;
				flash('Phase not changed: ' + e.message);
			});
		});
		return sel;
	}

	function toggleItemEditor(tr, it, btn) {
		var tbody = tr.parentNode;
		var open = tbody.querySelector('tr.item-editor[data-id="' + it.id + '"]');
		if (open) {
			open.parentNode.removeChild(open);
			btn.setAttribute('aria-expanded', 'false');
			delete deal.editing[it.id];
			draftDrop('item', it.id);
			return;
		}
		deal.editing[it.id] = true;
		btn.setAttribute('aria-expanded', 'true');
		var row = h('tr', { class: 'item-editor', 'data-testid': 'item-editor', 'data-id': it.id },
			h('td', { colspan: 7 }, itemEditor(it, function () { toggleItemEditor(tr, it, btn); })));
		tbody.insertBefore(row, tr.nextSibling);
		var f = row.querySelector('input');
		if (f)
			f.focus();
	}

	function itemEditor(it, close) {
		var field = function (name, type, value, label, wide) {
			var f = h('input', { type: type, name: name, 'data-testid': 'item-' + name, autocomplete: 'off' });
			f.value = value || '';
			return h('label', { class: wide ? 'wide' : null }, label, f);
		};
		var side = h('select', { name: 'side', 'data-testid': 'item-side' },
			['buyer', 'seller'].map(function (s) { return h('option', { value: s, text: s }); }));
		side.value = it.side === 'seller' ? 'seller' : 'buyer';
		var sideWas = side.value; /* an item with no side gets one only when it is chosen */
		var status = h('select', { name: 'status', 'data-testid': 'item-status' },
			['open', 'done', 'blocked', 'dropped'].map(function (s) { return h('option', { value: s, text: s }); }));
		status.value = it.status;
		var err = h('p', { class: 'error wide', role: 'alert', hidden: true });
		var save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'item-save', text: 'Save' });
		var cancel = h('button', { type: 'button', 'data-testid': 'item-cancel', text: 'Cancel' });
		var form = h('form', { class: 'editor', 'aria-label': 'Edit item: ' + it.action },
			field('action', 'text', it.action, 'Action', true),
			field('owner', 'text', it.owner, 'Owner'),
			h('label', null, 'Side', side),
			field('due', 'date', it.due, 'Due'),
			h('label', null, 'Status', status),
			field('note', 'text', '', 'Note (why; kept in the history)', true),
			h('div', { class: 'actions wide' }, save, cancel), err);
		draftWire(form, 'item', it.id);
		cancel.addEventListener('click', close);
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var v = function (k) { return form.elements[k].value.trim(); };
			var change = {};
			if (!v('action')) {
				showError(err, 'The action cannot be empty.');
				return;
			}
			if (v('action') !== it.action)
				change.action = v('action');
			if (v('owner') !== (it.owner || ''))
				change.owner = v('owner');
			if (v('side') !== sideWas)
				change.side = v('side');
			if (v('due') !== (it.due || ''))
				change.due = v('due') || null;
			var st = v('status') !== it.status ? STATUS_CALL[v('status')] : null;
			var note = v('note');
			if (!Object.keys(change).length && !st) {
				close();
				return;
			}
			if (note && Object.keys(change).length && !st)
				change.note = note;
			save.disabled = cancel.disabled = true;
			var work = Object.keys(change).length ? api('PATCH', '/api/items/' + encodeURIComponent(it.id), change) : Promise.resolve();
			work.then(function () {
				return st ? api('POST', '/api/items/' + encodeURIComponent(it.id) + '/' + st, note ? { note: note } : {}) : null;
			}).then(function () {
				draftDrop('item', it.id);
				delete deal.editing[it.id];
				notice('Saved: ' + (change.action || it.action) + '.', false);
				return refresh();
			}, function (e) {
				save.disabled = cancel.disabled = false;
				showError(err, 'Not saved: ' + e.message);
				return refresh(true);
			});
		});
		return form;
	}

	/* An edit button at the top that opens its form (filled from the plan by fill) and posts
	 * body(form) to dealApi(what). */
	function topForm(openId, formId, what, fill, body) {
		var btn = $(openId), form = $(formId);
		var err = form.querySelector('.error');
		var close = function () {
			form.hidden = true;
			btn.setAttribute('aria-expanded', 'false');
		};
		btn.hidden = !deal.features.decisions;
		btn.addEventListener('click', function () {
			if (!form.hidden)
				return close();
			fill(form, deal.plan || {});
			showError(err, '');
			form.hidden = false;
			btn.setAttribute('aria-expanded', 'true');
			var first = form.querySelector('input, select');
			if (first)
				first.focus();
		});
		form.querySelector('button[type="button"]').addEventListener('click', close);
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var save = form.querySelector('button[type="submit"]');
			save.disabled = true;
			api('POST', dealApi(deal.name, what), body(form)).then(function (d) {
				save.disabled = false;
				close();
				notice('Saved the ' + what.replace(/-/g, ' ') + '.', false);
				if (d && d.plan)
					renderPlan(d.plan);
				return refresh();
			}, function (e) {
				save.disabled = false;
				showError(err, 'Not saved: ' + e.message);
			});
		});
	}

	function planForms() {
		var v = function (form, k) { return form.elements[k].value.trim(); };
		topForm('goal-open', 'goal-form', 'goal', function (f, p) {
			f.elements.goal.value = p.goal || '';
		}, function (f) { return { goal: v(f, 'goal') || null }; });
		topForm('go-live-open', 'go-live-form', 'go-live', function (f, p) {
			f.elements.date.value = p.go_live ? p.go_live.date : '';
			f.elements.kind.value = p.go_live && p.go_live.kind === 'signed' ? 'signed' : 'live';
		}, function (f) { return { date: v(f, 'date') || null, kind: v(f, 'kind') }; });
		topForm('meeting-open', 'meeting-form', 'next-meeting', function (f, p) {
			var m = p.next_meeting || {};
			f.elements.date.value = m.date || '';
			f.elements.time.value = m.time || '';
			f.elements.who.value = m.who || '';
			f.elements.purpose.value = m.purpose || '';
		}, function (f) {
			return { date: v(f, 'date') || null, time: v(f, 'time') || null, who: v(f, 'who') || null, purpose: v(f, 'purpose') || null };
		});
		var cf = $('criterion-form'), df = $('dependency-form');
		cf.hidden = !deal.features.decisions;
		cf.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var text = v(cf, 'text'), err = cf.querySelector('.error');
			if (!text)
				return showError(err, 'Say what the buyer will judge by.');
			api('POST', dealApi(deal.name, 'criteria'), { text: text }).then(function () {
				cf.reset();
				showError(err, '');
				notice('Added the criterion: ' + text + '.', false);
				return refresh();
			}, function (e) {
				showError(err, 'Not added: ' + e.message);
			});
		});
		df.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var err = df.querySelector('.error');
			var body = { item: Number(v(df, 'waiting_item')), depends_on: Number(v(df, 'on_item')) };
			api('POST', dealApi(deal.name, 'dependencies'), body).then(function () {
				showError(err, '');
				notice('Added the dependency: #' + body.item + ' waits on #' + body.depends_on + '.', false);
				return refresh();
			}, function (e) {
				showError(err, 'Not added: ' + e.message);
			});
		});
		$('copy-plan').addEventListener('click', copyPlan);
	}

	/* The plan as Markdown (GET .../plan.md), on the clipboard, or in a text box to copy by hand. */
	function copyPlan() {
		var since = $('copy-since').value;
		var status = $('copy-status'), box = $('copy-fallback'), text = $('copy-text');
		var path = dealApi(deal.name, 'plan.md') + (since ? '?since=' + encodeURIComponent(since) : '');
		status.textContent = 'Copying…';
		fetch(path, { credentials: 'same-origin' }).then(function (r) {
			return r.text().then(function (t) {
				if (r.status === 401)
					toLogin();
				if (!r.ok) {
					var msg;
					try {
						msg = JSON.parse(t).error;
					} catch (e) {
						msg = null;
					}
					throw new ApiError(msg || 'the server answered ' + r.status, r.status);
				}
				return t;
			});
		}).then(function (md) {
			text.value = md;
			var shown = function () {
				box.hidden = false;
				text.focus();
				text.select();
				status.textContent = 'Your browser did not let the page copy: select the text below and copy it.';
			};
			if (!navigator.clipboard || !navigator.clipboard.writeText)
				return shown();
			return navigator.clipboard.writeText(md).then(function () {
				box.hidden = true;
				status.textContent = 'Copied the plan (' + plural(md.split('\n').length, 'line', 'lines') + ') for the buyer.';
			}, shown);
		}).catch(function (e) {
			status.textContent = 'Not copied: ' + (e && e.message ? e.message : e);
		});
	}

	function addItemForm() {
		var form = $('add-item');
		var err = $('add-error');
		form.hidden = !deal.features.decisions;
		if (form.hidden)
			return;
		draftWire(form, 'add', 'new');
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var v = function (k) { return form.elements[k].value.trim(); };
			var body = { action: v('action'), side: v('side') };
			if (!body.action) {
				showError(err, 'Say what is to be done.');
				return;
			}
			if (v('owner'))
				body.owner = v('owner');
			if (v('due'))
				body.due = v('due');
			showError(err, '');
			api('POST', dealApi(deal.name, 'items'), body).then(function () {
				draftDrop('add', 'new');
				form.reset();
				notice('Added: ' + body.action + '.', false);
				return refresh();
			}, function (e) {
				showError(err, 'Not added: ' + e.message);
			});
		});
	}

	function changeLine(r) {
		var label = r.field === 'created' ? null : String(r.field).replace(/_/g, ' ');
		if (!label)
			return h('div', { class: 'change', 'data-testid': 'change' },
				'Added to the plan', r.new_value ? ', due ' + r.new_value : '');
		return h('div', { class: 'change', 'data-testid': 'change' },
			label + ': ', h('span', { class: 'old', text: r.old_value === null || r.old_value === undefined ? 'not set' : r.old_value }),
			' → ', h('span', { text: r.new_value === null || r.new_value === undefined ? 'not set' : r.new_value }));
	}

	function historyList(d) {
		var revs = d.revisions || [];
		if (!revs.length)
			return h('p', { class: 'muted', text: 'No changes recorded for this item.' });
		return h('ol', { class: 'timeline' }, revs.map(function (r) {
			return h('li', { 'data-testid': 'revision' },
				changeLine(r),
				h('div', { class: 'when', text: when(r.at) + (r.by ? ' · decided by ' + r.by : '') }),
				evidenceBlock(r.evidence));
		}));
	}

	function toggleHistory(tr, id, btn) {
		var next = tr.nextElementSibling;
		if (next && next.classList.contains('history-row')) {
			next.parentNode.removeChild(next);
			tr.classList.remove('open');
			btn.setAttribute('aria-expanded', 'false');
			delete deal.open[id];
			return;
		}
		var cell = h('td', { colspan: 7 }, h('p', { class: 'muted', text: 'Loading history…' }));
		var row = h('tr', { class: 'history-row', 'data-testid': 'history-panel', 'data-id': id }, cell);
		tr.parentNode.insertBefore(row, tr.nextSibling);
		tr.classList.add('open');
		btn.setAttribute('aria-expanded', 'true');
		deal.open[id] = true;
		api('GET', dealApi(deal.name, 'history') + '?item=' + encodeURIComponent(id)).then(function (d) {
			clear(cell);
			add(cell, h('h4', { class: 'muted', text: 'History of item #' + id + ', oldest first' }));
			add(cell, historyList(d));
		}, function (e) {
			clear(cell);
			add(cell, h('p', { class: 'error', text: 'No history: ' + e.message }));
		});
	}

	function fillPlanTable(table, items) {
		var body = table.querySelector('tbody');
		clear(body);
		items.forEach(function (it) {
			var tr = planRow(it);
			body.appendChild(tr);
			if (deal.open[it.id])
				toggleHistory(tr, it.id, tr.querySelector('[data-testid="history"]'));
			if ((deal.editing[it.id] || draftGet('item', it.id)) && tr.querySelector('[data-testid="item-edit"]'))
				toggleItemEditor(tr, it, tr.querySelector('[data-testid="item-edit"]'));
		});
		table.hidden = items.length === 0;
	}

	/* ----- the whole plan: goal, go-live and slack, next meeting, acknowledgement ----- */

	function slackText(b) {
		if (!b || !b.go_live)
			return '';
		if (b.slack_days === null || b.slack_days === undefined)
			return 'no open item has a date yet';
		if (b.slack_days < 0)
			return 'past go-live: the critical path ends ' + plural(-b.slack_days, 'day', 'days') + ' after it';
		return plural(b.slack_days, 'day', 'days') + ' of slack';
	}

	function renderTop(plan) {
		var g = $('goal'), gl = $('go-live'), sl = $('slack'), nm = $('next-meeting'), ack = $('ack');
		var b = plan.backward || {};
		var m = plan.next_meeting;
		g.textContent = plan.goal || 'none yet';
		g.className = plan.goal ? '' : 'muted';
		gl.textContent = plan.go_live ? plan.go_live.date + (plan.go_live.kind === 'signed' ? ' (signed by)' : ' (live by)') : 'none yet';
		gl.className = plan.go_live ? '' : 'muted';
		sl.textContent = slackText(b);
		sl.className = 'slack' + (typeof b.slack_days === 'number' && b.slack_days < 0 ? ' past' : '');
		sl.setAttribute('data-slack', typeof b.slack_days === 'number' ? String(b.slack_days) : '');
		nm.textContent = m && m.date ? meetingWhen(m.date, m.time) + (m.who ? ' with ' + m.who : '') + (m.purpose ? ': ' + m.purpose : '')
			: 'none scheduled';
		nm.className = m && m.date ? '' : 'warn';
		ack.textContent = plan.acknowledged ? when(plan.acknowledged.at) + (plan.acknowledged.by ? ' by ' + plan.acknowledged.by : '') : 'never';
		ack.className = plan.acknowledged ? '' : 'muted';
	}

	/* The items phase by phase, with the critical path (GET .../plan's "backward"). */
	function renderPhases(plan) {
		var box = $('phases'), items = plan.items || [], b = plan.backward || {};
		clear(box);
		PHASES.forEach(function (ph) {
			var mine = items.filter(function (it) { return (it.phase || 'discovery') === ph[0]; });
			if (!mine.length)
				return;
			box.appendChild(h('section', { class: 'phase', 'data-testid': 'phase-group', 'data-phase': ph[0] },
				h('h4', { text: ph[1] + ' (' + mine.length + ')' }),
				h('ul', { class: 'plain' }, mine.map(function (it) {
					return h('li', { 'data-testid': 'phase-item', 'data-id': it.id, class: it.critical ? 'critical' : null },
						h('span', { class: 'muted', text: '#' + it.id + ' ' }), h('span', { 'data-testid': 'action', text: it.action }),
						h('span', { class: 'muted', text: ' · ' + (it.side || 'no side') + ' · ' + (it.finish ? 'finishes ' + it.finish : it.due || 'no date') }),
						' ', statusBadge(it.status), itemMarks(it));
				}))));
		});
		$('phases-empty').hidden = items.length !== 0;
		var path = b.path || [];
		$('critical-path').hidden = !path.length && !b.cycle;
		$('critical-path').textContent = (path.length ? 'Critical path: ' + path.map(function (id) { return '#' + id; }).join(' → ') +
			(b.end ? ', ending ' + b.end : '') : '') + (b.cycle ? ' (the dependencies hold a cycle; it is ignored)' : '');
	}

	/* A remove button that asks nothing: the removal is a decision, undone like the others. */
	function removeButton(testid, label, path) {
		var b = h('button', { type: 'button', class: 'link danger', 'data-testid': testid, 'aria-label': 'Remove ' + label, text: 'remove' });
		b.hidden = !deal.features.decisions;
		b.addEventListener('click', function () {
			b.disabled = true;
			api('DELETE', path).then(function () {
				notice('Removed ' + label + '.', false);
				return refresh();
			}, function (e) {
				b.disabled = false;
				flash('Not removed: ' + e.message);
			});
		});
		return b;
	}

	function renderCriteria(plan) {
		var ul = $('criteria'), cs = plan.criteria || [];
		clear(ul);
		cs.forEach(function (c) {
			ul.appendChild(h('li', { 'data-testid': 'criterion', 'data-id': c.id },
				h('span', { 'data-testid': 'criterion-text', text: c.text }), ' ',
				removeButton('criterion-remove', 'the criterion ' + c.text, dealApi(deal.name, 'criteria/' + c.id))));
		});
		ul.hidden = !cs.length;
		$('no-criteria').hidden = !!cs.length;
	}

	function renderDeps(plan) {
		var ul = $('dependencies'), ds = plan.dependencies || [], items = plan.items || [];
		var byId = {};
		items.forEach(function (it) { byId[it.id] = it; });
		var onPath = {};
		((plan.backward || {}).path || []).forEach(function (id) { onPath[id] = true; });
		clear(ul);
		ds.forEach(function (d) {
			var w = d.item_id && byId[d.item_id];
			var held = w && w.held_by;
			var critical = d.item_id && d.depends_on_id && onPath[d.item_id] && onPath[d.depends_on_id];
			var label = (d.waiting || '?') + ' waits on ' + (d.on || '?');
			ul.appendChild(h('li', { 'data-testid': 'dependency', 'data-id': d.id, class: held ? 'held' : null },
				h('span', { 'data-testid': 'waiting', text: (d.item_id ? '#' + d.item_id + ' ' : '') + (d.waiting || '?') }),
				h('span', { class: 'muted', text: ' waits on ' }),
				h('span', { 'data-testid': 'on', text: (d.depends_on_id ? '#' + d.depends_on_id + ' ' : '') + (d.on || '?') }),
				held ? [' ', h('span', { class: 'badge held', 'data-testid': 'held-up', text: 'held up by #' + w.held_by })] : null,
				critical ? [' ', h('span', { class: 'badge critical', 'data-testid': 'critical', text: 'critical path' })] : null,
				' ', removeButton('dependency-remove', 'the dependency: ' + label, dealApi(deal.name, 'dependencies/' + d.id))));
		});
		ul.hidden = !ds.length;
		$('no-dependencies').hidden = !!ds.length;
		var open = items.filter(function (it) { return it.status === 'open' || it.status === 'blocked'; });
		['dep-item', 'dep-on'].forEach(function (tid) {
			var sel = document.querySelector('[data-testid="' + tid + '"]');
			var was = sel.value;
			clear(sel);
			open.forEach(function (it) {
				sel.appendChild(h('option', { value: it.id, text: '#' + it.id + ' ' + (it.action.length > 50 ? it.action.slice(0, 49) + '…' : it.action) }));
			});
			if (was)
				sel.value = was;
		});
		$('dependency-form').hidden = !deal.features.decisions || open.length < 2;
	}

	function stanceSelect(s) {
		var who = s.name || s.role || 'this stakeholder';
		var sel = h('select', { 'data-testid': 'stance', 'aria-label': 'Stance of ' + who, disabled: !deal.features.decisions || !s.id },
			STANCES.map(function (x) { return h('option', { value: x, text: x }); }));
		sel.value = s.stance || 'unknown';
		sel.addEventListener('change', function () {
			var to = sel.value;
			sel.disabled = true;
			api('POST', dealApi(deal.name, 'people/' + s.id + '/stance'), { stance: to }).then(function () {
				notice('Stance: ' + who + ' is ' + to + '.', false);
				return refresh();
			}, function (e) {
				sel.value = s.stance || 'unknown';
				sel.disabled = false;
				flash('Stance not changed: ' + e.message);
			});
		});
		return sel;
	}

	function renderPlan(plan) {
		var items = plan.items || [];
		deal.plan = plan;
		renderTop(plan);
		renderPhases(plan);
		renderCriteria(plan);
		renderDeps(plan);
		var buyer = items.filter(function (i) { return i.side === 'buyer'; });
		var seller = items.filter(function (i) { return i.side === 'seller'; });
		var other = items.filter(function (i) { return i.side !== 'buyer' && i.side !== 'seller'; });
		fillPlanTable($('buyer-items'), buyer);
		fillPlanTable($('seller-items'), seller);
		fillPlanTable($('other-items'), other);
		$('buyer-empty').hidden = buyer.length !== 0;
		$('seller-empty').hidden = seller.length !== 0;
		$('other-block').hidden = other.length === 0;
		paintCrmLinks();

		var people = $('stakeholders');
		clear(people);
		(plan.stakeholders || []).forEach(function (s) {
			people.appendChild(h('li', { 'data-testid': 'stakeholder', 'data-id': s.id, class: 'stance-' + (s.stance || 'unknown') },
				h('strong', { text: s.name || '(no name)' }),
				s.role ? h('span', { class: 'role', text: ', ' + s.role }) : null,
				s.side ? h('span', { class: 'badge', text: s.side }) : null, ' ',
				s.met === undefined ? null : h('span', { class: 'badge ' + (s.met ? 'done' : 'warn'), 'data-testid': 'met', text: s.met ? 'met' : 'not met' }), ' ',
				s.stance !== undefined ? stanceSelect(s) : null));
		});
		people.hidden = !(plan.stakeholders || []).length;
		$('no-stakeholders').hidden = !people.hidden;

		var risks = $('risks');
		clear(risks);
		(plan.risks || []).forEach(function (r) {
			risks.appendChild(h('li', { 'data-testid': 'risk', 'data-id': r.id },
				h('span', { class: 'badge warn', text: riskLabel(r.category) }), ' ', r.text || ''));
		});
		risks.hidden = !(plan.risks || []).length;
		$('no-risks').hidden = !risks.hidden;
	}

	function loadPlan() {
		return api('GET', dealApi(deal.name, 'plan')).then(renderPlan);
	}

	/* ----- calls ----- */

	function loadCalls() {
		if (!deal.features.calls)
			return Promise.resolve();
		return api('GET', dealApi(deal.name, 'calls')).then(function (d) {
			var ul = $('calls');
			var calls = d.calls || [];
			clear(ul);
			calls.forEach(function (c) {
				var label = c.label || ('call ' + c.id);
				var rm = h('button', { type: 'button', class: 'danger', 'data-testid': 'call-remove', 'aria-label': 'Remove call: ' + label, text: 'Remove' });
				var li = h('li', { 'data-testid': 'call', 'data-id': c.id, class: 'call' },
					h('div', null, h('strong', { 'data-testid': 'call-label', text: label }),
						h('div', { class: 'muted small', text: (c.start ? 'held ' + when(c.start) + ' · ' : '') +
							'ingested ' + when(c.ingested_at) + ' · ' + plural(c.proposals_pending || 0, 'proposal', 'proposals') + ' pending' })),
					h('div', { class: 'actions' }, rm));
				rm.addEventListener('click', function () {
					if (li.querySelector('[data-testid="call-remove-yes"]'))
						return;
					var yes = h('button', { type: 'button', class: 'danger-solid', 'data-testid': 'call-remove-yes',
						'aria-label': 'Yes, remove call ' + label, text: 'Yes, remove it' });
					var no = h('button', { type: 'button', 'data-testid': 'call-remove-no', 'aria-label': 'Keep call ' + label, text: 'Keep it' });
					var box = h('div', { class: 'confirm', role: 'group', 'aria-label': 'Remove call ' + label },
						h('p', { text: 'Remove ' + label + ' and its ' + plural(c.proposals_pending || 0, 'pending proposal', 'pending proposals') +
							'? What was approved from it stays on the plan.' }), h('div', { class: 'actions' }, yes, no));
					li.appendChild(box);
					yes.focus();
					no.addEventListener('click', function () { li.removeChild(box); rm.focus(); });
					yes.addEventListener('click', function () {
						yes.disabled = true;
						api('DELETE', '/api/calls/' + encodeURIComponent(c.id)).then(function () {
							notice('Removed the call ' + label + '.', false);
							return Promise.all([loadProposals(), refresh()]);
						}, function (e) {
							yes.disabled = false;
							flash('Not removed: ' + e.message);
						});
					});
				});
				ul.appendChild(li);
			});
			ul.hidden = !calls.length;
			$('no-calls').hidden = !!calls.length;
		});
	}

	/* ----- the CRMs: the deal's record, the last push and pull, each item's task ----- */

	var CRMS = [['salesforce', 'Salesforce'], ['hubspot', 'HubSpot']];

	/* An address from the server that a link may take: http(s) only. */
	function webAddress(u) {
		return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null;
	}

	/* "2 created, 1 updated, ..." of a run or a recorded run (the counts that are not zero). */
	function runCounts(r) {
		var parts = [];
		['created', 'updated', 'unchanged', 'proposed', 'deleted', 'errors'].forEach(function (k) {
			if (r[k])
				parts.push(r[k] + ' ' + (k === 'errors' && r[k] === 1 ? 'error' : k));
		});
		return parts.length ? parts.join(', ') : 'nothing to do';
	}

	/* The last push or pull as one line: when, how it ended, what it did. */
	function runLine(r) {
		if (!r)
			return 'never';
		var at = r.finished_at || r.started_at;
		return when(at) + ' · ' + (r.result || 'running') + ' · ' + runCounts(r) + (r.message ? ' · ' + r.message : '');
	}

	/* The link form: by id, or (empty) the record named like the deal. */
	function crmLinkForm(crm, title, busy) {
		var input = h('input', { type: 'text', name: 'id', 'data-testid': 'crm-link-id', autocomplete: 'off',
			'aria-label': title + ' record id (empty: find the record named like the deal)',
			placeholder: crm === 'salesforce' ? '006… (empty: find by the deal\'s name)' : 'deal id (empty: find by the deal\'s name)' });
		var form = h('form', { class: 'inline-form', 'data-testid': 'crm-link-form' },
			h('label', null, 'Link to the ' + title + ' record ', input),
			h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'crm-link', disabled: busy, text: 'Link' })));
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var id = input.value.trim();
			crmAct(crm, 'link', 'Linking…', { id: id || null });
		});
		return form;
	}

	function crmPanel(crm, title, c) {
		var busy = deal.crmBusy[crm] || '';   /* 'push', 'pull', 'link' or '' */
		var url = webAddress(c.url);
		var record = c.linked
			? h('p', { 'data-testid': 'crm-record' }, 'Linked to ',
				url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'crm-record-link', text: c.remote_id })
					: h('span', { 'data-testid': 'crm-record-id', text: c.remote_id }), ' ',
				h('button', { type: 'button', class: 'link', 'data-testid': 'crm-unlink', disabled: !!busy, text: 'unlink' }))
			: h('p', { class: 'muted', 'data-testid': 'crm-record', text: 'Not linked to a ' + title + ' record.' });
		var push = h('button', { type: 'button', class: 'primary', 'data-testid': 'crm-push', disabled: !!busy || !c.linked,
			'aria-label': 'Push the plan to ' + title, text: busy === 'push' ? 'Pushing…' : 'Push' });
		var pull = h('button', { type: 'button', 'data-testid': 'crm-pull', disabled: !!busy || !c.linked,
			'aria-label': 'Pull the changes from ' + title, text: busy === 'pull' ? 'Pulling…' : 'Pull' });
		var res = deal.crmResult[crm] || {};
		var panel = h('section', { class: 'panel crm-panel', 'data-testid': 'crm-panel', 'data-crm': crm, 'aria-label': title },
			h('h3', { text: title }), record,
			c.linked ? null : crmLinkForm(crm, title, !!busy),
			h('dl', null,
				h('dt', { text: 'Last push' }), h('dd', { 'data-testid': 'crm-last-push', text: runLine(c.last_push) }),
				h('dt', { text: 'Last pull' }), h('dd', { 'data-testid': 'crm-last-pull', text: runLine(c.last_pull) })),
			h('div', { class: 'actions' }, push, pull),
			h('p', { class: res.error ? 'error' : 'muted', 'data-testid': 'crm-result', role: 'status', 'aria-live': 'polite',
				hidden: !res.text, text: res.text || '' }),
			res.lines && res.lines.length ? h('ul', { class: 'crm-lines', 'data-testid': 'crm-lines' }, res.lines.map(function (l) {
				return h('li', { text: (l.item ? '#' + l.item + ' ' : '') + l.what + (l.detail ? ': ' + l.detail : '') });
			})) : null);
		push.addEventListener('click', function () { crmAct(crm, 'push', 'Pushing the plan to ' + title + '…'); });
		pull.addEventListener('click', function () { crmAct(crm, 'pull', 'Pulling the changes from ' + title + '…'); });
		var unlink = panel.querySelector('[data-testid="crm-unlink"]');
		if (unlink)
			unlink.addEventListener('click', function () { crmAct(crm, 'link', 'Unlinking…', { off: true }); });
		return panel;
	}

	function renderCrm() {
		var box = $('crm-panels');
		clear(box);
		CRMS.forEach(function (x) {
			if (deal.crm && deal.crm[x[0]])
				box.appendChild(crmPanel(x[0], x[1], deal.crm[x[0]]));
		});
		paintCrmLinks();
	}

	/* What a push or pull did, in a line; its failed items and the items it proposed below. */
	function crmDone(crm, what, r) {
		var title = CRMS.filter(function (x) { return x[0] === crm; })[0][1];
		var lines = (r.lines || []).filter(function (l) { return l.what === 'error' || /^proposed|deleted|edited/.test(l.what || ''); });
		deal.crmResult[crm] = {
			text: (what === 'push' ? 'Pushed to ' : 'Pulled from ') + title + ': ' + runCounts(r) + '.',
			error: r.errors > 0,
			lines: lines.slice(0, 20)
		};
	}

	/* POST .../crm/CRM/link|push|pull, the panel busy meanwhile; then the panels again (and the
	 * proposals after a pull). */
	function crmAct(crm, what, busyText, body) {
		deal.crmBusy[crm] = what;
		deal.crmResult[crm] = { text: busyText };
		renderCrm();
		var after = what === 'pull' ? loadProposals : function () { return null; };
		return api('POST', dealApi(deal.name, 'crm/' + crm + '/' + what), body || {}).then(function (r) {
			if (what === 'link')
				deal.crmResult[crm] = { text: r[crm] && r[crm].linked ? 'Linked to ' + r[crm].remote_id + '.' : 'Unlinked.' };
			else
				crmDone(crm, what, r);
			return after();
		}, function (e) {
			deal.crmResult[crm] = { text: (what === 'link' ? 'Not linked: ' : what === 'push' ? 'Not pushed: ' : 'Not pulled: ') + e.message, error: true };
		}).then(function () {
			delete deal.crmBusy[crm];
			return loadCrm();
		});
	}

	/* Each plan item's task in the CRMs, as a small link beside its action. */
	function paintCrmLinks() {
		var tasks = {};
		CRMS.forEach(function (x) {
			var c = deal.crm && deal.crm[x[0]];
			((c && c.items) || []).forEach(function (t) {
				(tasks[t.item] = tasks[t.item] || []).push({ title: x[1], crm: x[0], t: t });
			});
		});
		document.querySelectorAll('tr[data-testid="plan-item"]').forEach(function (tr) {
			var cell = tr.querySelector('td[data-testid="action"]');
			if (!cell)
				return;
			cell.querySelectorAll('.crm-task').forEach(function (e) { e.parentNode.removeChild(e); });
			(tasks[tr.getAttribute('data-id')] || []).forEach(function (x) {
				var url = webAddress(x.t.url);
				if (x.t.state === 'deleted')
					cell.appendChild(h('span', { class: 'badge warn crm-task', 'data-testid': 'crm-task-deleted', 'data-crm': x.crm,
						text: 'deleted in ' + x.title }));
				else if (url)
					cell.appendChild(h('a', { class: 'crm-task', href: url, target: '_blank', rel: 'noopener noreferrer',
						'data-testid': 'crm-task-link', 'data-crm': x.crm, title: x.title + ' task ' + (x.t.remote_id || ''),
						text: x.title + ' task' }));
			});
		});
	}

	/* GET .../crm; a server without it (an older one) hides the section. */
	function loadCrm() {
		return api('GET', dealApi(deal.name, 'crm')).then(function (d) {
			deal.crm = d;
			$('crm-section').hidden = false;
			renderCrm();
		}, function (e) {
			if (e.status === 404 && /no such endpoint/.test(e.message)) {
				$('crm-section').hidden = true;
				return;
			}
			flash('The CRM links could not be loaded: ' + e.message);
		});
	}

	/* ----- the deal itself: rename, remove ----- */

	function dealTools() {
		var rename = $('rename-form'), remove = $('remove-confirm');
		var ro = $('rename-open'), rmo = $('remove-open');
		ro.hidden = rmo.hidden = !deal.features.decisions;
		ro.addEventListener('click', function () {
			rename.hidden = !rename.hidden;
			ro.setAttribute('aria-expanded', String(!rename.hidden));
			$('rename-name').value = deal.name;
			if (!rename.hidden)
				$('rename-name').focus();
		});
		$('rename-cancel').addEventListener('click', function () {
			rename.hidden = true;
			ro.setAttribute('aria-expanded', 'false');
		});
		rename.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var to = $('rename-name').value.trim();
			if (!to || to === deal.name) {
				showError($('rename-error'), to ? 'That is its name already.' : 'Give the new name.');
				return;
			}
			api('POST', dealApi(deal.name, 'rename'), { name: to }).then(function () {
				window.location.assign(dealUrl(to));
			}, function (e) {
				showError($('rename-error'), 'Not renamed: ' + e.message);
			});
		});
		rmo.addEventListener('click', function () {
			remove.hidden = !remove.hidden;
			rmo.setAttribute('aria-expanded', String(!remove.hidden));
			$('remove-text').textContent = 'Remove the deal ' + deal.name + ' with its plan, its calls and every proposal? ' +
				'This cannot be undone.';
			$('remove-yes').setAttribute('aria-label', 'Yes, remove the deal ' + deal.name);
			if (!remove.hidden)
				$('remove-yes').focus();
		});
		$('remove-cancel').addEventListener('click', function () {
			remove.hidden = true;
			rmo.setAttribute('aria-expanded', 'false');
		});
		$('remove-yes').addEventListener('click', function () {
			$('remove-yes').disabled = true;
			api('DELETE', '/api/deals/' + encodeURIComponent(deal.name)).then(function () {
				window.location.assign('/');
			}, function (e) {
				$('remove-yes').disabled = false;
				showError($('remove-error'), 'Not removed: ' + e.message);
			});
		});
	}

	/* ----- keys ----- */

	function toggleKeys(show) {
		var k = $('keys-help');
		k.hidden = show === undefined ? !k.hidden : !show;
		$('keys-open').setAttribute('aria-expanded', String(!k.hidden));
	}

	function onKey(ev) {
		var t = ev.target;
		if (ev.ctrlKey || ev.metaKey || ev.altKey)
			return;
		if (ev.key === 'Escape') {
			var card = t.closest && t.closest('[data-testid="proposal"]');
			if (card && card.querySelector('form')) {
				var p = deal.proposals.filter(function (x) { return String(x.id) === card.getAttribute('data-id'); })[0];
				if (p) {
					if (card.querySelector('[data-testid="editor"]'))
						draftDrop('proposal', p.id);
					fillCard(card, p, '');
					card.focus();
				}
			} else {
				toggleKeys(false);
			}
			return;
		}
		if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable))
			return;
		var n = deal.proposals.length;
		var cur = deal.proposals[deal.current];
		var c = cur && cardOf(cur);
		switch (ev.key) {
		case 'j':
		case 'k':
			if (!n)
				return;
			deal.current = deal.current < 0 ? 0 : Math.max(0, Math.min(n - 1, deal.current + (ev.key === 'j' ? 1 : -1)));
			focusCard(true);
			break;
		case 'a':
		case 'r':
		case 'e':
			if (!c)
				return;
			var b = c.querySelector('[data-testid="' + { a: 'approve', r: 'reject', e: 'edit' }[ev.key] + '"]');
			if (b && !b.disabled)
				b.click();
			break;
		case 'u':
			undoLast();
			break;
		case '?':
			toggleKeys();
			break;
		default:
			return;
		}
		ev.preventDefault();
	}

	/* The plan, the last decision and the calls again (after any change). */
	function refresh() {
		return Promise.all([loadPlan(), loadLastDecision(), loadCalls()]);
	}

	/* Which of the hand-editing calls this server has: asked once, with reads. */
	function probe() {
		var has = function (path) {
			return api('GET', path).then(function () { return true; }, function (e) {
				return !(e.status === 404 && /no such endpoint/.test(e.message));
			});
		};
		return Promise.all([has('/api/decisions?deal=' + encodeURIComponent(deal.name) + '&limit=1'),
			has(dealApi(deal.name, 'calls'))]).then(function (r) {
			deal.features.decisions = r[0];
			deal.features.calls = r[1];
			$('calls-section').hidden = !r[1];
		});
	}

	function pageDeal() {
		var name = new URLSearchParams(window.location.search).get('name');
		if (!name) {
			$('missing').textContent = 'No deal is named in the address: open one from the list of deals.';
			$('missing').hidden = false;
			return Promise.resolve();
		}
		deal.name = name;
		document.title = name + ' · mapkeeper';
		$('deal-title').textContent = name;
		return loadPlan().then(function () {
			$('deal-body').hidden = false;
			loadParties().catch(function () { /* the names of the parties are a nicety */ });
			$('approve-all').addEventListener('click', function () { bulk(true); });
			$('reject-all').addEventListener('click', function () { bulk(false); });
			$('bulk-confirm').addEventListener('submit', bulkRun);
			$('bulk-cancel').addEventListener('click', function () { $('bulk-confirm').hidden = true; });
			$('keys-open').addEventListener('click', function () { toggleKeys(); });
			document.addEventListener('keydown', onKey);
			return probe().then(function () {
				dealTools();
				addItemForm();
				planForms();
				return Promise.all([loadProposals(), refresh(), loadCrm()]);
			});
		}, function (e) {
			if (e.status !== 404)
				throw e;
			$('proposals-loading').hidden = true;
			document.title = 'No such deal · mapkeeper';
			$('deal-title').textContent = 'No such deal';
			$('missing').textContent = 'No deal named ' + name + '. Open one from the list of deals.';
			$('missing').hidden = false;
		});
	}

	function loadParties() {
		return api('GET', '/api/deals').then(function (d) {
			var me = (d.deals || []).filter(function (x) { return x.name === deal.name; })[0];
			if (!me)
				return;
			var bits = [];
			if (me.sellers)
				bits.push('Sellers: ' + me.sellers + (me.seller_org ? ' (' + me.seller_org + ')' : ''));
			if (me.buyer_org)
				bits.push('Buyer: ' + me.buyer_org);
			$('deal-parties').textContent = bits.join(' · ');
		});
	}

	/* ---------- search ---------- */

	var ITEM_KEYS = ['deal', 'owner', 'side', 'status', 'due_from', 'due_to', 'text', 'overdue', 'slipped',
		'no_next_meeting', 'past_go_live'];
	var SAID_KEYS = ['said', 'said_deal', 'speaker'];

	/* The form's non-empty values as [name, value] pairs. */
	function formPairs(form, keys) {
		var out = [];
		keys.forEach(function (k) {
			var f = form.elements[k];
			if (!f)
				return;
			if (f.type === 'checkbox') {
				if (f.checked)
					out.push([k, '1']);
			} else if (f.value.trim()) {
				out.push([k, f.value.trim()]);
			}
		});
		return out;
	}

	function fillForm(form, keys, params) {
		keys.forEach(function (k) {
			var f = form.elements[k];
			if (!f)
				return;
			if (f.type === 'checkbox')
				f.checked = params.get(k) === '1';
			else
				f.value = params.get(k) || '';
		});
	}

	function hasAny(params, keys) {
		return keys.some(function (k) { return params.has(k) && params.get(k) !== ''; });
	}

	/* Puts a form's state in the address (keeping the other form's), so it can be bookmarked. */
	function remember(keys, pairs) {
		var params = new URLSearchParams(window.location.search);
		keys.forEach(function (k) { params.delete(k); });
		pairs.forEach(function (p) { params.set(p[0], p[1]); });
		var qs = params.toString();
		window.history.pushState(null, '', '/search' + (qs ? '?' + qs : ''));
	}

	function note(id, text) {
		var n = $(id);
		n.textContent = text;
		n.hidden = !text;
	}

	function runItems(pairs) {
		var q = new URLSearchParams();
		pairs.forEach(function (p) { q.set(p[0], p[1]); });
		note('items-note', 'Searching…');
		return api('GET', '/api/query?' + q.toString()).then(function (d) {
			var items = d.items || [];
			var table = $('items-results');
			var body = table.querySelector('tbody');
			clear(body);
			items.forEach(function (it) {
				var overdue = isOverdue(it);
				body.appendChild(h('tr', { 'data-testid': 'result-item', 'data-id': it.id, class: overdue ? 'overdue' : null },
					h('td', { class: 'nowrap' }, h('a', { href: dealUrl(it.deal), 'data-testid': 'deal-link', text: it.deal })),
					h('td', { 'data-testid': 'action', text: it.action }),
					h('td', { class: 'nowrap', 'data-testid': 'owner', text: it.owner || '–' }),
					h('td', { 'data-testid': 'side', text: it.side }),
					h('td', { class: 'due nowrap' },
						h('span', { 'data-testid': 'due', text: it.due || '–' }),
						overdue ? h('span', { class: 'badge overdue', text: 'overdue' }) : null,
						it.slipped ? h('span', { class: 'badge slipped', 'data-testid': 'slipped', text: 'slipped' }) : null),
					h('td', null, statusBadge(it.status))));
			});
			table.hidden = items.length === 0;
			note('items-note', items.length ? plural(items.length, 'item', 'items') + ' shown' +
				(d.more ? ', ' + d.more + ' more match (narrow the search).' : '.') : 'No plan items match.');
		}, function (e) {
			note('items-note', 'The search failed: ' + e.message);
		});
	}

	function runSaid(pairs) {
		var q = new URLSearchParams();
		pairs.forEach(function (p) {
			var k = p[0] === 'said_deal' ? 'deal' : p[0] === 'speaker' ? 'owner' : p[0];
			q.set(k, p[1]);
		});
		if (!q.get('said'))
			return Promise.resolve();
		note('said-note', 'Searching…');
		return api('GET', '/api/query?' + q.toString()).then(function (d) {
			var lines = d.said || [];
			var table = $('said-results');
			var body = table.querySelector('tbody');
			clear(body);
			lines.forEach(function (s) {
				body.appendChild(h('tr', { 'data-testid': 'said-line' },
					h('td', { class: 'nowrap' }, h('a', { href: dealUrl(s.deal), 'data-testid': 'deal-link', text: s.deal })),
					h('td', { 'data-testid': 'meeting', text: s.meeting || '' }),
					h('td', { class: 'nowrap', 'data-testid': 'time', text: hms(s.start) }),
					h('td', { class: 'nowrap', 'data-testid': 'speaker', text: s.speaker || '' }),
					h('td', { 'data-testid': 'text', text: s.text || '' })));
			});
			table.hidden = lines.length === 0;
			note('said-note', lines.length ? plural(lines.length, 'line', 'lines') + ' found' +
				(lines.length >= 50 ? ' (the first 50).' : '.') : 'Nobody said that on a call we have.');
		}, function (e) {
			note('said-note', 'The search failed: ' + e.message);
		});
	}

	function runFromAddress() {
		var params = new URLSearchParams(window.location.search);
		var items = $('items-form'), said = $('said-form');
		fillForm(items, ITEM_KEYS, params);
		fillForm(said, SAID_KEYS, params);
		var work = [];
		if (hasAny(params, ITEM_KEYS))
			work.push(runItems(formPairs(items, ITEM_KEYS)));
		if (hasAny(params, ['said']))
			work.push(runSaid(formPairs(said, SAID_KEYS)));
		return Promise.all(work);
	}

	function pageSearch() {
		var items = $('items-form'), said = $('said-form');
		items.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var pairs = formPairs(items, ITEM_KEYS);
			remember(ITEM_KEYS, pairs);
			runItems(pairs);
		});
		said.addEventListener('submit', function (ev) {
			ev.preventDefault();
			var pairs = formPairs(said, SAID_KEYS);
			remember(SAID_KEYS, pairs);
			runSaid(pairs);
		});
		window.addEventListener('popstate', function () { runFromAddress(); });
		api('GET', '/api/deals').then(function (d) {
			var list = $('deal-names');
			(d.deals || []).forEach(function (x) { list.appendChild(h('option', { value: x.name })); });
		}).catch(function () { /* suggestions only */ });
		return runFromAddress();
	}

	/* ---------- start ---------- */

	var PAGES = { deals: pageDeals, deal: pageDeal, search: pageSearch };

	function start() {
		var run = PAGES[document.body.getAttribute('data-page')];
		session().then(function () {
			return run ? run() : null;
		}).catch(function (e) {
			if (e && e.status === 401)
				return;
			flash(e && e.status >= 400 && e.status < 500 ? e.message :
				'Something went wrong: ' + (e && e.message ? e.message : e));
			var l = $('loading');
			if (l)
				l.hidden = true;
		});
	}

	if (document.readyState === 'loading')
		document.addEventListener('DOMContentLoaded', start);
	else
		start();
})();
