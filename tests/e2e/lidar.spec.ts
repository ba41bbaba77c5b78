/**
 * The LiDAR editor end to end on real KITTI data: one-click fit of a car, a side-view drag, a
 * keyboard nudge, undo/redo, the document on disk, the camera projection and `datum export kitti`.
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';
import { parseKittiCalib } from '../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';
import { writePcd } from '../helpers/pointcloudWriters';
import { cuboidsOnFrame } from '../../core/document/cuboidTracks';

const DATA = path.resolve(ROOT, '..', 'shared', 'data', 'kitti');
const STEM = '000002';

type LidarProbe = { __datumLidar?: { toScreen(x: number, y: number, z: number): { x: number; y: number } } };

/** The editor's scene is up (its test hook is installed). */
async function lidarReady(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => !!(window as unknown as LidarProbe).__datumLidar)).toBe(true);
}

/** Client pixel of a point given in the cloud file's coordinates. */
function toScreen(page: Page, x: number, y: number, z: number): Promise<{ x: number; y: number }> {
  return page.evaluate(([x, y, z]) => (window as unknown as Required<LidarProbe>).__datumLidar.toScreen(x, y, z), [x, y, z]);
}

let dir: string;
let host: RunningHost;

test.skip(!existsSync(path.join(DATA, 'velodyne')), `${DATA} is absent`);

test.beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-kitti-')), 'kitti');
  cpSync(DATA, dir, { recursive: true });
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

interface Doc {
  objects: { id: string; label: string; geometry: { kind: string; center: number[]; size: number[]; yaw: number } }[];
}
function readDoc(): Doc | null {
  const annDir = path.join(dir, 'annotations');
  if (!existsSync(annDir)) return null;
  const files = readdirSync(annDir).filter((f) => f.endsWith('.json'));
  return files.length ? (JSON.parse(readFileSync(path.join(annDir, files[0]), 'utf8')) as Doc) : null;
}

