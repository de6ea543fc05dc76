// "Sign in with your council account" in a real browser: a real OpenID provider
// (tests/support/oidc_provider.mjs, npm oidc-provider) and the real doorstep-server
// configured for it. The state of the flow is bound to the browser that started it.
//   node tests/office/oidc_console_test.mjs --server build/debug/server/doorstep-server
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { checkPage, launch, openContext, settled } from '../support/console_browser.mjs';
import { freePort, startHub, startListening, stopChild } from '../support/office_hub.mjs';

const { values: args } = parseArgs({ options: { server: { type: 'string' } } });
assert.ok(args.server, '--server PATH (doorstep-server) is required');

const here = dirname(fileURLToPath(import.meta.url));
let hub;
let provider;
let browser;
let secrets;

before(async () => {
  const port = await freePort();
  const redirect = `http://127.0.0.1:${port}/v1/office/oidc/callback`;
  provider = startListening(process.execPath, [join(here, '../support/oidc_provider.mjs'), '--client-id', 'doorstep-hub',
    '--client-secret', 'a-client-secret-for-tests', '--redirect-uri', redirect]);
  const issuer = await provider.url;
  secrets = mkdtempSync(join(tmpdir(), 'doorstep-oidc-'));
  writeFileSync(join(secrets, 'secret'), 'a-client-secret-for-tests\n');
  hub = await startHub(args.server, ['--oidc-issuer', issuer, '--oidc-client-id', 'doorstep-hub',
    '--oidc-client-secret-file', join(secrets, 'secret')], { listen: `127.0.0.1:${port}` });
  const admin = await hub.login('office', hub.officePassword);
  const put = await hub.api(admin, 'PUT', '/v1/office/accounts/morgan', { email: 'morgan@council.example' });
  assert.equal(put.status, 200);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
  if (provider) await stopChild(provider.child);
  if (secrets) rmSync(secrets, { recursive: true, force: true });
});

// The provider's development login form, then its consent form, until the browser
// is back on the hub.
async function atProvider(page, login) {
  await page.waitForSelector('input[name="login"]');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'anything');
  await page.click('button[type="submit"]');
  await page.waitForLoadState();
  if (!page.url().startsWith(hub.url)) {
    await page.click('button[type="submit"]'); // consent: "Continue"
  }
  await page.waitForURL((u) => u.href.startsWith(`${hub.url}/office/`));
}

test('a mapped council account signs in to the console with its session in the cookie', async () => {
  const { context, page } = await openContext(browser);
  await page.goto(`${hub.url}/office/sign-in`);
  await settled(page);
  assert.equal(await page.isVisible('#oidc-button'), true);
  assert.equal(await page.textContent('#oidc-button'), 'Sign in with your council account');
  await checkPage(page, 'sign-in with OpenID Connect');
  await page.click('#oidc-button');
  await atProvider(page, 'morgan@council.example');
  await page.waitForURL(`${hub.url}/office/`);
  await settled(page);
  assert.equal(await page.textContent('#signed-in-as'), 'Signed in as morgan (Team manager: children-south)');
  const cookie = (await context.cookies(hub.url)).find((c) => c.name === 'doorstep_office');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal((await context.cookies(hub.url)).find((c) => c.name === 'doorstep_oidc'), undefined, 'the state cookie is gone');
  await context.close();
});

test('a council account with no office account comes back to sign-in with the reason', async () => {
  const { context, page } = await openContext(browser);
  await page.goto(`${hub.url}/office/sign-in`);
  await settled(page);
  await page.click('#oidc-button');
  await atProvider(page, 'nobody@council.example');
  await page.waitForURL(`${hub.url}/office/sign-in?oidc=no-account`);
  await settled(page);
  assert.match(await page.textContent('.govuk-error-summary'), /There is no office account for your council account/);
  await checkPage(page, 'sign-in, no account for the council account');
  await context.close();
});

test('a callback from a browser that did not start the sign-in is refused', async () => {
  // Someone signs in at the provider but stops before the answer reaches the hub (the
  // DevTools protocol holds the redirect to the callback, which page.route cannot see),
  // then gets the answer delivered to another browser, whose own state cookie differs.
  const starter = await browser.newContext();
  const page = await starter.newPage();
  const cdp = await starter.newCDPSession(page);
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${hub.url}/v1/office/oidc/callback*` }] });
  const stolen = new Promise((resolve) => {
    cdp.on('Fetch.requestPaused', (e) => {
      resolve(e.request.url);
      cdp.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'Aborted' }).catch(() => {});
    });
  });
  await page.goto(`${hub.url}/v1/office/oidc/start?console=1`);
  await page.fill('input[name="login"]', 'morgan@council.example');
  await page.fill('input[name="password"]', 'anything');
  await page.click('button[type="submit"]');
  await Promise.race([stolen, page.waitForSelector('button[type="submit"]').then(() => page.click('button[type="submit"]')).catch(() => {})]);
  const callback = await stolen;
  await starter.close();

  const victim = await openContext(browser);
  await victim.page.goto(`${hub.url}/v1/office/oidc/start?console=1`); // its own state cookie
  await victim.page.goto(callback);
  await victim.page.waitForURL(`${hub.url}/office/sign-in?oidc=refused`);
  assert.equal((await victim.context.cookies(hub.url)).find((c) => c.name === 'doorstep_office'), undefined);
  await victim.context.close();

  // The state was not used up by the refusal: the browser that started the sign-in
  // could still finish it (here, a script with the same answer and no cookie at all).
  const script = await hub.api(null, 'GET', callback.slice(hub.url.length));
  assert.equal(script.status, 200, JSON.stringify(script.body));
  assert.equal(script.body.username, 'morgan');
});
