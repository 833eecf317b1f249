import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  type BrowserContext,
  launchChromium,
  type Page,
} from '../../apps/web/testing/chromium.ts';
import { ensureConsoleBuilt, type StartedLevante, startLevante } from './support/levante-process.ts';

/** Screenshots go to LEVANTE_SCREENSHOTS (e.g. docs/screenshots) when set, else to a scratch directory. */
const SHOTS = process.env.LEVANTE_SCREENSHOTS
  ? resolve(process.env.LEVANTE_SCREENSHOTS)
  : mkdtempSync(join(tmpdir(), 'levante-shots-'));
const NEW_ADMIN_PASSWORD = 'a new admin password';
const VIEWER_PASSWORD = 'the viewer password';
const PROJECT = 'browser-lab';
const RENAMED = 'Browser lab 2';
const MACHINE = 'web-1';
const LIVE = { timeout: 20_000 };

let levante: StartedLevante;
let browser: Browser;
let admin: Page;
let machineHref = '';
const requested: string[] = [];

async function newPage(width = 1280, height = 800): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height } });
  context.on('request', (request) => requested.push(request.url()));
  return { context, page: await context.newPage() };
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${levante.url}/machines`);
  await page.waitForURL(/\/login/);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function chooseNewPassword(page: Page, current: string, next: string): Promise<void> {
  await page.waitForURL(/\/password/);
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('New password, again').fill(next);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(/\/machines$/);
}

/** Asks the API directly, with the session `page` holds, as a script of that person would. */
async function apiAs<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const token = (await page.context().cookies()).find((c) => c.name === 'levante_session')?.value;
  const answer = await fetch(`${levante.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const { data, errors } = (await answer.json()) as { data?: T; errors?: unknown };
  if (errors || !data) throw new Error(`The API refused ${query}: ${JSON.stringify(errors)}`);
  return data;
}

/** Set once after login: still there later means the page was never reloaded. */
const markPage = (page: Page) =>
  page.evaluate(() => {
    (globalThis as Record<string, unknown>).levanteMarker = 'not reloaded';
  });
const marker = (page: Page) => page.evaluate(() => (globalThis as Record<string, unknown>).levanteMarker);

/** Walks the create wizard on the local provider in Paris, first image, first configuration that fits, to the name step. */
async function wizardToName(page: Page): Promise<void> {
  const next = page.getByRole('button', { name: 'Next →' });
  await page.locator('.choice', { hasText: 'local' }).click();
  await next.click();
  await page.locator('.choice', { hasText: 'Paris' }).click();
  await next.click();
  await page.locator('.choice').first().click();
  await next.click();
  await page.locator('.choice:has(input:not([disabled]))').first().click();
  await next.click();
}

const nav = (page: Page, label: string) =>
  page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click();

