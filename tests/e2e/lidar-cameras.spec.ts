/**
 * Issue #14, every camera and points on images: the LiDAR editor's camera strip on real KITTI,
 * SUSTech and nuScenes frames (every camera of the frame, the selected box's camera first, one
 * enlarged and closed with Escape), LiDAR points drawn on the images, and an image-click fit whose
 * cuboid, read from the saved document on disk, matches the label at BEV IoU >= 0.7.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost } from './host';
import { projectPoints, type CameraModel } from '../../core/calib/camera';
import { kittiCameraModel, parseKittiCalib } from '../../core/calib/kitti';
import { parseSustechCalib } from '../../core/calib/sustech';
import { kittiLabelToCuboid, parseKittiLabels } from '../../core/formats/kitti/labels';
import { parseSustechFrame } from '../../core/formats/sustech/labels';
import { bevIoU } from '../../core/lidar/iou';
import { pointsInBox } from '../../core/lidar/box';
import type { Cuboid3D } from '../../core/document/schema';
import { readSustechCloud } from '../support/lidarData';

const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const SCREENS = path.join(ROOT, 'test-results', 'screens');
test.skip(!existsSync(path.join(DATA, 'kitti', 'velodyne')) || !existsSync(path.join(DATA, 'sustech', 'lidar')), `${DATA} is absent`);

interface Doc {
  objects: { id: string; label: string; geometry: Cuboid3D }[];
}
function readDocs(dir: string): Doc[] {
  const annDir = path.join(dir, 'annotations');
  if (!existsSync(annDir)) return [];
  return readdirSync(annDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(annDir, f), 'utf8')) as Doc);
}

/** Opaque pixels of a canvas (the points raster). */
function opaquePixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

/** Clicks image pixel (u, v) of a camera view's overlay canvas. */
async function clickImage(page: Page, view: Locator, camera: CameraModel, u: number, v: number) {
  const r = (await view.getByTestId('camera-overlay').boundingBox())!;
  await page.mouse.click(r.x + (u / camera.width) * r.width, r.y + (v / camera.height) * r.height);
}

async function openOnly(page: Page, url: string, name: RegExp | string) {
  await page.goto(url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: name }).first().dblclick();
  await expect(page.getByTestId('lidar-editor')).toBeVisible();
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
}

test.beforeAll(() => mkdirSync(SCREENS, { recursive: true }));

