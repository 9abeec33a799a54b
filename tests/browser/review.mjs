// review.mjs: the review pages of `mapkeeper serve` in headless Chromium, as a person
// would use them: sign in, read the deals (pending counts, next step, sorting, a filter),
// review a deal's proposals (approve, edit then approve, reject with a reason, by keys,
// all at once with undo, the call's lines around a quote), edit the plan by hand (items,
// calls, rename and remove a deal), read an item's history, search, sign out. Also: the
// session cookie's flags, CSRF on writes, a quote holding <script> shown as text, an edit
// kept across the end of a session, accessible names (Chromium's accessibility tree), and
// the layout at 390 px and with a 3,000-letter deal name.
//
// Run by tests/cli/t91-browser.sh against a server it started on a database it made:
//   BASE_URL=http://127.0.0.1:PORT TOKEN=... [SCREENSHOTS=dir] node tests/browser/review.mjs
// Prints one TAP line per check ("ok - ..." / "not ok - ..."); exits non-zero only when
// the harness itself cannot run (no browser, no BASE_URL). With SCREENSHOTS set to a
// folder, saves login.png, deals.png, deal.png, search.png, deals-390.png and deal-390.png.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assert, check, eq, launch, newPage, oneLine, result } from './harness.mjs';

const BASE = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.TOKEN || '';
const SHOTS = process.env.SCREENSHOTS || '';
const STEP_MS = 10000; // one wait: a click, a navigation, an element showing up
const XSS_DEAL = process.env.XSS_DEAL || 'Acme & Co <b>x</b>';
const LONG_DEAL = process.env.LONG_DEAL || 'L'.repeat(3000);
const SPARE_DEAL = process.env.SPARE_DEAL || 'Initech';

if (!BASE || !TOKEN) {
	console.log('not ok - harness: BASE_URL and TOKEN must be set');
	process.exit(2);
}

const problems = []; // script errors and CSP refusals seen on any page

async function shot(page, file, fullPage = true) {
	if (!SHOTS) return;
	await check(`screenshot ${file}`, async () => {
		assert(existsSync(SHOTS) && statSync(SHOTS).isDirectory(), `SCREENSHOTS=${SHOTS} is not a folder`);
		await page.screenshot({ path: join(SHOTS, file), fullPage, animations: 'disabled' });
	});
}

// A request from the page, with its cookie: { status, body }.
function pageFetch(page, path, init = {}) {
	return page.evaluate(
		async ([p, i]) => {
			const r = await fetch(p, Object.assign({ credentials: 'same-origin' }, i));
			const t = await r.text();
			let body = null;
			try {
				body = JSON.parse(t);
			} catch {
				body = t;
			}
			return { status: r.status, body };
		},
		[path, init],
	);
}

async function apiGet(page, path) {
	const r = await pageFetch(page, path);
	eq(r.status, 200, `GET ${path}`);
	return r.body;
}

const pathOf = (page) => new URL(page.url()).pathname;

// Clicks a form's submit button and checks that its POST got a 303 to `to` (a path).
async function postForm(page, button, action, to) {
	const [res] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action),
		page.click(button),
	]);
	if (res.status() !== 303) {
		const body = await res.text().catch(() => '');
		throw new Error(`POST ${action} answered ${res.status()} ${oneLine(body)} ` +
			`(the browser sent Origin: ${res.request().headers().origin || '(none)'})`);
	}
	const loc = res.headers().location || '';
	eq(loc, to, `POST ${action} redirects to`);
	await page.waitForURL((u) => u.pathname + u.search === to);
}
const dealApi = (name, what) => `/api/deals/${encodeURIComponent(name)}/${what}`;

