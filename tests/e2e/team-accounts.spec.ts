/**
 * A team server for real: `datum serve --accounts` on the demo, accounts made with `datum team
 * user add` (passwords from DATUM_PASSWORD and from stdin), people signing in from Chromium.
 * A wrong password is refused; an annotator who claims a reviewer profile still cannot accept
 * (the host refuses, the page says so); a reviewer accepts; history names the accounts.
 * Then offline drafts: the server goes away under a page with edits, comes back, and the edits
 * (kept in IndexedDB meanwhile) are saved on top of what changed on the server in between.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, runCli, startHost, type RunningHost } from './host';
import { drawBox } from './demoImage';

let demo: string;
let host: RunningHost;
const SHOTS = 'test-results/screens';

function addUser(name: string, role: string, password: string, via: 'env' | 'stdin'): Promise<{ code: number; out: string }> {
  const env = { ...process.env, ...(via === 'env' ? { DATUM_PASSWORD: password } : {}) };
  if (via === 'stdin') delete env.DATUM_PASSWORD;
  const p = spawn(process.execPath, [CLI, 'team', 'user', 'add', demo, name, '--role', role], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  if (via === 'stdin') p.stdin.end(`${password}\n`);
  else p.stdin.end();
  return new Promise((resolve) => p.once('exit', (code) => resolve({ code: code ?? -1, out })));
}

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-team-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(await addUser('ann', 'annotator', 'annotator-pass-1', 'env')).toEqual({ code: 0, out: 'added ann (annotator)\n' });
  expect(await addUser('rev', 'reviewer', 'reviewer-pass-1', 'stdin')).toEqual({ code: 0, out: 'added rev (reviewer)\n' });
  const list = await runCli(['team', 'user', 'list', demo, '--json']);
  expect(JSON.parse(list.stdout).map((a: { name: string; role: string }) => `${a.name}:${a.role}`)).toEqual(['ann:annotator', 'rev:reviewer']);
  // No password given anywhere: refused, nothing added.
  const none = await runCli(['team', 'user', 'add', demo, 'eve', '--role', 'manager'], { DATUM_PASSWORD: '' });
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('no password');
  host = await startHost([demo, '--accounts']);
});
test.afterAll(async () => host?.stop());

async function signIn(page: Page, name: string, password: string) {
  await page.goto(host.url);
  await expect(page.getByTestId('login-screen')).toBeVisible();
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('project-name')).toHaveText('Datum demo');
  await expect(page.getByTestId('team-account')).toContainText(`Signed in as ${name}`);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
}

async function person(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  return context.newPage();
}

async function openShapes(page: Page, name = 'shapes_01') {
  await page.getByTestId('item-tile').filter({ hasText: name }).dblclick();
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('naturalWidth', 640);
  await expect(page.getByTestId('editor-overlay')).toBeVisible();
}

const docFiles = () => (existsSync(path.join(demo, 'annotations')) ? readdirSync(path.join(demo, 'annotations')).filter((n) => n.endsWith('.json')) : []);
/** The only annotation document so far (test 1), or the one file that is not in `except`. */
function shapesDoc(except: string[] = []): { file: string; doc: any } {
  const files = docFiles().filter((f) => !except.includes(f));
  if (files.length !== 1) throw new Error(`expected one annotation document, found ${files.length}`);
  const file = path.join(demo, 'annotations', files[0]);
  return { file, doc: JSON.parse(readFileSync(file, 'utf8')) };
}

