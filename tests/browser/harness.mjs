// harness.mjs: what the browser checks share (review.mjs, plan.mjs): TAP lines, one check at
// a time with its time limit, equality with a message, Chromium started headless. A check
// never throws: it prints "ok - NAME" or "not ok - NAME: why" and counts the failures.
// Does not start the server or log in (each script's own first checks do).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHECK_MS = 30000; // one whole check
export const result = { failed: 0 };

export function oneLine(s) {
	return String(s).replace(/\s+/g, ' ').trim().slice(0, 400);
}

export function assert(cond, msg) {
	if (!cond) throw new Error(msg);
}

export function eq(got, want, what) {
	if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// Runs fn as the check called name, within CHECK_MS: true when it passed.
export async function check(name, fn) {
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
		result.failed++;
		console.log(`not ok - ${name}: ${oneLine(e && e.message ? e.message : e)}`);
		return false;
	} finally {
		clearTimeout(timer);
	}
}

// Headless Chromium, or a "not ok" line and exit 1 when it cannot start.
export async function launch() {
	try {
		return await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			timeout: 30000,
			args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
		});
	} catch (e) {
		console.log(`not ok - harness: cannot start ${CHROMIUM}: ${oneLine(e.message)}`);
		process.exit(1);
	}
}

// A page of a new context (width x height, en-US) whose steps time out after ms, recording in
// problems every script error and console error (not "Failed to load resource": an answer
// with an error status, which the checks expect).
export async function newPage(browser, problems, ms, width = 1280, height = 900) {
	const context = await browser.newContext({ viewport: { width, height }, locale: 'en-US' });
	const page = await context.newPage();
	page.setDefaultTimeout(ms);
	page.setDefaultNavigationTimeout(ms);
	page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
			problems.push(`console error on ${page.url()}: ${m.text()}`);
	});
	return page;
}

// Logs in at base with token as name, and waits for the deals page.
export async function logIn(page, base, token, name) {
	await page.goto(`${base}/login`);
	await page.fill('input[name="token"]', token);
	await page.fill('input[name="name"]', name);
	await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('[data-testid="login-submit"]')]);
	await page.locator('[data-testid="deal-row"]').first().waitFor();
}

// GET path with the page's session: the JSON answer (a status other than 200 throws).
export async function apiGet(page, path) {
	const r = await page.evaluate(async (p) => {
		const res = await fetch(p, { credentials: 'same-origin' });
		return { status: res.status, body: await res.json() };
	}, path);
	eq(r.status, 200, `GET ${path}`);
	return r.body;
}