const browser = await launch();
try {
	// failed requests are expected (the 401 and 403 checks); anything else is not
	const page = await newPage(browser, problems, STEP_MS, 1280, 800);
	const context = page.context();

	let loginResponse = null;
	await check('GET / without a session lands on the login page', async () => {
		await page.goto(`${BASE}/`);
		eq(pathOf(page), '/login', 'path');
		await page.locator('input[name="token"][type="password"]').waitFor();
		assert(await page.locator('[data-testid="login-error"]').isHidden(), 'the error shows without error=1');
		loginResponse = await page.goto(`${BASE}/login`);
	});
	await check('pages come with the Content-Security-Policy and nosniff', async () => {
		assert(loginResponse, 'no response for /login');
		const h = loginResponse.headers();
		const csp = h['content-security-policy'] || '';
		assert(/default-src 'none'/.test(csp) && /script-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp),
			`Content-Security-Policy: ${csp || '(none)'}`);
		eq(h['x-content-type-options'], 'nosniff', 'X-Content-Type-Options');
	});
	await shot(page, 'login.png');

	await check('a wrong token shows the error and sets no session cookie', async () => {
		await page.fill('input[name="token"]', `${TOKEN}-wrong`);
		await postForm(page, '[data-testid="login-submit"]', '/login', '/login?error=1');
		const msg = page.locator('[data-testid="login-error"]');
		await msg.waitFor({ state: 'visible' });
		eq((await msg.textContent()).trim(), 'That token is not right.', 'the message');
		const c = (await context.cookies()).filter((x) => x.name === 'mk_session');
		eq(c.length, 0, 'mk_session cookies');
	});

	const loggedIn = await check('log in with the token lands on the deals page', async () => {
		if (!(await page.locator('input[name="token"]').count())) await page.goto(`${BASE}/login`);
		await page.fill('input[name="token"]', TOKEN);
		await postForm(page, '[data-testid="login-submit"]', '/login', '/');
		await page.locator('[data-testid="deal-row"]').first().waitFor();
	});
	if (!loggedIn) throw new Error('cannot log in: the other checks need a session');

	let sessionCookie = null;
	await check('the session cookie is HttpOnly, SameSite=Strict, Path=/', async () => {
		const c = (await context.cookies()).filter((x) => x.name === 'mk_session');
		eq(c.length, 1, 'mk_session cookies');
		sessionCookie = c[0];
		eq(c[0].httpOnly, true, 'httpOnly');
		eq(c[0].sameSite, 'Strict', 'sameSite');
		eq(c[0].path, '/', 'path');
		assert(!(await page.evaluate(() => document.cookie)).includes('mk_session'), 'document.cookie shows it');
		assert(!c[0].value.includes(TOKEN), 'the cookie holds the token');
	});

	await check('the deals page lists the deals with their health', async () => {
		const api = await apiGet(page, '/api/deals');
		const rows = page.locator('[data-testid="deal-row"]');
		eq(await rows.count(), api.deals.length, 'rows');
		for (const d of api.deals) {
			const row = page.locator(`[data-testid="deal-row"][data-name="${d.name.replace(/["\\]/g, '\\$&')}"]`);
			eq(await row.locator('[data-testid="deal-link"]').textContent(), d.name, 'deal link');
			const href = await row.locator('[data-testid="deal-link"]').getAttribute('href');
			eq(href, `/deal?name=${encodeURIComponent(d.name)}`, 'link');
			const cell = async (f) => (await row.locator(`[data-field="${f}"]`).textContent()).trim();
			eq(await cell('open_items'), String(d.health.open_items), `${d.name} open items`);
			eq(await cell('overdue'), String(d.health.overdue), `${d.name} overdue`);
			eq(await cell('slipped'), String(d.health.slipped), `${d.name} slipped`);
			eq(await cell('open_risks'), String(d.health.open_risks), `${d.name} open risks`);
			eq(await cell('buyer_items'), `${d.health.buyer_items} of ${d.health.items}`, `${d.name} buyer items`);
			eq(await cell('stakeholders'), `${d.health.stakeholders_met} of ${d.health.stakeholders_named}`,
				`${d.name} stakeholders`);
		}
		const names = api.deals.map((d) => d.name).sort();
		eq(JSON.stringify(names), JSON.stringify([XSS_DEAL, 'Globex', 'Northwind', LONG_DEAL, SPARE_DEAL].sort()), 'deals');
	});

	await check('the deals page: pending, next step and next meeting per deal, sortable columns, a filter', async () => {
		const api = (await apiGet(page, '/api/deals')).deals;
		for (const d of api) {
			const row = page.locator('[data-testid="deal-row"]').filter({ has: page.locator('[data-testid="deal-link"]', { hasText: d.name.slice(0, 40) }) }).first();
			const cell = async (f) => (await row.locator(`[data-field="${f}"]`).textContent()).trim();
			assert('pending' in d.health, `${d.name.slice(0, 40)}: no "pending" in the health object`);
			eq(await cell('pending'), String(d.health.pending), `${d.name.slice(0, 40)} pending`);
			const next = d.health.next_step ? d.health.next_step + (d.health.next_step_action || '') : 'none';
			eq((await cell('next_step')).replace(/\s+/g, ' '), next.replace(/\s+/g, ' '), `${d.name.slice(0, 40)} next step`);
			eq(await cell('next_meeting'), d.health.next_meeting || 'none', `${d.name.slice(0, 40)} next meeting`);
		}
		const nw = api.find((d) => d.name === 'Northwind');
		assert(nw.health.pending > 0, 'Northwind shows no pending proposals');
		const shown = () => page.locator('[data-testid="deal-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.name));
		const byName = api.map((d) => d.name).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
		eq(JSON.stringify(await shown()), JSON.stringify(byName), 'rows in name order at first');
		await page.click('[data-testid="sort-name"]');
		eq(JSON.stringify(await shown()), JSON.stringify(byName.slice().reverse()), 'rows after sorting by name again');
		eq(await page.locator('th[data-sort="name"]').getAttribute('aria-sort'), 'descending', 'aria-sort');
		await page.click('[data-testid="sort-pending"]');
		const counts = (await page.locator('[data-testid="deal-row"] [data-field="pending"]').allTextContents()).map(Number);
		eq(JSON.stringify(counts), JSON.stringify(counts.slice().sort((a, b) => a - b)), 'pending counts in order');
		await page.click('[data-testid="sort-pending"]');
		const down = (await page.locator('[data-testid="deal-row"] [data-field="pending"]').allTextContents()).map(Number);
		eq(JSON.stringify(down), JSON.stringify(counts.slice().sort((a, b) => b - a)), 'pending counts, descending');
		await page.fill('[data-testid="deal-filter"]', 'north');
		eq(JSON.stringify(await shown()), JSON.stringify(['Northwind']), 'rows matching "north"');
		eq((await page.locator('[data-testid="deal-shown"]').textContent()).trim(), `1 of ${api.length} deals shown`, 'the note');
		await page.reload();
		await page.locator('[data-testid="deal-row"]').first().waitFor();
		eq(await page.locator('[data-testid="deal-filter"]').inputValue(), 'north', 'the filter after a reload');
		eq(JSON.stringify(await shown()), JSON.stringify(['Northwind']), 'rows after a reload');
		await page.fill('[data-testid="deal-filter"]', 'no deal is called this');
		await page.locator('[data-testid="no-match"]').waitFor();
		await page.fill('[data-testid="deal-filter"]', '');
		eq((await shown()).length, api.length, 'rows with the filter cleared');
	});

	// Northwind's pending proposals, as the API has them
	let props = [];
	const card = (id) => page.locator(`[data-testid="proposal"][data-id="${id}"]`);
	const pending = async () => Number((await page.locator('[data-testid="pending-count"]').textContent()).trim());

	await check('open Northwind from the deals page: its pending proposals', async () => {
		await Promise.all([page.waitForURL((u) => u.pathname === '/deal'),
			page.click('[data-testid="deal-row"][data-name="Northwind"] [data-testid="deal-link"]')]);
		eq(new URL(page.url()).searchParams.get('name'), 'Northwind', 'name in the address');
		props = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		assert(props.length >= 5, `only ${props.length} proposals`);
		await page.locator('[data-testid="proposal"]').first().waitFor();
		eq(await page.locator('[data-testid="proposal"]').count(), props.length, 'cards');
		eq(await pending(), props.length, 'the pending count');
		eq((await page.locator('[data-testid="deal-title"]').textContent()).trim(), 'Northwind', 'title');
		assert(await page.locator('[data-testid="no-proposals"]').isHidden(), 'the no-proposals message shows');
	});

	const roi = props.find((p) => p.kind === 'add_item' && /ROI model/.test(p.action || ''));
	const nina = props.find((p) => p.kind === 'add_item' && p.owner === 'Nina Patel');
	const turn = props.find((p) => p.kind === 'add_item' && /turn (it|the questionnaire) around/.test(p.action || ''));

	await check('a proposal card shows the quote, the speaker and the time', async () => {
		assert(roi, 'no ROI model proposal from the demo call');
		const c = card(roi.id);
		eq(await c.locator('[data-testid="quote"]').textContent(), roi.evidence.quote, 'quote');
		eq(await c.locator('[data-testid="speaker"]').textContent(), 'Maya Brooks', 'speaker');
		eq(await c.locator('[data-testid="time"]').textContent(), '00:00:37', 'time');
		eq(await c.locator('[data-testid="meeting"]').textContent(), roi.evidence.meeting, 'meeting');
		eq((await c.locator('[data-testid="what"]').textContent()).trim(), roi.action, 'action');
		eq(await c.locator('[data-testid="blockquote"], blockquote').count(), 1, 'blockquotes');
	});

	await check('approve: the card goes and the plan gains the item, without a page reload', async () => {
		assert(roi, 'no ROI model proposal');
		const before = await pending();
		await page.evaluate(() => { window.__samePage = 'yes'; });
		await card(roi.id).locator('[data-testid="approve"]').click();
		await card(roi.id).waitFor({ state: 'detached' });
		await page.locator('#seller-items [data-testid="plan-item"]', { hasText: 'ROI model' }).waitFor();
		eq(await page.evaluate(() => window.__samePage), 'yes', 'the page was reloaded');
		eq(await pending(), before - 1, 'the pending count');
	});

	await check('edit a due date inline, save (still pending), approve: the plan has that date', async () => {
		assert(nina, 'no proposal owned by Nina Patel');
		const c = card(nina.id);
		await c.locator('[data-testid="edit"]').click();
		const due = c.locator('[data-testid="edit-due"]');
		eq(await due.getAttribute('type'), 'date', 'the due input type');
		await due.fill('2026-04-30');
		await c.locator('[data-testid="save"]').click();
		await c.locator('[data-testid="edit-due"]').waitFor({ state: 'detached' });
		eq(await c.locator('[data-testid="due"]').textContent(), '2026-04-30', 'the card shows');
		await c.locator('[data-testid="approve"]').waitFor();
		const now = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals.find((p) => p.id === nina.id);
		assert(now, 'the edited proposal is no longer pending');
		eq(now.due, '2026-04-30', 'the stored due date');
		await c.locator('[data-testid="approve"]').click();
		await c.waitFor({ state: 'detached' });
		const row = page.locator('#buyer-items [data-testid="plan-item"]', { hasText: 'ticket export' });
		await row.waitFor();
		eq(await row.locator('[data-testid="due"]').textContent(), '2026-04-30', 'the plan shows');
	});

	await check('reject: the card goes and the pending count drops', async () => {
		assert(turn, 'no "turn it around" proposal');
		const before = await pending();
		await card(turn.id).locator('[data-testid="reject"]').click();
		const reason = card(turn.id).locator('[data-testid="reject-reason"]');
		await reason.waitFor();
		assert(await reason.evaluate((e) => e === document.activeElement), 'the reason field has no focus');
		await reason.fill('not a commitment, just politeness');
		const [req] = await Promise.all([
			page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/proposals/${turn.id}/reject`)),
			card(turn.id).locator('[data-testid="reject-confirm"]').click(),
		]);
		eq(JSON.parse(req.postData() || '{}').reason, 'not a commitment, just politeness', 'the reason sent');
		eq((await req.response()).status(), 200, 'the reject answer');
		await card(turn.id).waitFor({ state: 'detached' });
		eq(await pending(), before - 1, 'the pending count');
		const left = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		assert(!left.some((p) => p.id === turn.id), 'still pending on the server');
		eq(await page.locator('[data-testid="proposal"]').count(), left.length, 'cards');
		assert(!(await page.locator('[data-testid="plan-item"]', { hasText: /turn (it|the questionnaire) around/ }).count()),
			'a rejected proposal is on the plan');
	});

	await check('a card shows the lines of the call around its quote', async () => {
		const left = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		const p = left.find((x) => x.kind === 'add_item' && x.evidence && x.evidence.quote);
		assert(p, 'no pending add_item proposal with a quote');
		const ctx = (await apiGet(page, `/api/proposals/${p.id}/context?lines=2`)).lines;
		const quoted = ctx.filter((l) => l.quote);
		assert(quoted.length >= 1 && ctx.length > quoted.length && ctx.length <= quoted.length + 4,
			`the API gives ${ctx.length} lines, ${quoted.length} quoted`);
		assert(quoted.some((l) => l.text.includes(p.evidence.quote.slice(0, 20)) || p.evidence.quote.includes(l.text.slice(0, 20))),
			'no quoted line holds the quote');
		const c = card(p.id);
		const toggle = c.locator('[data-testid="context-toggle"]');
		eq(await toggle.getAttribute('aria-label'), `The call around the quote: ${p.action}`, 'the toggle\'s name');
		await toggle.click();
		const lines = c.locator('[data-testid="context-line"]');
		await lines.first().waitFor();
		eq(await lines.count(), ctx.length, 'lines shown');
		for (let i = 0; i < ctx.length; i++) {
			eq(await lines.nth(i).locator('[data-testid="context-text"]').textContent(), ctx[i].text, `line ${i}`);
			eq(await lines.nth(i).getAttribute('data-quote'), ctx[i].quote ? '1' : '0', `line ${i} marked as the quote`);
		}
		eq((await pageFetch(page, '/api/proposals/999999/context')).status, 404, 'the context of no proposal');
		eq((await pageFetch(page, `/api/proposals/${p.id}/context?lines=x`)).status, 400, 'lines=x');
	});

	await check('a stakeholder proposal is edited on its card (name and role); the API refuses item fields for it', async () => {
		const left = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		const s = left.find((x) => x.kind === 'add_stakeholder');
		const r = left.find((x) => x.kind === 'add_risk');
		assert(s && r, 'no stakeholder or risk proposal pending');
		const c = card(s.id);
		await c.locator('[data-testid="edit"]').click();
		await c.locator('[data-testid="edit-role"]').fill('Chief Financial Officer');
		await c.locator('[data-testid="save"]').click();
		await c.locator('[data-testid="edit-role"]').waitFor({ state: 'detached' });
		eq(await c.locator('[data-testid="role"]').textContent(), 'Chief Financial Officer', 'the card shows');
		const now = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals.find((x) => x.id === s.id);
		eq(now.role, 'Chief Financial Officer', 'the stored role');
		const csrf = (await apiGet(page, '/api/session')).csrf;
		const patch = (id, body) => pageFetch(page, `/api/proposals/${id}`, { method: 'PATCH',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body) });
		const bad = await patch(s.id, { owner: 'Mallory' });
		eq(bad.status, 400, 'PATCH owner of a stakeholder proposal');
		assert(/name and role/.test(bad.body.error), `the error names the fields: ${bad.body.error}`);
		const risk = await patch(r.id, { category: 'timeline', text: 'legal review takes six weeks' });
		eq(risk.status, 200, 'PATCH of a risk proposal');
		eq(risk.body.category, 'timeline', 'the category');
		eq(risk.body.text, 'legal review takes six weeks', 'the text');
		eq((await patch(r.id, { category: 'weather' })).status, 400, 'an unknown category');
		eq((await patch(r.id, { due: '2026-05-01' })).status, 400, 'a due date for a risk');
	});

	await check('?overdue= takes 1, 0, true or false (true gives only overdue items), anything else 400', async () => {
		const all = (await apiGet(page, '/api/query')).items;
		const one = (await apiGet(page, '/api/query?overdue=1&as_of=2026-03-08')).items;
		const yes = (await apiGet(page, '/api/query?overdue=true&as_of=2026-03-08')).items;
		assert(yes.every((x) => x.status === 'open' && x.due && x.due < '2026-03-08'), 'an item that is not overdue');
		eq(JSON.stringify(yes), JSON.stringify(one), 'overdue=true and overdue=1');
		eq(JSON.stringify((await apiGet(page, '/api/query?overdue=false')).items), JSON.stringify(all), 'overdue=false');
		assert(yes.length < all.length, `overdue=true gives ${yes.length} of ${all.length} items`);
		eq((await pageFetch(page, '/api/query?overdue=yes')).status, 400, 'overdue=yes');
		eq((await pageFetch(page, '/api/query?slipped=2')).status, 400, 'slipped=2');
	});

	await check('every control has an accessible name; each Approve says what it approves (accessibility tree)', async () => {
		const left = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		const snap = await page.locator('[data-testid="proposals"]').ariaSnapshot();
		// lines read `- button "NAME"` or, YAML-quoted, `- 'button "NAME"': text` ('' for ')
		const names = snap.split('\n').map((l) => /^\s*- '?button "(.*?)"'?(?::|$)/.exec(l))
			.filter(Boolean).map((m) => m[1].replace(/''/g, "'"));
		const approve = names.filter((n) => n.startsWith('Approve: '));
		eq(approve.length, left.length, 'Approve buttons named "Approve: ..."');
		eq(new Set(approve).size, approve.length, 'distinct Approve names');
		eq(names.filter((n) => n.startsWith('Reject: ')).length, left.length, 'Reject buttons named "Reject: ..."');
		const item = left.find((x) => x.kind === 'add_item');
		assert(approve.includes(`Approve: ${item.action}`), `no button "Approve: ${item.action}" in: ${approve.join(' | ')}`);
		const whole = await page.locator('body').ariaSnapshot();
		const unnamed = whole.split('\n').filter((l) => /^\s*- (button|textbox|combobox|checkbox|searchbox|link|spinbutton)(:|\s*$|\s*\[)/.test(l));
		eq(unnamed.length, 0, `controls with no name: ${unnamed.join(' | ')}`);
	});

	await check('click a plan item: its history shows the quote behind it', async () => {
		assert(roi, 'no ROI model proposal');
		const row = page.locator('[data-testid="plan-item"]', { hasText: 'ROI model' });
		const id = await row.getAttribute('data-id');
		await row.locator('[data-testid="action"]').click();
		const panel = page.locator(`[data-testid="history-panel"][data-id="${id}"]`);
		await panel.locator('[data-testid="revision"]').first().waitFor();
		eq(await panel.locator('[data-testid="quote"]').first().textContent(), roi.evidence.quote, 'quote');
		eq(await panel.locator('[data-testid="speaker"]').first().textContent(), 'Maya Brooks', 'speaker');
		assert((await panel.locator('[data-testid="change"]').first().textContent()).includes('Added to the plan'),
			'the first change');
	});
	await shot(page, 'deal.png');

	await check('a due-date change shows old -> new; approved, the item is marked slipped', async () => {
		await page.goto(`${BASE}${'/deal?name=Globex'}`);
		const ps = (await apiGet(page, dealApi('Globex', 'proposals'))).proposals;
		const p = ps.find((x) => x.kind === 'update_due');
		assert(p, 'no update_due proposal from the second call');
		const c = card(p.id);
		await c.waitFor();
		eq(await c.locator('[data-testid="old-due"]').textContent(), p.old_due, 'old due');
		eq(await c.locator('[data-testid="new-due"]').textContent(), p.due, 'new due');
		eq(await c.locator('[data-testid="quote"]').textContent(), p.evidence.quote, 'quote');
		await c.locator('[data-testid="approve"]').click();
		await c.waitFor({ state: 'detached' });
		const row = page.locator(`[data-testid="plan-item"][data-id="${p.item_id}"]`);
		await row.locator('[data-testid="slipped"]').waitFor();
		eq(await row.locator('[data-testid="due"]').textContent(), p.due, 'the due date on the plan');
		await row.locator('[data-testid="history"]').click();
		const panel = page.locator(`[data-testid="history-panel"][data-id="${p.item_id}"]`);
		await panel.locator('[data-testid="revision"]').nth(1).waitFor();
		const change = (await panel.locator('[data-testid="change"]').nth(1).textContent()).replace(/\s+/g, ' ');
		assert(change.includes(`${p.old_due} → ${p.due}`), `the change reads: ${change}`);
		eq(await panel.locator('[data-testid="quote"]').nth(1).textContent(), p.evidence.quote, 'the quote');
	});

	await check('keyboard review: ? shows the keys, j/k move, e edits, r asks a reason, a approves, u undoes', async () => {
		await page.goto(`${BASE}/deal?name=Globex`);
		const ps = (await apiGet(page, dealApi('Globex', 'proposals'))).proposals;
		assert(ps.length >= 4, `Globex has ${ps.length} pending proposals`);
		await card(ps[0].id).waitFor().catch(async (e) => {
			throw new Error(`${e.message}; pending ${ps.map((p) => p.id)}; cards ${await page.locator('[data-testid="proposal"]').evaluateAll((cs) => cs.map((c) => c.dataset.id))}; ${page.url()}`);
		});
		const help = page.locator('[data-testid="keys-help"]');
		assert(await help.isHidden(), 'the key list shows before ?');
		await page.keyboard.press('?');
		await help.waitFor();
		assert((await help.textContent()).includes('next / previous proposal'), 'the key list');
		await page.keyboard.press('?');
		await help.waitFor({ state: 'hidden' });
		const current = () => page.evaluate(() => {
			const a = document.activeElement;
			return a && a.dataset.testid === 'proposal' && a.classList.contains('current') ? Number(a.dataset.id) : null;
		});
		await page.keyboard.press('j');
		eq(await current(), ps[0].id, 'j: the first card');
		await page.keyboard.press('j');
		eq(await current(), ps[1].id, 'j again: the second');
		await page.keyboard.press('k');
		eq(await current(), ps[0].id, 'k: back to the first');
		const ei = ps.findIndex((p) => p.kind === 'add_item' || p.kind === 'update_due');
		assert(ei >= 0, 'no editable proposal');
		for (let i = 0; i < ei; i++) await page.keyboard.press('j');
		eq(await current(), ps[ei].id, 'j to an editable card');
		await page.keyboard.press('e');
		await card(ps[ei].id).locator('[data-testid="editor"]').waitFor();
		await page.keyboard.press('Escape');
		await card(ps[ei].id).locator('[data-testid="editor"]').waitFor({ state: 'detached' });
		eq(await current(), ps[ei].id, 'Escape: back on the card');
		const before = await pending();
		await page.keyboard.press('r');
		const reason = card(ps[ei].id).locator('[data-testid="reject-reason"]');
		await reason.waitFor();
		await page.keyboard.type('said twice on the call');
		const [req] = await Promise.all([
			page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/proposals/${ps[ei].id}/reject`)),
			page.keyboard.press('Enter'),
		]);
		eq(JSON.parse(req.postData()).reason, 'said twice on the call', 'the reason sent');
		await card(ps[ei].id).waitFor({ state: 'detached' });
		eq(await pending(), before - 1, 'pending after r');
		const next = (await apiGet(page, dealApi('Globex', 'proposals'))).proposals;
		const at = next[Math.min(ei, next.length - 1)];
		eq(await page.evaluate(() => Number(document.querySelector('[data-testid="proposal"].current').dataset.id)), at.id,
			'the next card is current');
		await page.keyboard.press('a');
		await card(at.id).waitFor({ state: 'detached' });
		eq(await pending(), before - 2, 'pending after a');
		await page.locator('[data-testid="notice-text"]', { hasText: 'Approved: ' }).waitFor();
		await page.keyboard.press('u');
		await card(at.id).waitFor();
		eq(await pending(), before - 1, 'pending after u');
		await page.locator('[data-testid="notice-text"]', { hasText: 'Undone: Approved: ' }).waitFor();
		const still = (await apiGet(page, dealApi('Globex', 'proposals'))).proposals;
		assert(still.some((p) => p.id === at.id), 'the undone approval is not pending again');
		assert(!still.some((p) => p.id === ps[ei].id), 'the rejection was undone too');
	});

	await check('approve all of a deal\'s proposals: the count asked, all approved in one go, and undone', async () => {
		const ps = (await apiGet(page, dealApi('Globex', 'proposals'))).proposals;
		const n = ps.length;
		const csrf = (await apiGet(page, '/api/session')).csrf;
		const stale = await pageFetch(page, dealApi('Globex', 'approve-all'), { method: 'POST',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ count: n + 3 }) });
		eq(stale.status, 409, 'approve-all with a count that is not the pending count');
		eq((await apiGet(page, dealApi('Globex', 'proposals'))).proposals.length, n, 'pending after the 409');
		const all = page.locator('[data-testid="approve-all"]');
		eq((await all.textContent()).trim(), `Approve all ${n}`, 'the button');
		eq(await all.getAttribute('aria-label'), `Approve all ${n} pending proposals of Globex`, 'its name');
		await all.click();
		const text = (await page.locator('[data-testid="bulk-text"]').textContent()).trim();
		assert(text.startsWith(`Approve all ${n} pending proposals of Globex?`), `the question: ${text}`);
		const [res] = await Promise.all([
			page.waitForResponse((r) => r.url().endsWith('/approve-all') && r.request().method() === 'POST'),
			page.click('[data-testid="bulk-yes"]'),
		]);
		eq(res.status(), 200, 'approve-all');
		eq(JSON.parse(res.request().postData()).count, n, 'the count sent');
		await page.locator('[data-testid="notice-text"]', { hasText: `Approved ${n} proposals` }).waitFor();
		await page.locator('[data-testid="no-proposals"]').waitFor();
		eq(await pending(), 0, 'pending after approve-all');
		eq((await apiGet(page, dealApi('Globex', 'proposals'))).proposals.length, 0, 'pending on the server');
		await page.click('[data-testid="notice"] [data-testid="undo"]');
		await page.locator('[data-testid="notice-text"]', { hasText: 'Undone: ' }).waitFor();
		await page.locator('[data-testid="proposal"]').nth(n - 1).waitFor();
		eq(await pending(), n, 'pending after the undo');
		const back = (await apiGet(page, dealApi('Globex', 'proposals'))).proposals.map((p) => p.id).sort();
		eq(JSON.stringify(back), JSON.stringify(ps.map((p) => p.id).sort()), 'the same proposals pending again');
	});

	await check('a write without the X-CSRF-Token header (or with a wrong one) gets 403', async () => {
		const left = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		assert(left.length, 'no pending proposal left to try');
		const id = left[0].id;
		const json = { 'Content-Type': 'application/json' };
		const r1 = await pageFetch(page, `/api/proposals/${id}/reject`, { method: 'POST', headers: json, body: '{}' });
		eq(r1.status, 403, 'POST without the header');
		const r2 = await pageFetch(page, `/api/proposals/${id}`, {
			method: 'PATCH', headers: { ...json, 'X-CSRF-Token': '0'.repeat(32) }, body: '{"owner":"Mallory"}' });
		eq(r2.status, 403, 'PATCH with a wrong token');
		const still = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals.find((p) => p.id === id);
		assert(still && still.owner !== 'Mallory', 'the proposal was changed');
	});

	await check('an edit typed as the session ends is kept; signing in again lands back on the deal with it', async () => {
		await page.goto(`${BASE}/deal?name=Northwind`);
		const left = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		const p = left.find((x) => x.kind === 'add_item');
		assert(p, 'no add_item proposal pending');
		const c = card(p.id);
		await c.locator('[data-testid="edit"]').click();
		await c.locator('[data-testid="edit-owner"]').fill('Draft Owner');
		const csrf = (await apiGet(page, '/api/session')).csrf;
		await pageFetch(page, '/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
		eq((await pageFetch(page, '/api/session')).status, 401, 'the session after logging out');
		await Promise.all([page.waitForURL((u) => u.pathname === '/login'), c.locator('[data-testid="save"]').click()]);
		eq(new URL(page.url()).searchParams.get('next'), '/deal?name=Northwind', 'next= in the address');
		await page.fill('input[name="token"]', TOKEN);
		await postForm(page, '[data-testid="login-submit"]', '/login', '/deal?name=Northwind');
		const owner = card(p.id).locator('[data-testid="edit-owner"]');
		await owner.waitFor();
		eq(await owner.inputValue(), 'Draft Owner', 'the owner typed before the session ended');
		await card(p.id).locator('[data-testid="cancel"]').click();
		await owner.waitFor({ state: 'detached' });
		await page.reload();
		await card(p.id).locator('[data-testid="approve"]').waitFor();
		eq(await card(p.id).locator('[data-testid="edit-owner"]').count(), 0, 'the draft is dropped once cancelled');
		const c2 = (await context.cookies()).filter((x) => x.name === 'mk_session');
		eq(c2.length, 1, 'a new session cookie');
		sessionCookie = c2[0];
	});

	await check('plan items edited by hand: owner, due, status with a note; an item added; the last decision undone', async () => {
		await page.goto(`${BASE}/deal?name=Northwind`);
		const row = page.locator('[data-testid="plan-item"]', { hasText: 'ROI model' });
		await row.waitFor();
		const id = Number(await row.getAttribute('data-id'));
		const edit = row.locator('[data-testid="item-edit"]');
		eq(await edit.getAttribute('aria-label'), 'Edit item: put together an ROI model using your ticket volumes and send it over', 'its name');
		await edit.click();
		const ed = page.locator(`[data-testid="item-editor"][data-id="${id}"]`);
		await ed.locator('[data-testid="item-owner"]').fill('Leo Grant');
		await ed.locator('[data-testid="item-due"]').fill('2026-05-15');
		await ed.locator('[data-testid="item-status"]').selectOption('blocked');
		await ed.locator('[data-testid="item-note"]').fill('waiting on the ticket export');
		await ed.locator('[data-testid="item-save"]').click();
		await ed.waitFor({ state: 'detached' });
		const r2 = page.locator(`[data-testid="plan-item"][data-id="${id}"]`);
		await r2.locator('[data-testid="status"]', { hasText: 'blocked' }).waitFor();
		eq(await r2.locator('[data-testid="owner"]').textContent(), 'Leo Grant', 'owner');
		eq(await r2.locator('[data-testid="due"]').textContent(), '2026-05-15', 'due');
		const it = (await apiGet(page, dealApi('Northwind', 'plan'))).items.find((x) => x.id === id);
		eq(`${it.owner} ${it.due} ${it.status}`, 'Leo Grant 2026-05-15 blocked', 'the stored item');

		await page.fill('[data-testid="add-action"]', 'send the MSA redlines');
		await page.fill('[data-testid="add-owner"]', 'Maya Brooks');
		await page.selectOption('[data-testid="add-side"]', 'seller');
		await page.fill('[data-testid="add-due"]', '2026-05-20');
		await page.click('[data-testid="add-save"]');
		const added = page.locator('#seller-items [data-testid="plan-item"]', { hasText: 'send the MSA redlines' });
		await added.waitFor();
		eq(await added.locator('[data-testid="due"]').textContent(), '2026-05-20', 'the added item\'s due date');
		await page.locator('[data-testid="last-summary"]').waitFor();
		await page.click('[data-testid="undo-last"]');
		await added.waitFor({ state: 'detached' });
		assert(!(await apiGet(page, dealApi('Northwind', 'plan'))).items.some((x) => x.action === 'send the MSA redlines'),
			'the undone item is still on the plan');
	});

	await check('the calls of a deal listed; one removed (with a confirmation) takes its pending proposals', async () => {
		const calls = (await apiGet(page, dealApi('Northwind', 'calls'))).calls;
		const li = page.locator('[data-testid="call"]');
		await li.first().waitFor();
		eq(await li.count(), calls.length, 'calls listed on Northwind');
		eq(await li.first().locator('[data-testid="call-label"]').textContent(), calls[0].label, 'label');
		await page.goto(`${BASE}/deal?name=${encodeURIComponent(SPARE_DEAL)}`);
		const spare = (await apiGet(page, dealApi(SPARE_DEAL, 'calls'))).calls;
		eq(spare.length, 1, `calls of ${SPARE_DEAL}`);
		await page.locator('[data-testid="proposal"]').first().waitFor();
		const rm = page.locator('[data-testid="call-remove"]');
		eq(await rm.getAttribute('aria-label'), `Remove call: ${spare[0].label}`, 'the remove button\'s name');
		await rm.click();
		await page.click('[data-testid="call-remove-yes"]');
		await page.locator('[data-testid="no-calls"]').waitFor();
		await page.locator('[data-testid="no-proposals"]').waitFor();
		eq((await apiGet(page, dealApi(SPARE_DEAL, 'proposals'))).proposals.length, 0, 'pending after the call went');
	});

	await check('rename a deal, then remove it after a confirmation', async () => {
		const to = `${SPARE_DEAL} Two`;
		await page.click('[data-testid="rename-open"]');
		await page.fill('[data-testid="rename-name"]', to);
		await Promise.all([page.waitForURL((u) => u.searchParams.get('name') === to), page.click('[data-testid="rename-save"]')]);
		await page.locator('[data-testid="deal-title"]', { hasText: to }).waitFor();
		eq((await pageFetch(page, dealApi(SPARE_DEAL, 'plan'))).status, 404, 'the old name');
		await page.click('[data-testid="remove-open"]');
		const yes = page.locator('[data-testid="remove-yes"]');
		eq(await yes.getAttribute('aria-label'), `Yes, remove the deal ${to}`, 'the confirmation\'s name');
		await page.click('[data-testid="remove-cancel"]');
		eq((await pageFetch(page, dealApi(to, 'plan'))).status, 200, 'kept after Keep it');
		await page.click('[data-testid="remove-open"]');
		await Promise.all([page.waitForURL((u) => u.pathname === '/'), yes.click()]);
		await page.locator('[data-testid="deal-row"]').first().waitFor();
		eq(await page.locator(`[data-testid="deal-row"][data-name="${to}"]`).count(), 0, 'its row on the deals page');
		eq((await pageFetch(page, dealApi(to, 'plan'))).status, 404, 'the removed deal');
	});

	await check('an unknown deal says "No deal named X" (the API answers 404), not empty tables', async () => {
		await page.goto(`${BASE}/deal?name=${encodeURIComponent('Hooli')}`);
		const m = page.locator('[data-testid="no-such-deal"]');
		await m.waitFor();
		eq((await m.textContent()).trim(), 'No deal named Hooli. Open one from the list of deals.', 'the message');
		assert(await page.locator('#deal-body').isHidden(), 'the plan and proposal sections show');
		eq(await page.locator('table:visible').count(), 0, 'visible tables');
		eq((await pageFetch(page, dealApi('Hooli', 'plan'))).status, 404, 'GET plan of Hooli');
	});

	await check('a quote holding <script> is shown as text and never runs', async () => {
		await page.goto(`${BASE}/`);
		const link = page.locator('[data-testid="deal-row"] [data-testid="deal-link"]', { hasText: 'Acme' });
		eq(await link.textContent(), XSS_DEAL, 'the deal name in the list');
		await Promise.all([page.waitForURL((u) => u.pathname === '/deal'), link.click()]);
		eq(new URL(page.url()).searchParams.get('name'), XSS_DEAL, 'the name through the address');
		eq((await page.locator('[data-testid="deal-title"]').textContent()).trim(), XSS_DEAL, 'title');
		const ps = (await apiGet(page, dealApi(XSS_DEAL, 'proposals'))).proposals;
		const p = ps.find((x) => (x.evidence.quote || '').includes('<script>'));
		assert(p, 'no proposal with <script> in its quote');
		const c = card(p.id);
		const quote = await c.locator('[data-testid="quote"]').textContent();
		eq(quote, p.evidence.quote, 'the quote shown');
		assert(quote.includes('<script>window.__xss=1</script>') && quote.includes('"quotes" & &amp; entities'),
			`the quote is not literal: ${quote}`);
		await c.locator('[data-testid="approve"]').click();
		await c.waitFor({ state: 'detached' });
		const row = page.locator('[data-testid="plan-item"]').first();
		await row.waitFor();
		eq(await row.locator('[data-testid="action"]').textContent(), p.action, 'the action on the plan');
		await row.locator('[data-testid="action"]').click();
		await page.locator('[data-testid="history-panel"] [data-testid="quote"]').first().waitFor();
		eq(await page.locator('[data-testid="history-panel"] [data-testid="quote"]').first().textContent(),
			p.evidence.quote, 'the quote in the history');
		eq(await page.evaluate(() => typeof window.__xss), 'undefined', 'window.__xss');
		eq(await page.locator('main script, main b').count(), 0, 'script or b elements made from data');
	});

	await check('search: items by owner, kept in the address and run again on load', async () => {
		await Promise.all([page.waitForURL((u) => u.pathname === '/search'), page.click('[data-testid="nav-search"]')]);
		await page.fill('[data-testid="q-owner"]', 'Nina');
		await page.click('[data-testid="items-submit"]');
		const rows = page.locator('[data-testid="result-item"]');
		await rows.first().waitFor();
		const want = (await apiGet(page, '/api/query?owner=Nina')).items;
		eq(want.length, 2, 'items of Nina in the API (Northwind and Globex)');
		eq(await rows.count(), want.length, 'items found');
		for (let i = 0; i < want.length; i++) {
			eq(await rows.nth(i).locator('[data-testid="owner"]').textContent(), 'Nina Patel', 'owner');
			eq(await rows.nth(i).locator('[data-testid="deal-link"]').textContent(), want[i].deal, 'deal');
			eq(await rows.nth(i).locator('[data-testid="action"]').textContent(), want[i].action, 'action');
		}
		const nw = rows.filter({ has: page.locator('[data-testid="deal-link"]', { hasText: 'Northwind' }) });
		eq(await nw.locator('[data-testid="due"]').textContent(), '2026-04-30', 'the edited due date');
		eq(new URL(page.url()).searchParams.get('owner'), 'Nina', 'owner in the address');
		await page.reload();
		await rows.first().waitFor();
		eq(await page.locator('[data-testid="q-owner"]').inputValue(), 'Nina', 'the form after a reload');
		eq(await rows.count(), want.length, 'items found after a reload');
	});

	await check('search: items by a due-date range', async () => {
		await page.click('[data-testid="items-clear"]');
		await page.fill('input[name="due_from"]', '2026-04-01');
		await page.fill('input[name="due_to"]', '2026-04-30');
		await page.click('[data-testid="items-submit"]');
		await page.waitForURL((u) => u.searchParams.get('due_to') === '2026-04-30' && !u.searchParams.has('owner'));
		const rows = page.locator('[data-testid="result-item"]');
		await page.locator('[data-testid="items-note"]', { hasText: 'shown' }).waitFor();
		eq(await rows.count(), 1, 'items found');
		eq(await rows.first().locator('[data-testid="due"]').textContent(), '2026-04-30', 'due');
		await page.goBack();
		await page.waitForURL((u) => u.searchParams.get('owner') === 'Nina');
		await page.waitForFunction(() => document.querySelector('[data-testid="q-owner"]').value === 'Nina' &&
			!document.querySelector('input[name="due_to"]').value, null, { timeout: STEP_MS });
		await page.locator('[data-testid="result-item"] [data-testid="owner"]', { hasText: 'Nina Patel' }).first().waitFor();
	});

	await check('search: what was said, by a word', async () => {
		await page.fill('[data-testid="q-said"]', 'Helpwise');
		await page.click('[data-testid="said-submit"]');
		const lines = page.locator('[data-testid="said-line"]');
		await lines.first().waitFor();
		const want = (await apiGet(page, '/api/query?said=Helpwise')).said;
		eq(await lines.count(), want.length, 'lines found');
		const line = lines.filter({ has: page.locator('[data-testid="deal-link"]', { hasText: 'Northwind' }) });
		eq(await line.count(), 1, 'Northwind lines');
		eq(await line.locator('[data-testid="speaker"]').textContent(), 'Leo Grant', 'speaker');
		eq(await line.locator('[data-testid="time"]').textContent(), '00:01:20', 'time');
		eq(await line.locator('[data-testid="meeting"]').textContent(), 'northwind-call-01.vtt', 'meeting');
		assert((await line.locator('[data-testid="text"]').textContent()).includes('Helpwise'), 'text');
		const u = new URL(page.url()).searchParams;
		eq(u.get('said'), 'Helpwise', 'said in the address');
		eq(u.get('owner'), 'Nina', 'the item search kept in the address');
	});
	await shot(page, 'search.png');

	await check('reject all of a deal\'s proposals with a reason', async () => {
		await page.goto(`${BASE}/deal?name=Northwind`);
		const n = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals.length;
		assert(n > 0, 'nothing pending on Northwind');
		await page.locator('[data-testid="proposal"]').first().waitFor();
		await page.click('[data-testid="reject-all"]');
		await page.fill('[data-testid="bulk-reason"]', 'a call about another product');
		const [res] = await Promise.all([
			page.waitForResponse((r) => r.url().endsWith('/reject-all')),
			page.click('[data-testid="bulk-yes"]'),
		]);
		eq(res.status(), 200, 'reject-all');
		eq(JSON.stringify(JSON.parse(res.request().postData())), JSON.stringify({ count: n, reason: 'a call about another product' }), 'the body');
		await page.locator('[data-testid="notice-text"]', { hasText: `Rejected ${n} proposal` }).waitFor();
		await page.locator('[data-testid="no-proposals"]').waitFor();
		eq(await pending(), 0, 'pending');
	});

	// At 390 px (a phone): no page scrolls sideways, every control is 44 px high; a 3,000-letter
	// deal name wraps at any width.
	await check('a 3,000-letter deal name wraps on the deals page and its own page (1280 px)', async () => {
		for (const path of ['/', `/deal?name=${encodeURIComponent(LONG_DEAL)}`]) {
			await page.goto(`${BASE}${path}`);
			await page.locator(path === '/' ? '[data-testid="deal-row"]' : '#deal-body:not([hidden])').first().waitFor();
			const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
			assert(w[0] <= w[1], `${path.slice(0, 30)}: the page is ${w[0]} px wide in a ${w[1]} px window`);
		}
	});

	const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
	const mobile = await phone.newPage();
	mobile.setDefaultTimeout(STEP_MS);
	mobile.on('pageerror', (e) => problems.push(`script error on ${mobile.url()} (390 px): ${e.message}`));
	await phone.addCookies((await context.cookies()).filter((x) => x.name === 'mk_session'));
	for (const [path, ready] of [['/', '[data-testid="deal-row"]'], ['/deal?name=Globex', '[data-testid="plan-item"]'],
		[`/deal?name=${encodeURIComponent(LONG_DEAL)}`, '#deal-body:not([hidden])'], ['/search?owner=Nina&said=Helpwise', '[data-testid="said-line"]']]) {
		await check(`at 390 px ${path.slice(0, 40)}: no sideways scrolling, controls at least 44 px high`, async () => {
			await mobile.goto(`${BASE}${path}`);
			await mobile.locator(ready).first().waitFor();
			const w = await mobile.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
			assert(w[0] <= w[1], `the page is ${w[0]} px wide in a ${w[1]} px window`);
			const small = await mobile.evaluate(() => [...document.querySelectorAll('button, input:not([type=hidden]), select, summary, nav a')]
				.filter((e) => e.offsetParent !== null)
				.map((e) => [e.getAttribute('aria-label') || e.textContent.trim() || e.name, e.getBoundingClientRect().height])
				.filter((x) => x[1] < 43.5));
			eq(small.length, 0, `controls under 44 px: ${small.map((x) => `${x[0].slice(0, 30)} (${x[1]} px)`).join(', ')}`);
			if (path === '/') {
				const box = await mobile.locator('[data-testid="deal-row"][data-name="Northwind"]').boundingBox();
				assert(box && box.width <= 390, `a deal row is ${box && box.width} px wide`);
			}
		});
		if (path === '/') await shot(mobile, 'deals-390.png', false);
		if (path === '/deal?name=Globex') await shot(mobile, 'deal-390.png');
	}
	await phone.close();

	await check('the deals page shows the health after the review', async () => {
		await page.goto(`${BASE}/`);
		const row = page.locator('[data-testid="deal-row"][data-name="Northwind"]');
		await row.waitFor();
		const api = (await apiGet(page, '/api/deals')).deals.find((d) => d.name === 'Northwind');
		eq(api.health.items, 2, 'items on the plan');
		eq((await row.locator('[data-field="open_items"]').textContent()).trim(), String(api.health.open_items),
			'open items');
		eq((await row.locator('[data-field="overdue"]').textContent()).trim(), String(api.health.overdue), 'overdue');
		const warn = await row.locator('[data-field="overdue"]').getAttribute('class');
		eq(/\bwarn\b/.test(warn || ''), api.health.overdue > 0, 'overdue marked as a warning');
	});
	await shot(page, 'deals.png', false);

	await check('log out: back to the login page, and the old cookie gets 401', async () => {
		assert(sessionCookie, 'no session cookie was seen');
		await postForm(page, '[data-testid="logout"]', '/logout', '/login');
		eq((await context.cookies()).filter((x) => x.name === 'mk_session' && x.value).length, 0,
			'mk_session left in the browser');
		const r = await fetch(`${BASE}/api/deals`, { headers: { Cookie: `mk_session=${sessionCookie.value}` } });
		eq(r.status, 401, 'GET /api/deals with the old cookie');
		await page.goto(`${BASE}/`);
		eq(pathOf(page), '/login', 'GET / after logging out');
	});

	await check('no script errors and no Content-Security-Policy refusals on any page', async () => {
		assert(!problems.length, problems.join(' | '));
	});
} catch (e) {
	result.failed++;
	console.log(`not ok - ${oneLine(e && e.message ? e.message : e)}`);
} finally {
	await browser.close().catch(() => {});
}
console.log(`# ${result.failed ? result.failed + ' failed' : 'all passed'}`);
