/**
 * Issue #14, views and exact numbers, on real KITTI data: the orthographic bird's-eye view (range
 * preset, frame all, wheel zoom, kept per item), a one-click fit in it, the typed centre / yaw
 * fields (saved on disk, one Ctrl+Z per field, invalid input refused), the 0.01 m fine nudge and
 * re-fitting a moved box to its points (R, Shift+F).
 */
import { expect, test, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from './host';
import { parseKittiCalib } from '../../core/calib/kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';

const DATA = path.resolve(ROOT, '..', 'shared', 'data', 'kitti');
const STEM = '000002';
const SCREENS = path.join(ROOT, 'test-results', 'screens');

type LidarProbe = { __datumLidar: { toScreen(x: number, y: number, z: number): { x: number; y: number } } };
const toScreen = (page: Page, x: number, y: number, z: number) => page.evaluate(([x, y, z]) => (window as unknown as LidarProbe).__datumLidar.toScreen(x, y, z), [x, y, z]);

let dir: string;
let host: RunningHost;
test.skip(!existsSync(path.join(DATA, 'velodyne')), `${DATA} is absent`);
test.beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-bev-')), 'kitti');
  cpSync(DATA, dir, { recursive: true });
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

type Geo = { center: number[]; size: number[]; yaw: number };
function saved(): Geo | null {
  const annDir = path.join(dir, 'annotations');
  if (!existsSync(annDir)) return null;
  for (const f of readdirSync(annDir).filter((n) => n.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(path.join(annDir, f), 'utf8')) as { objects: { geometry: Geo & { kind: string } }[] };
    const o = doc.objects.find((x) => x.geometry.kind === 'cuboid3d');
    if (o) return o.geometry;
  }
  return null;
}
const range = async (page: Page) => Number(await page.getByTestId('bev-range').getAttribute('data-range'));

test('bird\'s-eye view: 40 m preset, frame all, wheel zoom; typed centre x and yaw saved, one Ctrl+Z per field; Shift / Alt + arrow move 0.01 m', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const calib = parseKittiCalib(readFileSync(path.join(DATA, 'calib', `${STEM}.txt`), 'utf8'));
  const gt = kittiLabelToCuboid(parseKittiLabels(readFileSync(path.join(DATA, 'label_2', `${STEM}.txt`), 'utf8')).find((l) => l.type === 'Car')!, calib);

  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('search').fill('velodyne/00000'); // the three clouds, so PageUp / PageDown have neighbours
  await expect(page.getByTestId('item-tile')).toHaveCount(3);
  await page.getByTestId('item-tile').nth(2).dblclick();
  await expect(page.getByTestId('item-title')).toHaveText(`velodyne/${STEM}.bin`);
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });

  // T: bird's-eye view; the 40 m preset; frame all (a KITTI scan reaches well beyond 40 m).
  await page.keyboard.press('t');
  await expect(page.getByTestId('bev-range')).toBeVisible();
  await page.getByTestId('bev-range-40').click();
  expect(await range(page)).toBe(40);
  await expect(page.getByTestId('bev-range')).toHaveAttribute('data-center', '0.00,0.00');
  await page.keyboard.press('g');
  await expect.poll(() => range(page)).toBeGreaterThan(40);
  // Alt+1: 20 m; four wheel notches out reach 100 m.
  await page.keyboard.press('Alt+1');
  expect(await range(page)).toBe(20);
  const canvas = (await page.getByTestId('pointcloud-viewer').boundingBox())!;
  await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 100);
  await expect.poll(() => range(page)).toBeGreaterThanOrEqual(100);
  await page.keyboard.press('Alt+2');
  // The orthographic camera looks straight down: a ground point and the point above it coincide on screen.
  const a = await toScreen(page, gt.center[0], gt.center[1], 0);
  const b = await toScreen(page, gt.center[0], gt.center[1], 5);
  expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeLessThan(0.5);
  // Heading-up: the sensor's forward axis (+x) points up the screen.
  await expect(page.getByTestId('bev-orientation')).toHaveAttribute('data-orientation', 'heading');
  const o = await toScreen(page, 0, 0, 0);
  const fwd = await toScreen(page, 10, 0, 0);
  expect(o.y - fwd.y).toBeGreaterThan(50);
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, 'lidar-bev-40m.png') });

  // One-click fit in the bird's-eye view.
  await page.keyboard.press('c');
  await page.keyboard.press('1');
  const at = await toScreen(page, gt.center[0], gt.center[1], gt.center[2]);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('lidar-selected')).toBeVisible();
  await expect.poll(() => saved(), { timeout: 15_000 }).not.toBeNull();
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
  const fitted = saved()!;
  await page.keyboard.press('f'); // frame the selection
  await expect.poll(() => range(page)).toBeLessThan(15);
  await page.screenshot({ path: path.join(SCREENS, 'lidar-bev-selection.png') });

  // Typed centre x (+0.5 m) and yaw (30°): each its own undo step, saved in the file's coordinates.
  const x = page.getByTestId('box-field-x');
  await expect(x).toHaveValue(fitted.center[0].toFixed(3));
  const newX = Math.round((fitted.center[0] + 0.5) * 1000) / 1000;
  await x.fill(String(newX));
  await x.press('Enter');
  await expect.poll(() => saved()!.center[0], { timeout: 15_000 }).toBeCloseTo(newX, 4);
  const yaw = page.getByTestId('box-field-yaw');
  await yaw.fill('30');
  await yaw.press('Enter');
  await expect.poll(() => saved()!.yaw, { timeout: 15_000 }).toBeCloseTo(Math.PI / 6, 5);
  expect(saved()!.center[0]).toBeCloseTo(newX, 4);
  // Invalid input is refused with a message; nothing is saved.
  const len = page.getByTestId('box-field-length');
  await len.fill('abc');
  await len.press('Enter');
  await expect(page.getByTestId('box-field-error')).toContainText('not a number');
  await page.screenshot({ path: path.join(SCREENS, 'lidar-box-fields.png') });
  await len.press('Escape');
  await expect(page.getByTestId('box-field-error')).toHaveCount(0);
  expect(saved()!.size[0]).toBeCloseTo(fitted.size[0], 5);
  // One Ctrl+Z undoes the yaw only.
  await page.keyboard.press('Control+z');
  await expect.poll(() => saved()!.yaw, { timeout: 15_000 }).toBeCloseTo(fitted.yaw, 5);
  expect(saved()!.center[0]).toBeCloseTo(newX, 4);
  await expect(yaw).toHaveValue(((fitted.yaw * 180) / Math.PI).toFixed(2));

  // Shift+↑ and Alt+↑: 0.01 m along the heading each.
  await page.keyboard.press('Shift+ArrowUp');
  await expect.poll(() => saved()!.center[0], { timeout: 15_000 }).toBeCloseTo(newX + 0.01 * Math.cos(fitted.yaw), 4);
  expect(saved()!.center[1]).toBeCloseTo(fitted.center[1] + 0.01 * Math.sin(fitted.yaw), 4);
  await page.keyboard.press('Alt+ArrowUp');
  await expect.poll(() => saved()!.center[0], { timeout: 15_000 }).toBeCloseTo(newX + 0.02 * Math.cos(fitted.yaw), 4);
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });

  // R: the box, now 0.52 m off, is re-fitted to the car's points (one undo step); Shift+F fits
  // every cuboid of the frame (here the same one: it stays put).
  await page.keyboard.press('r');
  await expect.poll(() => Math.hypot(saved()!.center[0] - fitted.center[0], saved()!.center[1] - fitted.center[1]), { timeout: 15_000 }).toBeLessThan(0.15);
  await expect(page.getByTestId('lidar-notice')).toContainText('Re-fitted 1 of 1');
  await page.keyboard.press('Shift+F');
  await expect(page.getByTestId('lidar-notice')).toContainText('Re-fitted 1 of 1');
  expect(Math.hypot(saved()!.center[0] - fitted.center[0], saved()!.center[1] - fitted.center[1])).toBeLessThan(0.15);
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });

  // The view is kept per item: another cloud opens in 3D, this one comes back in its bird's-eye view.
  const kept = await page.getByTestId('bev-range').getAttribute('data-range');
  await page.keyboard.press('Escape');
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('item-title')).toHaveText('velodyne/000001.bin');
  await expect(page.getByTestId('bev-range')).toHaveCount(0);
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('item-title')).toHaveText(`velodyne/${STEM}.bin`);
  await expect(page.getByTestId('bev-range')).toHaveAttribute('data-range', kept!);
  expect(errors).toEqual([]);
});
