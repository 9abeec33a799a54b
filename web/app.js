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

	function toLogin() {
		if (!leaving) {
			leaving = true;
			window.location.assign('/login');
		}
	}

	/* api('GET', path) or api('POST'|'PATCH', path, body): the parsed JSON answer, or an
	 * ApiError with the server's {"error": ...} message. */
	function api(method, path, body) {
		var opts = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
		if (method !== 'GET') {
			opts.headers['Content-Type'] = 'application/json';
			opts.headers['X-CSRF-Token'] = csrf;
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

	function numCell(field, value, warn, title) {
		return h('td', { class: 'num' + (warn ? ' warn' : ''), 'data-field': field, title: title }, value);
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

	function dealRow(d) {
		var hl = d.health || null;
		var n = function (k) { return hl && typeof hl[k] === 'number' ? hl[k] : null; };
		var show = function (v) { return v === null ? '–' : String(v); };
		var days = hl ? hl.days_since_change : null;
		var stale = typeof days === 'number' && days > 14;
		var overdue = n('overdue'), slipped = n('slipped');
		var last = h('td', { class: 'num' + (stale ? ' warn' : ''), 'data-field': 'days_since_change' },
			changedText(days), stale ? h('span', { class: 'badge warn', text: 'stale' }) : null);
		var warn = (overdue || 0) > 0 || (slipped || 0) > 0 || stale;
		return h('tr', { 'data-testid': 'deal-row', 'data-name': d.name, class: warn ? 'needs-attention' : null },
			h('td', null,
				h('a', { href: dealUrl(d.name), class: 'deal-name', 'data-testid': 'deal-link', text: d.name }),
				d.sellers ? h('div', { class: 'muted', text: 'sellers: ' + d.sellers }) : null),
			h('td', { text: d.buyer_org || '–' }),
			numCell('open_items', show(n('open_items'))),
			numCell('buyer_items', hl ? n('buyer_items') + ' of ' + n('items') : '–', false, 'buyer items of all items'),
			numCell('overdue', show(overdue), overdue > 0, overdue > 0 ? 'open items past their due date' : null),
			numCell('slipped', show(slipped), slipped > 0, slipped > 0 ? 'items whose due date moved later' : null),
			numCell('stakeholders', hl ? n('stakeholders_met') + ' of ' + n('stakeholders_named') : '–', false,
				'met on a call, of named'),
			numCell('open_risks', show(n('open_risks'))),
			last);
	}

	function pageDeals() {
		return api('GET', '/api/deals').then(function (d) {
			var body = $('deal-rows');
			var deals = d.deals || [];
			clear(body);
			deals.forEach(function (x) { body.appendChild(dealRow(x)); });
			$('loading').hidden = true;
			$('deals').hidden = deals.length === 0;
			$('no-deals').hidden = deals.length !== 0;
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
		add_risk: ['New risk', 'risk']
	};

	function kindLabel(k) {
		return KINDS[k] ? KINDS[k][0] : String(k).replace(/_/g, ' ');
	}

	function riskLabel(c) {
		return c ? String(c).replace(/_/g, ' ') : 'risk';
	}

	var deal = {
		name: '',
		proposals: [],
		open: {} /* plan item ids whose history is shown */
	};

	function setCount() {
		var c = $('pending-count');
		var n = deal.proposals.length;
		c.textContent = String(n);
		c.className = 'count' + (n ? '' : ' zero');
		$('no-proposals').hidden = n !== 0;
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

	function editable(p) {
		return p.kind === 'add_item' || p.kind === 'update_due';
	}

	/* Fills a proposal card; edit is true while its inline editor is open. */
	function fillCard(card, p, edit, note) {
		var kind = KINDS[p.kind] ? KINDS[p.kind][1] : '';
		var what, facts;
		clear(card);
		card.className = 'card';
		if (p.kind === 'add_stakeholder') {
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
		if (note)
			add(card, h('p', { class: 'muted', 'data-testid': 'note', text: note }));
		var err = h('p', { class: 'error', 'data-testid': 'card-error', role: 'alert', hidden: true });
		if (edit)
			add(card, editor(card, p, err));
		else
			add(card, h('div', { class: 'actions' },
				h('button', { type: 'button', class: 'approve', 'data-testid': 'approve', text: 'Approve' }),
				h('button', { type: 'button', class: 'reject', 'data-testid': 'reject', text: 'Reject' }),
				editable(p) ? h('button', { type: 'button', 'data-testid': 'edit', text: 'Edit' }) : null));
		add(card, err);
		if (!edit) {
			card.querySelector('[data-testid="approve"]').addEventListener('click', function () { decide(card, p, 'approve', err); });
			card.querySelector('[data-testid="reject"]').addEventListener('click', function () { decide(card, p, 'reject', err); });
			var e = card.querySelector('[data-testid="edit"]');
			if (e)
				e.addEventListener('click', function () {
					fillCard(card, p, true);
					var first = card.querySelector('input');
					if (first)
						first.focus();
				});
		}
	}

	function editor(card, p, err) {
		var owner = h('input', { type: 'text', name: 'owner', 'data-testid': 'edit-owner', autocomplete: 'off' });
		var due = h('input', { type: 'date', name: 'due', 'data-testid': 'edit-due' });
		var action = h('input', { type: 'text', name: 'action', 'data-testid': 'edit-action', autocomplete: 'off' });
		owner.value = p.owner || '';
		due.value = p.due || '';
		action.value = p.action || '';
		var save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save', text: 'Save' });
		var cancel = h('button', { type: 'button', 'data-testid': 'cancel', text: 'Cancel' });
		var form = h('form', { class: 'editor', 'data-testid': 'editor' },
			h('label', null, 'Owner', owner),
			h('label', null, 'Due', due),
			h('label', { class: 'wide' }, 'Action', action),
			h('div', { class: 'actions' }, save, cancel));
		cancel.addEventListener('click', function () { fillCard(card, p, false); });
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			err.hidden = true;
			var change = {};
			var o = owner.value.trim(), a = action.value.trim(), d = due.value;
			if (o !== (p.owner || ''))
				change.owner = o;
			if (d !== (p.due || ''))
				change.due = d || null;
			if (a !== (p.action || '')) {
				if (!a) {
					err.textContent = 'The action cannot be empty.';
					err.hidden = false;
					return;
				}
				change.action = a;
			}
			if (!Object.keys(change).length) {
				fillCard(card, p, false);
				return;
			}
			save.disabled = cancel.disabled = true;
			api('PATCH', '/api/proposals/' + encodeURIComponent(p.id), change).then(function (np) {
				replaceProposal(np);
				fillCard(card, np, false, 'Edited: still pending until you approve it.');
			}, function (e) {
				save.disabled = cancel.disabled = false;
				err.textContent = 'Not saved: ' + e.message;
				err.hidden = false;
			});
		});
		return form;
	}

	function replaceProposal(np) {
		deal.proposals = deal.proposals.map(function (x) { return x.id === np.id ? np : x; });
	}

	function decide(card, p, what, err) {
		var buttons = card.querySelectorAll('button');
		buttons.forEach(function (b) { b.disabled = true; });
		card.classList.add('busy');
		err.hidden = true;
		api('POST', '/api/proposals/' + encodeURIComponent(p.id) + '/' + what, {}).then(function () {
			removeCard(card, p);
			return loadPlan();
		}, function (e) {
			if (e.status === 409 || e.status === 404) {
				/* decided elsewhere meanwhile: it is no longer pending either way */
				removeCard(card, p);
				flash('Proposal ' + p.id + ' was already decided: ' + e.message);
				return loadPlan();
			}
			buttons.forEach(function (b) { b.disabled = false; });
			card.classList.remove('busy');
			err.textContent = (what === 'approve' ? 'Not approved: ' : 'Not rejected: ') + e.message;
			err.hidden = false;
		}).catch(function (e) {
			flash('Could not reload the plan: ' + e.message);
		});
	}

	function removeCard(card, p) {
		deal.proposals = deal.proposals.filter(function (x) { return x.id !== p.id; });
		if (card.parentNode)
			card.parentNode.removeChild(card);
		setCount();
	}

	function loadProposals() {
		return api('GET', dealApi(deal.name, 'proposals')).then(function (d) {
			var box = $('proposals');
			deal.proposals = d.proposals || [];
			clear(box);
			deal.proposals.forEach(function (p) {
				var card = h('article', { class: 'card', 'data-testid': 'proposal', 'data-id': p.id, 'data-kind': p.kind });
				fillCard(card, p, false);
				box.appendChild(card);
			});
			$('proposals-loading').hidden = true;
			setCount();
		});
	}

	function statusBadge(s) {
		return h('span', { class: 'badge ' + s, 'data-testid': 'status', text: s });
	}

	function planRow(it) {
		var overdue = isOverdue(it);
		var btn = h('button', { type: 'button', class: 'link', 'data-testid': 'history', 'aria-expanded': 'false',
			text: 'history' });
		var tr = h('tr', { 'data-testid': 'plan-item', 'data-id': it.id, class: 'clickable' + (overdue ? ' overdue' : '') },
			h('td', { 'data-testid': 'action', text: it.action }),
			h('td', { class: 'nowrap', 'data-testid': 'owner', text: it.owner || '–' }),
			h('td', { class: 'due nowrap' },
				h('span', { 'data-testid': 'due', text: it.due || '–' }),
				overdue ? h('span', { class: 'badge overdue', 'data-testid': 'overdue', text: 'overdue' }) : null,
				it.slipped ? h('span', { class: 'badge slipped', 'data-testid': 'slipped', title: 'its due date moved later', text: 'slipped' }) : null),
			h('td', null, statusBadge(it.status)),
			h('td', { class: 'num', 'data-testid': 'revisions', text: it.revisions }),
			h('td', { class: 'nowrap' }, btn));
		tr.addEventListener('click', function (ev) {
			if (ev.target.closest('a'))
				return;
			toggleHistory(tr, it.id, btn);
		});
		return tr;
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
		var cell = h('td', { colspan: 6 }, h('p', { class: 'muted', text: 'Loading history…' }));
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
		});
		table.hidden = items.length === 0;
	}

	function renderPlan(plan) {
		var items = plan.items || [];
		var buyer = items.filter(function (i) { return i.side === 'buyer'; });
		var seller = items.filter(function (i) { return i.side === 'seller'; });
		var other = items.filter(function (i) { return i.side !== 'buyer' && i.side !== 'seller'; });
		fillPlanTable($('buyer-items'), buyer);
		fillPlanTable($('seller-items'), seller);
		fillPlanTable($('other-items'), other);
		$('buyer-empty').hidden = buyer.length !== 0;
		$('seller-empty').hidden = seller.length !== 0;
		$('other-block').hidden = other.length === 0;

		var people = $('stakeholders');
		clear(people);
		(plan.stakeholders || []).forEach(function (s) {
			people.appendChild(h('li', { 'data-testid': 'stakeholder' },
				h('strong', { text: s.name || '(no name)' }),
				s.role ? h('span', { class: 'role', text: ', ' + s.role }) : null,
				s.side ? h('span', { class: 'badge', text: s.side }) : null));
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

	function pageDeal() {
		var name = new URLSearchParams(window.location.search).get('name');
		if (!name) {
			flash('No deal is named in the address: open one from the list of deals.');
			$('proposals-loading').hidden = true;
			return Promise.resolve();
		}
		deal.name = name;
		document.title = name + ' · mapkeeper';
		$('deal-title').textContent = name;
		return loadPlan().then(function () {
			loadParties().catch(function () { /* the names of the parties are a nicety */ });
			return loadProposals();
		}, function (e) {
			$('proposals-loading').hidden = true;
			throw e.status === 404 ? new ApiError('There is no deal named "' + name + '".', 404) : e;
		});
	}

	/* ---------- search ---------- */

	var ITEM_KEYS = ['deal', 'owner', 'side', 'status', 'due_from', 'due_to', 'text', 'overdue', 'slipped'];
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
