// The office console in a real browser: Debian's Chromium (playwright-core) against
// the real doorstep-server on 127.0.0.1 with a real store and the demo council.
// Every state reached passes axe-core (WCAG 2.2 A and AA) with no script error and
// no CSP violation; what the browser did is checked through the office API.
//   node tests/office/console_test.mjs --server build/debug/server/doorstep-server
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseArgs } from 'node:util';

import { checkPage, checkReflow, focused, launch, openContext, settled } from '../support/console_browser.mjs';
import { startHub } from '../support/office_hub.mjs';

const { values: args } = parseArgs({ options: { server: { type: 'string' } } });
assert.ok(args.server, '--server PATH (doorstep-server) is required');

let hub;
let browser;
let admin; // a bearer token of the admin, as a script holds one

before(async () => {
  hub = await startHub(args.server);
  browser = await launch();
  admin = await hub.login('office', hub.officePassword);
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

async function signIn(page, username, password) {
  await page.goto(`${hub.url}/office/sign-in`);
  await settled(page);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#sign-in-button');
}

async function signedIn(username, password) {
  const { context, page } = await openContext(browser);
  await signIn(page, username, password);
  await page.waitForURL(`${hub.url}/office/`);
  await settled(page);
  return { context, page };
}

async function cookieOf(context) {
  const cookies = await context.cookies(hub.url);
  return cookies.find((c) => c.name === 'doorstep_office');
}

test('signing in: a closed page sends you to sign in, wrong and empty answers show the error summary, then Home', async () => {
  const { context, page } = await openContext(browser);
  await page.goto(`${hub.url}/office/accounts`);
  await page.waitForURL(`${hub.url}/office/sign-in`);
  await settled(page);
  assert.equal(await page.title(), 'Sign in – Doorstep office');
  assert.equal(await page.isVisible('#oidc-button'), false, 'no council-account button without OpenID Connect');
  await checkPage(page, 'sign-in');
  await checkReflow(page, 'sign-in');

  await page.click('#sign-in-button');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await focused(page), /govuk-error-summary/);
  assert.equal(await page.title(), 'Error: Sign in – Doorstep office');
  assert.deepEqual(await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')])), [
    ['Enter your user name', '#username'],
    ['Enter your password', '#password'],
  ]);
  await checkPage(page, 'sign-in, empty');

  await page.fill('#username', 'office');
  await page.fill('#password', 'not-the-password');
  await page.click('#sign-in-button');
  await page.waitForFunction(() => document.querySelector('.govuk-error-summary')?.textContent.includes('Enter a correct user name and password'));
  assert.match(await focused(page), /govuk-error-summary/);
  await checkPage(page, 'sign-in, wrong password');

  await page.fill('#password', hub.officePassword);
  await page.click('#sign-in-button');
  await page.waitForURL(`${hub.url}/office/`);
  await settled(page);
  assert.equal(await page.title(), 'Home – Doorstep office');
  assert.equal(await page.textContent('#signed-in-as'), 'Signed in as office (Administrator)');
  assert.deepEqual(await page.$$eval('#navigation a', (as) => as.map((a) => a.textContent.trim())), ['Home', 'Accounts', 'Your password', 'Sign out']);
  await checkPage(page, 'home, admin');
  await checkReflow(page, 'home');
  await context.close();
});

