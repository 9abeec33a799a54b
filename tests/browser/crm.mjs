// crm.mjs: the CRMs (issue 15) on `mapkeeper serve`'s deal page, in headless Chromium, as a
// rep would see them: the Salesforce panel of a linked deal (the record's link, the last push
// with its time, result, counts and message, never a pull), Push and Pull (disabled while a
// run is on, then what it did or its refusal in a line), each plan item's link to its task; the HubSpot
// panel of a deal not linked there (a form to link by id or by name, the server's one-line
// refusal shown); unlinking. Text from the store is shown as text, never as markup.
//
// Run by tests/cli/t87-browser-crm.sh against a server it started on a database it made:
//   BASE_URL=http://127.0.0.1:PORT TOKEN=... DEAL=Northwind ITEM=ID node tests/browser/crm.mjs
// Prints one TAP line per check ("ok - ..." / "not ok - ..."); exits non-zero only when the
// harness itself cannot run.
import { join } from 'node:path';
import { apiGet, assert, check, eq, launch, logIn, newPage, oneLine, result } from './harness.mjs';

const BASE = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.TOKEN || '';
const SHOTS = process.env.SCREENSHOTS || '';
const DEAL = process.env.DEAL || 'Northwind';
const ITEM = process.env.ITEM || '';
const URLS = process.env.URLS !== '0'; // the build has the Salesforce backend: addresses, a push
const ORG = process.env.ORG || 'https://acme.my.salesforce.com'; // the org (its fake with URLS)
const OPPORTUNITY = '006000000000001AAA';
const TASK = '00T000000000001AAA';
const STEP_MS = 10000;

if (!BASE || !TOKEN || !ITEM) {
	console.log('not ok - harness: BASE_URL, TOKEN and ITEM must be set');
	process.exit(2);
}

const problems = [];
const text = async (loc) => ((await loc.textContent()) || '').replace(/\s+/g, ' ').trim();

const crm = (page) => apiGet(page, `/api/deals/${encodeURIComponent(DEAL)}/crm`);

