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
