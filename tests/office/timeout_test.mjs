// The idle-timeout warning (the GOV.UK timeout-warning pattern) in a real browser: a
// hub whose office sessions end after 65 idle seconds, so the warning comes after 5.
//   node tests/office/timeout_test.mjs --server build/debug/server/doorstep-server
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseArgs } from 'node:util';

import { checkPage, focused, launch, openContext, settled } from '../support/console_browser.mjs';
import { startHub } from '../support/office_hub.mjs';

const { values: args } = parseArgs({ options: { server: { type: 'string' } } });
assert.ok(args.server, '--server PATH (doorstep-server) is required');

let hub;
let browser;

before(async () => {
  hub = await startHub(args.server, ['--session-idle', '65']);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

test('a minute before an idle session ends a dialog warns; staying keeps the session, signing out ends it', async () => {
  const { context, page } = await openContext(browser);
  await page.goto(`${hub.url}/office/sign-in`);
  await settled(page);
  await page.fill('#username', 'office');
  await page.fill('#password', hub.officePassword);
  await page.click('#sign-in-button');
  await page.waitForURL(`${hub.url}/office/`);
  await settled(page);
  assert.equal(await page.isVisible('#timeout-warning'), false, 'no warning while the session has long to go');

  await page.waitForSelector('#timeout-warning[open]', { timeout: 15000 });
  assert.match(await page.textContent('#timeout-text'), /we will sign you out in (1 minute|\d+ seconds)/);
  assert.equal(await focused(page), 'button.govuk-button', 'the focus is on "Stay signed in"');
  await checkPage(page, 'home, timeout warning');

  await page.click('#timeout-warning button:text("Stay signed in")');
  await page.waitForSelector('#timeout-warning:not([open])', { state: 'attached' });
  const cookie = (await context.cookies(hub.url)).find((c) => c.name === 'doorstep_office');
  const jar = `doorstep_office=${cookie.value}`;
  assert.equal((await hub.api(null, 'GET', '/v1/office/session', undefined, { Cookie: jar })).status, 200);

  await page.waitForSelector('#timeout-warning[open]', { timeout: 15000 });
  await page.click('#timeout-warning a:text("Sign out")');
  await page.waitForURL(`${hub.url}/office/signed-out`);
  assert.equal((await hub.api(null, 'GET', '/v1/office/session', undefined, { Cookie: jar })).status, 401);
  await context.close();
});

test('the console open in two tabs: using one keeps the other from warning and signing out', async () => {
  const { context, page } = await openContext(browser);
  await page.goto(`${hub.url}/office/sign-in`);
  await settled(page);
  await page.fill('#username', 'office');
  await page.fill('#password', hub.officePassword);
  await page.click('#sign-in-button');
  await page.waitForURL(`${hub.url}/office/`);
  await settled(page);
  await page.waitForSelector('#timeout-warning[open]', { timeout: 15000 });

  const other = await context.newPage();
  await other.goto(`${hub.url}/office/accounts`); // work in another tab
  await settled(other);
  await page.waitForSelector('#timeout-warning:not([open])', { state: 'attached', timeout: 5000 });
  await context.close();
});
