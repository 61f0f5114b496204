/**
 * The real-browser walk (issue 7): Debian's Chromium drives the BUILT plugin in the preview harness (real
 * @grafana/ui/data/runtime, Grafana's paths, the plugin proxy with plugin.json's reqRole) against the real backend on
 * the embedded store, which inspects the local MariaDB and PostgreSQL with a monitoring account made for the walk.
 * Screenshots go to docs/screenshots/plugin-*.png.
 */
import { mkdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

import { createMonitoringAccounts, dropMonitoringAccounts, type MonitoringAccount } from './databases';
import { startPreview, type RunningPreview } from './preview-process';
import { checkTestIds } from '../src/pages/Checks/checkTestIds';
import { reportTestIds } from '../src/pages/Reports/reportTestIds';

const REPO = resolve(__dirname, '../..');
const SHOTS = join(REPO, 'docs/screenshots');
const APP = '/a/dbpatrol-inspection-app';
const CHROMIUM = process.env.DBPATROL_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

type Role = 'Viewer' | 'Editor' | 'Admin';
type Language = 'en-US' | 'zh-Hans';
type Catalogue = Record<string, unknown>;

const zh = JSON.parse(
  readFileSync(join(REPO, 'plugin/src/locales/zh-Hans/dbpatrol-inspection-app.json'), 'utf8')
) as Catalogue;
const en = JSON.parse(
  readFileSync(join(REPO, 'plugin/src/locales/en-US/dbpatrol-inspection-app.json'), 'utf8')
) as Catalogue;

/** A catalogue string by dotted key, so the zh-Hans checks follow the shipped catalogue rather than a copy of it. */
function text(catalogue: Catalogue, key: string): string {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Catalogue | undefined)?.[part], catalogue);
  if (typeof value !== 'string') {
    throw new Error(`no string ${key} in the catalogue`);
  }
  return value;
}

let preview: RunningPreview;
let browser: Browser;
let page: Page;
let account: MonitoringAccount;
const pageErrors: string[] = [];

async function open(path: string, role: Role = 'Admin', lang: Language = 'en-US') {
  await page.goto(`${preview.url}${path}?role=${role}&lang=${lang}`);
  await page.locator('#reactRoot[data-preview-ready="true"]').waitFor();
}

async function shoot(name: string, fullPage = true) {
  await page.screenshot({ path: join(SHOTS, `plugin-${name}.png`), fullPage });
}

/** Polls a condition of the page (Playwright's expect.poll is not available under Jest). */
async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await page.waitForTimeout(250);
  }
}

/**
 * Checks a checkbox or radio of @grafana/ui (a visually hidden input under its label) until it stays checked: a
 * click that lands while the form re-renders hits the replaced input and changes nothing.
 */
async function choose(control: Locator, what: string) {
  await until(async () => {
    await control.check({ force: true, timeout: 2000 }).catch(() => undefined);
    return control.isChecked();
  }, what);
}

const drawer = () => page.getByRole('dialog');
const treeItem = (name: string): Locator => page.locator(`li[aria-label="${name}"]`);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  account = createMonitoringAccounts();
  preview = await startPreview();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
  if (account) {
    dropMonitoringAccounts(account);
  }
});

afterEach(() => {
  // An uncaught error in the page fails the step it happened in.
  expect(pageErrors.splice(0)).toEqual([]);
});

test('a fresh backend: the overview leads an admin to the inventory', async () => {
  await open(`${APP}/overview`);
  await page.getByText('No database instances yet').waitFor();
  await shoot('overview-empty');
  await page.getByText('Add your first instance').click();
  await page.waitForURL(/\/inventory/);
  await drawer().getByText('New business').first().waitFor();
  await drawer().getByRole('button', { name: 'Cancel' }).click();
  await drawer().waitFor({ state: 'detached' });
});

