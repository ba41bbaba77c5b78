/**
 * Task packages through the real CLI and the app: a home project over three KITTI tracking camera
 * images (../shared/data) with their real 2D boxes is exported (`datum package export`), imported
 * on the "offline machine" (`datum package import`), edited there and at home (one box changed
 * differently on both sides, another relabelled offline only), exported back, and merged in the
 * app with the "Merge package…" dialog, where the one conflict is resolved for the package.
 */
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';

const TRACKING = path.join(ROOT, '..', 'shared', 'data', 'kitti-tracking-0001', 'training');
const FRAMES = ['000009', '000012', '000015'];
const itemId = (rel: string) => createHash('sha1').update(`main\0${rel}`).digest('hex').slice(0, 16);

type Doc = { itemId: string; revision?: number; objects: Array<{ id: string; label: string; geometry: { kind: 'box2d'; x1: number; y1: number; x2: number; y2: number } }> } & Record<string, unknown>;
const readDoc = (dir: string, id: string): Doc => JSON.parse(readFileSync(path.join(dir, 'annotations', `${id}.json`), 'utf8'));
/** A save as the host makes it: the next revision of the document. */
const writeDoc = (dir: string, doc: Doc) => writeFileSync(path.join(dir, 'annotations', `${doc.itemId}.json`), JSON.stringify({ ...doc, revision: (doc.revision ?? 0) + 1 }));

let tmp: string;
let home: string;
let host: RunningHost | undefined;
const first = itemId(`drive/${FRAMES[0]}.png`);

test.skip(!existsSync(TRACKING), 'needs ../shared/data/kitti-tracking-0001');

test.beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'e2e-packages-'));
  home = path.join(tmp, 'home');
  mkdirSync(path.join(home, 'drive'), { recursive: true });
  mkdirSync(path.join(home, 'annotations'));
  writeFileSync(
    path.join(home, 'datum.json'),
    JSON.stringify({
      schemaVersion: 2,
      name: 'KITTI drive',
      ontology: { labels: [{ id: 'car', name: 'Car', color: '#e8553b', kinds: ['box2d'], attributes: [] }, { id: 'van', name: 'Van', color: '#3b8fe8', kinds: ['box2d'], attributes: [] }] },
      sources: [{ id: 'main', path: '.' }],
      settings: {},
    }),
  );
  for (const f of FRAMES) {
    cpSync(path.join(TRACKING, 'image_2', `${f}.png`), path.join(home, 'drive', `${f}.png`));
    const objects = readFileSync(path.join(TRACKING, 'label_2', `${f}.txt`), 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((w) => w[0] === 'Car' || w[0] === 'Van')
      .map((w, i) => {
        const [x1, y1, x2, y2] = w.slice(4, 8).map(Number);
        return { id: `${f}-${i}`, label: w[0].toLowerCase(), geometry: { kind: 'box2d' as const, x1, y1, x2, y2 }, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0 };
      });
    writeDoc(home, { schemaVersion: 1, itemId: itemId(`drive/${f}.png`), status: 'new', objects, tracks: [], pointLabels: [] });
  }
  const out = await runCli(['package', 'export', home, '--filter', 'name=drive/*.png', path.join(tmp, 'batch.datumpkg'), '--json']);
  expect(out.code, out.stderr).toBe(0);
  expect(JSON.parse(out.stdout)).toMatchObject({ items: 3, data: 'embedded' });
  const offline = path.join(tmp, 'offline');
  const imp = await runCli(['package', 'import', path.join(tmp, 'batch.datumpkg'), offline, '--json']);
  expect(imp.code, imp.stderr).toBe(0);

  // Offline: box 0 moved right, box 1 relabelled. Home meanwhile: box 0 moved left.
  const off = readDoc(offline, first);
  off.objects[0].geometry = { ...off.objects[0].geometry, x1: off.objects[0].geometry.x1 + 40, x2: off.objects[0].geometry.x2 + 40 };
  off.objects[1].label = off.objects[1].label === 'car' ? 'van' : 'car';
  writeDoc(offline, off);
  const h = readDoc(home, first);
  h.objects[0].geometry = { ...h.objects[0].geometry, x1: h.objects[0].geometry.x1 - 30, x2: h.objects[0].geometry.x2 - 30 };
  writeDoc(home, h);

  const back = await runCli(['package', 'export', offline, '--filter', 'name=drive/*', path.join(home, 'work.datumpkg'), '--json']);
  expect(back.code, back.stderr).toBe(0);
  expect(JSON.parse(back.stdout)).toMatchObject({ items: 3, data: 'references' });
  // The CLI refuses to merge with an undecided conflict and writes nothing.
  const cli = await runCli(['package', 'merge', home, path.join(home, 'work.datumpkg')]);
  expect(cli.code).toBe(3);
  expect(cli.stdout).toMatch(/1 conflicts/);
  expect(readDoc(home, first).revision).toBe(2);
  host = await startHost([home]);
});
test.afterAll(async () => host?.stop());

test('the Merge package dialog lists the conflict and merges with the choice made', async ({ page }) => {
  const before = readDoc(home, first);
  const offlineBox = readDoc(path.join(tmp, 'offline'), first).objects;
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(host!.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('package-merge-open').click();
  await page.getByTestId('package-path').fill(path.join(home, 'work.datumpkg'));
  await page.getByTestId('package-check').click();
  await expect(page.getByTestId('package-summary')).toContainText('1 changes from the package');
  const rows = page.getByTestId('package-conflict');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('drive/000009.png');
  await expect(rows.first()).toContainText('changed on both sides');
  await expect(rows.first().getByTestId('package-ours')).toBeChecked(); // this project's by default
  await page.screenshot({ path: test.info().outputPath('package-dialog.png') });

  await rows.first().getByTestId('package-theirs').check();
  await page.getByTestId('package-merge').click();
  await expect(page.getByTestId('package-done')).toContainText('1 items changed, 2 unchanged');
  await page.screenshot({ path: test.info().outputPath('package-merged.png') });

  const after = readDoc(home, first);
  expect(after.revision).toBe((before.revision ?? 0) + 1);
  expect(after.objects[0].geometry).toEqual(offlineBox[0].geometry); // the conflict, resolved for the package
  expect(after.objects[1].label).toBe(offlineBox[1].label); // changed offline only
  expect(after.objects.slice(2)).toEqual(before.objects.slice(2).map((o) => expect.objectContaining({ id: o.id, geometry: o.geometry, label: o.label })));

  // A second check of the same package: both sides now agree, nothing left to take or decide.
  await page.getByTestId('package-check').click();
  await expect(page.getByTestId('package-summary')).toContainText('0 changes from the package');
  await expect(page.getByTestId('package-conflict')).toHaveCount(0);
  await page.getByTestId('package-merge').click();
  await expect(page.getByTestId('package-done')).toContainText('0 items changed, 3 unchanged');
  expect(readDoc(home, first).revision).toBe(after.revision);

  // A damaged package is refused with the reason.
  const bytes = readFileSync(path.join(home, 'work.datumpkg'));
  writeFileSync(path.join(home, 'cut.datumpkg'), bytes.subarray(0, bytes.length - 200));
  await page.getByTestId('package-path').fill(path.join(home, 'cut.datumpkg'));
  await page.getByTestId('package-check').click();
  await expect(page.getByTestId('package-error')).toContainText('truncated');
  await page.screenshot({ path: test.info().outputPath('package-refused.png') });
});
