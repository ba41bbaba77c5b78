/**
 * Issue #14 on a real street: the KITTI tracking drive 0001 (parked rows on both sides). In the
 * bird's-eye view, with the fit tool (C) and the Car label, every labelled car with at least 30
 * LiDAR points on five frames is clicked on one of its own points (found from the ground truth,
 * put on screen by the test hook `__datumLidar.toScreen`); the saved documents are read from disk
 * and each car's best BEV IoU against its label is computed. Then, on the last frame: the range
 * presets (Alt+1/2/3, G, F) change the view measurably, typed edits are one undo step each, a
 * sub-view face drag lands within 1 cm of what the pointer asked for (and its readout says so),
 * a double-click fits a face back onto the points, and the per-face point counts shown equal
 * `faceCounts` on the same cloud and box.
 */
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { parseKittiCalib } from '../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';
import type { Cuboid3D } from '../../core/document/schema';
import { pointsInBox } from '../../core/lidar/box';
import { bevIoU } from '../../core/lidar/iou';
import { faceCounts } from '../../core/lidar/faceCounts';
import { footprintContains } from '../../core/editing/lidar/boxEdit';
import { readFloatRecords, type Cloud } from '../support/lidarData';

const DATA = path.resolve(ROOT, '..', 'shared', 'data', 'kitti-tracking-0001', 'training');
const FRAMES = ['000009', '000012', '000015', '000018', '000021'];
const MIN_POINTS = 30;
const SCREENS = path.join(ROOT, 'test-results', 'screens');

type LidarProbe = { __datumLidar: { toScreen(x: number, y: number, z: number): { x: number; y: number } } };
const toScreen = (page: Page, x: number, y: number, z: number) => page.evaluate(([x, y, z]) => (window as unknown as LidarProbe).__datumLidar.toScreen(x, y, z), [x, y, z]);
const range = async (page: Page) => Number(await page.getByTestId('bev-range').getAttribute('data-range'));
/** Screen pixels between the sensor and a point 10 m ahead (the camera as drawn, not the toolbar's number). */
async function span(page: Page): Promise<number> {
  const a = await toScreen(page, 0, 0, 0);
  const b = await toScreen(page, 10, 0, 0);
  return Math.hypot(a.x - b.x, a.y - b.y);
}
/** Waits until the bird's-eye camera shows `metres` around the centre across the canvas's shorter side. */
async function settled(page: Page, metres: number): Promise<number> {
  await expect.poll(() => range(page)).toBe(metres);
  const c = (await page.getByTestId('pointcloud-viewer').boundingBox())!;
  const want = (Math.min(c.width, c.height) / (2 * metres)) * 10;
  await expect.poll(() => span(page)).toBeCloseTo(want, 0);
  return span(page);
}

// A HiDPI screen: the sub-views draw at the device pixel ratio but hit-test in CSS pixels.
test.use({ deviceScaleFactor: 2 });

let dir: string;
let host: RunningHost;
test.skip(!existsSync(path.join(DATA, 'velodyne')), `${DATA} is absent`);
test.beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-street-')), 'tracking');
  cpSync(DATA, dir, { recursive: true });
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

interface Frame {
  stem: string;
  cloud: Cloud;
  cars: Cuboid3D[];
}
function loadFrame(stem: string): Frame {
  const calib = parseKittiCalib(readFileSync(path.join(DATA, 'calib', `${stem}.txt`), 'utf8'));
  const cloud = readFloatRecords(path.join(DATA, 'velodyne', `${stem}.bin`), 4);
  const cars = parseKittiLabels(readFileSync(path.join(DATA, 'label_2', `${stem}.txt`), 'utf8'))
    .filter((l) => l.type === 'Car')
    .map((l) => kittiLabelToCuboid(l, calib))
    .filter((b) => pointsInBox(cloud.positions, cloud.count, b) >= MIN_POINTS);
  return { stem, cloud, cars };
}

