// review.mjs: the review pages of `mapkeeper serve` in headless Chromium, as a person
// would use them: sign in, read the deals, review a deal's proposals (approve, edit then
// approve, reject), read an item's history, search, sign out. Also: the session cookie's
// flags, CSRF on writes, and a quote holding <script> shown as text.
//
// Run by tests/cli/t91-browser.sh against a server it started on a database it made:
//   BASE_URL=http://127.0.0.1:PORT TOKEN=... [SCREENSHOTS=dir] node tests/browser/review.mjs
// Prints one TAP line per check ("ok - ..." / "not ok - ..."); exits non-zero only when
// the harness itself cannot run (no browser, no BASE_URL). With SCREENSHOTS set to a
// folder, saves login.png, deals.png, deal.png and search.png there.
import { chromium } from 'playwright-core';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BASE = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.TOKEN || '';
const SHOTS = process.env.SCREENSHOTS || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 10000; // one wait: a click, a navigation, an element showing up
const CHECK_MS = 30000; // one whole check
const XSS_DEAL = process.env.XSS_DEAL || 'Acme & Co <b>x</b>';

if (!BASE || !TOKEN) {
	console.log('not ok - harness: BASE_URL and TOKEN must be set');
	process.exit(2);
}

let failed = 0;
const problems = []; // script errors and CSP refusals seen on any page

function oneLine(s) {
	return String(s).replace(/\s+/g, ' ').trim().slice(0, 400);
}

function assert(cond, msg) {
	if (!cond) throw new Error(msg);
}

function eq(got, want, what) {
	if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

async function check(name, fn) {
	let timer;
	try {
		await Promise.race([
			fn(),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_MS / 1000} s`)), CHECK_MS);
			}),
		]);
		console.log(`ok - ${name}`);
		return true;
	} catch (e) {
		failed++;
		console.log(`not ok - ${name}: ${oneLine(e && e.message ? e.message : e)}`);
		return false;
	} finally {
		clearTimeout(timer);
	}
}

async function shot(page, file) {
	if (!SHOTS) return;
	await check(`screenshot ${file}`, async () => {
		assert(existsSync(SHOTS) && statSync(SHOTS).isDirectory(), `SCREENSHOTS=${SHOTS} is not a folder`);
		await page.screenshot({ path: join(SHOTS, file), fullPage: true, animations: 'disabled' });
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

let browser;
try {
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		timeout: 30000,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
	});
} catch (e) {
	console.log(`not ok - harness: cannot start ${CHROMIUM}: ${oneLine(e.message)}`);
	process.exit(1);
}

try {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
	const page = await context.newPage();
	page.setDefaultTimeout(STEP_MS);
	page.setDefaultNavigationTimeout(STEP_MS);
	page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
	page.on('console', (m) => {
		// failed requests are expected (the 401 and 403 checks); anything else is not
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
			problems.push(`console error on ${page.url()}: ${m.text()}`);
	});

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
		eq(JSON.stringify(names), JSON.stringify([XSS_DEAL, 'Globex', 'Northwind'].sort()), 'deals');
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
	const turn = props.find((p) => p.kind === 'add_item' && /turn it around/.test(p.action || ''));

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
		await card(turn.id).waitFor({ state: 'detached' });
		eq(await pending(), before - 1, 'the pending count');
		const left = (await apiGet(page, dealApi('Northwind', 'proposals'))).proposals;
		assert(!left.some((p) => p.id === turn.id), 'still pending on the server');
		eq(await page.locator('[data-testid="proposal"]').count(), left.length, 'cards');
		assert(!(await page.locator('[data-testid="plan-item"]', { hasText: 'turn it around' }).count()),
			'a rejected proposal is on the plan');
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
	await shot(page, 'deals.png');

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
	failed++;
	console.log(`not ok - ${oneLine(e && e.message ? e.message : e)}`);
} finally {
	await browser.close().catch(() => {});
}
console.log(`# ${failed ? failed + ' failed' : 'all passed'}`);