test('add a business, a host and the local MariaDB and PostgreSQL', async () => {
  await open(`${APP}/inventory`);
  await page.getByRole('button', { name: 'Add business' }).click();
  await drawer().locator('#business-name').fill('payments');
  await drawer().locator('#business-description').fill('Card payments (browser walk)');
  await drawer().getByRole('button', { name: 'Save' }).click();
  await treeItem('payments').waitFor();
  await drawer().waitFor({ state: 'detached' });

  await treeItem('payments').getByRole('button', { name: 'Add host' }).first().click();
  await drawer().locator('#host-name').fill('db-local');
  await drawer().locator('#host-address').fill('127.0.0.1');
  await drawer().locator('#host-labels').fill('env=walk');
  await drawer().getByRole('button', { name: 'Save' }).click();
  await treeItem('db-local').waitFor();
  await drawer().waitFor({ state: 'detached' });

  const instances = [
    { name: 'walk-mariadb', engine: 'MariaDB', port: '3306', database: '' },
    { name: 'walk-postgres', engine: 'PostgreSQL', port: '5432', database: 'postgres' },
  ];
  for (const instance of instances) {
    await treeItem('db-local').getByRole('button', { name: 'Add instance' }).first().click();
    const form = drawer();
    await form.locator('#instance-name').fill(instance.name);
    await form.getByRole('radio', { name: instance.engine, exact: true }).check();
    await expect(form.locator('#instance-port').inputValue()).resolves.toBe(instance.port);
    await form.locator('#instance-user').fill(account.user);
    await form.locator('#instance-password').fill(account.password);
    if (instance.database) {
      await form.locator('#instance-database').fill(instance.database);
    }
    await form.getByRole('button', { name: 'Save' }).click();
    await treeItem(instance.name).waitFor();
    await form.waitFor({ state: 'detached' });
  }
  // The password went to the backend and never comes back into the page.
  await expect(page.content()).resolves.not.toContain(account.password);
});

test('test connection shows flavor, version and role of both servers', async () => {
  for (const [name, flavor] of [
    ['walk-mariadb', /mariadb/i],
    ['walk-postgres', /postgres/i],
  ] as const) {
    await treeItem(name).getByRole('button', { name: 'Test connection' }).click();
    const result = treeItem(name).getByTestId('data-testid inventory-connection-result');
    await result.waitFor({ timeout: 30_000 });
    await expect(result.textContent()).resolves.toMatch(flavor);
    await expect(result.textContent()).resolves.toMatch(/primary/);
  }
  await shoot('inventory');
});

test('inspect now with a 3-day window: live progress, then the report', async () => {
  await open(`${APP}/inspect`, 'Editor');
  await choose(page.getByRole('checkbox', { name: 'All of payments' }), 'every instance of payments to be chosen');
  await page.getByRole('spinbutton').first().fill('3');
  await page.getByText('Inspects the 3 days before the run starts.').waitFor();
  await page.getByRole('button', { name: /Run inspection of 2 instances/ }).click();
  const progress = page.getByRole('region', { name: 'Progress' });
  await progress.waitFor();
  await shoot('inspect-progress');
  for (const name of ['walk-mariadb', 'walk-postgres']) {
    await progress.locator(`tr[aria-label="${name}"]`).getByRole('link', { name: 'Open report' }).waitFor({
      timeout: 180_000,
    });
  }
  await shoot('inspect-done');
  await progress.locator('tr[aria-label="walk-postgres"]').getByRole('link', { name: 'Open report' }).click();
  await page.waitForURL(/\/reports\/[^/?]+/);
  await page.getByTestId(reportTestIds.summary).waitFor({ timeout: 30_000 });
  await page.getByTestId(reportTestIds.findings).waitFor();
  await shoot('report');
});