const browser = await launch();
try {
	const page = await newPage(browser, problems, STEP_MS);
	const loggedIn = await check('log in with the token', () => logIn(page, BASE, TOKEN, 'Maya'));
	if (!loggedIn) throw new Error('cannot log in: the other checks need a session');

	await page.goto(`${BASE}/deal?name=${encodeURIComponent(DEAL)}`);
	const sf = page.locator('[data-testid="crm-panel"][data-crm="salesforce"]');
	const hs = page.locator('[data-testid="crm-panel"][data-crm="hubspot"]');

	await check('the CRM section shows a panel per CRM', async () => {
		await sf.waitFor();
		await hs.waitFor();
		assert(await page.locator('[data-testid="crm"]').isVisible(), 'the CRM section is hidden');
		eq(await text(sf.locator('h3')), 'Salesforce', 'the first panel');
		eq(await text(hs.locator('h3')), 'HubSpot', 'the second panel');
	});

	await check("the linked deal's Opportunity, linked to in Salesforce", async () => {
		const d = await crm(page);
		assert(d.salesforce.linked && d.salesforce.remote_id === OPPORTUNITY, `API: ${JSON.stringify(d.salesforce)}`);
		eq(await sf.locator('[data-testid="crm-link-form"]').count(), 0, 'link forms in a linked panel');
		if (!URLS) {
			eq(d.salesforce.url, null, 'API url with no backend');
			eq(await text(sf.locator('[data-testid="crm-record-id"]')), OPPORTUNITY, 'the id shown');
			return;
		}
		assert(d.salesforce.url && d.salesforce.url.startsWith(`${ORG}/`) &&
			d.salesforce.url.includes(OPPORTUNITY), `API url: ${d.salesforce.url}`);
		const a = sf.locator('[data-testid="crm-record-link"]');
		eq(await text(a), OPPORTUNITY, 'the link text');
		eq(await a.getAttribute('href'), d.salesforce.url, 'the link');
		eq(await a.getAttribute('target'), '_blank', 'the link opens a tab');
		assert(/noopener/.test(await a.getAttribute('rel')), 'the link does not say noopener');
	});

	await check('the last push: its time, result, counts and message (as text); never pulled', async () => {
		const push = await text(sf.locator('[data-testid="crm-last-push"]'));
		for (const want of ['2026-03-04 10:15', 'partial', '1 created', '2 unchanged', '1 error'])
			assert(push.includes(want), `last push "${push}" lacks "${want}"`);
		assert(push.includes('<b id="inj">salesforce: one task refused</b>'), `the message is not shown as text: "${push}"`);
		eq(await page.locator('#inj').count(), 0, 'elements made from the message');
		eq(await text(sf.locator('[data-testid="crm-last-pull"]')), 'never', 'last pull');
		eq(await text(hs.locator('[data-testid="crm-last-push"]')), 'never', 'HubSpot last push');
	});

	await check("the pushed item links to its Salesforce task; the others have none", async () => {
		const d = await crm(page);
		const t = d.salesforce.items.filter((x) => String(x.item) === ITEM)[0];
		assert(t && t.remote_id === TASK && t.state === 'synced' && t.pushed_at === '2026-03-04T10:15:02Z', `API item: ${JSON.stringify(d.salesforce.items)}`);
		assert(d.salesforce.items.every((x) => String(x.item) === ITEM || (x.state === 'new' && !x.url)), 'other items with tasks');
		const a = page.locator(`[data-testid="plan-item"][data-id="${ITEM}"] [data-testid="crm-task-link"]`);
		if (URLS) {
			assert(t.url && t.url.includes(TASK), `API task url: ${t.url}`);
			eq(await a.count(), 1, 'task links on the item');
			eq(await a.getAttribute('href'), t.url, 'the task link');
			eq(await a.getAttribute('data-crm'), 'salesforce', 'the task link\'s CRM');
			eq(await page.locator('[data-testid="crm-task-link"]').count(), 1, 'task links on the page');
		} else {
			eq(t.url, null, 'API task url with no backend');
			eq(await page.locator('[data-testid="crm-task-link"]').count(), 0, 'task links with no address');
		}
		assert(!(await page.locator(`[data-testid="history-panel"][data-id="${ITEM}"]`).count()), 'a history open before any click');
		if (SHOTS) {
			await page.locator('[data-testid="crm"]').screenshot({ path: join(SHOTS, 'crm.png') });
			await page.locator(`[data-testid="plan-item"][data-id="${ITEM}"]`).screenshot({ path: join(SHOTS, 'crm-item.png') });
		}
	});

	await check(URLS ? 'Push: disabled while it runs, then what it did; the last push and the items\' links follow'
		: 'Push: disabled while it runs, then the refusal in one line (no Salesforce backend)', async () => {
		let release;
		const held = new Promise((r) => { release = r; });
		await page.route('**/crm/salesforce/push', async (route) => { await held; await route.continue(); });
		const push = sf.locator('[data-testid="crm-push"]');
		assert(await push.isEnabled(), 'Push is disabled before the click');
		await push.click();
		await page.waitForFunction(() => {
			const b = document.querySelector('[data-crm="salesforce"] [data-testid="crm-push"]');
			return b && b.disabled && /Pushing/.test(b.textContent);
		});
		assert(await sf.locator('[data-testid="crm-pull"]').isDisabled(), 'Pull is enabled while a push runs');
		release();
		const res = sf.locator('[data-testid="crm-result"]');
		await page.waitForFunction((ok) => {
			const p = document.querySelector('[data-crm="salesforce"] [data-testid="crm-result"]');
			const b = document.querySelector('[data-crm="salesforce"] [data-testid="crm-push"]');
			return p && b && !b.disabled && (ok ? /^Pushed to Salesforce: \d+ created/ : /^Not pushed: ./).test(p.textContent);
		}, URLS);
		await page.unroute('**/crm/salesforce/push');
		if (!URLS) {
			assert(/\berror\b/.test(await res.getAttribute('class')), 'the refusal is not shown as an error');
			return;
		}
		const d = await crm(page);
		const r = d.salesforce.last_push;
		assert(r.result === 'ok' && r.created > 0 && r.finished_at > '2026-03-05', `API last push: ${JSON.stringify(r)}`);
		const last = await text(sf.locator('[data-testid="crm-last-push"]'));
		assert(last.startsWith(r.finished_at.slice(0, 10) + ' ' + r.finished_at.slice(11, 16)) && last.includes(' · ok · ') &&
			last.includes(`${r.created} created`), `last push shown: "${last}"`);
		// the task the store had for ITEM is not in the org: deleted in Salesforce, not re-created
		const synced = d.salesforce.items.filter((x) => x.url && x.state === 'synced');
		const links = page.locator('[data-testid="crm-task-link"]');
		eq(await links.count(), synced.length, 'task links after the push');
		assert(synced.length === r.created && r.deleted === 1, `items after the push: ${JSON.stringify(d.salesforce.items)}`);
		eq(await text(page.locator(`[data-testid="plan-item"][data-id="${ITEM}"] [data-testid="crm-task-deleted"]`)),
			'deleted in Salesforce', 'the item whose task is gone');
		const lines = await text(sf.locator('[data-testid="crm-lines"]'));
		assert(lines.startsWith(`#${ITEM} deleted in CRM`), `the run's lines: "${lines}"`);
		for (const t of synced)
			eq(await page.locator(`[data-testid="plan-item"][data-id="${t.item}"] [data-testid="crm-task-link"]`).getAttribute('href'),
				t.url, `item #${t.item}'s link`);
		if (SHOTS)
			await page.locator('[data-testid="crm"]').screenshot({ path: join(SHOTS, 'crm-pushed.png') });
	});

	await check('HubSpot, not linked: a form to link by id or name; a bad id refused in one line', async () => {
		eq(await text(hs.locator('[data-testid="crm-record"]')), 'Not linked to a HubSpot record.', 'the record line');
		assert(await hs.locator('[data-testid="crm-push"]').isDisabled(), 'Push is enabled with no link');
		assert(await hs.locator('[data-testid="crm-pull"]').isDisabled(), 'Pull is enabled with no link');
		await hs.locator('[data-testid="crm-link-id"]').fill('12 34');
		await hs.locator('[data-testid="crm-link"]').click();
		await page.waitForFunction(() => {
			const p = document.querySelector('[data-crm="hubspot"] [data-testid="crm-result"]');
			return p && /^Not linked: id holds only letters, digits/.test(p.textContent);
		});
		eq((await crm(page)).hubspot.linked, false, 'HubSpot linked after a refusal');
	});

	await check('unlink: the panel offers the form again and Push is off', async () => {
		await sf.locator('[data-testid="crm-unlink"]').click();
		await sf.locator('[data-testid="crm-link-form"]').waitFor();
		eq(await text(sf.locator('[data-testid="crm-result"]')), 'Unlinked.', 'the result line');
		eq(await text(sf.locator('[data-testid="crm-record"]')), 'Not linked to a Salesforce record.', 'the record line');
		assert(await sf.locator('[data-testid="crm-push"]').isDisabled(), 'Push is enabled with no link');
		eq((await crm(page)).salesforce.linked, false, 'linked in the API');
	});

	await check(URLS ? 'link again by id from the form: linked, Push on again' : 'link by id from the form: refused in one line', async () => {
		await sf.locator('[data-testid="crm-link-id"]').fill(OPPORTUNITY);
		await sf.locator('[data-testid="crm-link"]').click();
		if (!URLS) {
			await page.waitForFunction(() => {
				const p = document.querySelector('[data-crm="salesforce"] [data-testid="crm-result"]');
				return p && /^Not linked: ./.test(p.textContent) && /\berror\b/.test(p.className);
			});
			return;
		}
		await sf.locator('[data-testid="crm-record-link"]').waitFor();
		eq(await text(sf.locator('[data-testid="crm-result"]')), `Linked to ${OPPORTUNITY}.`, 'the result line');
		assert(await sf.locator('[data-testid="crm-push"]').isEnabled(), 'Push is disabled once linked');
		eq((await crm(page)).salesforce.remote_id, OPPORTUNITY, 'linked in the API');
	});

	await check('no script errors and no Content-Security-Policy refusals', async () => {
		assert(!problems.length, problems.join(' | '));
	});
} catch (e) {
	result.failed++;
	console.log(`not ok - ${oneLine(e && e.message ? e.message : e)}`);
} finally {
	await browser.close().catch(() => {});
}
console.log(`# ${result.failed ? result.failed + ' failed' : 'all passed'}`);