test('fit a car with one click, adjust it, see it in the camera, save and export KITTI', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  // Ground truth of the car in this frame, in the LiDAR frame.
  const calib = parseKittiCalib(readFileSync(path.join(DATA, 'calib', `${STEM}.txt`), 'utf8'));
  const car = parseKittiLabels(readFileSync(path.join(DATA, 'label_2', `${STEM}.txt`), 'utf8')).find((l) => l.type === 'Car')!;
  const gt = kittiLabelToCuboid(car, calib);

  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('search').fill(`velodyne/${STEM}`);
  await expect(page.getByTestId('item-tile')).toHaveCount(1);
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('lidar-editor')).toBeVisible();
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  await expect(page.getByTestId('camera-overlay')).toBeVisible();

  // One click (fit tool, Car active) on the car's bottom centre.
  await page.keyboard.press('c');
  await page.keyboard.press('1');
  await lidarReady(page);
  await page.waitForTimeout(500);
  const at = await toScreen(page, gt.center[0], gt.center[1], gt.center[2] - gt.size[2] / 2);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('lidar-selected')).toBeVisible();
  const inside = Number((await page.getByTestId('points-inside').innerText()).replace(/\D/g, ''));
  expect(inside).toBeGreaterThan(50);

  await expect.poll(() => readDoc()?.objects.length ?? 0, { timeout: 15_000 }).toBe(1);
  const fitted = readDoc()!.objects[0];
  expect(fitted.label).toBe('car');
  expect(fitted.geometry.kind).toBe('cuboid3d');
  expect(Math.hypot(fitted.geometry.center[0] - gt.center[0], fitted.geometry.center[1] - gt.center[1])).toBeLessThan(1);

  // Side view: drag the top edge up (taller box), one undo step.
  const side = page.getByTestId('subview-side');
  const r = (await side.boundingBox())!;
  const [l, , h] = fitted.geometry.size;
  const s = Math.min(300 / (l * 1.5 + 1.2), 200 / (h * 1.5 + 1.2));
  const k = r.width / 300;
  const topX = r.x + 150 * k;
  const topY = r.y + (100 - (h / 2) * s) * k;
  await page.mouse.move(topX, topY);
  await page.mouse.down();
  await page.mouse.move(topX, topY - 10 * k, { steps: 4 });
  await page.mouse.move(topX, topY - 20 * k, { steps: 4 });
  await page.mouse.up();
  const taller = h + 20 / s;
  await expect.poll(() => readDoc()?.objects[0].geometry.size[2] ?? 0, { timeout: 15_000 }).toBeCloseTo(taller, 1);

  // Keyboard: longer by 0.1 m (I), then undo it and redo it.
  await page.keyboard.press('i');
  await expect.poll(() => readDoc()?.objects[0].geometry.size[0] ?? 0, { timeout: 15_000 }).toBeCloseTo(l + 0.1, 3);
  await page.keyboard.press('Control+z');
  await expect.poll(() => readDoc()?.objects[0].geometry.size[0] ?? 0, { timeout: 15_000 }).toBeCloseTo(l, 3);
  await page.keyboard.press('Control+Shift+Z');
  await expect.poll(() => readDoc()?.objects[0].geometry.size[0] ?? 0, { timeout: 15_000 }).toBeCloseTo(l + 0.1, 3);
  // The side drag was one step: a second undo restores the fitted height.
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect.poll(() => readDoc()?.objects[0].geometry.size[2] ?? 0, { timeout: 15_000 }).toBeCloseTo(h, 3);
  await page.keyboard.press('Control+Shift+Z');
  await page.keyboard.press('Control+Shift+Z');
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
  const saved = readDoc()!.objects[0].geometry;
  expect(saved.size[0]).toBeCloseTo(l + 0.1, 3);
  expect(saved.size[2]).toBeCloseTo(taller, 1);
  // With a cuboid selected, PageDown / PageUp lower / raise it (LiDAR keys come before the item keys).
  const z = saved.center[2];
  await page.keyboard.press('PageDown');
  await expect.poll(() => readDoc()?.objects[0].geometry.center[2] ?? 0, { timeout: 15_000 }).toBeCloseTo(z - 0.1, 3);
  await expect(page.getByTestId('item-title')).toHaveText(`velodyne/${STEM}.bin`);
  await page.keyboard.press('PageUp');
  await expect.poll(() => readDoc()?.objects[0].geometry.center[2] ?? 0, { timeout: 15_000 }).toBeCloseTo(z, 3);

  // Camera: the cuboid is projected; clicking its wireframe selects it.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('lidar-selected')).toHaveCount(0);
  const hit = await page.getByTestId('camera-overlay').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) {
      if (d[i] > 200) {
        const p = (i - 3) / 4;
        const r = c.getBoundingClientRect();
        return { x: r.left + ((p % c.width) + 0.5) * (r.width / c.width), y: r.top + (Math.floor(p / c.width) + 0.5) * (r.height / c.height) };
      }
    }
    return null;
  });
  expect(hit).not.toBeNull();
  await page.mouse.click(hit!.x, hit!.y);
  await expect(page.getByTestId('lidar-selected')).toBeVisible();
  // Point labels: a lasso around the car gives its points the Car class (id 1 = first label).
  await page.keyboard.press('p');
  const c = await toScreen(page, gt.center[0], gt.center[1], gt.center[2]);
  await page.mouse.move(c.x - 30, c.y - 30);
  await page.mouse.down();
  for (const [dx, dy] of [[30, -30], [30, 30], [-30, 30], [-30, -30]]) await page.mouse.move(c.x + dx, c.y + dy, { steps: 3 });
  await page.mouse.up();
  await expect
    .poll(() => {
      const pl = (readDoc() as unknown as { pointLabels?: { count: number; data: string }[] })?.pointLabels?.[0];
      if (!pl) return 0;
      const b = Buffer.from(pl.data, 'base64');
      let n = 0;
      for (let i = 0; i < pl.count; i++) if (b.readUInt16LE(i * 2) === 1) n++;
      return n;
    }, { timeout: 15_000 })
    .toBeGreaterThan(30);
  await page.keyboard.press('c');
  await page.waitForTimeout(300);
  mkdirSync(path.join(ROOT, 'test-results', 'screens'), { recursive: true });
  await page.keyboard.press('f'); // orbit around the selected car
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-editor.png') });
  await page.getByTestId('camera-enlarge').click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-camera.png') });
  await page.getByTestId('camera-enlarge').click();

  // Export KITTI: one Car line near the ground truth.
  const out = path.join(path.dirname(dir), 'export');
  const ex = await runCli(['export', 'kitti', dir, out, '--json']);
  expect(ex.code, ex.stderr).toBe(0);
  const lines = readFileSync(path.join(out, 'label_2', `${STEM}.txt`), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(1);
  const [type, ...v] = lines[0].split(' ');
  expect(type).toBe('Car');
  const loc = v.slice(10, 13).map(Number);
  expect(Math.hypot(loc[0] - car.location[0], loc[2] - car.location[2])).toBeLessThan(1);
  expect(errors).toEqual([]);
});