test('sign-in page, wrong password, an annotator cannot accept, a reviewer accepts', async ({ browser }) => {
  const ann = await person(browser);
  await ann.goto(host.url);
  await expect(ann.getByTestId('login-screen')).toBeVisible();
  await expect(ann.getByText('Sign in to the team server')).toBeVisible();
  await ann.screenshot({ path: `${SHOTS}/team-sign-in.png` });

  await ann.getByTestId('login-name').fill('ann');
  await ann.getByTestId('login-password').fill('not-the-password');
  await ann.getByTestId('login-submit').click();
  await expect(ann.getByTestId('login-error')).toHaveText('wrong name or password, or the account is disabled');
  await expect(ann.getByTestId('login-password')).toHaveValue('');
  await ann.screenshot({ path: `${SHOTS}/team-sign-in-refused.png` });

  await signIn(ann, 'ann', 'annotator-pass-1');
  await ann.screenshot({ path: `${SHOTS}/team-signed-in.png` });
  await openShapes(ann);
  const status = ann.getByTestId('review-status');
  await expect(status).toHaveText('New');
  await expect(ann.getByTestId('review-accept')).toHaveCount(0); // her account's role: annotator
  await ann.getByTestId('review-submit').click();
  await expect(status).toHaveText('Submitted');

  // She makes herself a local "reviewer" profile: the page now offers Accept, the host refuses.
  await ann.getByTestId('profile-select').selectOption('__new__');
  await ann.getByTestId('profile-name').fill('Mallory');
  await ann.getByTestId('profile-role-annotator').uncheck();
  await ann.getByTestId('profile-role-reviewer').check();
  await ann.getByTestId('profile-create').click();
  await ann.getByTestId('review-accept').click();
  await expect(ann.getByTestId('error-toast')).toContainText('ann is an annotator: review.transition (moving an item to accepted) needs the reviewer role');
  await expect(status).toHaveText('Submitted');
  await ann.screenshot({ path: `${SHOTS}/team-annotator-accept-refused.png` });

  const rev = await person(browser);
  await signIn(rev, 'rev', 'reviewer-pass-1');
  await openShapes(rev);
  await expect(rev.getByTestId('review-status')).toHaveText('Submitted');
  await rev.getByTestId('review-accept').click();
  await expect(rev.getByTestId('review-status')).toHaveText('Accepted');
  await rev.screenshot({ path: `${SHOTS}/team-reviewer-accepted.png` });

  // The history names the accounts, never the local profile "Mallory".
  const { doc } = shapesDoc();
  expect(doc.history.map((h: { to: string; by: string }) => `${h.to} ${h.by}`)).toEqual(['in_progress ann', 'submitted ann', 'accepted rev']);

  // Sign-out: back to the sign-in page, and the old cookie no longer opens anything.
  await rev.getByTestId('sign-out').click();
  await expect(rev.getByTestId('login-screen')).toBeVisible();
  const status2 = await rev.evaluate(() => fetch('/auth/status').then((r) => r.json()));
  expect(status2).toEqual({ accounts: true, account: null });
  await ann.context().close();
  await rev.context().close();
});

test('annotator and reviewer on one team server: submit, reject with an issue, fix, accept, each seeing the other live', async ({ browser }) => {
  const ann = await person(browser);
  await signIn(ann, 'ann', 'annotator-pass-1');
  const rev = await person(browser);
  await signIn(rev, 'rev', 'reviewer-pass-1');
  await openShapes(ann, 'shapes_03');
  await drawBox(ann, 40, 40, 160, 140);
  await ann.getByTestId('review-submit').click();
  await expect(ann.getByTestId('review-status')).toHaveText('Submitted');

  // Rev opens it (read-only while Ann holds it: her lease), pins an issue and rejects.
  await openShapes(rev, 'shapes_03');
  await expect(rev.getByTestId('review-status')).toHaveText('Submitted');
  await rev.getByTestId('issue-text').fill('the box misses the left edge');
  await rev.getByTestId('issue-pin-button').click();
  await expect(rev.getByTestId('issue-card')).toHaveCount(1);
  await rev.locator('.review-bar .status-pill').click();
  await rev.keyboard.press('Shift+R');
  await expect(rev.getByTestId('reject-note')).toBeFocused();
  await rev.getByTestId('reject-note').fill('see the issue');
  await rev.getByTestId('reject-note').press('Enter');
  await expect(rev.getByTestId('review-status')).toHaveText('Rejected');

  // Ann sees the rejection and the issue without reloading, fixes, resolves and resubmits.
  await expect(ann.getByTestId('review-status')).toHaveText('Rejected', { timeout: 15_000 });
  await expect(ann.getByTestId('issue-card')).toContainText('the box misses the left edge');
  await drawBox(ann, 20, 200, 120, 300);
  await ann.getByTestId('issue-reply').fill('fixed');
  await ann.getByTestId('issue-resolve').click();
  await ann.getByTestId('review-submit').click();
  await expect(ann.getByTestId('review-status')).toHaveText('Submitted');

  // Rev sees the resubmission live and accepts; Ann sees the acceptance live.
  await expect(rev.getByTestId('review-status')).toHaveText('Submitted', { timeout: 15_000 });
  await rev.keyboard.press('Shift+A');
  await expect(rev.getByTestId('review-status')).toHaveText('Accepted');
  await expect(ann.getByTestId('review-status')).toHaveText('Accepted', { timeout: 15_000 });
  await ann.screenshot({ path: `${SHOTS}/team-annotator-sees-accepted.png` });
  // The round trip on disk, signed by the accounts.
  const docs = docFiles().map((f) => JSON.parse(readFileSync(path.join(demo, 'annotations', f), 'utf8')));
  const trip = docs.find((d) => (d.history ?? []).some((h: { to: string }) => h.to === 'rejected'));
  expect(trip.history.map((h: { to: string; by: string }) => `${h.to} ${h.by}`)).toEqual(['in_progress ann', 'submitted ann', 'rejected rev', 'in_progress ann', 'submitted ann', 'accepted rev']);
  expect(trip.objects).toHaveLength(2);
  await ann.context().close();
  await rev.context().close();
});

