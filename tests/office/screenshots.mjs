// Every page of the office console, in the states a user meets, at 1280x800 and
// 390x844, as PNG files (scripts/screenshots-office).
//   node tests/office/screenshots.mjs --server PATH --out DIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { launch, openContext, settled } from '../support/console_browser.mjs';
import { startHub } from '../support/office_hub.mjs';

const { values: args } = parseArgs({ options: { server: { type: 'string' }, out: { type: 'string' } } });
if (!args.server || !args.out) {
  console.error('usage: screenshots.mjs --server PATH --out DIR');
  process.exit(2);
}
mkdirSync(args.out, { recursive: true });

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

const hub = await startHub(args.server);
const idleHub = await startHub(args.server, ['--session-idle', '62']);
const browser = await launch();
let count = 0;

async function shot(page, size, name) {
  await page.screenshot({ path: join(args.out, `${name}-${size.name}.png`), fullPage: true });
  count += 1;
}

async function signIn(page, url, username, password) {
  await page.goto(`${url}/office/sign-in`);
  await settled(page);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#sign-in-button');
}

try {
  const admin = await hub.login('office', hub.officePassword);
  for (const size of SIZES) {
    let { context, page } = await openContext(browser, size.viewport);
    await page.goto(`${hub.url}/office/sign-in`);
    await settled(page);
    await shot(page, size, 'sign-in');
    await page.click('#sign-in-button');
    await page.waitForSelector('.govuk-error-summary');
    await shot(page, size, 'sign-in-error');
    await page.fill('#username', 'office');
    await page.fill('#password', hub.officePassword);
    await page.click('#sign-in-button');
    await page.waitForURL(`${hub.url}/office/`);
    await settled(page);
    await shot(page, size, 'home-admin');
    for (const [path, name] of [
      ['/office/accounts', 'accounts'],
      ['/office/new-account', 'new-account'],
      ['/office/account?name=sam', 'account'],
      ['/office/password', 'password'],
      ['/office/no-such-page', 'not-found'],
    ]) {
      await page.goto(hub.url + path);
      if (name !== 'not-found') await settled(page);
      await shot(page, size, name);
    }
    await page.goto(`${hub.url}/office/new-account`);
    await settled(page);
    await page.click('#create-button');
    await page.waitForSelector('.govuk-error-summary');
    await shot(page, size, 'new-account-error');
    await page.fill('#username', `jo.bloggs-${size.name}`);
    await page.check('#role-manager');
    await page.fill('#teams-manager', 'children-south, children-north');
    await shot(page, size, 'new-account-filled');
    await page.click('#create-button');
    await page.waitForSelector('#created-section:not([hidden])');
    await shot(page, size, 'new-account-created');
    await page.goto(`${hub.url}/office/account?name=priya`);
    await settled(page);
    await page.click('#reset-button');
    await page.waitForSelector('#one-time-password');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, size, 'account-password-reset');
    if (await page.isVisible('.govuk-service-navigation__toggle')) {
      await page.click('.govuk-service-navigation__toggle'); // a phone: the menu is folded
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, size, 'menu-open');
    }
    await page.click('#sign-out');
    await page.waitForURL(`${hub.url}/office/signed-out`);
    await settled(page);
    await shot(page, size, 'signed-out');
    await context.close();

    const reset = await hub.api(admin, 'POST', '/v1/office/accounts/fatima/reset-password', {});
    ({ context, page } = await openContext(browser, size.viewport));
    await signIn(page, hub.url, 'fatima', reset.body.password);
    await page.waitForSelector('#new-password-section:not([hidden])');
    await shot(page, size, 'sign-in-new-password');
    await context.close();

    for (const [user, name] of [['morgan', 'home-manager'], ['dev', 'home-monitor'], ['alex', 'home-auditor']]) {
      ({ context, page } = await openContext(browser, size.viewport));
      await signIn(page, hub.url, user, hub.demoPassword);
      await page.waitForURL(`${hub.url}/office/`);
      await settled(page);
      await shot(page, size, name);
      if (user === 'alex') {
        await page.goto(`${hub.url}/office/accounts`);
        await settled(page);
        await shot(page, size, 'accounts-forbidden');
      }
      await context.close();
    }

    ({ context, page } = await openContext(browser, size.viewport));
    await signIn(page, idleHub.url, 'office', idleHub.officePassword);
    await page.waitForURL(`${idleHub.url}/office/`);
    await page.waitForSelector('#timeout-warning[open]', { timeout: 10000 });
    await shot(page, size, 'timeout-warning');
    await context.close();
  }
  console.log(`${count} screenshots in ${args.out}`);
} finally {
  await browser.close();
  await hub.stop();
  await idleHub.stop();
}
