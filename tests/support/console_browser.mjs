// Debian's Chromium driven by playwright-core (no browser is ever downloaded), and
// the checks every console page in every state must pass: axe-core with no
// violation of WCAG 2.2 A and AA, no script error, no Content-Security-Policy
// violation, nothing in localStorage or sessionStorage.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

export const CHROMIUM = process.env.DOORSTEP_CHROMIUM ?? '/usr/bin/chromium';
export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

// A fresh browser profile (no cookies) with a page that records script errors, CSP
// violations and any request to another machine (refused: everything the console
// needs comes from the hub).
export async function openContext(browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const external = [];
  await context.route('**/*', (route) => {
    const request = route.request();
    if (new URL(request.url()).hostname === '127.0.0.1') return route.continue();
    let from = '';
    try {
      from = new URL(request.frame().url()).origin;
    } catch {
      from = '';
    }
    external.push({ url: request.url(), from });
    return route.abort();
  });
  // Runs through the DevTools protocol, not as a page script: the CSP does not apply.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.errors = [];
  page.external = external;
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return { context, page };
}

// Waits until the page has drawn itself (session.js ready()).
export async function settled(page) {
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 10000 });
}

// axe-core inside the page, WCAG 2.2 A and AA; plus the page's own health.
export async function checkPage(page, state) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG);
  const described = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  assert.deepEqual(described, [], `axe-core violations on ${state}`);
  assert.deepEqual(page.errors, [], `script errors on ${state}`);
  const csp = await page.evaluate(() => window.__cspViolations ?? []);
  assert.deepEqual(csp, [], `Content-Security-Policy violations on ${state}`);
  const origin = new URL(page.url()).origin;
  const fetched = page.external.filter((e) => e.from === origin).map((e) => e.url);
  assert.deepEqual(fetched, [], `requests to other machines from ${state}`);
  const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
  assert.equal(stored, 0, `nothing is kept in localStorage or sessionStorage (${state})`);
}

// The page fits 320 CSS pixels without scrolling sideways (WCAG 1.4.10 reflow).
export async function checkReflow(page, state) {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize(before);
  assert.ok(width <= 320, `${state} is ${width} px wide at 320 px`);
}

// What has the keyboard focus: "tag#id.class".
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}` : '';
  });
}