test('sequence: fit on frame 1, copy forward, edit a later keyframe and interpolate the track', async ({ page }) => {
  const demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-seq-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const seqHost = await startHost([demo]);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(seqHost.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').filter({ hasText: 'lidar_drive' }).dblclick();
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    await lidarReady(page);
    await page.waitForTimeout(300);
    const truth = JSON.parse(readFileSync(path.join(demo, 'sequences', 'lidar_drive', 'labels', '000000.json'), 'utf8'))[0];
    const at = await toScreen(page, truth.center[0], truth.center[1], truth.center[2] - truth.size[2] / 2);
    await page.mouse.click(at.x, at.y);
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(1);
    await page.getByTestId('track-id').fill('7');
    await page.getByTestId('track-id').press('Tab');
    // The next frame was parsed ahead (frame cache): moving to it needs no new load.
    type CacheProbe = { stats: { misses: number; hits: number } };
    const cacheStats = () => page.evaluate(() => ({ ...(window as unknown as { __datumCloudCache: CacheProbe }).__datumCloudCache.stats }));
    const before = await cacheStats();
    await page.getByRole('button', { name: 'Copy to next frame' }).click();
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 2 / 5');
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/);
    const after = await cacheStats();
    expect(after.misses).toBe(before.misses);
    expect(after.hits).toBeGreaterThan(before.hits);
    await page.getByRole('button', { name: 'Copy to next frame' }).click();
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 3 / 5');
    // Frame 2: delete the copy, so frames 1 and 3 are the keyframes.
    await page.keyboard.press('a');
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 2 / 5');
    await page.getByTestId('lidar-objects').locator('li').first().click();
    await page.keyboard.press('Delete');
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(0);
    await page.keyboard.press('d');
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 3 / 5');
    await page.getByTestId('lidar-objects').locator('li').first().click();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowUp'); // 1 m forward
    await page.getByTestId('interpolate-track').click();
    // Feedback: the notice names the filled frame and the frame strip marks it.
    await expect(page.getByTestId('lidar-notice')).toHaveText('Interpolated frames 2');
    await expect(page.getByTestId('frame-mark-1')).toHaveAttribute('data-changed', 'true');
    await expect(page.getByTestId('frame-mark-2')).not.toHaveAttribute('data-changed', 'true');
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 2 / 5');
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(1);
    await expect(page.getByTestId('lidar-objects')).toContainText('#7');
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    const annDir = path.join(demo, 'annotations');
    const doc = JSON.parse(readFileSync(path.join(annDir, readdirSync(annDir)[0]), 'utf8'));
    // The boxes are one track (document.tracks, keyframes on frames 0 and 2; frame 1 interpolated).
    expect(doc.objects).toEqual([]);
    expect(doc.tracks).toHaveLength(1);
    expect(doc.tracks[0].id).toBe('7');
    const byFrame = (f: number) => cuboidsOnFrame(doc, f)[0] as { geometry: { center: number[] } };
    expect(doc.tracks[0].keyframes.filter((k: { outside: boolean }) => !k.outside).map((k: { frame: number }) => k.frame)).toEqual([0, 2]);
    const x0 = byFrame(0).geometry.center[0], x1 = byFrame(1).geometry.center[0], x2 = byFrame(2).geometry.center[0];
    expect(Math.abs(x1 - (x0 + x2) / 2)).toBeLessThan(0.05);
    expect(Math.abs(x2 - x0)).toBeGreaterThan(0.9);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-sequence.png') });
    expect(errors).toEqual([]);
  } finally {
    await seqHost.stop();
  }
});

