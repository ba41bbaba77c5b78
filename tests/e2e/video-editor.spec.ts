/**
 * Video annotation end to end on the shared 1.5 s H.264 MP4: frame-exact frames, a track drawn on
 * frame 0 and moved on frame 10 (a keyframe), interpolation on frame 5, saved to disk, exported as
 * CVAT for video by the CLI; the track locked (Shift+L: a drag and Delete leave it as it is on
 * disk), unlocked, hidden (H: not drawn, still listed) and shown again. Then the VP9 WebM: decoded frame-exactly by WebCodecs from our EBML
 * demuxer, a box propagated forward (button, undo/redo, Shift+P) and an interpolated frame checked.
 * Skipped when ../shared/data is absent.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, startHost, type RunningHost } from './host';

const MP4 = path.join(ROOT, '..', 'shared', 'data', 'video', 'highway_720p.mp4');
const WEBM = path.join(ROOT, '..', 'shared', 'data', 'video', 'highway_720p.vp9.webm');
let dir: string;
let host: RunningHost;

test.skip(!existsSync(MP4), 'needs ../shared/data/video beside the repository');

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-video-'));
  copyFileSync(MP4, path.join(dir, 'highway.mp4'));
  host = await startHost([dir, '--create']);
});
test.afterAll(async () => host?.stop());

async function mapper(page: Page) {
  const c = page.getByTestId('frame-canvas');
  const box = (await c.boundingBox())!;
  const w = await c.evaluate((el: HTMLCanvasElement) => el.width);
  const k = box.width / w;
  return (x: number, y: number) => [box.x + x * k, box.y + y * k] as const;
}

async function step(page: Page, key: 'd' | 'a', times: number, expected: number) {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
  await expect(page.getByTestId('frame-label')).toHaveText(`Frame ${expected + 1} / 38`);
  await expect(page.getByTestId('video-editor')).toHaveAttribute('data-shown-frame', String(expected));
}

test('track a box over frames with keyframes and interpolation, save, export CVAT video', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(host.url);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
  await page.getByTestId('item-tile').filter({ hasText: 'highway' }).dblclick();
  await expect(page.getByTestId('video-editor')).toHaveAttribute('data-shown-frame', '0', { timeout: 30_000 });
  const decoder = await page.getByTestId('video-editor').getAttribute('data-decoder');
  console.log(`video decoder: ${decoder}`);
  await expect(page.getByTestId('frame-label')).toHaveText('Frame 1 / 38');
  const pixelsOf = () => framePixelSum(page);
  const frame0 = await pixelsOf();
  expect(frame0).toBeGreaterThan(0);

  const at = await mapper(page);
  await drawBox(page, at);
  await expect(page.getByTestId('object-row')).toHaveCount(1);

  await step(page, 'd', 10, 10);
  expect(await pixelsOf()).not.toBe(frame0);
  await page.keyboard.press('v');
  await page.mouse.move(...at(200, 375));
  await page.mouse.down();
  await page.mouse.move(...at(400, 375), { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('track-panel')).toContainText('Keyframe');
  await expect(page.getByTestId('keyframe-ticks').locator('i')).toHaveCount(2);
  const rect = page.locator('[data-testid=shape][data-kind=box2d] rect');
  await expect(rect).toHaveAttribute('x', /^(29\d|30\d)(\.\d+)?$/);

  await step(page, 'a', 5, 5);
  const x5 = Number(await rect.getAttribute('x'));
  expect(x5).toBeGreaterThan(180);
  expect(x5).toBeLessThan(220);
  await expect(page.getByTestId('track-panel')).toContainText('Interpolated');
  // back at frame 0 the first keyframe is unchanged
  await step(page, 'a', 5, 0);
  expect(await pixelsOf()).toBe(frame0);
  await expect(rect).toHaveAttribute('x', '100');

  await expect(page.getByTestId('save-state')).toHaveText('Saved');

  // lock the track (Shift+L, as for still images): the select tool's drag and Delete leave it alone
  const savedDoc = () => {
    const names = readdirSync(path.join(dir, 'annotations')).filter((f) => f.endsWith('.json'));
    return JSON.parse(readFileSync(path.join(dir, 'annotations', names[0]), 'utf8'));
  };
  const row = page.getByTestId('object-row');
  const shape = page.locator('[data-testid=shape][data-kind=box2d]');
  await row.click();
  await page.keyboard.press('Shift+L');
  await expect(row.getByTestId('toggle-locked')).toHaveClass(/\bon\b/);
  await expect.poll(() => savedDoc().tracks[0].locked).toBe(true);
  await page.mouse.move(...at(200, 375));
  await page.mouse.down();
  await page.mouse.move(...at(400, 420), { steps: 5 });
  await page.mouse.up();
  await page.keyboard.press('Delete');
  await expect(rect).toHaveAttribute('x', '100');
  await expect(row).toHaveCount(1);
  // and on an interpolated frame a drag would have added a keyframe
  await step(page, 'd', 5, 5);
  await row.click();
  await page.mouse.move(...at(x5 + 100, 375));
  await page.mouse.down();
  await page.mouse.move(...at(x5 + 300, 420), { steps: 5 });
  await page.mouse.up();
  await expect(rect).toHaveAttribute('x', String(x5));
  await expect(page.getByTestId('track-panel')).toContainText('Interpolated');
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await page.getByTestId('image-editor').locator('.ie-side').screenshot({ path: 'test-results/screens/video-editor-track-locked.png' });
  const locked = savedDoc().tracks[0];
  expect(locked.keyframes.map((k: { frame: number }) => k.frame)).toEqual([0, 10]);
  expect(locked.keyframes[0].geometry).toMatchObject({ x1: 100, y1: 300, x2: 300, y2: 450 });
  await page.keyboard.press('Shift+L');
  await expect(row.getByTestId('toggle-locked')).not.toHaveClass(/\bon\b/);
  await expect.poll(() => savedDoc().tracks[0].locked).toBeUndefined();

  // hide (H): not drawn, still in the list; H again shows it
  await page.keyboard.press('h');
  await expect(shape).toHaveCount(0);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveClass(/\bhidden\b/);
  await expect(row.getByTestId('toggle-hidden')).toHaveClass(/\bon\b/);
  await expect.poll(() => savedDoc().tracks[0].hidden).toBe(true);
  await page.keyboard.press('h');
  await expect(shape).toHaveCount(1);
  await expect(rect).toHaveAttribute('x', String(x5));
  await expect.poll(() => savedDoc().tracks[0].hidden).toBeUndefined();
  // the list toggles do the same
  await row.getByTestId('toggle-hidden').click();
  await expect(shape).toHaveCount(0);
  await row.getByTestId('toggle-hidden').click();
  await expect(shape).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/video-editor.png' });
  await page.getByTestId('image-editor').locator('.ie-side').screenshot({ path: 'test-results/screens/video-editor-track-list.png' });

  const doc = savedDoc();
  expect(doc.tracks).toHaveLength(1);
  expect(doc.tracks[0].hidden ?? doc.tracks[0].locked).toBeUndefined();
  expect(doc.tracks[0].keyframes.map((k: { frame: number }) => k.frame)).toEqual([0, 10]);

  const out = path.join(dir, '..', path.basename(dir) + '-cvat');
  const r = await runCli(['export', 'cvat-video', dir, out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const xml = readFileSync(path.join(out, 'annotations.xml'), 'utf8');
  expect(xml).toContain('<size>38</size>');
  expect(xml.match(/<box /g)?.length).toBe(38);
  expect(errors).toEqual([]);
});

test('WebM (VP9): frame-exact frames, a box propagated forward, an interpolated frame', async ({ page }) => {
  test.skip(!existsSync(WEBM), 'needs the VP9 sample');
  const webmDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-webm-'));
  copyFileSync(WEBM, path.join(webmDir, 'traffic.webm'));
  const webmHost = await startHost([webmDir, '--create']);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(webmHost.url);
    await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 30_000 });
    await page.getByTestId('item-tile').filter({ hasText: 'traffic' }).dblclick();
    const editor = page.getByTestId('video-editor');
    await expect(editor).toHaveAttribute('data-shown-frame', '0', { timeout: 30_000 });
    await expect(editor).toHaveAttribute('data-decoder', 'webcodecs'); // VP9 decodes in every Chromium
    await expect(page.getByTestId('frame-label')).toHaveText('Frame 1 / 38');
    const pixelsOf = () => framePixelSum(page);
    const frame0 = await pixelsOf();
    expect(frame0).toBeGreaterThan(0);

    const at = await mapper(page);
    await drawBox(page, at);
    await expect(page.getByTestId('object-row')).toHaveCount(1);
    const ticks = page.getByTestId('keyframe-ticks').locator('i');
    await expect(ticks).toHaveCount(1);

    // propagate 20 frames with the button: one undo step
    await page.getByTestId('propagate-count').fill('20');
    await page.getByTestId('propagate').click();
    await expect(ticks).toHaveCount(2);
    await page.keyboard.press('Control+z');
    await expect(ticks).toHaveCount(1);
    await page.keyboard.press('Control+Shift+z');
    await expect(ticks).toHaveCount(2);

    const rect = page.locator('[data-testid=shape][data-kind=box2d] rect');
    await step(page, 'd', 20, 20);
    expect(await pixelsOf()).not.toBe(frame0);
    await expect(page.getByTestId('track-panel')).toContainText('Keyframe');
    await expect(rect).toHaveAttribute('x', '100');

    // a correction on frame 30 interpolates from the propagated keyframe on 20
    await step(page, 'd', 10, 30);
    await page.keyboard.press('v');
    await page.mouse.move(...at(200, 375));
    await page.mouse.down();
    await page.mouse.move(...at(400, 375), { steps: 5 });
    await page.mouse.up();
    await expect(ticks).toHaveCount(3);
    await step(page, 'a', 5, 25);
    await expect(page.getByTestId('track-panel')).toContainText('Interpolated');
    const x25 = Number(await rect.getAttribute('x'));
    expect(x25).toBeGreaterThan(180);
    expect(x25).toBeLessThan(220);
    // a propagated (held) frame between 0 and 20
    await step(page, 'a', 15, 10);
    await expect(page.getByTestId('track-panel')).toContainText('Interpolated');
    await expect(rect).toHaveAttribute('x', '100');

    // Shift+P on frame 30 propagates to the last frame (bounded by the video)
    await step(page, 'd', 20, 30);
    await page.keyboard.press('Shift+P');
    await expect(ticks).toHaveCount(4);
    await step(page, 'a', 30, 0);
    expect(await pixelsOf()).toBe(frame0);

    await expect(page.getByTestId('save-state')).toHaveText('Saved');
    const files = readdirSync(path.join(webmDir, 'annotations')).filter((f) => f.endsWith('.json'));
    const doc = JSON.parse(readFileSync(path.join(webmDir, 'annotations', files[0]), 'utf8'));
    expect(doc.tracks[0].keyframes.map((k: { frame: number }) => k.frame)).toEqual([0, 20, 30, 37]);
    await page.screenshot({ path: 'test-results/screens/video-editor-webm.png' });
    expect(errors).toEqual([]);
  } finally {
    await webmHost.stop();
  }
});

/** A sample of the shown frame's pixels: changes when another frame is drawn. */
function framePixelSum(page: Page): Promise<number> {
  return page.getByTestId('frame-canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 997) sum += d[i];
    return sum;
  });
}

/** Box tool (B), drag from (100, 300) to (300, 450) in frame pixels. */
async function drawBox(page: Page, at: (x: number, y: number) => readonly [number, number]): Promise<void> {
  await page.keyboard.press('b');
  await page.mouse.move(...at(100, 300));
  await page.mouse.down();
  await page.mouse.move(...at(300, 450), { steps: 4 });
  await page.mouse.up();
}