test('KITTI: the camera strip, points on the image, enlarge / Escape, and an image-click fit of the car', async ({ page }) => {
  const STEM = '000002';
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-cams-')), 'kitti');
  cpSync(path.join(DATA, 'kitti'), dir, { recursive: true });
  const host = await startHost([dir, '--create']);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openOnly(page, host.url, `${STEM}.bin`);
    // The only camera of this folder (no image_3 here): P2, calibrated from calib/000002.txt.
    const strip = page.getByTestId('camera-strip');
    await expect(strip.locator('.lidar-camera')).toHaveCount(1);
    const view = page.getByTestId('camera-view-image_2');
    await expect(view).toHaveAttribute('data-calibrated', 'yes', { timeout: 15_000 });

    // Points on the image: off by default; Shift+C (or the toolbar button) draws them.
    await expect(view.getByTestId('camera-points')).toHaveCount(0);
    await page.keyboard.press('Shift+C');
    await expect(page.getByTestId('camera-points-toggle')).toHaveAttribute('aria-pressed', 'true');
    const points = view.getByTestId('camera-points');
    await expect(points).toHaveCount(1);
    expect(Number(await points.getAttribute('data-drawn'))).toBeGreaterThan(5000);
    expect(await opaquePixels(points)).toBeGreaterThan(5000);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-cameras-kitti-points.png') });

    // Image-click fit: Car class, fit tool; click the car's projected centre in image_2.
    const png = readFileSync(path.join(dir, 'image_2', `${STEM}.png`));
    const calib = parseKittiCalib(readFileSync(path.join(dir, 'calib', `${STEM}.txt`), 'utf8'));
    const cam = kittiCameraModel(calib, 2, png.readUInt32BE(16), png.readUInt32BE(20));
    const car = parseKittiLabels(readFileSync(path.join(dir, 'label_2', `${STEM}.txt`), 'utf8')).find((l) => l.type === 'Car')!;
    const gt = kittiLabelToCuboid(car, calib);
    const [u, v] = projectPoints(new Float32Array(gt.center), 1, cam);
    await page.keyboard.press('c');
    await page.keyboard.press('1');
    await clickImage(page, view, cam, u, v);
    await expect(page.getByTestId('lidar-selected')).toBeVisible();
    await expect.poll(() => readDocs(dir).flatMap((d) => d.objects).length, { timeout: 15_000 }).toBe(1);
    const saved = readDocs(dir).flatMap((d) => d.objects)[0];
    expect(saved.label).toBe('car');
    expect(bevIoU(saved.geometry, gt)).toBeGreaterThanOrEqual(0.7);

    // Enlarge: the large view covers the 3D view; Escape returns (and stays in the editor).
    await page.getByTestId('camera-enlarge-image_2').click();
    await expect(page.getByTestId('camera-large')).toBeVisible();
    await expect(page.getByTestId('camera-large-view').getByTestId('camera-points')).toHaveCount(1);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-cameras-kitti-large.png') });
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('camera-large')).toHaveCount(0);
    await expect(page.getByTestId('lidar-editor')).toBeVisible();
    await expect(page.getByTestId('lidar-selected')).toBeVisible(); // Escape closed the view only
    // A click in the sky (no points there) fits nothing and says so.
    await clickImage(page, view, cam, cam.width / 2, 4);
    await expect(page.getByText('No object under that pixel')).toBeVisible();
    expect(readDocs(dir).flatMap((d) => d.objects)).toHaveLength(1);
    // The image-click fit is one undo step.
    await page.keyboard.press('Control+z');
    await expect.poll(() => readDocs(dir).flatMap((d) => d.objects).length, { timeout: 15_000 }).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => readDocs(dir).flatMap((d) => d.objects).length, { timeout: 15_000 }).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await host.stop();
  }
});

test('SUSTech frame: three calibrated cameras, points on each, an image-click fit in the front camera', async ({ page }) => {
  const STEM = '000965';
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-cams-')), 'sustech');
  cpSync(path.join(DATA, 'sustech'), dir, { recursive: true });
  const host = await startHost([dir, '--create']);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openOnly(page, host.url, `${STEM}.pcd`);
    const strip = page.getByTestId('camera-strip');
    await expect(strip).toHaveAttribute('data-order', 'front,left,right');
    for (const name of ['front', 'left', 'right']) await expect(page.getByTestId(`camera-view-${name}`)).toHaveAttribute('data-calibrated', 'yes', { timeout: 15_000 });
    await page.getByTestId('camera-points-toggle').click();
    for (const name of ['front', 'left', 'right']) expect(await opaquePixels(page.getByTestId(`camera-view-${name}`).getByTestId('camera-points'))).toBeGreaterThan(1000);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-cameras-sustech-points.png') });

    // The labelled car with the most points whose centre the front camera sees.
    const front = parseSustechCalib(readFileSync(path.join(dir, 'calib', 'camera', 'front.json'), 'utf8'), 'front.json', 2048, 1536, 'front');
    const labels = parseSustechFrame(readFileSync(path.join(dir, 'label', `${STEM}.json`), 'utf8'), `${STEM}.json`).filter((o) => o.label === 'Car');
    const { positions, count } = readSustechCloud(STEM);
    const visible = labels
      .map((o) => ({ o, p: projectPoints(new Float32Array(o.box.center), 1, front), n: pointsInBox(positions, count, o.box) }))
      .filter(({ p }) => p[2] > 1 && p[0] > 0 && p[1] > 0 && p[0] < 2048 && p[1] < 1536)
      .sort((a, b) => b.n - a.n);
    expect(visible.length).toBeGreaterThan(0);
    const target = visible[0];
    await page.keyboard.press('c');
    await page.keyboard.press('1');
    await clickImage(page, page.getByTestId('camera-view-front'), front, target.p[0], target.p[1]);
    await expect.poll(() => readDocs(dir).flatMap((d) => d.objects).length, { timeout: 15_000 }).toBe(1);
    const saved = readDocs(dir).flatMap((d) => d.objects)[0];
    expect(bevIoU(saved.geometry, target.o.box)).toBeGreaterThanOrEqual(0.7);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-cameras-sustech-fit.png') });
    // With the select tool a click on a thumbnail (away from box edges) enlarges it; Escape returns.
    await page.keyboard.press('v');
    await clickImage(page, page.getByTestId('camera-view-right'), front, 1024, 60);
    await expect(page.getByTestId('camera-large-view')).toHaveAttribute('data-camera', 'right');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-cameras-sustech-large.png') });
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('camera-large')).toHaveCount(0);
    await expect(page.getByTestId('lidar-editor')).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await host.stop();
  }
});