test('sequence, key frames only: boxes on the first and last frame linked by # and a typed track id, Shift+T interpolates every track', async ({ page }) => {
  const demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-keyframes-')), 'demo');
  const r = await runCli(['demo', demo, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const seqHost = await startHost([demo]);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(seqHost.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').filter({ hasText: 'lidar_drive' }).dblclick();
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    await lidarReady(page);
    await page.waitForTimeout(300);
    type Truth = { trackId: string; center: number[]; size: number[] };
    const truth = (f: number): Truth[] => JSON.parse(readFileSync(path.join(demo, 'sequences', 'lidar_drive', 'labels', `00000${f}.json`), 'utf8'));
    const shots = path.join(ROOT, 'test-results', 'screens');
    // Fit each car (one click) and give it a track id by keyboard: # puts the keys in the field, Enter sets it.
    const boxAndLink = async (t: Truth, id: string, typed: boolean, shot?: string) => {
      const count = await page.getByTestId('lidar-objects').locator('li').count();
      const at = await toScreen(page, t.center[0], t.center[1], t.center[2] - t.size[2] / 2);
      await page.mouse.click(at.x, at.y);
      await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(count + 1);
      await page.keyboard.press('Shift+Digit3');
      await expect(page.getByTestId('track-id')).toBeFocused();
      // A new track is proposed the next free number (selected, so typing replaces it).
      if (typed) await page.keyboard.type(id);
      else await expect(page.getByTestId('track-id')).toHaveValue(id);
      if (shot) await page.screenshot({ path: path.join(shots, shot) });
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('track-id')).not.toBeFocused();
      await expect(page.getByTestId('lidar-objects').locator('li.sel')).toContainText(`#${id}`);
    };
    await page.keyboard.press('c');
    const cars = truth(0).filter((t) => t.trackId.startsWith('car-')).slice(0, 2);
    await boxAndLink(cars[0], '1', false, 'lidar-keyframes-track-id.png');
    await boxAndLink(cars[1], '2', false);
    // The keys are the editor's again: D walks to the last frame.
    await page.keyboard.press('Escape'); // deselect (a second Escape would close the item)
    for (let f = 2; f <= 5; f++) {
      await page.keyboard.press('d');
      await expect(page.getByTestId('frame-label')).toHaveText(`Frame ${f} / 5`);
    }
    // Linked but not interpolated yet: nothing on the last frame until its own boxes are made.
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(0);
    const last = truth(4);
    for (const [k, c] of cars.entries()) await boxAndLink(last.find((t) => t.trackId === c.trackId)!, String(k + 1), true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+T');
    await expect(page.getByTestId('lidar-notice')).toHaveText('Interpolated 2 tracks: frames 2–4');
    for (const f of [1, 2, 3]) await expect(page.getByTestId(`frame-mark-${f}`)).toHaveAttribute('data-changed', 'true');
    await expect(page.getByTestId('frame-mark-0')).not.toHaveAttribute('data-changed', 'true');
    await page.keyboard.press('a');
    await page.keyboard.press('a');
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 3 / 5');
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(2);
    await page.screenshot({ path: path.join(shots, 'lidar-keyframes-interpolated.png') });
    // One undo step takes every track's interpolation back.
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(0);
    await page.keyboard.press('Control+Shift+Z');
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(2);
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    const annDir = path.join(demo, 'annotations');
    const doc = JSON.parse(readFileSync(path.join(annDir, readdirSync(annDir)[0]), 'utf8'));
    expect(doc.objects).toEqual([]);
    expect(doc.tracks.map((t: { id: string }) => t.id).sort()).toEqual(['1', '2']);
    for (const t of doc.tracks) expect(t.keyframes.filter((k: { outside: boolean }) => !k.outside).map((k: { frame: number }) => k.frame)).toEqual([0, 4]);
    // Frame 2 (index) is halfway between the keyframes of track 1.
    const on = (f: number) => cuboidsOnFrame(doc, f).find((o) => o.attributes.track_id === '1')!.geometry as { center: number[] };
    expect(Math.abs(on(2).center[0] - (on(0).center[0] + on(4).center[0]) / 2)).toBeLessThan(0.01);
    expect(errors).toEqual([]);
  } finally {
    await seqHost.stop();
  }
});

test('draw box: a rectangle dragged around a car is fitted to its points; Alt keeps it as drawn', async ({ page }) => {
  const demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-draw-')), 'demo');
  expect((await runCli(['demo', demo, '--json'])).code).toBe(0);
  const drawHost = await startHost([demo]);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(drawHost.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').filter({ hasText: 'lidar_drive' }).dblclick();
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    await lidarReady(page);
    await page.waitForTimeout(300);
    // The user drags a loose rectangle around car-1: 0.5 m of slack, and off-centre by 0.3 m.
    const truth = (JSON.parse(readFileSync(path.join(demo, 'sequences', 'lidar_drive', 'labels', '000000.json'), 'utf8')) as Truth[]).find((b) => b.trackId === 'car-1')!;
    const [cx, cy, cz] = truth.center;
    const [l, w, h] = truth.size;
    const hx = (l / 2) * Math.abs(Math.cos(truth.yaw)) + (w / 2) * Math.abs(Math.sin(truth.yaw)) + 0.5;
    const hy = (l / 2) * Math.abs(Math.sin(truth.yaw)) + (w / 2) * Math.abs(Math.cos(truth.yaw)) + 0.5;
    const screen = (x: number, y: number) => toScreen(page, x, y, cz - h / 2);
    const a = await screen(cx - hx + 0.3, cy - hy + 0.3);
    const b = await screen(cx + hx + 0.3, cy + hy + 0.3);
    const drag = async (alt: boolean) => {
      if (alt) await page.keyboard.down('Alt');
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 3 });
      await page.mouse.move(b.x, b.y, { steps: 3 });
      await page.mouse.up();
      if (alt) await page.keyboard.up('Alt');
    };
    const annDir = path.join(demo, 'annotations');
    const boxes = () => {
      if (!existsSync(annDir) || !readdirSync(annDir).length) return [];
      const doc = JSON.parse(readFileSync(path.join(annDir, readdirSync(annDir)[0]), 'utf8'));
      return (doc.objects as { geometry: { center: number[]; size: number[]; yaw: number } }[]).map((o) => o.geometry);
    };

    await page.keyboard.press('b');
    await page.keyboard.press('1');
    await drag(false);
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(1);
    await expect.poll(() => boxes().length, { timeout: 15_000 }).toBe(1);
    const fitted = boxes()[0];
    const yawErr = Math.abs(((fitted.yaw - truth.yaw + Math.PI / 2) % Math.PI + Math.PI) % Math.PI - Math.PI / 2);
    expect(yawErr).toBeLessThan(0.1);
    // Snapped onto the car (the rectangle's centre was 0.42 m off) and as tight as the car.
    expect(Math.hypot(fitted.center[0] - cx, fitted.center[1] - cy)).toBeLessThan(0.2);
    expect(fitted.size[0]).toBeLessThan(l + 0.3);
    expect(fitted.size[1]).toBeLessThan(w + 0.3);
    expect(Math.abs(fitted.size[2] - h)).toBeLessThan(0.2);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-draw-fit.png') });

    // Alt: kept exactly as drawn, axis-aligned.
    await drag(true);
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(2);
    await expect.poll(() => boxes().length, { timeout: 15_000 }).toBe(2);
    const drawn = boxes()[1];
    expect(drawn.yaw).toBe(0);
    expect(Math.hypot(drawn.center[0] - cx - 0.3, drawn.center[1] - cy - 0.3)).toBeLessThan(0.2);
    expect(Math.abs(drawn.size[0] - 2 * hx)).toBeLessThan(0.3);
    expect(Math.abs(drawn.size[1] - 2 * hy)).toBeLessThan(0.3);
    // One undo step per drawn box.
    await page.keyboard.press('Control+z');
    await expect.poll(() => boxes().length, { timeout: 15_000 }).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await drawHost.stop();
  }
});

