// share.mjs: the buyer's page of a share link (/share/TOKEN) in headless Chromium, as a
// buyer would use it: read the plan, agree to it with a typed name, comment on a step; and
// what the link must not give: a risk not marked shareable, a revoked or expired link,
// another deal, the rep's API and pages. Also: no cookie, the strict headers, an action
// holding HTML shown as text, a plan that moved on before the agreement (409: the page says
// so and shows the plan again, faked and for real: the rep approving what the buyer's comment
// proposed), the layout at 390 px, no script errors.
//
// Run by tests/cli/t99-browser-share.sh against a server it started on a database it made:
//   BASE_URL=http://127.0.0.1:PORT LIVE=TOKEN REVOKED=TOKEN EXPIRED=TOKEN OTHER_ITEM=ID
//   HIDDEN_RISK=TEXT ITEM_ACTION=TEXT XSS_ACTION=TEXT REP_TOKEN=TOKEN node tests/browser/share.mjs
// Prints one TAP line per check ("ok - ..." / "not ok - ..."); exits non-zero only when
// the harness itself cannot run.
import { chromium } from 'playwright-core';

const BASE = (process.env.BASE_URL || '').replace(/\/+$/, '');
const LIVE = process.env.LIVE || '';
const REVOKED = process.env.REVOKED || '';
const EXPIRED = process.env.EXPIRED || '';
const OTHER_ITEM = Number(process.env.OTHER_ITEM || '0');
const HIDDEN_RISK = process.env.HIDDEN_RISK || '';
const ITEM_ACTION = process.env.ITEM_ACTION || '';
const REP_TOKEN = process.env.REP_TOKEN || '';
const XSS_ACTION = process.env.XSS_ACTION || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 10000;
const CHECK_MS = 30000;

if (!BASE || !LIVE || !REVOKED || !EXPIRED || !HIDDEN_RISK || !ITEM_ACTION) {
	console.log('not ok - harness: BASE_URL, LIVE, REVOKED, EXPIRED, HIDDEN_RISK and ITEM_ACTION must be set');
	process.exit(2);
}

let failed = 0;
const problems = [];

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
	} catch (e) {
		failed++;
		console.log(`not ok - ${name}: ${oneLine(e && e.message ? e.message : e)}`);
	} finally {
		clearTimeout(timer);
	}
}

// A request from the page: { status, body }.
function pageFetch(page, path, init = {}) {
	return page.evaluate(
		async ([p, i]) => {
			const r = await fetch(p, Object.assign({ credentials: 'same-origin' }, i));
			const t = await r.text();
			let body = t;
			try {
				body = JSON.parse(t);
			} catch {}
			return { status: r.status, body };
		},
		[path, init],
	);
}