/** Drafts kept in the page's IndexedDB (renderer/persistence/db.ts), read with the raw API. */
function draftsInPage(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('datum');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('drafts').objectStore('drafts').count();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

test('offline drafts: edits made while the team server is down are kept and saved when it is back, merged with what changed there', async ({ browser }) => {
  const port = new URL(host.url).port;
  const page = await person(browser);
  await signIn(page, 'ann', 'annotator-pass-1');
  const earlier = docFiles();
  await openShapes(page, 'shapes_02');
  const mine = () => shapesDoc(earlier);
  const boxes = () => mine().doc.objects.filter((o: { geometry: { kind: string } }) => o.geometry.kind === 'box2d');
  const before = 0;
  await drawBox(page, 60, 60, 160, 140);
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await expect.poll(() => boxes().length).toBe(before + 1);

  // The server goes away under the page.
  await host.stop();
  await drawBox(page, 300, 200, 420, 300);
  await expect.poll(() => draftsInPage(page)).toBe(1); // the edit is in IndexedDB, not on the server
  await expect(page.getByTestId('save-state')).not.toHaveText('Saved');
  expect(boxes().length).toBe(before + 1);

  // Meanwhile the document moved on where the server keeps it (another host of the team saved it).
  const { file, doc } = mine();
  const theirs = { ...doc.objects.find((o: { geometry: { kind: string } }) => o.geometry.kind === 'box2d'), id: 'their-box', geometry: { kind: 'box2d', x1: 500, y1: 20, x2: 600, y2: 90 } };
  writeFileSync(file, JSON.stringify({ ...doc, revision: doc.revision + 1, objects: [...doc.objects, theirs] }, null, 1) + '\n');
  await page.screenshot({ path: `${SHOTS}/team-offline-draft.png` });

  // Back on the same address: the page reconnects with its session cookie (sessions live in the
  // project's store) and saves the draft on top of their revision, keeping both.
  host = await startHost([demo, '--accounts', '--port', port]);
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 30_000 });
  await expect.poll(() => draftsInPage(page)).toBe(0);
  const after = mine().doc;
  const ids = after.objects.map((o: { id: string }) => o.id);
  expect(ids).toContain('their-box');
  expect(after.objects.filter((o: { geometry: { kind: string; x1: number } }) => o.geometry.kind === 'box2d' && Math.round(o.geometry.x1) === 300)).toHaveLength(1);
  expect(boxes().length).toBe(before + 3);
  expect(after.revision).toBeGreaterThanOrEqual(doc.revision + 2); // their revision + our merged save (+ a repeat save on reconnect)
  await page.context().close();
});
