// share.js: the buyer's read-only plan page (share.html). Reads the plan of this link
// (/share/TOKEN/api/plan), shows it by phase, and sends an acknowledgement of the plan as it
// stands and comments on a step. Everything shown is set as text, never as HTML. The page
// knows the plan's version: agreeing to a plan that changed meanwhile is refused by the
// server (409), and the page then says so and shows the plan as it is now.
'use strict';

(function () {
	const token = location.pathname.split('/')[2] || '';
	const api = `/share/${encodeURIComponent(token)}/api/`;
	const $ = (id) => document.getElementById(id);
	let plan = null;
	let lastName = '';

	function el(tag, attrs, ...kids) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {})) {
			if (k === 'class') e.className = v;
			else if (k.startsWith('data-')) e.setAttribute(k, v);
			else e[k] = v;
		}
		for (const k of kids) if (k != null) e.append(k);
		return e;
	}

	function flash(msg, ok) {
		const f = $('flash');
		f.textContent = msg;
		f.className = ok ? 'flash ok' : 'flash';
		f.hidden = !msg;
	}

	async function call(path, body) {
		const init = body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {};
		const r = await fetch(api + path, init);
		let data = {};
		try {
			data = await r.json();
		} catch (e) {
			data = { error: `the server answered ${r.status}` };
		}
		return { status: r.status, data };
	}

	function dueText(it) {
		return it.due ? `due ${it.due}` : 'no date yet';
	}

	function commentForm(item) {
		const name = el('input', { type: 'text', maxLength: 200, required: true, autocomplete: 'name', value: lastName, 'data-testid': 'comment-name' });
		const text = el('textarea', { required: true, maxLength: 4000, 'data-testid': 'comment-text' });
		const sent = el('p', { class: 'sent', 'data-testid': 'comment-sent', hidden: true });
		const form = el('form', { 'data-testid': 'comment-form' },
			el('label', {}, 'Your name', name),
			el('label', {}, 'Your comment', text),
			el('button', { type: 'submit', 'data-testid': 'comment-submit' }, 'Send the comment'), sent);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			lastName = name.value;
			const r = await call('comment', { item, name: name.value, text: text.value, version: plan.version });
			if (r.status === 200) {
				text.value = '';
				sent.textContent = 'Sent. Thank you: the team will see it.';
				sent.hidden = false;
				flash('', true);
			} else {
				flash(r.data.error || `the comment was not sent (${r.status})`);
			}
		});
		return form;
	}

	function itemRow(it) {
		const words = [it.owner ? `${it.owner}` : 'nobody named yet', `(${it.side})`, dueText(it)].join(' · ');
		return el('div', { class: 'item', 'data-testid': 'item', 'data-id': String(it.id) },
			el('div', { class: 'what' }, it.action, ' ', el('span', { class: `status ${it.status}`, 'data-testid': 'status' }, it.status)),
			el('div', { class: 'meta' }, words),
			el('details', {}, el('summary', { 'data-testid': 'comment-open' }, 'Comment on this step'), commentForm(it.id)));
	}

	function renderItems(p) {
		const box = $('phases');
		box.replaceChildren();
		const phases = [];
		for (const it of p.items) {
			let ph = phases.find((x) => x.name === it.phase);
			if (!ph) phases.push((ph = { name: it.phase, title: it.phase_title, items: [] }));
			ph.items.push(it);
		}
		for (const ph of phases)
			box.append(el('div', { class: 'phase', 'data-phase': ph.name }, el('h3', {}, ph.title), ...ph.items.map(itemRow)));
		if (!p.items.length) box.append(el('p', { class: 'muted' }, 'No steps on the plan yet.'));
		$('steps').hidden = false;
	}

	function renderFacts(p) {
		$('goal').textContent = p.goal || 'not set yet';
		$('go-live').textContent = p.go_live ? `${p.go_live.date}${p.go_live.kind === 'signed' ? ' (signed)' : ''}` : 'not set yet';
		const nm = p.next_meeting;
		$('next-meeting').textContent = nm ? [nm.date, nm.time, nm.who && `with ${nm.who}`, nm.purpose].filter(Boolean).join(' · ') : 'not set yet';
		$('criteria').replaceChildren(...p.criteria.map((c) => el('li', {}, c.text)));
		$('criteria-box').hidden = !p.criteria.length;
		$('overview').hidden = false;
	}

	function renderLists(p) {
		$('people').replaceChildren(...p.people.map((x) => el('li', {}, [x.name, x.role].filter(Boolean).join(', '), ` (${x.side})`)));
		$('deps').replaceChildren(...p.dependencies.map((x) => el('li', {}, `${x.waiting} waits on ${x.on}`)));
		$('more').hidden = !p.people.length && !p.dependencies.length;
		$('risks').replaceChildren(...p.risks.map((r) => el('li', { 'data-testid': 'risk' }, el('strong', {}, r.category), ': ', r.text)));
		$('risks-box').hidden = !p.risks.length;
	}

	function renderAck(p) {
		$('ack-words').textContent = `We agree to this plan as of ${p.as_of}.`;
		$('acked').hidden = !p.acknowledged;
		if (p.acknowledged) $('acked').textContent = `Agreed by ${p.acknowledged.by} (${p.acknowledged.at}).`;
		$('agree').hidden = false;
		$('comment-all').hidden = false;
		const slot = document.querySelector('.comment-slot');
		slot.replaceChildren(commentForm(0));
	}

	async function load() {
		const r = await call('plan');
		if (r.status !== 200) {
			$('deal').textContent = 'This link does not open a plan';
			flash(r.data.error || `the server answered ${r.status}`);
			return false;
		}
		plan = r.data;
		document.title = `Mutual action plan · ${plan.deal}`;
		$('deal').textContent = plan.deal;
		$('as-of').textContent = `As of ${plan.as_of} (version ${plan.version})`;
		renderFacts(plan);
		renderItems(plan);
		renderLists(plan);
		renderAck(plan);
		return true;
	}

	$('ack-form').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const name = $('ack-name').value;
		lastName = name;
		const r = await call('ack', { name, version: plan.version });
		if (r.status === 200) {
			await load();
			flash(`Thank you, ${name.trim()}: your agreement to the plan as of ${plan.as_of} is recorded.`, true);
		} else if (r.status === 409) {
			await load();
			flash(`${r.data.error}. It is reloaded below: agree again if it is right.`);
		} else {
			flash(r.data.error || `the agreement was not recorded (${r.status})`);
		}
	});

	load();
})();