interface Truth {
  trackId: string;
  center: [number, number, number];
  size: [number, number, number];
  yaw: number;
}

test('UTM-scale cloud: the scene is recentred, but cuboids are fitted, shown and saved in the file\'s coordinates', async ({ page }) => {
  // The demo's first LiDAR frame moved to UTM-like coordinates and written as float64 PCD, which
  // the parser recentres (float32 would lose centimetres at 5.4 million metres).
  const base = mkdtempSync(path.join(os.tmpdir(), 'e2e-utm-'));
  const demo = path.join(base, 'demo');
  expect((await runCli(['demo', demo, '--json'])).code).toBe(0);
  const raw = readFileSync(path.join(demo, 'sequences', 'lidar_drive', 'velodyne', '000000.bin'));
  const f = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const shift = [500_000, 5_400_000, 100];
  const rows: number[][] = [];
  for (let i = 0; i < f.length; i += 4) rows.push([f[i] + shift[0], f[i + 1] + shift[1], f[i + 2] + shift[2], f[i + 3]]);
  const project = path.join(base, 'utm');
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'survey.pcd'),
    writePcd([{ name: 'x', type: 'F', size: 8 }, { name: 'y', type: 'F', size: 8 }, { name: 'z', type: 'F', size: 8 }, { name: 'intensity', type: 'F', size: 4 }], rows, 'binary'),
  );
  const truth = (JSON.parse(readFileSync(path.join(demo, 'sequences', 'lidar_drive', 'labels', '000000.json'), 'utf8')) as Truth[]).find((b) => b.trackId === 'car-1')!;
  const utm = truth.center.map((v, i) => v + shift[i]);
  const utmHost = await startHost([project, '--create']);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(utmHost.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').first().dblclick();
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    await lidarReady(page);
    await page.waitForTimeout(300);
    await page.keyboard.press('c');
    await page.keyboard.press('1');
    const at = await toScreen(page, utm[0], utm[1], utm[2] - truth.size[2] / 2);
    await page.mouse.click(at.x, at.y);
    await expect(page.getByTestId('lidar-objects').locator('li')).toHaveCount(1);
    // The fit ran on the recentred points (a car's worth inside) ...
    expect(Number((await page.getByTestId('points-inside').innerText()).replace(/\D/g, ''))).toBeGreaterThan(100);
    // ... and the box is shown and saved where the car is in the file.
    await expect(page.getByTestId('box-center')).toContainText(`${(utm[0]).toFixed(0).slice(0, 4)}`);
    const annDir = path.join(project, 'annotations');
    await expect.poll(() => (existsSync(annDir) ? readdirSync(annDir).length : 0), { timeout: 15_000 }).toBe(1);
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    const saved = JSON.parse(readFileSync(path.join(annDir, readdirSync(annDir)[0]), 'utf8')).objects[0].geometry;
    expect(Math.hypot(saved.center[0] - utm[0], saved.center[1] - utm[1])).toBeLessThan(0.3);
    expect(Math.abs(saved.center[2] - utm[2])).toBeLessThan(0.3);
    // Selecting by clicking the box and nudging it keeps file coordinates (0.1 m forward).
    await page.keyboard.press('Escape');
    await page.keyboard.press('v');
    await page.mouse.click(at.x, at.y);
    await expect(page.getByTestId('lidar-selected')).toBeVisible();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => JSON.parse(readFileSync(path.join(annDir, readdirSync(annDir)[0]), 'utf8')).objects[0].geometry.center[0], { timeout: 15_000 }).toBeGreaterThan(saved.center[0] + 0.05);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-utm.png') });
    expect(errors).toEqual([]);
  } finally {
    await utmHost.stop();
  }
});