test('a schedule with a 6-field cron: preview of the next fire times, then cancelled by name', async () => {
  await open(`${APP}/schedules`, 'Editor');
  await page.getByRole('button', { name: 'New schedule' }).click();
  const form = page.getByTestId('data-testid schedule-form');
  await form.waitFor();
  await form.locator('#schedule-name').fill('walk-wednesdays');
  await choose(form.getByRole('checkbox', { name: 'walk-postgres on db-local' }), 'the schedule target to be chosen');
  await choose(form.getByRole('radio', { name: 'Cron', exact: true }), 'the Cron frequency to be chosen');
  await form.locator('#schedule-cron').fill('30 15 8 * * 3');
  const preview = page.getByTestId('data-testid schedule-preview');
  await until(async () => (await preview.getByRole('listitem').count()) === 5, 'five fire times in the preview');
  // Computed by the backend for the unsaved form: every fire time at 08:15:30.
  for (const item of await preview.getByRole('listitem').all()) {
    await expect(item.textContent()).resolves.toMatch(/^\S+ 08:15:30/);
  }
  await shoot('schedule-form');
  await form.getByRole('button', { name: 'Save' }).click();
  const row = page.locator('tr[aria-label="walk-wednesdays"]');
  await row.waitFor();
  await shoot('schedules');
  await row.getByRole('button', { name: 'Cancel schedule' }).click();
  const confirm = page.getByRole('dialog');
  await confirm.getByText('Cancel schedule walk-wednesdays').first().waitFor();
  await confirm.getByRole('textbox').fill('walk-wednesdays');
  await confirm.getByRole('button', { name: 'Cancel schedule' }).click();
  await confirm.waitFor({ state: 'detached' });
  await until(
    async () => (await row.count()) === 0 || /cancel/i.test((await row.textContent()) ?? ''),
    'the schedule gone or marked cancelled'
  );
});

test('the checks page lists the catalogue with its SQL', async () => {
  await open(`${APP}/checks`);
  await page.getByTestId(checkTestIds.catalog).waitFor();
  await expect(page.getByTestId(checkTestIds.catalog).textContent()).resolves.toMatch(/\S/);
  await shoot('checks', false); // the whole catalogue would be a very tall image
});

test('a viewer sees the inventory without edit, test or import buttons, and the proxy refuses writes', async () => {
  await open(`${APP}/inventory`, 'Viewer');
  await treeItem('walk-mariadb').waitFor();
  for (const name of [
    'Add business',
    'Import',
    'Test connection',
    'Add host',
    'Add instance',
    'Edit instance walk-mariadb',
  ]) {
    await expect(page.getByRole('button', { name, exact: true }).count()).resolves.toBe(0);
  }
  await expect(page.getByRole('link', { name: 'Configuration' }).count()).resolves.toBe(0);
  const status = await page.evaluate(async (app) => {
    const res = await fetch(`/api/plugin-proxy/${app}/businesses`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'viewer-was-here' }),
    });
    return { status: res.status, body: await res.json() };
  }, 'dbpatrol-inspection-app');
  expect(status).toEqual({ status: 403, body: { message: 'plugin proxy route access denied' } });
  await shoot('inventory-viewer');
});

test('the same pages in Simplified Chinese', async () => {
  await open(`${APP}/inventory`, 'Admin', 'zh-Hans');
  await treeItem('walk-mariadb').waitFor();
  const addBusiness = text(zh, 'inventory.actions.addBusiness');
  expect(addBusiness).not.toBe(text(en, 'inventory.actions.addBusiness'));
  await page.getByRole('button', { name: addBusiness }).waitFor();
  await expect(page.getByRole('button', { name: text(en, 'inventory.actions.addBusiness') }).count()).resolves.toBe(0);
  await expect(page.getByRole('button', { name: text(zh, 'inventory.actions.test') }).count()).resolves.toBe(2);
  await shoot('inventory-zh');

  await open(`${APP}/overview`, 'Admin', 'zh-Hans');
  await page.getByText(text(zh, 'overview.health.title')).waitFor();
  await expect(page.getByText(text(en, 'overview.health.title')).count()).resolves.toBe(0);
  await shoot('overview-zh');
});
