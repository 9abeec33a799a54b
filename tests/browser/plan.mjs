// plan.mjs: the whole plan (issue 14) in `mapkeeper serve`'s pages, in headless Chromium, as
// a rep would use it: the deal page's goal, go-live with its slack (red when past it), next
// meeting and buyer acknowledgement at the top; items by phase with the critical path; the
// criteria, the dependencies and the stakeholders with stance and met / not met; each fixed
// by hand (goal, go-live, next meeting, a criterion added and removed, a dependency added
// and removed, an item's phase, a stance); proposals of the new kinds read, edited and
// approved with their quote; the plan copied for the buyer; the deals page's go-live, slack,
// next meeting, acknowledgement and criteria columns with their filters.
//
// Run by tests/cli/t98-browser-plan.sh against a server it started on a database it made:
//   BASE_URL=http://127.0.0.1:PORT TOKEN=... [SCREENSHOTS=dir] node tests/browser/plan.mjs
// Prints one TAP line per check ("ok - ..." / "not ok - ..."); exits non-zero only when the
// harness itself cannot run.
import { join } from 'node:path';
import { apiGet, assert, check, eq, launch, logIn, newPage, oneLine, result } from './harness.mjs';

const BASE = (process.env.BASE_URL || '').replace(/\/+$/, '');
const TOKEN = process.env.TOKEN || '';
const SHOTS = process.env.SCREENSHOTS || '';
const DEAL = process.env.DEAL || 'Northwind';
const OTHER = process.env.OTHER_DEAL || 'Globex';
const STEP_MS = 10000;

if (!BASE || !TOKEN) {
	console.log('not ok - harness: BASE_URL and TOKEN must be set');
	process.exit(2);
}

const problems = [];

const dealApi = (name, what) => `/api/deals/${encodeURIComponent(name)}/${what}`;
const plan = (page) => apiGet(page, dealApi(DEAL, 'plan'));
const text = async (loc) => ((await loc.textContent()) || '').replace(/\s+/g, ' ').trim();

// Waits until fn() (reading the API) gives true.
async function until(fn, what) {
	const end = Date.now() + STEP_MS;
	for (;;) {
		if (await fn()) return;
		if (Date.now() > end) throw new Error(`${what}: not so after ${STEP_MS / 1000} s`);
		await new Promise((r) => setTimeout(r, 150));
	}
}

