/**
 * A downloaded project whose datum.json names a source folder outside the project: the page asks
 * before anything there is read (consent dialog), "Not now" keeps it out, Settings lists it and
 * can allow or revoke it. `datum serve --allow DIR` allows it for that run only: nothing about it
 * reaches userData, and a start that fails grants nothing.
 */
import { expect, test } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const JPG = path.join(DATA, 'images', 'coco139', '000000000139.jpg');

function makeProject(): { project: string; outside: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'grant-e2e-'));
  const project = path.join(root, 'downloaded-dataset');
  const outside = path.join(root, 'private-photos');
  mkdirSync(path.join(project, 'images'), { recursive: true });
  mkdirSync(outside);
  copyFileSync(JPG, path.join(project, 'images', 'a.jpg'));
  copyFileSync(JPG, path.join(outside, 'holiday-1.jpg'));
  copyFileSync(JPG, path.join(outside, 'holiday-2.jpg'));
  writeFileSync(
    path.join(project, 'datum.json'),
    JSON.stringify({ schemaVersion: 2, name: 'Downloaded dataset', ontology: { labels: [] }, sources: [{ id: 'main', path: '.' }, { id: 'photos', path: outside }], settings: {} }),
  );
  return { project, outside };
}

/** Every file under userData, with its text, to show nothing names the folder. */
function userDataText(home: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${p}\n${readFileSync(p, 'utf8')}`);
    }
  };
  if (existsSync(home)) walk(home);
  return out.join('\n');
}

let host: RunningHost | undefined;
test.afterEach(async () => host?.stop());

test('consent dialog: not now keeps the outside folder unread; allow in settings, then revoke', async ({ page }) => {
  test.skip(!existsSync(JPG), `../shared/data is absent (${DATA})`);
  const { project, outside } = makeProject();
  host = await startHost([project]);
  await page.goto(host.url);
  const dialog = page.getByTestId('source-consent');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(outside);
  await page.screenshot({ path: 'test-results/screens/source-consent.png' });
  await dialog.getByRole('button', { name: 'Not now' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('item-count')).toHaveText('1 items');
  // The blob route refuses the folder too.
  const refused = await page.evaluate(async () => (await fetch('/blob/source/photos/holiday-1.jpg')).status);
  expect(refused).toBe(403);

  await page.getByTestId('tab-settings').click();
  const row = page.getByTestId('source-photos');
  await expect(row).toContainText('Not allowed');
  await row.getByRole('button', { name: 'Allow' }).click();
  await expect(row).toContainText('Allowed');
  await page.screenshot({ path: 'test-results/screens/source-settings.png' });
  expect(userDataText(host.home)).toContain(outside); // the consent is stored per project
  expect(readFileSync(path.join(project, 'datum.json'), 'utf8')).not.toContain('granted');
  expect(await page.evaluate(async () => (await fetch('/blob/source/photos/holiday-1.jpg')).status)).toBe(200);
  await page.getByRole('tab', { name: 'Dataset' }).click();
  await expect(page.getByTestId('item-count')).toHaveText('3 items');

  await page.getByTestId('tab-settings').click();
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Not allowed');
  expect(await page.evaluate(async () => (await fetch('/blob/source/photos/holiday-1.jpg')).status)).toBe(403);
  await page.getByRole('tab', { name: 'Dataset' }).click();
  await expect(page.getByTestId('item-count')).toHaveText('1 items');
});

test('consent dialog: allow reads the folder at once', async ({ page }) => {
  test.skip(!existsSync(JPG), `../shared/data is absent (${DATA})`);
  const { project } = makeProject();
  host = await startHost([project]);
  await page.goto(host.url);
  await page.getByTestId('source-consent').getByRole('button', { name: 'Allow access' }).click();
  await expect(page.getByTestId('item-count')).toHaveText('3 items');
});

test('--allow lasts for that run only; a failed start grants nothing', async ({ page }) => {
  test.skip(!existsSync(JPG), `../shared/data is absent (${DATA})`);
  const { project, outside } = makeProject();
  host = await startHost([project, '--allow', outside]);
  await page.goto(host.url);
  await expect(page.getByTestId('item-count')).toHaveText('3 items');
  await expect(page.getByTestId('source-consent')).toBeHidden();
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('source-photos')).toContainText('Allowed for this run (--allow)');
  const home = host.home;
  await host.stop();
  expect(userDataText(home)).not.toContain(outside);
  expect(userDataText(home)).not.toContain(project);

  // A start that fails (no datum.json, no --create) leaves no grant behind.
  const failedHome = mkdtempSync(path.join(os.tmpdir(), 'datum-home-'));
  const bare = mkdtempSync(path.join(os.tmpdir(), 'bare-'));
  const r = await runCli(['serve', bare, '--allow', outside, '--json'], { DATUM_HOME: failedHome });
  expect(r.code).not.toBe(0);
  expect(r.stdout).toContain('has no datum.json');
  expect(userDataText(failedHome)).toBe('');
});