/** The saved document of a velodyne frame (item id as the indexer makes it: sha1 of source id and path). */
function savedBoxes(stem: string): Cuboid3D[] {
  const project = JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] };
  const id = createHash('sha1').update(`${project.sources[0].id}\0velodyne/${stem}.bin`).digest('hex').slice(0, 16);
  const file = path.join(dir, 'annotations', `${id}.json`);
  if (!existsSync(file)) return [];
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { objects: { label: string; geometry: Cuboid3D }[] };
  return doc.objects.filter((o) => o.geometry.kind === 'cuboid3d' && o.label === 'car').map((o) => o.geometry);
}

/** The selected box as the typed fields show it (file coordinates; KITTI .bin has no offset). */
async function fieldBox(page: Page): Promise<Cuboid3D> {
  const v = async (f: string) => Number(await page.getByTestId(`box-field-${f}`).inputValue());
  return { kind: 'cuboid3d', center: [await v('x'), await v('y'), await v('z')], size: [await v('length'), await v('width'), await v('height')], yaw: ((await v('yaw')) * Math.PI) / 180 };
}

/** A point of the car to click: the one nearest its centre that is not under a box made before (a click there would select it). */
function clickPoint(f: Frame, car: Cuboid3D, made: Cuboid3D[]): [number, number, number] | null {
  const idx = new Uint32Array(f.cloud.count);
  const n = pointsInBox(f.cloud.positions, f.cloud.count, car, idx);
  const p = f.cloud.positions;
  const order = Array.from(idx.subarray(0, n)).sort((a, b) => Math.hypot(p[a * 3] - car.center[0], p[a * 3 + 1] - car.center[1]) - Math.hypot(p[b * 3] - car.center[0], p[b * 3 + 1] - car.center[1]));
  const i = order.find((k) => !made.some((m) => footprintContains(m, p[k * 3], p[k * 3 + 1], 0.4)));
  return i === undefined ? null : [p[i * 3], p[i * 3 + 1], p[i * 3 + 2]];
}