const browser = await launch();
try {
	const page = await newPage(browser, problems, STEP_MS);
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
	const loggedIn = await check('log in with the token', () => logIn(page, BASE, TOKEN, 'Maya'));
	if (!loggedIn) throw new Error('cannot log in: the other checks need a session');

	await page.goto(`${BASE}/deal?name=${encodeURIComponent(DEAL)}`);
	await page.locator('[data-testid="plan-top"]').waitFor();

	await check('the plan sections render: top, phases, criteria, dependencies, stakeholders with stance and met', async () => {
		const p = await plan(page);
		await page.locator('[data-testid="phase-item"]').first().waitFor();
		eq(await text(page.locator('[data-testid="goal"]')), p.goal || 'none yet', 'goal');
		eq(await text(page.locator('[data-testid="ack"]')), 'never', 'acknowledgement');
		const phases = [...new Set(p.items.map((i) => i.phase))];
		eq(await page.locator('[data-testid="phase-group"]').count(), phases.length, 'phase groups');
		eq(await page.locator('[data-testid="phase-item"]').count(), p.items.length, 'items by phase');
		for (const it of p.items) {
			const sel = page.locator(`[data-testid="plan-item"][data-id="${it.id}"] [data-testid="item-phase"]`);
			eq(await sel.inputValue(), it.phase, `phase select of #${it.id}`);
		}
		eq(await page.locator('[data-testid="stakeholder"]').count(), p.stakeholders.length, 'stakeholders');
		for (const s of p.stakeholders) {
			const li = page.locator(`[data-testid="stakeholder"][data-id="${s.id}"]`);
			eq(await li.locator('[data-testid="stance"]').inputValue(), s.stance, `stance of ${s.name}`);
			eq(await text(li.locator('[data-testid="met"]')), s.met ? 'met' : 'not met', `met of ${s.name}`);
		}
		eq(await page.locator('[data-testid="criterion"]').count(), p.criteria.length, 'criteria');
		eq(await page.locator('[data-testid="dependency"]').count(), p.dependencies.length, 'dependencies');
	});

	await check('the goal, by hand', async () => {
		await page.click('[data-testid="goal-edit"]');
		await page.fill('[data-testid="goal-input"]', 'cut onboarding from three weeks to one');
		await page.click('[data-testid="goal-save"]');
		await page.locator('[data-testid="goal"]', { hasText: 'cut onboarding from three weeks to one' }).waitFor();
		eq((await plan(page)).goal, 'cut onboarding from three weeks to one', 'the plan\'s goal');
	});

	await check('the go-live, by hand: before the last item\'s date, the slack shows red as past go-live', async () => {
		const p = await plan(page);
		const dues = p.items.filter((i) => i.status === 'open' && i.due).map((i) => i.due).sort();
		assert(dues.length >= 2, 'the plan needs two dated open items');
		await page.click('[data-testid="go-live-edit"]');
		await page.fill('[data-testid="go-live-date"]', dues[0]);
		await page.selectOption('[data-testid="go-live-kind"]', 'signed');
		await page.click('[data-testid="go-live-save"]');
		await page.locator('[data-testid="go-live"]', { hasText: dues[0] }).waitFor();
		const q = await plan(page);
		eq(JSON.stringify(q.go_live), JSON.stringify({ date: dues[0], kind: 'signed' }), 'the plan\'s go-live');
		assert(q.backward.slack_days < 0, `slack ${q.backward.slack_days}`);
		const slack = page.locator('[data-testid="slack"]');
		eq(await slack.getAttribute('data-slack'), String(q.backward.slack_days), 'the slack shown');
		assert(/\bpast\b/.test(await slack.getAttribute('class')), 'the slack is not marked past go-live');
		assert(/past go-live/.test(await text(slack)), `slack text: ${await text(slack)}`);
		const color = await slack.evaluate((e) => getComputedStyle(e).color);
		eq(color, 'rgb(180, 35, 24)', 'the slack\'s colour');
		eq(await page.locator('[data-testid="past-go-live"]').count() > 0, true, 'items marked past go-live');
	});

	await check('the next meeting, by hand', async () => {
		await page.click('[data-testid="meeting-edit"]');
		await page.fill('[data-testid="meeting-date"]', '2099-05-14');
		await page.fill('[data-testid="meeting-time"]', '10:00');
		await page.fill('[data-testid="meeting-who"]', 'the CFO');
		await page.fill('[data-testid="meeting-purpose"]', 'walk through pricing');
		await page.click('[data-testid="meeting-save"]');
		await page.locator('[data-testid="next-meeting"]', { hasText: '2099-05-14 10:00 with the CFO: walk through pricing' }).waitFor();
		const m = (await plan(page)).next_meeting;
		eq(m.purpose, 'walk through pricing', 'the plan\'s meeting');
	});

	await check('a criterion added, then removed', async () => {
		await page.fill('[data-testid="criterion-text"]', '95% of claims route without a touch');
		await page.click('[data-testid="criterion-add"]');
		const li = page.locator('[data-testid="criterion"]', { hasText: '95% of claims route without a touch' });
		await li.waitFor();
		eq((await plan(page)).criteria.length, 1, 'criteria on the plan');
		await li.locator('[data-testid="criterion-remove"]').click();
		await li.waitFor({ state: 'detached' });
		eq((await plan(page)).criteria.length, 0, 'criteria after removing');
		await page.fill('[data-testid="criterion-text"]', 'the pilot passes');
		await page.click('[data-testid="criterion-add"]');
		await page.locator('[data-testid="criterion"]', { hasText: 'the pilot passes' }).waitFor();
	});

	await check('a dependency added (marked on the critical path), then removed', async () => {
		const p = await plan(page);
		const open = p.items.filter((i) => i.status === 'open' && i.due).sort((a, b) => (a.due < b.due ? -1 : 1));
		const first = open[0], last = open[open.length - 1];
		await page.selectOption('[data-testid="dep-item"]', String(last.id));
		await page.selectOption('[data-testid="dep-on"]', String(first.id));
		await page.click('[data-testid="dependency-add"]');
		const li = page.locator('[data-testid="dependency"]');
		await li.first().waitFor();
		const q = await plan(page);
		eq(q.dependencies.length, 1, 'dependencies on the plan');
		eq(q.dependencies[0].item_id, last.id, 'the waiting item');
		eq(await text(li.locator('[data-testid="waiting"]')), `#${last.id} ${last.action}`, 'waiting shown');
		const path = q.backward.path;
		if (path.includes(first.id) && path.includes(last.id))
			eq(await li.locator('[data-testid="critical"]').count(), 1, 'critical path mark');
		if (q.items.find((i) => i.id === last.id).held_by)
			eq(await li.locator('[data-testid="held-up"]').count(), 1, 'held-up mark');
		assert(!(await page.locator('[data-testid="critical-path"]').isHidden()), 'the critical path line is hidden');
		eq(await text(page.locator('[data-testid="critical-path"]')).then((t) => t.startsWith('Critical path: #')), true,
			'the critical path line');
		await li.locator('[data-testid="dependency-remove"]').click();
		await li.first().waitFor({ state: 'detached' });
		eq((await plan(page)).dependencies.length, 0, 'dependencies after removing');
	});

	await check('an item\'s phase changed from its select', async () => {
		const p = await plan(page);
		const it = p.items.find((i) => i.phase !== 'procurement');
		const sel = page.locator(`[data-testid="plan-item"][data-id="${it.id}"] [data-testid="item-phase"]`);
		await sel.selectOption('procurement');
		await until(async () => (await plan(page)).items.find((i) => i.id === it.id).phase === 'procurement', 'the phase');
		await page.locator(`[data-testid="phase-group"][data-phase="procurement"] [data-testid="phase-item"][data-id="${it.id}"]`).waitFor();
		await page.locator('[data-testid="notice-text"]', { hasText: 'Procurement and legal' }).waitFor();
	});

	await check('a stakeholder\'s stance changed from its select', async () => {
		const p = await plan(page);
		const s = p.stakeholders[0];
		const sel = page.locator(`[data-testid="stakeholder"][data-id="${s.id}"] [data-testid="stance"]`);
		await sel.selectOption('champion');
		await until(async () => (await plan(page)).stakeholders.find((x) => x.id === s.id).stance === 'champion', 'the stance');
		await page.locator('[data-testid="notice-text"]', { hasText: 'is champion' }).waitFor();
	});

	await check('a go-live proposal reads clearly, with its quote and time', async () => {
		const card = page.locator('[data-testid="proposal"][data-kind="set_go_live"]');
		await card.waitFor();
		eq(await text(card.locator('[data-testid="kind"]')), 'Go-live date', 'kind');
		eq(await text(card.locator('[data-testid="what"]')), 'live by 2026-06-30', 'what');
		eq(await text(card.locator('[data-testid="quote"]')), 'We need to be live by the end of June.', 'quote');
		eq(await text(card.locator('[data-testid="time"]')), '00:01:00', 'time');
		assert((await text(card.locator('[data-testid="now"]'))).length > 0, 'what the plan has now');
	});

	await check('a go-live proposal edited (date and kind), then approved', async () => {
		const card = page.locator('[data-testid="proposal"][data-kind="set_go_live"]');
		const id = await card.getAttribute('data-id');
		await card.locator('[data-testid="edit"]').click();
		await card.locator('[data-testid="edit-due"]').fill('2099-07-15');
		await card.locator('[data-testid="edit-kind"]').selectOption('live');
		await card.locator('[data-testid="save"]').click();
		await card.locator('[data-testid="what"]', { hasText: 'live by 2099-07-15' }).waitFor();
		await card.locator('[data-testid="approve"]').click();
		await page.locator(`[data-testid="proposal"][data-id="${id}"]`).waitFor({ state: 'detached' });
		await page.locator('[data-testid="go-live"]', { hasText: '2099-07-15' }).waitFor();
		const p = await plan(page);
		eq(JSON.stringify(p.go_live), JSON.stringify({ date: '2099-07-15', kind: 'live' }), 'the plan\'s go-live');
		assert(p.backward.slack_days >= 0, `slack ${p.backward.slack_days}`);
		const slack = page.locator('[data-testid="slack"]');
		assert(!/\bpast\b/.test(await slack.getAttribute('class')), 'still marked past go-live');
	});

	await check('a stance proposal edited and approved', async () => {
		const card = page.locator('[data-testid="proposal"][data-kind="set_stance"]');
		await card.waitFor();
		eq(await text(card.locator('[data-testid="kind"]')), 'Stance', 'kind');
		await card.locator('[data-testid="edit"]').click();
		await card.locator('[data-testid="edit-stance"]').selectOption('blocker');
		await card.locator('[data-testid="save"]').click();
		await card.locator('[data-testid="what"]', { hasText: ': blocker' }).waitFor();
		const name = (await text(card.locator('[data-testid="what"]'))).replace(/: blocker$/, '');
		await card.locator('[data-testid="approve"]').click();
		await card.waitFor({ state: 'detached' });
		await until(async () => (await plan(page)).stakeholders.some((s) => s.name === name && s.stance === 'blocker'),
			`${name} a blocker on the plan`);
	});

	await check('a next-meeting proposal reads when, who and what for; rejected with a reason', async () => {
		const card = page.locator('[data-testid="proposal"][data-kind="set_next_meeting"]');
		await card.waitFor();
		eq(await text(card.locator('[data-testid="kind"]')), 'Next meeting', 'kind');
		eq(await text(card.locator('[data-testid="what"]')), '2099-04-02 with Dana', 'what');
		eq(await text(card.locator('[data-testid="purpose"]')), 'pricing', 'what for');
		eq(await text(card.locator('[data-testid="quote"]')), 'Let us get Dana on a call on April 2nd about pricing.', 'quote');
		await card.locator('[data-testid="reject"]').click();
		await card.locator('[data-testid="reject-reason"]').fill('already booked');
		await card.locator('[data-testid="reject-confirm"]').click();
		await card.waitFor({ state: 'detached' });
		eq((await plan(page)).next_meeting.date, '2099-05-14', 'the next meeting stays as it was');
	});

	await check('a dependency proposal: what waits on what; its items chosen in the editor, then approved', async () => {
		const card = page.locator('[data-testid="proposal"][data-kind="add_dependency"]');
		await card.waitFor();
		eq(await text(card.locator('[data-testid="what"]')), 'the pricing review waits on the ROI model', 'what');
		const p = await plan(page);
		const review = p.items.find((i) => /pricing review/.test(i.action));
		const roi = p.items.find((i) => /ROI model using/.test(i.action));
		await card.locator('[data-testid="edit"]').click();
		await card.locator('[data-testid="edit-waiting_item"]').selectOption(String(review.id));
		await card.locator('[data-testid="edit-on_item"]').selectOption(String(roi.id));
		await card.locator('[data-testid="save"]').click();
		await card.locator('[data-testid="waiting"]', { hasText: `#${review.id}` }).waitFor();
		await card.locator('[data-testid="approve"]').click();
		await card.waitFor({ state: 'detached' });
		await until(async () => (await plan(page)).dependencies.some((d) => d.item_id === review.id && d.depends_on_id === roi.id),
			'the dependency on the plan');
		await page.locator('[data-testid="dependency"]').first().waitFor();
	});

	await check('"Copy the plan for the buyer" puts the Markdown on the clipboard', async () => {
		await page.selectOption('[data-testid="copy-since"]', 'last-call');
		await page.click('[data-testid="copy-plan"]');
		const status = page.locator('[data-testid="copy-status"]');
		await page.waitForFunction(() => !/Copying/.test(document.querySelector('[data-testid="copy-status"]').textContent));
		const md = await page.locator('[data-testid="copy-text"]').inputValue();
		assert(md.includes('cut onboarding from three weeks to one'), `the Markdown: ${oneLine(md)}`);
		assert(/what changed/i.test(md), 'no "What changed" with since=last-call');
		if (/^Copied/.test(await text(status))) {
			eq(await page.evaluate(() => navigator.clipboard.readText()), md, 'the clipboard');
			assert(await page.locator('[data-testid="copy-text"]').isHidden(), 'the text box shows after copying');
		} else {
			assert(await page.locator('[data-testid="copy-text"]').isVisible(), `no copy and no text box: ${await text(status)}`);
		}
	});
	if (SHOTS) await page.screenshot({ path: join(SHOTS, 'plan.png'), fullPage: true }).catch(() => {});

	await check('the deals page: go-live, slack, next meeting, acknowledgement, criteria, sorted and filtered', async () => {
		await page.goto(`${BASE}/`);
		const api = (await apiGet(page, '/api/deals')).deals;
		const me = api.find((d) => d.name === DEAL);
		const row = page.locator(`[data-testid="deal-row"][data-name="${DEAL}"]`);
		await row.waitFor();
		eq(await text(row.locator('[data-field="go_live"]')), me.health.go_live, 'go-live');
		eq(await text(row.locator('[data-field="slack"]')), String(me.health.slack_days), 'slack');
		eq(await text(row.locator('[data-field="next_meeting"]')), '2099-05-14', 'next meeting');
		eq(await text(row.locator('[data-field="ack"]')), 'never', 'acknowledgement');
		eq(await text(row.locator('[data-field="criteria"]')), '1', 'criteria');
		const other = page.locator(`[data-testid="deal-row"][data-name="${OTHER}"]`);
		eq(await text(other.locator('[data-field="next_meeting"]')), 'none', 'the other deal\'s meeting');
		await page.click('[data-testid="filter-no-meeting"]');
		await row.waitFor({ state: 'detached' });
		await other.waitFor();
		await page.click('[data-testid="filter-no-meeting"]');
		await row.waitFor();
		await page.click('[data-testid="sort-criteria"]');
		await page.click('[data-testid="sort-criteria"]');
		eq(await page.locator('[data-testid="deal-row"]').first().getAttribute('data-name'), DEAL, 'most criteria first');
		await page.click('[data-testid="sort-slack"]');
		eq(await page.locator('th[data-sort="slack"]').getAttribute('aria-sort'), 'ascending', 'sorted by slack');
	});

	await check('the deals page: "past go-live" keeps only deals whose critical path ends after it', async () => {
		const r = await page.evaluate(async (d) => {
			const s = await (await fetch('/api/session', { credentials: 'same-origin' })).json();
			const res = await fetch(`/api/deals/${encodeURIComponent(d)}/go-live`, {
				method: 'POST', credentials: 'same-origin',
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf },
				body: JSON.stringify({ date: '2026-01-01' }),
			});
			return res.status;
		}, OTHER);
		eq(r, 200, 'POST go-live of the other deal');
		await page.reload();
		await page.locator('[data-testid="deal-row"]').first().waitFor();
		await page.click('[data-testid="filter-past-go-live"]');
		await page.locator(`[data-testid="deal-row"][data-name="${DEAL}"]`).waitFor({ state: 'detached' });
		eq(await page.locator('[data-testid="deal-row"]').count(), 1, 'rows past go-live');
		const slack = page.locator(`[data-testid="deal-row"][data-name="${OTHER}"] [data-field="slack"]`);
		assert(/\bpast\b/.test(await slack.getAttribute('class')), 'the slack is not marked past go-live');
		assert(new URL(page.url()).search.includes('past_go_live=1'), 'the filter is not in the address');
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