test('a headerless .bin with its own record layout: set the layout once for the project, the cloud reads right', async ({ page }) => {
  // The demo's first frame rewritten as 20-byte records: x y z float32, ring uint16, 2 padding bytes, intensity float32.
  const base = mkdtempSync(path.join(os.tmpdir(), 'e2e-binlayout-'));
  const demo = path.join(base, 'demo');
  expect((await runCli(['demo', demo, '--json'])).code).toBe(0);
  const raw = readFileSync(path.join(demo, 'sequences', 'lidar_drive', 'velodyne', '000000.bin'));
  const src = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const n = src.length / 4;
  const out = Buffer.alloc(n * 20);
  for (let i = 0; i < n; i++) {
    out.writeFloatLE(src[i * 4], i * 20);
    out.writeFloatLE(src[i * 4 + 1], i * 20 + 4);
    out.writeFloatLE(src[i * 4 + 2], i * 20 + 8);
    out.writeUInt16LE(i % 64, i * 20 + 12);
    out.writeFloatLE(src[i * 4 + 3], i * 20 + 16);
  }
  const project = path.join(base, 'scans');
  mkdirSync(project);
  writeFileSync(path.join(project, 'scan.bin'), out);
  const spec = 'x:f32,y:f32,z:f32,ring:u16,_:2,intensity:f32';
  const inspected = JSON.parse((await runCli(['inspect', path.join(project, 'scan.bin'), '--layout', spec, '--json'])).stdout);
  expect(inspected.points).toBe(n);
  expect(inspected.fields.map((f: { name: string }) => f.name)).toEqual(['x', 'y', 'z', 'ring', 'intensity']);

  const binHost = await startHost([project, '--create']);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(binHost.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').first().dblclick();
    const count = async () => Number((await page.getByTestId('point-count').innerText()).replace(/\D/g, ''));
    // Read as KITTI (16-byte records) by default: the wrong count, and the parser says why.
    await expect.poll(count, { timeout: 30_000 }).toBe(Math.floor((n * 20) / 16));
    await expect(page.getByTestId('cloud-warning')).toContainText('not a multiple of the 16-byte record');
    const field = page.getByTestId('bin-layout');
    await expect(field).toHaveValue('x:f32,y:f32,z:f32,intensity:f32');
    // A layout without z is refused before anything is saved.
    await field.fill('x:f32,y:f32');
    await field.press('Enter');
    await expect(page.getByTestId('lidar-notice')).toContainText('no "z" field');
    await field.fill(spec);
    await field.press('Enter');
    await expect.poll(count, { timeout: 30_000 }).toBe(n);
    await expect(page.getByTestId('cloud-warning')).toHaveCount(0);
    await expect(page.getByTestId('lidar-notice')).toHaveCount(0);
    expect(JSON.parse(readFileSync(path.join(project, 'datum.json'), 'utf8')).settings.binLayout).toBe(spec);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-bin-layout.png') });
    // The layout stays with the project: a reload reads the cloud right straight away.
    await page.reload();
    await page.getByTestId('item-tile').first().dblclick();
    await expect.poll(count, { timeout: 30_000 }).toBe(n);
    expect(errors).toEqual([]);
  } finally {
    await binHost.stop();
  }
});

test('item keys in the frame: with nothing selected PageDown / PageUp open the next / previous cloud, Escape goes back; dialogs keep editor keys', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('search').fill('velodyne/00000');
  await expect(page.getByTestId('item-tile')).toHaveCount(3);
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('item-title')).toHaveText('velodyne/000000.bin');
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  await expect(page.getByTestId('save-state')).toHaveText('Saved'); // the frame shows the LiDAR document's save state
  mkdirSync(path.join(ROOT, 'test-results', 'screens'), { recursive: true });
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'lidar-in-frame.png') });

  // The shortcuts dialog is modal: B does not reach the editor.
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('b');
  await expect(dialog.getByTestId('shortcuts-ok')).toHaveText('OK');
  await dialog.getByTestId('shortcuts-ok').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('tool-box')).not.toHaveClass(/active/);
  await page.keyboard.press('b');
  await expect(page.getByTestId('tool-box')).toHaveClass(/active/);

  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('item-title')).toHaveText('velodyne/000001.bin');
  await expect(page.getByTestId('lidar-editor')).toBeVisible();
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('item-title')).toHaveText('velodyne/000000.bin');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('item-tile').first()).toBeVisible();
  expect(errors).toEqual([]);
});