describe('the web console, in Chromium', () => {
  beforeAll(async () => {
    await ensureConsoleBuilt();
    mkdirSync(SHOTS, { recursive: true });
    levante = await startLevante();
    browser = await launchChromium();
    ({ page: admin } = await newPage());
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await levante?.stop();
  });

  it('makes the admin change the one-time password at first login, then shows the empty inventory', async () => {
    await logIn(admin, 'admin', levante.adminPassword);
    await chooseNewPassword(admin, levante.adminPassword, NEW_ADMIN_PASSWORD);
    await expect.poll(() => admin.getByText('No machine in this project yet.').isVisible(), LIVE).toBe(true);
    await markPage(admin);
  }, 60_000);

  it('creates a project, switches to it and remembers the choice', async () => {
    await admin.getByRole('button', { name: 'New project' }).click();
    await admin.locator('input[name=project-name]').fill(PROJECT);
    await admin.getByRole('button', { name: 'Create project' }).click();
    const switcher = admin.locator('#project-select');
    await expect.poll(async () => switcher.locator('option:checked').textContent(), LIVE).toContain(PROJECT);

    // The admin's personal project has the seeded account on the local provider: share it.
    await switcher.selectOption({ label: 'admin (personal) · owner' });
    await nav(admin, 'Provider accounts');
    await admin.getByLabel('Share local with a project').selectOption({ label: PROJECT });
    await expect
      .poll(() => admin.getByText(`local is now shared with ${PROJECT}.`).isVisible(), LIVE)
      .toBe(true);
    await switcher.selectOption({ label: `${PROJECT} · owner` });
    expect(await marker(admin)).toBe('not reloaded');

    // The choice is remembered in this browser: it survives a reload.
    await admin.reload();
    await expect.poll(() => switcher.locator('option:checked').textContent(), LIVE).toContain(PROJECT);
    await markPage(admin);
  }, 60_000);

  it('creates a machine with the wizard and shows it reach STARTED without a reload', async () => {
    await nav(admin, 'Create machine');
    await wizardToName(admin);
    const name = admin.locator('input[name=machine-name]');
    await name.fill('-bad-');
    expect(await admin.locator('#machine-name-help').textContent()).toContain(
      'neither starting nor ending with a dash',
    );
    await name.fill(MACHINE);
    await expect.poll(() => admin.getByText('Quota headroom').isVisible()).toBe(true);
    await admin.screenshot({ path: join(SHOTS, 'wizard.png') });
    await admin.getByRole('button', { name: 'Create machine' }).click();

    await expect
      .poll(() => admin.locator('h2 [data-state]').getAttribute('data-state'), LIVE)
      .toBe('STARTED');
    await expect
      .poll(() => admin.locator('[data-job-state]').getAttribute('data-job-state'), LIVE)
      .toBe('succeeded');
    expect(await marker(admin)).toBe('not reloaded');
    machineHref = (await admin.getByRole('link', { name: 'Open machine' }).getAttribute('href')) ?? '';
    expect(machineHref).toMatch(/^\/machines\//);
  }, 90_000);

  it('shows in the inventory a stop made from another browser, live', async () => {
    await admin.getByRole('link', { name: 'Back to machines' }).click();
    const state = admin.locator(`tr[data-machine="${MACHINE}"] [data-state]`);
    await expect.poll(() => state.getAttribute('data-state'), LIVE).toBe('STARTED');
    await admin.screenshot({ path: join(SHOTS, 'inventory.png') });

    const second = await newPage();
    await logIn(second.page, 'admin', NEW_ADMIN_PASSWORD);
    await second.page.waitForURL(/\/machines$/);
    await second.page.goto(`${levante.url}${machineHref}`);
    await second.page.locator('[data-action=STOP]').click();

    await expect.poll(() => state.getAttribute('data-state'), LIVE).toBe('STOPPED');
    expect(await marker(admin)).toBe('not reloaded');
    await second.context.close();
  }, 90_000);

  it('shows a viewer every action disabled, with the reason', async () => {
    await nav(admin, 'Users');
    await admin.locator('input[name=new-username]').fill('viewer1');
    await admin.getByRole('button', { name: 'Create user' }).click();
    const oneTime = admin.locator('[data-one-time-password]');
    await expect.poll(() => oneTime.isVisible(), LIVE).toBe(true);
    const viewerPassword = (await oneTime.textContent()) ?? '';
    await nav(admin, 'Members');
    await admin.locator('input[name=member-username]').fill('viewer1');
    await admin.getByLabel('viewer', { exact: false }).first().check();
    await admin.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => admin.locator('tr[data-member=viewer1]').isVisible(), LIVE).toBe(true);

    const viewer = await newPage();
    await logIn(viewer.page, 'viewer1', viewerPassword);
    await chooseNewPassword(viewer.page, viewerPassword, VIEWER_PASSWORD);
    await viewer.page.goto(`${levante.url}${machineHref}`);
    const actions = viewer.page.locator('[data-action]');
    await expect.poll(() => actions.count(), LIVE).toBe(8);
    for (const action of await actions.all()) expect(await action.getAttribute('aria-disabled')).toBe('true');
    expect(await viewer.page.locator('#reason-START').textContent()).toContain('viewer');
    await viewer.page.locator('[data-action=START]').click({ force: true });
    expect(await viewer.page.locator(`h1 [data-state]`).getAttribute('data-state')).toBe('STOPPED');
    await viewer.context.close();
  }, 90_000);

  it('shows the machine in its host on the placement map, and its state live', async () => {
    await admin.goto(`${levante.url}${machineHref}`);
    await markPage(admin);
    const hostLink = admin.locator('[data-host-link]');
    await expect.poll(() => hostLink.isVisible(), LIVE).toBe(true);
    const host = (await hostLink.getAttribute('data-host-link')) ?? '';
    await hostLink.click();
    const chip = admin.locator(`[data-host="${host}"] [data-machine="${MACHINE}"]`);
    await expect.poll(() => chip.getAttribute('data-state'), LIVE).toBe('STOPPED');
    await admin.screenshot({ path: join(SHOTS, 'placement-map.png') });

    const second = await newPage();
    await logIn(second.page, 'admin', NEW_ADMIN_PASSWORD);
    await second.page.waitForURL(/\/machines$/);
    await second.page.goto(`${levante.url}${machineHref}`);
    await second.page.locator('[data-action=START]').click();
    await expect.poll(() => chip.getAttribute('data-state'), LIVE).toBe('STARTED');
    expect(await marker(admin)).toBe('not reloaded');
    await second.context.close();
  }, 90_000);

  it('migrates the running machine to the host an admin picks, and the map moves its chip live', async () => {
    // The admin's page is still the placement map, with the machine STARTED on its host.
    const from = await admin
      .locator(`[data-machine="${MACHINE}"]`)
      .first()
      .evaluate((chip) => chip.closest('[data-host]')?.getAttribute('data-host'));
    const second = await newPage();
    await logIn(second.page, 'admin', NEW_ADMIN_PASSWORD);
    await second.page.waitForURL(/\/machines$/);
    await second.page.goto(`${levante.url}${machineHref}`);
    await second.page.locator('[data-action=MIGRATE]').click();
    const free = second.page
      .locator('[data-migration-targets] label')
      .filter({ has: second.page.locator('input:not([disabled])') })
      .first();
    await expect.poll(() => free.isVisible(), LIVE).toBe(true);
    const to = await free.getAttribute('data-host');
    expect(to).not.toBe(from);
    await free.click();
    await second.page.getByRole('button', { name: `Migrate to ${to}` }).click();

    const moved = admin.locator(`[data-host="${to}"] [data-machine="${MACHINE}"]`);
    await expect.poll(() => moved.getAttribute('data-state'), LIVE).toBe('STARTED');
    expect(await admin.locator(`[data-host="${from}"] [data-machine="${MACHINE}"]`).count()).toBe(0);
    expect(await marker(admin)).toBe('not reloaded');
    await second.page.screenshot({ path: join(SHOTS, 'machine-migrated.png') });
    await second.context.close();
  }, 90_000);

  it("lists the machine's jobs on its page, a new one live, and the project's on the Jobs page", async () => {
    await admin.goto(`${levante.url}${machineHref}`);
    await markPage(admin);
    const rows = admin.getByRole('table', { name: 'Machine jobs' }).locator('tbody tr');
    const summaries = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job')));
    await expect
      .poll(summaries, LIVE)
      .toEqual([
        expect.stringMatching(/^Move the machine to /),
        'Start the machine',
        'Stop the machine',
        'Create the machine',
      ]);

    await admin.locator('[data-action=RESTART]').click();
    await expect.poll(() => rows.first().getAttribute('data-job'), LIVE).toBe('Restart the machine');
    await expect
      .poll(() => rows.first().locator('[data-job-state]').getAttribute('data-job-state'), LIVE)
      .toBe('succeeded');
    expect(await rows.first().textContent()).toContain('1 of 5');
    expect(await marker(admin)).toBe('not reloaded');

    await nav(admin, 'Jobs');
    const table = admin.getByRole('table', { name: 'Jobs' });
    const first = table.locator('tbody tr').first();
    await expect.poll(() => first.getAttribute('data-job'), LIVE).toBe('Restart the machine');
    expect(await first.getByRole('link', { name: MACHINE }).getAttribute('href')).toBe(machineHref);
    expect(await table.locator('tbody tr').count()).toBe(5);
    await admin.screenshot({ path: join(SHOTS, 'jobs.png') });
    // A platform admin can follow every project's jobs, each with its project.
    await admin.locator('select[name=jobs-scope]').selectOption('platform');
    await expect
      .poll(() => table.getByRole('columnheader', { name: 'Project' }).isVisible(), LIVE)
      .toBe(true);
    await expect.poll(() => first.textContent(), LIVE).toContain(PROJECT);
    await admin.locator('select[name=jobs-scope]').selectOption('project');
    await admin.getByLabel('Show').selectOption('In progress');
    await expect.poll(() => admin.getByText('No job matches.').isVisible(), LIVE).toBe(true);
  }, 90_000);

  it("lets the admin set a host's CPU ratio and labels, and refuses a ratio out of range", async () => {
    const HOST = 'lyon-a-1';
    await nav(admin, 'Hosts');
    const row = admin.locator(`tr[data-host-row="${HOST}"]`);
    const ratios = row.locator('[data-host-ratios]');
    const labels = row.locator('[data-host-labels]');
    await expect.poll(() => ratios.textContent(), LIVE).toContain('ratios 4 / 1.5 / 1');
    expect(await labels.textContent()).toBe('—');

    await row.getByRole('button', { name: `Edit ${HOST}` }).click();
    const dialog = admin.getByRole('dialog', { name: `Edit ${HOST}` });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    await dialog.getByLabel('CPU ratio').fill('6');
    await dialog.getByRole('button', { name: 'Add label' }).click();
    await dialog.getByLabel('Key of label 1').fill('rack');
    await dialog.getByLabel('Value of label 1').fill('r1');
    await admin.screenshot({ path: join(SHOTS, 'host-edit.png') });
    await dialog.getByRole('button', { name: 'Save' }).click();

    await expect
      .poll(() => admin.getByText(`Saved ${HOST}: CPU ratio 6, labels rack=r1.`).isVisible(), LIVE)
      .toBe(true);
    await expect.poll(() => dialog.count(), LIVE).toBe(0);
    expect(await ratios.textContent()).toContain('ratios 6 / 1.5 / 1');
    expect(await labels.textContent()).toBe('rack=r1');

    // A ratio below 0.1 and a key used twice are refused in the form, and nothing is saved.
    await row.getByRole('button', { name: `Edit ${HOST}` }).click();
    expect(await dialog.getByLabel('CPU ratio').inputValue()).toBe('6');
    expect(await dialog.getByLabel('Key of label 1').inputValue()).toBe('rack');
    await dialog.getByLabel('CPU ratio').fill('0');
    await dialog.getByRole('button', { name: 'Add label' }).click();
    await dialog.getByLabel('Key of label 2').fill('rack');
    await dialog.getByLabel('Value of label 2').fill('r2');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => dialog.getByText('An allocation ratio is at least 0.1.').isVisible(), LIVE)
      .toBe(true);
    expect(await dialog.getByText('The key "rack" is already used above.').isVisible()).toBe(true);
    expect(await dialog.getByLabel('CPU ratio').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('CPU ratio').fill('-2');
    await dialog.getByRole('button', { name: 'Remove label 2' }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    expect(await dialog.getByText('An allocation ratio is at least 0.1.').isVisible()).toBe(true);
    expect(await dialog.getByText('already used above').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count(), LIVE).toBe(0);

    // What the server holds, read again from scratch.
    await admin.reload();
    await expect.poll(() => ratios.textContent(), LIVE).toContain('ratios 6 / 1.5 / 1');
    expect(await labels.textContent()).toBe('rack=r1');
  }, 60_000);

  it('renames the project: the switcher and the page show the new name; a name in use is refused', async () => {
    const switcher = admin.locator('#project-select');
    await nav(admin, 'Project settings');
    const form = admin.getByRole('form', { name: 'Name and description' });
    const name = form.locator('input[name=project-settings-name]');
    await expect.poll(() => name.inputValue(), LIVE).toBe(PROJECT);

    // The API's rules are checked while typing: nothing is sent.
    await name.fill('-lab');
    expect(await form.locator('#project-settings-name-help').textContent()).toContain(
      'must start with a letter or digit',
    );
    expect(await name.getAttribute('aria-invalid')).toBe('true');

    await name.fill(RENAMED);
    await form.locator('textarea[name=project-settings-description]').fill('Where the browser tests run.');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(() => form.getByText(`The changes to ${RENAMED} were saved.`).isVisible(), LIVE)
      .toBe(true);
    expect(await switcher.locator('option:checked').textContent()).toContain(RENAMED);
    expect(await admin.locator('[data-project-title]').textContent()).toBe(RENAMED);
    await admin.screenshot({ path: join(SHOTS, 'project-settings.png') });

    // Another project's name (case does not matter): the API's refusal, next to the field.
    await name.fill('ADMIN');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(() => form.getByText('A project named "ADMIN" already exists.').isVisible(), LIVE)
      .toBe(true);
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await switcher.locator('option:checked').textContent()).toContain(RENAMED);

    // What the server holds, read again from scratch.
    await admin.reload();
    await expect.poll(() => name.inputValue(), LIVE).toBe(RENAMED);
    expect(await form.locator('textarea[name=project-settings-description]').inputValue()).toBe(
      'Where the browser tests run.',
    );
    expect(await switcher.locator('option:checked').textContent()).toContain(RENAMED);
    await markPage(admin);
  }, 60_000);

  it("shows a viewer the project's settings disabled, with the reason", async () => {
    const viewer = await newPage();
    await logIn(viewer.page, 'viewer1', VIEWER_PASSWORD);
    await viewer.page.waitForURL(/\/machines$/);
    await viewer.page.locator('#project-select').selectOption({ label: `${RENAMED} · viewer` });
    await nav(viewer.page, 'Project settings');
    const form = viewer.page.getByRole('form', { name: 'Name and description' });
    await expect.poll(() => viewer.page.locator('[data-project-title]').textContent(), LIVE).toBe(RENAMED);
    expect(await form.locator('input[name=project-settings-name]').isDisabled()).toBe(true);
    expect(await form.locator('textarea[name=project-settings-description]').isDisabled()).toBe(true);
    const save = form.getByRole('button', { name: 'Save changes' });
    expect(await save.getAttribute('aria-disabled')).toBe('true');
    expect(await viewer.page.locator('#project-save-reason').textContent()).toContain(
      'Your role in this project is viewer: only its owners and admins change its name and description.',
    );
    const remove = viewer.page.getByRole('button', { name: 'Delete project…' });
    expect(await remove.getAttribute('aria-disabled')).toBe('true');
    expect(await viewer.page.locator('#project-delete-reason').textContent()).toContain(
      'only its owners can delete it',
    );
    await remove.click({ force: true });
    expect(await viewer.page.getByRole('dialog').count()).toBe(0);

    // Their personal project: its owner may describe it, never rename or delete it.
    await viewer.page.locator('#project-select').selectOption({ label: 'viewer1 (personal) · owner' });
    await expect.poll(() => viewer.page.locator('[data-project-title]').textContent(), LIVE).toBe('viewer1');
    expect(await form.locator('textarea[name=project-settings-description]').isDisabled()).toBe(false);
    expect(await form.locator('input[name=project-settings-name]').isDisabled()).toBe(true);
    expect(await form.getByText('A personal project keeps the name of its user.').isVisible()).toBe(true);
    expect(await viewer.page.locator('#project-delete-reason').textContent()).toBe(
      'A personal project cannot be deleted.',
    );
    await viewer.context.close();
  }, 60_000);

  it('deletes a project only once its name is typed, and lands on another project', async () => {
    const switcher = admin.locator('#project-select');
    const danger = admin.getByRole('region', { name: 'Delete this project' });
    await danger.getByRole('button', { name: 'Delete project…' }).click();
    let dialog = admin.getByRole('dialog', { name: `Delete ${RENAMED}?` });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    const confirm = dialog.getByRole('button', { name: 'Delete project' });
    const typed = dialog.getByLabel(/to confirm/);
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill(RENAMED.toLowerCase());
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill(RENAMED);
    expect(await confirm.isDisabled()).toBe(false);

    // It still has its machine: the API refuses, the dialog says so, nothing is deleted.
    await confirm.click();
    const refusal = dialog.getByRole('alert');
    await expect.poll(() => refusal.isVisible(), LIVE).toBe(true);
    expect(await refusal.textContent()).toContain('The project was not deleted.');
    expect(await refusal.textContent()).toContain(
      `Project ${RENAMED} still has 1 machine; delete it before the project.`,
    );
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(false);
    expect(await switcher.locator('option:checked').textContent()).toContain(RENAMED);

    // An empty project goes, and the console moves to the admin's personal project.
    const EMPTY = 'short-lived';
    await admin.getByRole('button', { name: 'New project' }).click();
    await admin.locator('input[name=project-name]').fill(EMPTY);
    await admin.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => admin.locator('[data-project-title]').textContent(), LIVE).toBe(EMPTY);
    await danger.getByRole('button', { name: 'Delete project…' }).click();
    dialog = admin.getByRole('dialog', { name: `Delete ${EMPTY}?` });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    await dialog.getByLabel(/to confirm/).fill(EMPTY);
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await expect
      .poll(() => admin.getByText(`${EMPTY} was deleted. You are now in admin.`).isVisible(), LIVE)
      .toBe(true);
    expect(await admin.getByRole('dialog').count()).toBe(0);
    expect(await switcher.locator('option:checked').textContent()).toContain('admin (personal)');
    expect(await admin.locator('[data-project-title]').textContent()).toBe('admin');
    expect(await switcher.locator('option', { hasText: EMPTY }).count()).toBe(0);
    expect(await switcher.locator('option', { hasText: RENAMED }).count()).toBe(1);
    expect(await marker(admin)).toBe('not reloaded');

    await admin.reload();
    await expect.poll(() => admin.locator('[data-project-title]').textContent(), LIVE).toBe('admin');
    expect(await switcher.locator('option', { hasText: EMPTY }).count()).toBe(0);
  }, 60_000);

  it('sends a person whose session ended to log in, then back to the page they were on', async () => {
    const { context, page } = await newPage();
    await logIn(page, 'admin', NEW_ADMIN_PASSWORD);
    await page.waitForURL(/\/machines$/);
    await page.goto(`${levante.url}${machineHref}`);
    await expect.poll(() => page.getByRole('heading', { name: MACHINE }).isVisible(), LIVE).toBe(true);

    // The session ends elsewhere (here: logged out with its own token); the browser still holds its cookie.
    const token = (await context.cookies()).find((c) => c.name === 'levante_session')?.value;
    expect(token).toBeTruthy();
    const answer = await fetch(`${levante.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { logout }' }),
    });
    expect(await answer.json()).toEqual({ data: { logout: true } });

    // The machine's live subscription ends with the session: the console goes to log in by itself.
    await page.waitForURL(
      (url) => url.pathname === '/login' && url.searchParams.get('next') === machineHref,
      LIVE,
    );
    expect(await page.getByRole('heading', { name: 'Log in' }).isVisible()).toBe(true);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(NEW_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === machineHref, LIVE);
    await expect.poll(() => page.getByRole('heading', { name: MACHINE }).isVisible(), LIVE).toBe(true);
    await context.close();
  }, 60_000);

  it('lists the machines the provider runs without Levante, adopts one, and refuses a name in use', async () => {
    // The admin's personal project brought the local account, where the site already runs two machines.
    const switcher = admin.locator('#project-select');
    if (!((await switcher.locator('option:checked').textContent()) ?? '').includes('admin (personal)'))
      await switcher.selectOption({ label: 'admin (personal) · owner' });
    await expect
      .poll(() => switcher.locator('option:checked').textContent(), LIVE)
      .toContain('admin (personal)');
    await nav(admin, 'Provider accounts');
    const show = admin
      .locator('tr[data-account="local"]')
      .getByRole('button', { name: 'Unmanaged machines' });
    await show.click();
    const section = admin.getByRole('region', { name: 'Unmanaged machines of local' });
    const web = section.locator('tr[data-unmanaged="legacy-web"]');
    const db = section.locator('tr[data-unmanaged="legacy-db"]');
    await expect.poll(() => web.isVisible(), LIVE).toBe(true);
    expect(
      await section
        .getByRole('heading', { name: 'Machines at the provider not managed by Levante' })
        .isVisible(),
    ).toBe(true);
    expect(await web.locator('[data-state]').getAttribute('data-state')).toBe('STARTED');
    for (const seen of ['Paris', 'Small', 'paris-a-1']) expect(await web.textContent()).toContain(seen);
    expect(await db.locator('[data-state]').getAttribute('data-state')).toBe('STOPPED');
    for (const seen of ['Paris', 'Medium', 'paris-a-2']) expect(await db.textContent()).toContain(seen);

    // Adopted under the provider's name: the notice links to the machine, which leaves the list.
    await web.getByRole('button', { name: 'Adopt legacy-web' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Adopt legacy-web' });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    expect(await dialog.getByLabel('Machine name').inputValue()).toBe('legacy-web');
    await admin.screenshot({ path: join(SHOTS, 'adopt-machine.png') });
    await dialog.getByRole('button', { name: 'Adopt', exact: true }).click();
    const notice = section.getByRole('status').filter({ hasText: 'is now the machine legacy-web of admin' });
    await expect.poll(() => notice.isVisible(), LIVE).toBe(true);
    expect(await dialog.count()).toBe(0);
    expect(await web.count()).toBe(0);
    expect(await db.isVisible()).toBe(true);
    await notice.getByRole('link', { name: 'Open legacy-web' }).click();
    await admin.waitForURL(/\/machines\/[^/]+$/, LIVE);
    await expect.poll(() => admin.getByRole('heading', { name: 'legacy-web' }).isVisible(), LIVE).toBe(true);
    expect(await admin.locator('h1 [data-state]').getAttribute('data-state')).toBe('STARTED');
    expect(await admin.locator('[data-host-link]').getAttribute('data-host-link')).toBe('paris-a-1');

    // Asked again, the provider's list no longer has it.
    await nav(admin, 'Provider accounts');
    await show.click();
    await expect.poll(() => section.getByText('Asking Levante local…').count(), LIVE).toBe(0);
    await expect.poll(() => db.isVisible(), LIVE).toBe(true);
    expect(await web.count()).toBe(0);

    // Another machine under a name the project uses: the API's refusal, next to the field.
    await db.getByRole('button', { name: 'Adopt legacy-db' }).click();
    const refused = admin.getByRole('dialog', { name: 'Adopt legacy-db' });
    await expect.poll(() => refused.isVisible(), LIVE).toBe(true);
    const name = refused.getByLabel('Machine name');
    expect(await name.inputValue()).toBe('legacy-db');
    await name.fill('legacy-web');
    await refused.getByRole('button', { name: 'Adopt', exact: true }).click();
    await expect
      .poll(() => refused.getByText('Project already has a machine named "legacy-web".').isVisible(), LIVE)
      .toBe(true);
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await refused.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => refused.count(), LIVE).toBe(0);
    expect(await db.isVisible()).toBe(true);

    // The inventory has the adopted machine, and only it.
    await nav(admin, 'Machines');
    const adopted = admin.locator('tr[data-machine="legacy-web"] [data-state]');
    await expect.poll(() => adopted.getAttribute('data-state'), LIVE).toBe('STARTED');
    expect(await admin.locator('tr[data-machine="legacy-db"]').count()).toBe(0);

    // A viewer sees the machines the provider runs, and Adopt disabled with the reason.
    const viewer = await newPage();
    await logIn(viewer.page, 'viewer1', VIEWER_PASSWORD);
    await viewer.page.waitForURL(/\/machines$/);
    await viewer.page.locator('#project-select').selectOption({ label: `${RENAMED} · viewer` });
    await nav(viewer.page, 'Provider accounts');
    await viewer.page
      .locator('tr[data-account="local"]')
      .getByRole('button', { name: 'Unmanaged machines' })
      .click();
    const viewed = viewer.page
      .getByRole('region', { name: 'Unmanaged machines of local' })
      .locator('tr[data-unmanaged="legacy-db"]');
    await expect.poll(() => viewed.isVisible(), LIVE).toBe(true);
    const adopt = viewed.getByRole('button', { name: 'Adopt legacy-db' });
    expect(await adopt.getAttribute('aria-disabled')).toBe('true');
    expect(await viewed.getByRole('tooltip', { includeHidden: true }).textContent()).toContain(
      'Your role in this project is viewer',
    );
    await adopt.click({ force: true });
    expect(await viewer.page.getByRole('dialog').count()).toBe(0);
    await viewer.context.close();
  }, 90_000);

  it('decommissions an empty host, and refuses one that still runs a machine', async () => {
    await nav(admin, 'Hosts');
    // legacy-web, adopted above, runs on paris-a-1.
    const busy = admin.locator('tr[data-host-row="paris-a-1"]');
    await busy.getByRole('button', { name: 'Decommission paris-a-1' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Decommission paris-a-1?' });
    await expect.poll(() => confirm.isVisible(), LIVE).toBe(true);
    await confirm.getByRole('button', { name: 'Decommission' }).click();
    await expect
      .poll(
        () => admin.getByText('Host paris-a-1 still has 1 machine; migrate or delete it first.').isVisible(),
        LIVE,
      )
      .toBe(true);
    expect(await busy.isVisible()).toBe(true);

    const empty = admin
      .locator('tr[data-host-row]')
      .filter({ has: admin.locator('[data-host-machines="0"]') })
      .last();
    const name = (await empty.getAttribute('data-host-row'))!;
    const rows = await admin.locator('tr[data-host-row]').count();
    await empty.getByRole('button', { name: `Decommission ${name}` }).click();
    await admin
      .getByRole('dialog', { name: `Decommission ${name}?` })
      .getByRole('button', { name: 'Decommission' })
      .click();
    await expect.poll(() => admin.getByText(`${name} was decommissioned.`).isVisible(), LIVE).toBe(true);
    await expect.poll(() => admin.locator('tr[data-host-row]').count(), LIVE).toBe(rows - 1);
    expect(await admin.locator(`tr[data-host-row="${name}"]`).count()).toBe(0);
  }, 60_000);

  it('evacuates a host in maintenance: its running machine moves live, and the host empties', async () => {
    // legacy-web still runs on paris-a-1.
    const row = admin.locator('tr[data-host-row="paris-a-1"]');
    expect(await row.getByRole('button', { name: 'Evacuate paris-a-1' }).count()).toBe(0);
    await row.getByRole('button', { name: 'Maintenance', exact: true }).click();
    const evacuate = row.getByRole('button', { name: 'Evacuate paris-a-1' });
    await expect.poll(() => evacuate.isVisible(), LIVE).toBe(true);
    await evacuate.click();
    await admin
      .getByRole('dialog', { name: 'Evacuate paris-a-1?' })
      .getByRole('button', { name: 'Evacuate' })
      .click();
    await expect
      .poll(() => admin.getByText('1 machine is moving off paris-a-1: legacy-web.').isVisible(), LIVE)
      .toBe(true);
    await expect
      .poll(() => row.locator('[data-host-machines]').getAttribute('data-host-machines'), LIVE)
      .toBe('0');
    await row.getByRole('button', { name: 'End maintenance' }).click();
    await expect.poll(() => row.getByText('in service').isVisible(), LIVE).toBe(true);

    // The evacuation belongs to no project: an admin finds it in the whole platform's activity.
    await nav(admin, 'Activity');
    await admin.locator('select[name=activity-scope]').selectOption('platform');
    await admin.getByLabel('Kind').selectOption('Platform');
    const evacuated = admin.locator('[data-event="host.evacuated"]').first();
    await expect.poll(() => evacuated.isVisible(), LIVE).toBe(true);
    expect(await evacuated.textContent()).toContain(
      'admin asked to move the machines off host paris-a-1: 1 moving, 0 left.',
    );
    expect(await evacuated.textContent()).toContain('· platform');
  }, 60_000);

  it('compares an account with its provider when asked, and says when it last did', async () => {
    await nav(admin, 'Provider accounts');
    const row = admin.locator('tr[data-account="local"]');
    await row.getByRole('button', { name: 'Check now' }).click();
    const notice = admin.getByRole('status').filter({ hasText: 'compared with the provider' });
    await expect.poll(() => notice.isVisible(), LIVE).toBe(true);
    // legacy-web, adopted above, is among them; nothing changed at the site behind Levante's back.
    expect(await notice.textContent()).toMatch(
      /^local: \d+ machines? compared with the provider, none changed outside Levante\.$/,
    );
    expect(await row.locator('[data-cell=reconciled]').textContent()).not.toContain('not yet');
  }, 60_000);

  it('edits a provider: a setting its connector refuses is shown at the field, then a rename and a setting are saved', async () => {
    await nav(admin, 'Providers');
    await admin
      .locator('tr[data-provider="Levante local"]')
      .getByRole('button', { name: 'Edit Levante local' })
      .click();
    const dialog = admin.getByRole('dialog', { name: 'Edit Levante local' });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    const settings = dialog.getByLabel('Settings to change (JSON, optional)');
    await settings.fill('{"bootDelayMs": -5}');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => settings.getAttribute('aria-invalid'), LIVE).toBe('true');
    expect(await dialog.isVisible()).toBe(true);

    await dialog.getByLabel('Name').fill('Levante lab');
    await settings.fill('{"bootDelayMs": 200}');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        () =>
          admin
            .getByText(
              'Saved Levante lab: its accounts reconnect with the new settings and read their catalogs again.',
            )
            .isVisible(),
        LIVE,
      )
      .toBe(true);
    expect(await admin.locator('tr[data-provider="Levante lab"]').isVisible()).toBe(true);
    expect(await admin.locator('tr[data-provider="Levante local"]').count()).toBe(0);
  }, 60_000);

  it('deletes a provider without accounts, and refuses one a project still has an account on', async () => {
    await nav(admin, 'Providers');
    const form = admin.locator('form', { hasText: 'Register a provider' });
    await expect.poll(() => form.isVisible(), LIVE).toBe(true);
    await form.getByLabel('Kind').selectOption('local');
    await form.getByLabel('Name').fill('Spare site');
    await form.getByRole('button', { name: 'Register provider' }).click();
    const spare = admin.locator('tr[data-provider="Spare site"]');
    await expect.poll(() => spare.isVisible(), LIVE).toBe(true);

    // Another admin's registration and deletion show as they happen, without a reload.
    await markPage(admin);
    const { registerProvider } = await apiAs<{ registerProvider: { id: string } }>(
      admin,
      'mutation R { registerProvider(input: { kind: "local", name: "Elsewhere" }) { id } }',
    );
    const elsewhere = admin.locator('tr[data-provider="Elsewhere"]');
    await expect.poll(() => elsewhere.isVisible(), LIVE).toBe(true);
    await apiAs(
      admin,
      'mutation D($id: ID!) { deleteProvider(input: { providerId: $id }) { deletedProviderId } }',
      {
        id: registerProvider.id,
      },
    );
    await expect.poll(() => elsewhere.count(), LIVE).toBe(0);
    expect(await marker(admin)).toBe('not reloaded');

    // The embedded provider (renamed above) holds the admin's account.
    await admin
      .locator('tr[data-provider="Levante lab"]')
      .getByRole('button', { name: 'Delete Levante lab' })
      .click();
    await admin
      .getByRole('dialog', { name: 'Delete Levante lab?' })
      .getByRole('button', { name: 'Delete provider' })
      .click();
    await expect
      .poll(
        () =>
          admin
            .getByText(
              'Provider Levante lab still has 1 account; the projects that brought it must delete it first.',
            )
            .isVisible(),
        LIVE,
      )
      .toBe(true);
    expect(await admin.locator('tr[data-provider="Levante lab"]').isVisible()).toBe(true);

    await spare.getByRole('button', { name: 'Delete Spare site' }).click();
    await admin
      .getByRole('dialog', { name: 'Delete Spare site?' })
      .getByRole('button', { name: 'Delete provider' })
      .click();
    await expect.poll(() => admin.getByText('Spare site was deleted.').isVisible(), LIVE).toBe(true);
    await expect.poll(() => spare.count(), LIVE).toBe(0);
  }, 60_000);

  it('renames a machine: an invalid name is refused at the field, a valid one shows at once', async () => {
    await nav(admin, 'Machines');
    await admin.locator('tr[data-machine="legacy-web"]').getByRole('link', { name: 'legacy-web' }).click();
    await expect.poll(() => admin.getByRole('heading', { name: /^legacy-web/ }).isVisible(), LIVE).toBe(true);
    await admin.getByRole('button', { name: 'Rename legacy-web' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Rename legacy-web' });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    const name = dialog.getByLabel('Machine name');
    await name.fill('no spaces allowed');
    await dialog.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.poll(() => name.getAttribute('aria-invalid'), LIVE).toBe('true');

    await name.fill('legacy-web-renamed');
    await dialog.getByRole('button', { name: 'Rename', exact: true }).click();
    await expect.poll(() => dialog.count(), LIVE).toBe(0);
    await expect
      .poll(() => admin.getByRole('heading', { name: /^legacy-web-renamed/ }).isVisible(), LIVE)
      .toBe(true);
  }, 60_000);

  it('labels a machine on its page, and the inventory finds it by its labels', async () => {
    // Still on legacy-web-renamed's page.
    await admin.getByRole('button', { name: 'Edit the labels of legacy-web-renamed' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Labels of legacy-web-renamed' });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    await dialog.getByRole('button', { name: 'Add label' }).click();
    await dialog.getByLabel('Key of label 1').fill('env');
    await dialog.getByLabel('Value of label 1').fill('prod');
    await dialog.getByRole('button', { name: 'Save labels' }).click();
    await expect.poll(() => dialog.count(), LIVE).toBe(0);
    await expect.poll(() => admin.locator('[data-machine-labels]').textContent(), LIVE).toContain('env=prod');

    await nav(admin, 'Machines');
    const rows = admin.locator('tr[data-machine]');
    await expect.poll(() => rows.count(), LIVE).toBeGreaterThan(0);
    await admin.locator('input[name=label-filter]').fill('env=dev');
    await expect
      .poll(() => admin.getByText('No machine matches these filters.').isVisible(), LIVE)
      .toBe(true);
    await admin.locator('input[name=label-filter]').fill('env=prod');
    await expect
      .poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-machine'))), LIVE)
      .toEqual(['legacy-web-renamed']);
    expect(await rows.first().locator('[data-labels]').textContent()).toBe('env=prod');
    await admin.locator('input[name=label-filter]').fill('env');
    await expect.poll(() => admin.getByText('"env" is not key=value.').isVisible(), LIVE).toBe(true);
    await admin.locator('input[name=label-filter]').fill('');
  }, 60_000);

  it('creates a placement group, places a machine in it with the wizard, and deletes only an empty group', async () => {
    await nav(admin, 'Placement groups');
    const form = admin.locator('form', { hasText: 'Create a placement group' });
    await expect.poll(() => form.isVisible(), LIVE).toBe(true);
    const createGroup = async (name: string) => {
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Policy').selectOption('ANTI_AFFINITY');
      await form.getByRole('button', { name: 'Create group' }).click();
    };
    await createGroup('web-spread');
    await expect
      .poll(() => admin.getByText('Placement group web-spread created.').isVisible(), LIVE)
      .toBe(true);
    const group = admin.locator('tr[data-placement-group="web-spread"]');
    expect(await group.locator('[data-members]').textContent()).toBe('0');
    await createGroup('Web-Spread');
    await expect.poll(() => form.getByLabel('Name').getAttribute('aria-invalid'), LIVE).toBe('true');
    expect(await admin.getByText(/already has a placement group named "Web-Spread"/).isVisible()).toBe(true);

    await nav(admin, 'Create machine');
    await wizardToName(admin);
    await admin.locator('input[name=machine-name]').fill('spread-1');
    await admin
      .getByLabel('Placement group (optional)')
      .selectOption({ label: 'web-spread (different hosts)' });
    await admin.getByRole('button', { name: 'Create machine' }).click();
    await expect
      .poll(() => admin.locator('h2 [data-state]').getAttribute('data-state'), LIVE)
      .toBe('STARTED');

    await nav(admin, 'Placement groups');
    await expect.poll(() => form.isVisible(), LIVE).toBe(true);
    await expect.poll(() => group.locator('[data-members]').textContent(), LIVE).toBe('1');
    await group.getByRole('button', { name: 'Delete web-spread' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Delete web-spread?' });
    expect(await confirm.textContent()).toContain('It still holds 1 machine');
    await confirm.getByRole('button', { name: 'Delete group' }).click();
    await expect
      .poll(
        () => admin.getByText('Placement group web-spread still has 1 machine; delete it first.').isVisible(),
        LIVE,
      )
      .toBe(true);
    expect(await group.isVisible()).toBe(true);

    await createGroup('unused');
    const unused = admin.locator('tr[data-placement-group="unused"]');
    await expect.poll(() => unused.isVisible(), LIVE).toBe(true);
    await unused.getByRole('button', { name: 'Delete unused' }).click();
    await admin
      .getByRole('dialog', { name: 'Delete unused?' })
      .getByRole('button', { name: 'Delete group' })
      .click();
    await expect.poll(() => admin.getByText('Placement group unused deleted.').isVisible(), LIVE).toBe(true);
    await expect.poll(() => unused.count(), LIVE).toBe(0);
  }, 90_000);

  it('saves the wizard as a template, creates a machine from it, updates it, and deletes it from Machine templates', async () => {
    const TEMPLATE = 'web-template';
    const switcher = admin.locator('#project-select');
    await switcher.selectOption({ label: `${RENAMED} · owner` });
    await expect.poll(() => switcher.locator('option:checked').textContent(), LIVE).toContain(RENAMED);
    await nav(admin, 'Create machine');
    await wizardToName(admin);
    const summary = admin.locator('aside[aria-label=Summary] dd');
    const image = (await summary.nth(2).textContent()) ?? '';
    const configuration = (await summary.nth(3).textContent()) ?? '';
    expect(image).not.toBe('—');
    expect(configuration).not.toBe('—');
    await admin.locator('summary', { hasText: 'Labels (optional)' }).click();
    await admin.getByRole('button', { name: 'Add label' }).click();
    await admin.getByLabel('Key of label 1').fill('tier');
    await admin.getByLabel('Value of label 1').fill('web');

    // Saved under a name; the same name in another case is refused at the field.
    const save = async (name: string) => {
      await admin.getByRole('button', { name: 'Save as template' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Save as template' });
      await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
      await dialog.getByLabel('Template name').fill(name);
      await dialog.getByLabel('Description (optional)').fill('A small web server.');
      await dialog.getByRole('button', { name: 'Save template' }).click();
      return dialog;
    };
    const saved = await save(TEMPLATE);
    await expect.poll(() => admin.getByText(`Template ${TEMPLATE} saved.`).isVisible(), LIVE).toBe(true);
    expect(await saved.count()).toBe(0);
    const picker = admin.locator('select[name=machine-template]');
    await expect.poll(() => picker.locator('option:checked').textContent(), LIVE).toBe(TEMPLATE);
    const refused = await save('Web-Template');
    await expect
      .poll(() => refused.getByLabel('Template name').getAttribute('aria-invalid'), LIVE)
      .toBe('true');
    await refused.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => refused.count(), LIVE).toBe(0);

    // Listed with what it is made of.
    await nav(admin, 'Machine templates');
    const row = admin.locator(`tr[data-template="${TEMPLATE}"]`);
    await expect.poll(() => row.isVisible(), LIVE).toBe(true);
    expect(await admin.locator('tr[data-template]').count()).toBe(1);
    expect(await row.locator('[data-template-image]').textContent()).toContain(image);
    expect(await row.locator('[data-template-configuration]').textContent()).toContain(configuration);
    expect(await row.locator('[data-template-labels]').textContent()).toContain('tier=web');
    expect(await row.textContent()).toContain('A small web server.');
    expect(await row.locator('[data-template-problem]').count()).toBe(0);
    await admin.screenshot({ path: join(SHOTS, 'machine-templates.png') });

    // What someone else saves or deletes meanwhile shows on the page as it happens, without a reload.
    await markPage(admin);
    // The switcher's value is the project's id.
    const projectId = await admin.locator('#project-select').inputValue();
    const { machineTemplates } = await apiAs<{
      machineTemplates: {
        accountId: string;
        location: { id: string };
        image: { id: string };
        configuration: { id: string };
      }[];
    }>(
      admin,
      'query T($p: ID!) { machineTemplates(projectId: $p) { accountId location { id } image { id } configuration { id } } }',
      {
        p: projectId,
      },
    );
    const [parts] = machineTemplates;
    const { createMachineTemplate: elsewhere } = await apiAs<{ createMachineTemplate: { id: string } }>(
      admin,
      'mutation C($input: CreateMachineTemplateInput!) { createMachineTemplate(input: $input) { id } }',
      {
        input: {
          projectId,
          name: 'made-elsewhere',
          accountId: parts!.accountId,
          locationId: parts!.location.id,
          imageId: parts!.image.id,
          configurationId: parts!.configuration.id,
        },
      },
    );
    const elsewhereRow = admin.locator('tr[data-template="made-elsewhere"]');
    await expect.poll(() => elsewhereRow.isVisible(), LIVE).toBe(true);
    await apiAs(
      admin,
      'mutation D($input: DeleteMachineTemplateInput!) { deleteMachineTemplate(input: $input) { deletedMachineTemplateId } }',
      { input: { templateId: elsewhere.id } },
    );
    await expect.poll(() => elsewhereRow.count(), LIVE).toBe(0);
    // So does a rename of the project, in the switcher.
    const rename = (name: string) =>
      apiAs(
        admin,
        'mutation U($input: UpdateProjectInput!) { updateProject(input: $input) { project { id } } }',
        {
          input: { id: projectId, name },
        },
      );
    const chosen = admin.locator('#project-select option:checked');
    await rename(`${RENAMED} live`);
    await expect.poll(() => chosen.textContent(), LIVE).toContain(`${RENAMED} live`);
    await rename(RENAMED);
    await expect.poll(() => chosen.textContent(), LIVE).toBe(`${RENAMED} · owner`);
    expect(await marker(admin)).toBe('not reloaded');

    // A viewer sees it, and nothing to create or delete with.
    const viewer = await newPage();
    await logIn(viewer.page, 'viewer1', VIEWER_PASSWORD);
    await viewer.page.waitForURL(/\/machines$/);
    await viewer.page.locator('#project-select').selectOption({ label: `${RENAMED} · viewer` });
    await nav(viewer.page, 'Machine templates');
    const viewed = viewer.page.locator(`tr[data-template="${TEMPLATE}"]`);
    await expect.poll(() => viewed.isVisible(), LIVE).toBe(true);
    expect(await viewed.getByRole('button', { name: `Delete ${TEMPLATE}` }).count()).toBe(0);
    expect(await viewed.getByRole('link', { name: `Create machines from ${TEMPLATE}` }).count()).toBe(0);
    await viewer.context.close();

    // Its row starts the wizard from it: every step is filled in, the name is left to give.
    await row.getByRole('link', { name: `Create machines from ${TEMPLATE}` }).click();
    await admin.waitForURL(/\/machines\/new\?template=/, LIVE);
    await expect.poll(() => picker.locator('option:checked').textContent(), LIVE).toBe(TEMPLATE);
    await expect.poll(() => summary.nth(3).textContent(), LIVE).toBe(configuration);
    expect(await summary.nth(2).textContent()).toBe(image);
    expect(await summary.nth(0).textContent()).toContain('local');
    expect(await admin.getByLabel('Key of label 1').inputValue()).toBe('tier');
    expect(await admin.getByLabel('Value of label 1').inputValue()).toBe('web');
    await admin.locator('input[name=machine-name]').fill('templated-1');
    await admin.getByRole('button', { name: 'Create machine' }).click();
    await expect
      .poll(() => admin.locator('h2 [data-state]').getAttribute('data-state'), LIVE)
      .toBe('STARTED');
    await nav(admin, 'Machines');
    const made = admin.locator('tr[data-machine="templated-1"]');
    await expect.poll(() => made.locator('[data-state]').getAttribute('data-state'), LIVE).toBe('STARTED');
    expect(await made.locator('[data-labels]').textContent()).toBe('tier=web');

    // A machine's page saves what it is made of as a template too.
    await made.getByRole('link', { name: 'templated-1' }).click();
    await admin.waitForURL(/\/machines\/[^/]+$/, LIVE);
    await admin.getByRole('button', { name: 'Save as template…' }).click();
    const fromMachine = admin.getByRole('dialog', { name: 'Save as template' });
    await expect.poll(() => fromMachine.isVisible(), LIVE).toBe(true);
    expect(await fromMachine.textContent()).toContain(
      "templated-1's account, location, image and configuration",
    );
    await fromMachine.getByLabel('Template name').fill('like-templated-1');
    await fromMachine.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => admin.getByText('Template like-templated-1 saved.').isVisible(), LIVE).toBe(true);
    await nav(admin, 'Machine templates');
    const copy = admin.locator('tr[data-template="like-templated-1"]');
    await expect.poll(() => copy.isVisible(), LIVE).toBe(true);
    expect(await copy.locator('[data-template-image]').textContent()).toContain(image);
    expect(await copy.locator('[data-template-labels]').textContent()).toContain('tier=web');
    await copy.getByRole('button', { name: 'Delete like-templated-1' }).click();
    await admin
      .getByRole('dialog', { name: 'Delete like-templated-1?' })
      .getByRole('button', { name: 'Delete template' })
      .click();
    await expect.poll(() => copy.count(), LIVE).toBe(0);

    // The picker at the top of the wizard does the same.
    await nav(admin, 'Create machine');
    await expect.poll(() => picker.isVisible(), LIVE).toBe(true);
    await picker.selectOption({ label: TEMPLATE });
    await expect.poll(() => summary.nth(3).textContent(), LIVE).toBe(configuration);
    expect(await admin.locator('input[name=machine-name]').isVisible()).toBe(true);

    // What the wizard changes, "Update template" saves over the template it started from.
    await admin.getByLabel('Value of label 1').fill('frontend');
    await admin.getByRole('button', { name: `Update template ${TEMPLATE}` }).click();
    await expect.poll(() => admin.getByText(`Template ${TEMPLATE} updated.`).isVisible(), LIVE).toBe(true);
    await nav(admin, 'Machine templates');
    await expect
      .poll(() => row.locator('[data-template-labels]').textContent(), LIVE)
      .toContain('tier=frontend');
    expect(await row.textContent()).toContain('A small web server.');

    await row.getByRole('button', { name: `Delete ${TEMPLATE}` }).click();
    const confirm = admin.getByRole('dialog', { name: `Delete ${TEMPLATE}?` });
    await expect.poll(() => confirm.isVisible(), LIVE).toBe(true);
    await confirm.getByRole('button', { name: 'Delete template' }).click();
    await expect.poll(() => admin.getByText(`Template ${TEMPLATE} deleted.`).isVisible(), LIVE).toBe(true);
    await expect.poll(() => row.count(), LIVE).toBe(0);
    expect(await admin.getByText('No machine template yet.').isVisible()).toBe(true);
  }, 90_000);

  it("renames the project's own account, and refuses credentials the provider does not accept", async () => {
    await nav(admin, 'Provider accounts');
    await admin.locator('#project-select').selectOption({ label: 'admin (personal) · owner' });
    const row = admin.locator('tr[data-account="local"]');
    await expect.poll(() => row.isVisible(), LIVE).toBe(true);
    await row.getByRole('button', { name: 'Edit local' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Edit local' });
    await expect.poll(() => dialog.isVisible(), LIVE).toBe(true);
    await dialog.getByLabel('Token').fill('guessed');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        () => dialog.getByRole('alert').filter({ hasText: 'refused these credentials' }).isVisible(),
        LIVE,
      )
      .toBe(true);

    // Empty credentials keep the current ones: only the name changes.
    await dialog.getByLabel('Token').fill('');
    await dialog.getByLabel('Account name').fill('local-paris');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => admin.getByText('Saved local-paris.').isVisible(), LIVE).toBe(true);
    expect(await admin.locator('tr[data-account="local-paris"]').isVisible()).toBe(true);
    expect(await row.count()).toBe(0);
  }, 60_000);

  it('creates several machines in one go, each shown reaching STARTED, and refuses them all when one name is taken', async () => {
    await nav(admin, 'Create machine');
    await wizardToName(admin);
    await admin.locator('input[name=machine-name]').fill('app');
    await admin.locator('input[name=machine-count]').fill('3');
    expect(await admin.locator('#machine-name-help').textContent()).toBe(
      'Named app-1 to app-3; each unique in the project.',
    );
    await admin.getByRole('button', { name: 'Create 3 machines' }).click();
    const rows = admin.getByRole('table', { name: 'Created machines' }).locator('tbody tr');
    await expect.poll(() => rows.count(), LIVE).toBe(3);
    for (const name of ['app-1', 'app-2', 'app-3']) {
      await expect
        .poll(() => admin.locator(`tr[data-machine="${name}"] [data-state]`).getAttribute('data-state'), LIVE)
        .toBe('STARTED');
    }

    await admin.screenshot({ path: join(SHOTS, 'created-several.png') });

    // app-1 to app-3 exist now: asking for app-1 to app-4 is refused at the name, before anything is sent.
    await admin.getByRole('button', { name: 'Create more' }).click();
    await admin.locator('input[name=machine-name]').fill('app');
    await admin.locator('input[name=machine-count]').fill('4');
    await expect
      .poll(() => admin.locator('#machine-name-help').textContent(), LIVE)
      .toBe('A machine named app-1 already exists in this project.');
    expect(await admin.getByRole('button', { name: 'Create 4 machines' }).isDisabled()).toBe(true);
  }, 90_000);

  it('cancels a stop that waits for its retry: the job ends cancelled, and the machine shows its real state again', async () => {
    await nav(admin, 'Machines');
    await admin.locator('tr[data-machine="app-1"]').getByRole('link', { name: 'app-1' }).click();
    await expect.poll(() => admin.getByRole('heading', { name: /^app-1/ }).isVisible(), LIVE).toBe(true);
    const machineId = decodeURIComponent(new URL(admin.url()).pathname.split('/').at(-1) ?? '');
    const { machine } = await apiAs<{ machine: { provider: { id: string }; host: { name: string } } }>(
      admin,
      'query M($id: ID!) { machine(id: $id) { provider { id } host { name } } }',
      { id: machineId },
    );
    const downHosts = (hosts: string[]) =>
      apiAs(admin, 'mutation P($input: UpdateProviderInput!) { updateProvider(input: $input) { id } }', {
        input: { providerId: machine.provider.id, settings: { faults: { downHosts: hosts } } },
      });
    // Its host down, the stop fails there and waits to be tried again: 0.5 s, 1 s, 2 s, 4 s.
    await downHosts([machine.host.name]);
    await admin.locator('[data-action=STOP]').click();

    const stop = admin
      .getByRole('table', { name: 'Machine jobs' })
      .locator('tr[data-job="Stop the machine"]');
    const state = () => stop.locator('[data-job-state]').getAttribute('data-job-state');
    const cancel = stop.getByRole('button', { name: 'Cancel the job "Stop the machine" of app-1' });
    const dialog = admin.getByRole('dialog', { name: 'Cancel the job "Stop the machine"?' });
    // Waiting for its retry or trying again at that moment, it can be cancelled either way.
    await cancel.click(LIVE);
    await expect.poll(() => dialog.textContent(), LIVE).toContain('app-1 goes to ERROR');
    await admin.screenshot({ path: join(SHOTS, 'job-cancel.png') });
    await dialog.getByRole('button', { name: 'Cancel the job' }).click();

    await expect.poll(state, LIVE).toBe('cancelled');
    expect(await stop.textContent()).toContain('Cancelled by admin.');
    expect(await stop.getByRole('button').count()).toBe(0);
    // An attempt was made: the machine went to ERROR with who cancelled, then Levante asked the
    // provider, where the stop never happened (the host is down).
    await expect
      .poll(() => admin.getByText('Machine app-1 failed: Cancelled by admin.').isVisible(), LIVE)
      .toBe(true);
    await expect
      .poll(() => admin.locator('h1 [data-state]').getAttribute('data-state'), LIVE)
      .toBe('STARTED');

    // The Jobs page and the activity tell of it too.
    await nav(admin, 'Jobs');
    const listed = admin
      .getByRole('table', { name: 'Jobs' })
      .locator('tr[data-job="Stop the machine"]')
      .filter({ has: admin.getByRole('link', { name: 'app-1', exact: true }) });
    await expect
      .poll(() => listed.locator('[data-job-state]').getAttribute('data-job-state'), LIVE)
      .toBe('cancelled');
    await nav(admin, 'Activity');
    await admin.getByLabel('Kind').selectOption('Machines');
    const asked = admin.locator('[data-event="job.cancel_requested"]').first();
    await expect
      .poll(() => asked.textContent(), LIVE)
      .toContain('admin cancelled the job "Stop the machine" of machine app-1.');
    // Waiting for its retry or trying again when cancelled: either way it says so.
    expect(await admin.locator('[data-event="job.cancelled"]').first().textContent()).toMatch(
      /Job "Stop the machine" (did not run|stopped at the provider's next look): Cancelled by admin\./,
    );
    await downHosts([]);
  }, 90_000);

  it('stops several machines from the inventory at once, says which it refused and why, and starts them again', async () => {
    // The admin's personal project: spread-1, app-2 and app-3 run (app-1 too, after the cancelled stop above).
    await nav(admin, 'Machines');
    const row = (name: string) => admin.locator(`tr[data-machine="${name}"]`);
    const state = (name: string) => row(name).locator('[data-state]').getAttribute('data-state');
    const chosen = ['spread-1', 'app-2', 'app-3'];
    for (const name of chosen) await expect.poll(() => state(name), LIVE).toBe('STARTED');
    const bar = admin.getByRole('toolbar', { name: 'Actions on the selected machines' });
    expect(await bar.count()).toBe(0);
    for (const name of chosen) await admin.getByLabel(`Select ${name}`, { exact: true }).check();
    await expect.poll(() => bar.textContent(), LIVE).toContain('3 selected');
    const everyMachine = admin.getByLabel('Select every machine on this page');
    expect(await everyMachine.evaluate((box) => (box as HTMLInputElement).indeterminate)).toBe(true);

    // app-3 stops behind the page's back: the selection survives the live update, and Stop will refuse it.
    const href = (await row('app-3').getByRole('link', { name: 'app-3' }).getAttribute('href')) ?? '';
    await apiAs(
      admin,
      'mutation A($input: MachineActionInput!) { machineAction(input: $input) { job { id } } }',
      {
        input: { machineId: decodeURIComponent(href.split('/').at(-1) ?? ''), action: 'STOP' },
      },
    );
    await expect.poll(() => state('app-3'), LIVE).toBe('STOPPED');
    expect(await bar.textContent()).toContain('3 selected');
    for (const name of chosen)
      expect(await admin.getByLabel(`Select ${name}`, { exact: true }).isChecked()).toBe(true);
    // Either one's actions are offered: START for app-3, STOP for the others; nothing needs a PAUSED machine.
    expect(await bar.getByRole('button', { name: 'Start', exact: true }).isVisible()).toBe(true);
    expect(await bar.getByRole('button', { name: 'Unpause' }).count()).toBe(0);
    await admin.screenshot({ path: join(SHOTS, 'bulk-actions.png') });

    await bar.getByRole('button', { name: 'Stop', exact: true }).click();
    const outcome = admin.locator('[data-bulk-outcome]');
    await expect.poll(() => outcome.textContent(), LIVE).toContain('Stopping 2 machines.');
    expect(await outcome.getByText('Not stopped:').isVisible()).toBe(true);
    expect(await outcome.locator('li').allTextContents()).toEqual([
      'app-3 — Machine "app-3" is STOPPED and cannot stop; from STOPPED you can start, delete.',
    ]);
    // Those the stop went ahead on leave the selection; the refused one stays, to act on otherwise.
    expect(await bar.textContent()).toContain('1 selected');
    expect(await admin.getByLabel('Select app-3', { exact: true }).isChecked()).toBe(true);
    for (const name of ['spread-1', 'app-2']) await expect.poll(() => state(name), LIVE).toBe('STOPPED');

    // Started again, as the tests after this one expect them.
    for (const name of ['spread-1', 'app-2'])
      await admin.getByLabel(`Select ${name}`, { exact: true }).check();
    await bar.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => outcome.textContent(), LIVE).toBe('Starting 3 machines.');
    expect(await bar.count()).toBe(0);
    for (const name of chosen) await expect.poll(() => state(name), LIVE).toBe('STARTED');

    // A viewer of a project has nothing to select there.
    const viewer = await newPage();
    await logIn(viewer.page, 'viewer1', VIEWER_PASSWORD);
    await viewer.page.waitForURL(/\/machines$/);
    await viewer.page.locator('#project-select').selectOption({ label: `${RENAMED} · viewer` });
    await expect
      .poll(() => viewer.page.locator(`tr[data-machine="${MACHINE}"]`).isVisible(), LIVE)
      .toBe(true);
    expect(await viewer.page.locator('table[aria-label=Machines] input[type=checkbox]').count()).toBe(0);
    await viewer.context.close();
  }, 90_000);

  it('lists every project in the switcher, past the first hundred', async () => {
    // Every user has a personal project: a platform of a few hundred people has more than a page.
    const names = Array.from({ length: 101 }, (_, i) => `zz-many-${String(i).padStart(3, '0')}`);
    const ids: string[] = [];
    for (const name of names) {
      const { createProject } = await apiAs<{ createProject: { project: { id: string } } }>(
        admin,
        'mutation P($name: String!) { createProject(input: { name: $name }) { project { id } } }',
        { name },
      );
      ids.push(createProject.project.id);
    }
    await admin.reload();
    const switcher = admin.locator('#project-select');
    const last = switcher.locator('option', { hasText: 'zz-many-100' });
    await expect.poll(() => last.count(), LIVE).toBe(1);
    await switcher.selectOption({ label: 'zz-many-100 · owner' });
    await expect.poll(() => switcher.locator('option:checked').textContent(), LIVE).toContain('zz-many-100');

    await switcher.selectOption({ label: 'admin (personal) · owner' });
    for (const id of ids) {
      await apiAs(admin, 'mutation D($id: ID!) { deleteProject(input: { id: $id }) { deletedProjectId } }', {
        id,
      });
    }
    await admin.reload();
    await expect.poll(() => switcher.locator('option', { hasText: 'zz-many-' }).count(), LIVE).toBe(0);
  }, 90_000);

  it('works on a phone-sized screen', async () => {
    const phone = await newPage(390, 844);
    await logIn(phone.page, 'admin', NEW_ADMIN_PASSWORD);
    await phone.page.waitForURL(/\/machines$/);
    const sidebar = phone.page.getByRole('navigation', { name: 'Console' });
    expect(await sidebar.isVisible()).toBe(false);
    await phone.page.getByRole('button', { name: 'Menu' }).click();
    expect(await sidebar.isVisible()).toBe(true);
    await sidebar.getByRole('link', { name: 'Placement map', exact: true }).click();
    await phone.page.waitForURL(/\/placement/);
    expect(await sidebar.isVisible()).toBe(false);
    await phone.context.close();
  }, 60_000);

  it('loads nothing from anywhere but Levante itself', () => {
    const origin = new URL(levante.url);
    const foreign = requested.filter((url) => {
      const u = new URL(url);
      return u.host !== origin.host && u.protocol !== 'data:';
    });
    expect(foreign).toEqual([]);
    expect(requested.length).toBeGreaterThan(10);
  });
});