test('SUSTech sequence: selecting a box puts the camera it projects into first', async ({ page }) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'e2e-cams-'));
  const project = path.join(root, 'project');
  mkdirSync(project);
  cpSync(path.join(DATA, 'sustech'), path.join(project, 'sustech'), { recursive: true });
  const r = await runCli(['import', 'sustech', path.join(project, 'sustech'), project, '--create', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const host = await startHost([project]);
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').first().dblclick();
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    // Frame 0 (000950) has no camera images; frame 1 (000965) has three.
    await page.getByTestId('lidar-editor').click({ position: { x: 5, y: 5 } }).catch(() => {});
    await page.keyboard.press('d');
    const strip = page.getByTestId('camera-strip');
    await expect(strip).toHaveAttribute('data-order', 'front,left,right', { timeout: 15_000 });
    for (const name of ['front', 'left', 'right']) await expect(page.getByTestId(`camera-view-${name}`)).toHaveAttribute('data-calibrated', 'yes', { timeout: 15_000 });
    // Select each listed box in turn until one is seen best by a side camera: that camera leads.
    const objects = page.getByTestId('lidar-objects').locator('li');
    const n = await objects.count();
    let side = '';
    for (let i = 0; i < n && !side; i++) {
      await objects.nth(i).click();
      const order = (await strip.getAttribute('data-order')) ?? '';
      if (!order.startsWith('front')) side = order.split(',')[0];
    }
    expect(['left', 'right']).toContain(side);
    await expect(strip.locator('.camera-first')).toHaveAttribute('class', /camera-first/);
    await expect(strip.locator('.camera-first .lidar-camera')).toHaveAttribute('data-camera', side);
    await page.keyboard.press('Shift+C');
    await expect(strip.getByTestId('camera-points')).toHaveCount(3);
    await strip.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENS, 'lidar-cameras-sustech-ranked.png') });
  } finally {
    await host.stop();
  }
});

test('nuScenes sample: one item with its six cameras, points on every image', async ({ page }) => {
  test.skip(!existsSync(path.join(DATA, 'nuscenes')), 'nuscenes sample absent');
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'e2e-cams-')), 'nuscenes');
  cpSync(path.join(DATA, 'nuscenes'), dir, { recursive: true });
  const host = await startHost([dir, '--create']);
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    // The six camera JPGs are companions, not items; the cloud gets a bird's-eye thumbnail.
    await expect(page.getByTestId('item-count')).toHaveText('1 items');
    const thumb = page.getByTestId('item-thumb');
    await expect.poll(() => thumb.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth), { timeout: 30_000 }).toBe(256);
    await page.screenshot({ path: path.join(SCREENS, 'browser-nuscenes-thumb.png') });
    await openOnly(page, host.url, 'LIDAR_TOP');
    const strip = page.getByTestId('camera-strip');
    await expect(strip.locator('.lidar-camera')).toHaveCount(6);
    await expect(strip).toHaveAttribute('data-order', 'CAM_FRONT,CAM_FRONT_LEFT,CAM_FRONT_RIGHT,CAM_BACK_LEFT,CAM_BACK_RIGHT,CAM_BACK');
    await expect(strip.locator('.lidar-camera[data-calibrated="yes"]')).toHaveCount(6, { timeout: 15_000 });
    await page.keyboard.press('Shift+C');
    const rasters = strip.getByTestId('camera-points');
    await expect(rasters).toHaveCount(6);
    for (let i = 0; i < 6; i++) expect(await opaquePixels(rasters.nth(i))).toBeGreaterThan(300);
    await page.screenshot({ path: path.join(SCREENS, 'lidar-cameras-nuscenes.png') });
  } finally {
    await host.stop();
  }
});