const link = (t) => `${BASE}/share/${t}`;

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
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
			problems.push(`console error on ${page.url()}: ${m.text()}`);
	});

	let plan = null;
	await check('the link opens the plan: the deal, every step by phase, strict headers, no cookie', async () => {
		const res = await page.goto(link(LIVE));
		eq(res.status(), 200, 'status');
		const h = res.headers();
		assert(/default-src 'none'/.test(h['content-security-policy'] || '') && /frame-ancestors 'none'/.test(h['content-security-policy']),
			`Content-Security-Policy: ${h['content-security-policy']}`);
		eq(h['x-content-type-options'], 'nosniff', 'X-Content-Type-Options');
		await page.locator('[data-testid="item"]').first().waitFor();
		plan = (await pageFetch(page, `/share/${LIVE}/api/plan`)).body;
		eq((await page.locator('[data-testid="deal"]').textContent()).trim(), plan.deal, 'the heading');
		eq(await page.locator('[data-testid="item"]').count(), plan.items.length, 'steps shown');
		assert(plan.items.length >= 5, `only ${plan.items.length} steps`);
		assert(await page.locator('.phase h3').count() >= 1, 'no phase heading');
		eq((await context.cookies()).length, 0, 'cookies set');
	});

	await check('a risk not marked shareable, the proposals and the quotes are not on the page', async () => {
		const text = await page.locator('body').innerText();
		assert(!text.includes(HIDDEN_RISK), `the hidden risk shows: ${HIDDEN_RISK}`);
		assert(!/proposal|pending/i.test(text), 'the page speaks of proposals');
		for (const r of plan.risks) assert(text.includes(r.text), `a shareable risk is missing: ${r.text}`);
		eq(await page.locator('[data-testid="risk"]').count(), plan.risks.length, 'risks shown');
		const raw = JSON.stringify(plan);
		assert(!raw.includes(HIDDEN_RISK) && !/"(said|evidence|quote|stance)"/.test(raw), 'the plan JSON holds internal fields');
	});

	await check('an action holding HTML shows as text and runs nothing', async () => {
		if (!XSS_ACTION) return;
		const row = page.locator('[data-testid="item"]', { hasText: XSS_ACTION });
		eq(await row.count(), 1, 'the step with HTML in its action');
		eq(await page.evaluate(() => window.__xss), undefined, 'window.__xss');
		eq(await page.locator('.item img').count(), 0, 'img elements in the steps');
	});

	await check('agree to the plan with a typed name', async () => {
		await page.locator('[data-testid="ack-words"]', { hasText: `We agree to this plan as of ${plan.as_of}.` }).waitFor();
		await page.fill('[data-testid="ack-name"]', 'Leo Grant');
		const [res] = await Promise.all([
			page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/ack')),
			page.click('[data-testid="ack-submit"]'),
		]);
		eq(res.status(), 200, 'POST ack');
		eq(res.request().postDataJSON().version, plan.version, 'the version sent');
		await page.locator('[data-testid="flash"]', { hasText: 'Thank you, Leo Grant' }).waitFor();
		await page.locator('[data-testid="acked"]', { hasText: 'Agreed by Leo Grant' }).waitFor();
	});

	await check('a plan that moved on before the agreement: refused with a clear message, shown again', async () => {
		// the page is served another version than the store has, as if the rep changed the plan meanwhile
		await page.route(`**/share/${LIVE}/api/plan`, async (route) => {
			const r = await route.fetch();
			const body = await r.json();
			body.version += 1;
			await route.fulfill({ response: r, json: body });
		});
		await page.reload();
		await page.locator('[data-testid="item"]').first().waitFor();
		await page.unroute(`**/share/${LIVE}/api/plan`);
		await page.fill('[data-testid="ack-name"]', 'Leo Grant');
		const [res] = await Promise.all([
			page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/ack')),
			page.click('[data-testid="ack-submit"]'),
		]);
		eq(res.status(), 409, 'POST ack of an old version');
		await page.locator('[data-testid="flash"]', { hasText: 'the plan changed since this page was loaded' }).waitFor();
		await page.locator('[data-testid="as-of"]', { hasText: `(version ${plan.version})` }).waitFor();
	});

	await check('comment on a step: sent, and the form says so', async () => {
		const row = page.locator('[data-testid="item"]', { hasText: ITEM_ACTION }).first();
		await row.locator('[data-testid="comment-open"]').click();
		await row.locator('[data-testid="comment-name"]').fill('Tariq Aziz');
		await row.locator('[data-testid="comment-text"]').fill('That slipped, we will send it on March 30.');
		const [res] = await Promise.all([
			page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/comment')),
			row.locator('[data-testid="comment-submit"]').click(),
		]);
		eq(res.status(), 200, 'POST comment');
		const sent = res.request().postDataJSON();
		eq(sent.item, Number(await row.getAttribute('data-id')), 'the item sent');
		await row.locator('[data-testid="comment-sent"]').waitFor({ state: 'visible' });
		eq(await row.locator('[data-testid="comment-text"]').inputValue(), '', 'the comment box emptied');
	});

	await check("the rep approves what the comment proposed: the page loaded before cannot agree (409), then shows the new date", async () => {
		if (!REP_TOKEN) throw new Error('REP_TOKEN is not set');
		const rep = (path, init = {}) =>
			fetch(`${BASE}${path}`, { ...init, headers: { Authorization: `Bearer ${REP_TOKEN}`, ...(init.headers || {}) } });
		const pending = await (await rep('/api/deals/Northwind/proposals')).json();
		const p = pending.proposals.find((x) => x.kind === 'update_due' && x.action === ITEM_ACTION);
		assert(p, `no update_due proposal for "${ITEM_ACTION}": ${JSON.stringify(pending).slice(0, 300)}`);
		eq((await rep(`/api/proposals/${p.id}/approve`, { method: 'POST' })).status, 200, 'the rep approves');
		await page.fill('[data-testid="ack-name"]', 'Leo Grant');
		const [res] = await Promise.all([
			page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/ack')),
			page.click('[data-testid="ack-submit"]'),
		]);
		eq(res.status(), 409, 'POST ack of the plan as loaded');
		await page.locator('[data-testid="flash"]', { hasText: 'the plan changed since this page was loaded' }).waitFor();
		const row = page.locator('[data-testid="item"]', { hasText: ITEM_ACTION }).first();
		await row.locator('.meta', { hasText: `due ${p.due}` }).waitFor();
	});

	await check('an empty comment is refused by the page, nothing sent', async () => {
		const row = page.locator('[data-testid="item"]').first();
		await row.locator('[data-testid="comment-open"]').click();
		let posted = false;
		const seen = (r) => {
			if (r.method() === 'POST') posted = true;
		};
		page.on('request', seen);
		await row.locator('[data-testid="comment-name"]').fill('Leo Grant');
		await row.locator('[data-testid="comment-submit"]').click();
		await page.waitForTimeout(300);
		page.off('request', seen);
		assert(!posted, 'a POST was sent for an empty comment');
	});

	await check('another deal is out of reach with the token', async () => {
		const r = await pageFetch(page, `/share/${LIVE}/api/comment`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ item: OTHER_ITEM, name: 'x', text: 'y', version: plan.version }),
		});
		eq(r.status, 404, "a comment on another deal's item");
		eq((await pageFetch(page, `/share/${LIVE}/api/plan?deal=Globex`)).body.deal, plan.deal, 'the deal of ?deal=');
		eq((await pageFetch(page, `/share/${LIVE}/api/deals/Globex/plan`)).status, 404, 'a deal path under the link');
	});

	await check("the rep's API and pages are out of reach with the token", async () => {
		eq((await pageFetch(page, '/api/deals')).status, 401, 'GET /api/deals');
		eq((await pageFetch(page, '/api/deals/Northwind/plan', { headers: { Authorization: `Bearer ${LIVE}` } })).status, 401,
			'GET /api/deals/Northwind/plan with the token as bearer');
		eq((await pageFetch(page, '/api/deals/Northwind/proposals')).status, 401, 'GET proposals');
		await page.goto(`${BASE}/deal?name=Northwind`);
		eq(new URL(page.url()).pathname, '/login', 'GET /deal lands on');
	});

	for (const [what, token] of [['revoked', REVOKED], ['expired', EXPIRED]]) {
		await check(`the ${what} link is refused: 404, no plan`, async () => {
			const res = await page.goto(link(token));
			eq(res.status(), 404, 'status');
			assert((await page.locator('body').innerText()).includes('no such share link'), 'the message');
			eq((await pageFetch(page, `/share/${token}/api/plan`)).status, 404, 'GET plan');
		});
	}

	await check('at 390 px the page fits the width', async () => {
		const mobile = await context.newPage();
		mobile.on('pageerror', (e) => problems.push(`script error on ${mobile.url()} (390 px): ${e.message}`));
		await mobile.setViewportSize({ width: 390, height: 800 });
		await mobile.goto(link(LIVE));
		await mobile.locator('[data-testid="item"]').first().waitFor();
		const over = await mobile.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		assert(over <= 0, `${over} px wider than the screen`);
		await mobile.close();
	});

	await check('no script errors and no Content-Security-Policy refusals', async () => {
		assert(!problems.length, problems.join(' | '));
	});
} catch (e) {
	failed++;
	console.log(`not ok - ${oneLine(e && e.message ? e.message : e)}`);
} finally {
	await browser.close().catch(() => {});
}
console.log(`# ${failed ? failed + ' failed' : 'all passed'}`);