test('street scene: cars fitted by clicks match the labels; BEV presets; typed edits; sub-view face drag to 1 cm, fit face, per-face counts', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(SCREENS, { recursive: true });

  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('search').fill('velodyne/');
  await expect(page.getByTestId('item-tile')).toHaveCount(11);
  await page.getByTestId('item-tile').filter({ hasText: FRAMES[0] }).dblclick();

  // ------------------------------------------------------------------ one-click fits, five frames
  const ious: number[] = [];
  const perFrame: string[] = [];
  let frame: Frame | null = null;
  for (const [k, stem] of FRAMES.entries()) {
    if (k > 0) {
      await page.keyboard.press('Escape'); // no selection: PageDown moves to the next item
      await expect(page.getByTestId('lidar-selected')).toHaveCount(0);
      await page.keyboard.press('PageDown');
    }
    await expect(page.getByTestId('item-title')).toHaveText(`velodyne/${stem}.bin`);
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    frame = loadFrame(stem);
    await page.keyboard.press('t'); // a new item opens in 3D
    await expect(page.getByTestId('bev-range')).toBeVisible();
    await page.keyboard.press('Alt+3'); // 80 m: the far parked row (x ≈ 41 m) is on screen
    await settled(page, 80); // the clicks below are placed with this camera
    await page.keyboard.press('c');
    await page.keyboard.press('1'); // Car
    await expect(page.getByTestId('label-chip-car')).toHaveClass(/active/);
    const made: Cuboid3D[] = [];
    for (const car of frame.cars) {
      const at = clickPoint(frame, car, made);
      if (!at) continue; // every point of this car is under a box fitted before: a miss
      const before = await page.getByTestId('lidar-objects').locator('li').count();
      const s = await toScreen(page, ...at);
      await page.mouse.click(s.x, s.y);
      // Either a new cuboid (selected, its fields shown) or the "nothing to fit" notice.
      await expect.poll(async () => (await page.getByTestId('lidar-objects').locator('li').count()) > before || (await page.getByTestId('lidar-notice').count()) > 0).toBe(true);
      if ((await page.getByTestId('lidar-objects').locator('li').count()) > before) made.push(await fieldBox(page));
    }
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    await expect.poll(() => savedBoxes(stem).length, { timeout: 15_000 }).toBe(made.length);
    const saved = savedBoxes(stem);
    // What the fields showed is what was saved (3 decimals).
    for (const m of made) expect(Math.max(...saved.map((b) => bevIoU(b, m)))).toBeGreaterThan(0.99);
    const frameIous = frame.cars.map((car) => Math.max(0, ...saved.map((b) => bevIoU(b, car))));
    ious.push(...frameIous);
    perFrame.push(`${stem}: ${frameIous.map((x) => x.toFixed(2)).join(' ')}`);
    if (k === 1) await page.screenshot({ path: path.join(SCREENS, 'lidar-street-fits.png') });
  }
  const good = ious.filter((x) => x >= 0.7).length;
  console.log(`[lidar-street] one-click fits vs KITTI labels: n=${ious.length} cars (>= ${MIN_POINTS} points), BEV IoU >= 0.7: ${good}/${ious.length} (${((100 * good) / ious.length).toFixed(0)} %), >= 0.5: ${ious.filter((x) => x >= 0.5).length}\n  ${perFrame.join('\n  ')}`);
  expect(ious.length).toBeGreaterThanOrEqual(30);
  // Measured 25/33 (76 %) with the fit of main on 2026-12-06 (the same as fitBoxAtClick in Node at
  // these points); branch `fit` is changing it, so a margin of 5 cars, not 100 %.
  expect(good).toBeGreaterThanOrEqual(20);
  const f = frame!;

  // ------------------------------------------------------------------ BEV presets change the view
  await page.keyboard.press('Alt+1');
  const s20 = await settled(page, 20);
  await page.keyboard.press('Alt+2');
  const s40 = await settled(page, 40);
  await page.keyboard.press('Alt+3');
  const s80 = await settled(page, 80);
  expect(s20 / s40).toBeCloseTo(2, 1);
  expect(s40 / s80).toBeCloseTo(2, 1);
  await page.keyboard.press('g'); // frame all: a KITTI scan reaches beyond 80 m
  await expect.poll(() => range(page)).toBeGreaterThan(80);
  await expect.poll(() => span(page)).toBeLessThan(s80 - 1);
  // Select the fitted box of the nearest well-fitted car (BEV IoU >= 0.7), then F frames it.
  const saved = savedBoxes(f.stem);
  const bestOf = (car: Cuboid3D) => saved.reduce((best, b) => (bevIoU(b, car) > bevIoU(best, car) ? b : best));
  const nearestCar = [...f.cars].sort((a, b) => Math.hypot(a.center[0], a.center[1]) - Math.hypot(b.center[0], b.center[1])).find((car) => bevIoU(bestOf(car), car) >= 0.7)!;
  const target = bestOf(nearestCar);
  await page.keyboard.press('v');
  const tc = await toScreen(page, target.center[0], target.center[1], target.center[2]);
  await page.mouse.click(tc.x, tc.y);
  await expect(page.getByTestId('lidar-selected')).toBeVisible();
  await expect(page.getByTestId('box-field-x')).toHaveValue(target.center[0].toFixed(3));
  await page.keyboard.press('f');
  await expect.poll(() => range(page)).toBeLessThan(15);
  const center = (await page.getByTestId('bev-range').getAttribute('data-center'))!.split(',').map(Number);
  expect(Math.hypot(center[0] - target.center[0], center[1] - target.center[1])).toBeLessThan(1);

  // ------------------------------------------------------------------ typed edits: one undo step each
  const current = () => savedBoxes(f.stem).find((b) => Math.hypot(b.center[0] - target.center[0], b.center[1] - target.center[1]) < 2)!;
  const type = async (field: string, value: number) => {
    const input = page.getByTestId(`box-field-${field}`);
    await input.fill(value.toFixed(3));
    await input.press('Enter');
  };
  const L = Math.round((target.size[0] + 0.25) * 1000) / 1000;
  const W = Math.round((target.size[1] - 0.1) * 1000) / 1000;
  const Z = Math.round((target.center[2] + 0.05) * 1000) / 1000;
  await type('length', L);
  await type('width', W);
  await type('z', Z);
  await expect.poll(() => current().center[2], { timeout: 15_000 }).toBeCloseTo(Z, 4);
  expect(current().size[0]).toBeCloseTo(L, 4);
  expect(current().size[1]).toBeCloseTo(W, 4);
  await page.keyboard.press('Control+z'); // z only
  await expect.poll(() => current().center[2], { timeout: 15_000 }).toBeCloseTo(target.center[2], 4);
  expect(current().size[1]).toBeCloseTo(W, 4);
  await page.keyboard.press('Control+z'); // width only
  await expect.poll(() => current().size[1], { timeout: 15_000 }).toBeCloseTo(target.size[1], 4);
  expect(current().size[0]).toBeCloseTo(L, 4);
  await page.keyboard.press('Control+z'); // length
  await expect.poll(() => current().size[0], { timeout: 15_000 }).toBeCloseTo(target.size[0], 4);
  await expect(page.getByTestId('box-field-length')).toHaveValue(target.size[0].toFixed(3));

  // ------------------------------------------------------------------ per-face counts
  const side = page.getByTestId('subview-side');
  await side.scrollIntoViewIfNeeded(); // the side panel scrolls (camera strip above); the mouse needs it on screen
  const counts = async () => (await side.getAttribute('data-face-counts'))!.split(',').map(Number);
  const expected = Array.from(faceCounts(f.cloud.positions, f.cloud.count, current()));
  await expect.poll(counts).toEqual(expected);
  expect(expected.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2); // the faces the sensor sees sit on points
  await page.locator('.lidar-subviews').screenshot({ path: path.join(SCREENS, 'lidar-subviews-counts.png') });

  // ------------------------------------------------------------------ sub-view face drag to 1 cm
  const r = (await side.boundingBox())!;
  const scale = Number(await side.getAttribute('data-scale')); // CSS px per metre, box centred at zoom 1
  const start = current();
  const frontX = r.x + r.width / 2 + (start.size[0] / 2) * scale;
  const midY = r.y + r.height / 2;
  const dx = 23; // px
  await page.mouse.move(frontX, midY);
  await expect(side).toHaveCSS('cursor', 'ew-resize');
  await page.mouse.down();
  for (let i = 1; i <= 4; i++) await page.mouse.move(frontX + (dx * i) / 4, midY);
  const wantL = Math.round((start.size[0] + dx / scale) * 100) / 100;
  await expect(page.getByTestId('subview-readout-side')).toHaveText(new RegExp(`^L ${wantL.toFixed(2)} m \\(\\+`));
  await page.screenshot({ path: path.join(SCREENS, 'lidar-subview-drag.png') });
  await page.mouse.up();
  await expect(page.getByTestId('subview-readout-side')).toHaveCount(0);
  await expect.poll(() => current().size[0], { timeout: 15_000 }).toBeCloseTo(wantL, 6);
  expect(Math.abs(current().size[0] - (start.size[0] + dx / scale))).toBeLessThanOrEqual(0.01);
  // The back face stayed: the centre moved half the change along the heading.
  const moved = Math.hypot(current().center[0] - start.center[0], current().center[1] - start.center[1]);
  expect(moved).toBeCloseTo((wantL - start.size[0]) / 2, 3);
  // The front face is now out in the air: no points in its slab.
  await expect.poll(async () => (await counts())[0]).toBe(0);

  // Ctrl while dragging that front face (now out in the air): it goes back onto the points and
  // stays there wherever the pointer goes; one undo step.
  const dragged = current();
  const scale2 = Number(await side.getAttribute('data-scale')); // the view refits to the longer box
  const frontX2 = r.x + r.width / 2 + (dragged.size[0] / 2) * scale2;
  await page.mouse.move(frontX2, midY);
  await expect(side).toHaveCSS('cursor', 'ew-resize');
  await page.mouse.down();
  await page.mouse.move(frontX2 + 10, midY);
  await page.keyboard.down('Control');
  await page.mouse.move(frontX2 + 20, midY);
  await page.mouse.move(frontX2 + 21, midY);
  await expect(page.getByTestId('subview-readout-side')).toHaveText(/^L [0-9.]+ m \(−/);
  const ctrlReadout = await page.getByTestId('subview-readout-side').innerText();
  await page.mouse.up();
  await page.keyboard.up('Control');
  await expect.poll(() => current().size[0], { timeout: 15_000 }).toBeLessThan(dragged.size[0] - 0.3);
  const held = current();
  expect(Math.abs(held.size[0] - start.size[0])).toBeLessThan(0.3); // back at the car's front
  expect(ctrlReadout).toContain(`L ${held.size[0].toFixed(2)} m`);
  await expect.poll(async () => (await counts())[0]).toBeGreaterThan(0);
  console.log(`[lidar-street] front face: fitted L ${start.size[0].toFixed(2)} m, dragged ${dragged.size[0].toFixed(2)} m (0 points in its slab), Ctrl+drag back onto the points ${held.size[0].toFixed(2)} m (${(await counts())[0]} points)`);
  await page.keyboard.press('Control+z'); // the Ctrl drag
  await expect.poll(() => current().size[0], { timeout: 15_000 }).toBeCloseTo(dragged.size[0], 6);
  await page.keyboard.press('Control+z'); // the first drag
  await expect.poll(() => current().size[0], { timeout: 15_000 }).toBeCloseTo(start.size[0], 6);

  // ------------------------------------------------------------------ double-click fits a face to the points
  // Drag the roof 0.4 m up into the air, then double-click the top edge: it goes back onto the roof.
  const fittedTop = (await counts())[4];
  const topY = (b: Cuboid3D) => r.y + r.height / 2 - (b.size[2] / 2) * scale;
  const dy = Math.round(0.4 * scale);
  await page.mouse.move(r.x + r.width / 2, topY(start));
  await expect(side).toHaveCSS('cursor', 'ns-resize');
  await page.mouse.down();
  await page.mouse.move(r.x + r.width / 2, topY(start) - dy / 2);
  await page.mouse.move(r.x + r.width / 2, topY(start) - dy);
  await expect(page.getByTestId('subview-readout-side')).toHaveText(/^H [0-9.]+ m \(\+0\.[34]\d\)$/);
  await page.mouse.up();
  await expect.poll(() => current().size[2], { timeout: 15_000 }).toBeGreaterThan(start.size[2] + 0.3);
  const tall = current();
  const airTop = (await counts())[4];
  expect(airTop).toBeLessThan(fittedTop);
  await page.mouse.move(r.x + r.width / 2, topY(tall));
  await expect(side).toHaveCSS('cursor', 'ns-resize');
  await page.mouse.dblclick(r.x + r.width / 2, topY(tall));
  await expect.poll(() => current().size[2], { timeout: 15_000 }).toBeLessThan(tall.size[2] - 0.2);
  const snapped = current();
  expect((await counts())[4]).toBeGreaterThan(airTop);
  // The bottom stayed where it was.
  expect(snapped.center[2] - snapped.size[2] / 2).toBeCloseTo(tall.center[2] - tall.size[2] / 2, 3);
  console.log(`[lidar-street] top face: fitted ${start.size[2].toFixed(2)} m (${fittedTop} points in its slab), dragged up ${tall.size[2].toFixed(2)} m (${airTop}), double-click fit ${snapped.size[2].toFixed(2)} m (${(await counts())[4]})`);
  await page.keyboard.press('Control+z'); // the fit is one step
  await expect.poll(() => current().size[2], { timeout: 15_000 }).toBeCloseTo(tall.size[2], 6);
  await page.keyboard.press('Control+z'); // the drag is one step
  await expect.poll(() => current().size[2], { timeout: 15_000 }).toBeCloseTo(start.size[2], 6);

  // ------------------------------------------------------------------ wheel zoom and reset in a sub-view
  const top = page.getByTestId('subview-top');
  const tr = (await top.boundingBox())!;
  await page.mouse.move(tr.x + tr.width * 0.3, tr.y + tr.height * 0.4);
  await page.mouse.wheel(0, -100);
  await expect(top).toHaveAttribute('data-zoom', '1.250');
  await page.mouse.wheel(0, -100);
  await expect(top).toHaveAttribute('data-zoom', '1.563');
  await page.locator('.lidar-subviews').screenshot({ path: path.join(SCREENS, 'lidar-subviews-zoomed.png') });
  await page.mouse.dblclick(tr.x + 4, tr.y + 4); // outside the box: back to the fitted view
  await expect(top).toHaveAttribute('data-zoom', '1.000');

  // The round handle in the top view turns the box: 10° in 0.1° steps, one undo step.
  const before = current();
  const ts = Number(await top.getAttribute('data-scale'));
  const cx = tr.x + tr.width / 2, cy = tr.y + tr.height / 2;
  const R = (before.size[0] / 2) * ts + 18; // ROTATE_PX beyond the front face
  await page.mouse.move(cx + R, cy);
  await expect(top).toHaveCSS('cursor', 'grab');
  await page.mouse.down();
  for (const deg of [3, 6, 10]) await page.mouse.move(cx + R * Math.cos((deg * Math.PI) / 180), cy - R * Math.sin((deg * Math.PI) / 180));
  await expect(page.getByTestId('subview-readout-top')).toHaveText(/\(\+10\.0°\)$/);
  await page.mouse.up();
  await expect.poll(() => (((current().yaw - before.yaw) * 180) / Math.PI + 540) % 360 - 180, { timeout: 15_000 }).toBeCloseTo(10, 1);
  await page.keyboard.press('Control+z');
  await expect.poll(() => current().yaw, { timeout: 15_000 }).toBeCloseTo(before.yaw, 6);

  // A drag outside the box pans the sub-view (the box is not edited); a double-click outside resets.
  await page.mouse.move(tr.x + 6, tr.y + 6);
  await expect(top).toHaveCSS('cursor', 'default');
  await page.mouse.down();
  await page.mouse.move(tr.x + 26, tr.y + 16, { steps: 3 });
  await page.mouse.up();
  const pan = (await top.getAttribute('data-pan'))!.split(',').map(Number);
  expect(pan[0]).toBeCloseTo(-20 / ts, 2);
  expect(pan[1]).toBeCloseTo(10 / ts, 2);
  expect(current().center[0]).toBeCloseTo(before.center[0], 6);
  await page.mouse.dblclick(tr.x + 4, tr.y + 4);
  await expect(top).toHaveAttribute('data-pan', '0.0000,0.0000');
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });

  // The gestures are in the shortcuts dialog.
  await page.keyboard.press('Escape'); // deselect, so ? is not taken by a field
  await page.keyboard.press('?');
  const section = page.locator('section[data-section="subview.section"]');
  await expect(section).toContainText('LiDAR sub-views');
  await expect(section).toContainText('fit the face to the outermost points');
  await section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENS, 'lidar-subview-shortcuts.png') });
  await page.getByTestId('shortcuts-ok').click();
  expect(errors).toEqual([]);
});