test('the session cookie is HttpOnly and SameSite=Strict, pages forbid framing and caching, changes need the CSRF token', async () => {
  const { context, page } = await signedIn('office', hub.officePassword);
  const cookie = await cookieOf(context);
  assert.ok(cookie, 'the session is in a cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.secure, false, 'Secure only under TLS');
  assert.equal(cookie.path, '/');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read the session');

  for (const path of ['/office/', '/office/sign-in', '/office/accounts', '/office/static/js/api.js', '/office/govuk/govuk-frontend.min.css']) {
    const r = await page.request.get(hub.url + path);
    assert.equal(r.status(), 200, path);
    assert.equal(r.headers()['content-security-policy'], "default-src 'self'; frame-ancestors 'none'", path);
    assert.equal(r.headers()['cache-control'], 'no-store', path);
    assert.equal(r.headers()['x-content-type-options'], 'nosniff', path);
  }
  const css = await (await page.request.get(`${hub.url}/office/govuk/govuk-frontend.min.css`)).text();
  assert.ok(css.includes('url(/office/assets/images/'), 'GOV.UK Frontend\'s assets are the hub\'s');
  assert.ok(!css.includes('GDS Transport'), 'no GOV.UK-only typeface on a council service');
  const image = await page.request.get(`${hub.url}/office/assets/images/govuk-crest.svg`);
  assert.equal(image.status(), 200);
  assert.equal(image.headers()['content-type'], 'image/svg+xml');
  assert.equal((await page.request.get(`${hub.url}/office/static/../pages/home.html`)).status(), 404);
  const missing = await page.request.get(`${hub.url}/office/no-such-page`);
  assert.equal(missing.status(), 404);

  // The API with the cookie, as a script of another origin would try it.
  const jar = `doorstep_office=${cookie.value}`;
  const session = await hub.api(null, 'GET', '/v1/office/session', undefined, { Cookie: jar });
  assert.equal(session.status, 200);
  assert.equal(session.body.username, 'office');
  assert.equal(session.headers.get('cache-control'), 'no-store');
  const path = '/v1/office/accounts/alex/sign-out-everywhere';
  assert.equal((await hub.api(null, 'POST', path, {}, { Cookie: jar })).status, 403, 'a change without the CSRF token');
  assert.equal((await hub.api(null, 'POST', path, {}, { Cookie: jar, 'X-CSRF-Token': 'guess' })).status, 403, 'a wrong CSRF token');
  assert.equal((await hub.api(null, 'POST', path, {}, { Cookie: jar, 'X-CSRF-Token': session.body.csrf_token })).status, 200);
  // A sign-in that would set the cookie is taken only as JSON from the hub's own pages.
  const form = await fetch(`${hub.url}/v1/office/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ username: 'office', password: hub.officePassword, cookie: true }),
  });
  assert.equal(form.status, 403);
  assert.equal(form.headers.get('set-cookie'), null);
  await context.close();
});

test('signing out ends the session on the hub: the old cookie is refused', async () => {
  const { context, page } = await signedIn('office', hub.officePassword);
  const jar = `doorstep_office=${(await cookieOf(context)).value}`;
  assert.equal((await hub.api(null, 'GET', '/v1/office/session', undefined, { Cookie: jar })).status, 200);
  await page.click('#sign-out');
  await page.waitForURL(`${hub.url}/office/signed-out`);
  await settled(page);
  assert.equal(await page.title(), 'You have signed out – Doorstep office');
  await checkPage(page, 'signed out');
  assert.equal((await hub.api(null, 'GET', '/v1/office/session', undefined, { Cookie: jar })).status, 401);
  assert.equal(await cookieOf(context), undefined, 'the browser dropped the cookie');
  await page.goto(`${hub.url}/office/`);
  await page.waitForURL(`${hub.url}/office/sign-in`);
  await context.close();
});

test('a reset password must be replaced at sign-in, and the new one is the one that works', async () => {
  const reset = await hub.api(admin, 'POST', '/v1/office/accounts/morgan/reset-password', {});
  assert.equal(reset.status, 200);
  const { context, page } = await openContext(browser);
  await signIn(page, 'morgan', reset.body.password);
  await page.waitForSelector('#new-password-section:not([hidden])');
  assert.equal(await page.title(), 'Create a new password – Doorstep office');
  assert.equal(await focused(page), 'h1#new-password-heading.govuk-heading-l');
  await checkPage(page, 'sign-in, new password');

  await page.fill('#new-password', 'short');
  await page.fill('#confirm-password', 'short');
  await page.click('#new-password-button');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await focused(page), /govuk-error-summary/);
  assert.equal(await page.textContent('.govuk-error-summary a'), 'Your new password must be 10 characters or more');
  await checkPage(page, 'new password, too short');

  await page.fill('#new-password', 'qwertyuiop'); // long enough, but a common one: the hub refuses it
  await page.fill('#confirm-password', 'qwertyuiop');
  await page.click('#new-password-button');
  await page.waitForFunction(() => document.querySelector('.govuk-error-summary')?.textContent.includes('common'));
  assert.equal(await page.getAttribute('.govuk-error-summary a', 'href'), '#new-password');

  await page.fill('#new-password', 'Tannery Row at dawn');
  await page.fill('#confirm-password', 'Tannery Row at dawn');
  await page.click('#new-password-button');
  await page.waitForURL(`${hub.url}/office/?password=changed`);
  await settled(page);
  assert.equal(await page.textContent('.govuk-notification-banner__heading'), 'Your new password is saved');
  assert.match(await focused(page), /govuk-notification-banner/);
  assert.deepEqual(await page.$$eval('#navigation a', (as) => as.map((a) => a.textContent.trim())), ['Home', 'Your password', 'Sign out']);
  await checkPage(page, 'home, manager');
  assert.equal((await hub.api(null, 'POST', '/v1/office/login', { username: 'morgan', password: reset.body.password })).status, 401);
  const again = await hub.api(null, 'POST', '/v1/office/login', { username: 'morgan', password: 'Tannery Row at dawn' });
  assert.equal(again.status, 200);
  assert.equal(again.body.password_change_required, false);
  await context.close();
});

test('an admin creates an account in the browser and the API has it, with a one-time password', async () => {
  const { context, page } = await signedIn('office', hub.officePassword);
  await page.click('#navigation a:text("Accounts")');
  await page.waitForURL(`${hub.url}/office/accounts`);
  await settled(page);
  assert.equal(await page.title(), 'Accounts – Doorstep office');
  const names = await page.$$eval('#accounts-table tbody th', (ths) => ths.map((t) => t.textContent));
  assert.ok(names.includes('morgan') && names.includes('sam') && names.includes('office'), names.join(' '));
  await checkPage(page, 'accounts');
  await checkReflow(page, 'accounts');

  await page.click('text=Create an account');
  await page.waitForURL(`${hub.url}/office/new-account`);
  await settled(page);
  assert.equal(await page.title(), 'Create an account – Doorstep office');
  await checkPage(page, 'new account');
  await checkReflow(page, 'new account');
  await page.fill('#username', 'jo.bloggs');
  await page.check('#role-manager');
  await page.waitForSelector('#teams-manager', { state: 'visible' });
  await page.fill('#teams-manager', 'children-south, children-north');
  await page.fill('#email', 'jo.bloggs@council.example');
  await checkPage(page, 'new account, manager chosen');
  await page.click('#create-button');
  await page.waitForSelector('#created-section:not([hidden])');
  assert.equal(await page.title(), 'Account jo.bloggs created – Doorstep office');
  assert.equal(await focused(page), 'h1#created-heading.govuk-panel__title');
  const once = await page.textContent('#created-password');
  await checkPage(page, 'account created');

  const got = await hub.api(admin, 'GET', '/v1/office/accounts/jo.bloggs');
  assert.equal(got.status, 200);
  assert.equal(got.body.role, 'manager');
  assert.deepEqual(got.body.teams, ['children-south', 'children-north']);
  assert.equal(got.body.email, 'jo.bloggs@council.example');
  assert.equal(got.body.password_change_required, true);
  const first = await hub.api(null, 'POST', '/v1/office/login', { username: 'jo.bloggs', password: once });
  assert.equal(first.status, 200, 'the one-time password shown signs in');
  assert.equal(first.body.password_change_required, true);
  await context.close();
});

test('a failed submit shows the error summary naming the field, with the focus on it', async () => {
  const { context, page } = await signedIn('office', hub.officePassword);
  await page.goto(`${hub.url}/office/new-account`);
  await settled(page);
  await page.click('#create-button');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await focused(page), /govuk-error-summary/);
  assert.deepEqual(await page.$$eval('.govuk-error-summary a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')])), [
    ['Enter a user name', '#username'],
    ['Select a role', '#role'],
  ]);
  assert.equal(await page.title(), 'Error: Create an account – Doorstep office');
  assert.equal(await page.textContent('#username-error'), 'Error: Enter a user name');
  await checkPage(page, 'new account, empty');

  // The hub's refusal: the name is taken.
  await page.fill('#username', 'sam');
  await page.check('#role-auditor');
  await page.click('#create-button');
  await page.waitForFunction(() => document.querySelector('.govuk-error-summary')?.textContent.includes('There is already an account called sam'));
  assert.match(await focused(page), /govuk-error-summary/);
  assert.equal(await page.getAttribute('.govuk-error-summary a', 'href'), '#username');
  await checkPage(page, 'new account, name taken');
  await page.click('.govuk-error-summary a');
  assert.equal(await focused(page), 'input#username.govuk-input.govuk-!-width-one-half.govuk-input--error');
  await context.close();
});

test('an admin changes a role and teams, resets a password, signs an account out everywhere, disables and enables it', async () => {
  const created = await hub.api(admin, 'POST', '/v1/office/accounts', { username: 'riley', password: 'Beacon Close 1984', role: 'auditor' });
  assert.equal(created.status, 200);
  const rileyToken = await hub.login('riley', 'Beacon Close 1984');
  const { context, page } = await signedIn('office', hub.officePassword);
  await page.goto(`${hub.url}/office/accounts`);
  await settled(page);
  await page.click('#accounts-table a:text-is("riley")');
  await page.waitForURL(`${hub.url}/office/account?name=riley`);
  await settled(page);
  assert.equal(await page.title(), 'Account riley – Doorstep office');
  await checkPage(page, 'account');
  await checkReflow(page, 'account');

  await page.check('#role-monitor');
  await page.fill('#teams-monitor', 'wardens-central');
  await page.click('#change-button');
  await page.waitForSelector('.govuk-notification-banner--success');
  assert.equal(await page.textContent('.govuk-notification-banner__heading'), 'Role and teams saved for riley');
  assert.match(await focused(page), /govuk-notification-banner/);
  await checkPage(page, 'account, role saved');
  let got = await hub.api(admin, 'GET', '/v1/office/accounts/riley');
  assert.equal(got.body.role, 'monitor');
  assert.deepEqual(got.body.teams, ['wardens-central']);

  await page.click('#reset-button');
  await page.waitForSelector('#one-time-password');
  const once = await page.textContent('#one-time-password');
  await checkPage(page, 'account, password reset');
  assert.equal((await hub.api(rileyToken, 'GET', '/v1/office/session')).status, 401, 'a reset ends the sessions');
  const withOnce = await hub.api(null, 'POST', '/v1/office/login', { username: 'riley', password: once });
  assert.equal(withOnce.status, 200);
  assert.equal(withOnce.body.password_change_required, true);

  await page.click('#sign-out-everywhere-button');
  await page.waitForFunction(() => document.querySelector('.govuk-notification-banner__heading')?.textContent === 'riley is signed out everywhere');
  assert.equal((await hub.api(withOnce.body.access_token, 'GET', '/v1/office/session')).status, 401);
  await checkPage(page, 'account, signed out everywhere');

  await page.click('#disable-button');
  await page.waitForFunction(() => document.querySelector('.govuk-notification-banner__heading')?.textContent === 'riley’s account is disabled');
  await page.waitForSelector('#enable-section:not([hidden])');
  got = await hub.api(admin, 'GET', '/v1/office/accounts/riley');
  assert.equal(got.body.enabled, false);
  const refused = await hub.api(null, 'POST', '/v1/office/login', { username: 'riley', password: once });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error, 'account_disabled');
  await checkPage(page, 'account, disabled');

  await page.click('#enable-button');
  await page.waitForFunction(() => document.querySelector('.govuk-notification-banner__heading')?.textContent === 'riley’s account is enabled');
  got = await hub.api(admin, 'GET', '/v1/office/accounts/riley');
  assert.equal(got.body.enabled, true);

  // A refusal of the hub on this page: an admin cannot take away the last admin, and
  // cannot disable their own account.
  await page.goto(`${hub.url}/office/account?name=office`);
  await settled(page);
  await page.click('#disable-button');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await page.textContent('.govuk-error-summary'), /cannot disable your own account/);
  assert.match(await focused(page), /govuk-error-summary/);
  await checkPage(page, 'account, refused');
  await context.close();
});

test('an auditor has no Accounts page, by link or by address, and a field worker cannot sign in', async () => {
  const { context, page } = await signedIn('alex', hub.demoPassword);
  assert.deepEqual(await page.$$eval('#navigation a', (as) => as.map((a) => a.textContent.trim())), ['Home', 'Your password', 'Sign out']);
  await checkPage(page, 'home, auditor');
  for (const path of ['/office/accounts', '/office/new-account', '/office/account?name=sam']) {
    await page.goto(hub.url + path);
    await settled(page);
    assert.equal(await page.title(), 'You cannot open this page – Doorstep office', path);
    assert.equal(await page.$('#accounts-table'), null);
    await checkPage(page, `${path} as an auditor`);
  }
  await context.close();

  const worker = await openContext(browser);
  await signIn(worker.page, 'sam', hub.demoPassword);
  await worker.page.waitForSelector('.govuk-error-summary');
  assert.match(await worker.page.textContent('.govuk-error-summary'), /field workers use the Doorstep app/);
  assert.equal(await cookieOf(worker.context), undefined, 'no session for a worker');
  await checkPage(worker.page, 'sign-in, worker');
  await worker.context.close();
});

test('every page has its own title', async () => {
  const { context, page } = await signedIn('office', hub.officePassword);
  const titles = new Map();
  for (const path of ['/office/', '/office/accounts', '/office/new-account', '/office/account?name=sam', '/office/password']) {
    await page.goto(hub.url + path);
    await settled(page);
    titles.set(path, await page.title());
  }
  await page.goto(`${hub.url}/office/no-such-page`);
  titles.set('not found', await page.title());
  await checkPage(page, 'not found');
  assert.equal(new Set(titles.values()).size, titles.size, JSON.stringify([...titles]));
  await page.goto(`${hub.url}/office/password`);
  await settled(page);
  await checkPage(page, 'password');
  await checkReflow(page, 'password');
  await context.close();
});

// Presses Tab until the element matching selector has the focus (at most 40 times).
async function tabTo(page, selector) {
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`Tab never reached ${selector}; the focus is on ${await focused(page)}`);
}

test('by keyboard alone: sign in, open Accounts and create an account', async () => {
  const { context, page } = await openContext(browser);
  await page.goto(`${hub.url}/office/sign-in`);
  await settled(page);
  await tabTo(page, '#username');
  await page.keyboard.type('office');
  await tabTo(page, '#password');
  await page.keyboard.type(hub.officePassword);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${hub.url}/office/`);
  await settled(page);
  await tabTo(page, '#navigation a[href="/office/accounts"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${hub.url}/office/accounts`);
  await settled(page);
  await tabTo(page, 'a[href="/office/new-account"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${hub.url}/office/new-account`);
  await settled(page);
  await tabTo(page, '#username');
  await page.keyboard.type('kit.keys');
  await tabTo(page, 'input[name="role"]');
  await page.keyboard.press('ArrowDown'); // Administrator -> Team manager
  assert.equal(await page.isChecked('#role-manager'), true);
  await tabTo(page, '#teams-manager');
  await page.keyboard.type('wardens-central');
  await tabTo(page, '#create-button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#created-section:not([hidden])');
  const got = await hub.api(admin, 'GET', '/v1/office/accounts/kit.keys');
  assert.equal(got.status, 200);
  assert.equal(got.body.role, 'manager');
  assert.deepEqual(got.body.teams, ['wardens-central']);
  await context.close();
});
