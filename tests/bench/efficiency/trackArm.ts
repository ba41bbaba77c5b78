/**
 * Video tracks (issue #16) on the demo image sequence `gliding_square` (12 frames, 480 × 270, a
 * 60 × 60 square moving 30 px per frame to the right on a sine in y; `datum demo`). Ground truth
 * per frame: the bounding box of the square's colour (250, 200, 40) read from the frame PNG on disk.
 *
 * The same policy in both arms: draw the box on frame 0 (box tool), then walk the frames with D;
 * on each frame whose shown box (the track: a keyframe, a held or an interpolated box) is under
 * IoU 0.7 against the truth, move it onto the truth with one select-tool drag (which adds a
 * keyframe). The arms differ in one thing:
 * - `every-frame`: nothing else; the track holds its last keyframe, so in practice every frame gets
 *   its own box (a keyframe per frame: the manual way).
 * - `interpolate`: after frame 0, go to the last frame (D presses), put a keyframe there, come back
 *   to frame 1 (A presses, charged as navigation) and walk forward: frames between two keyframes
 *   are interpolated by the editor; only those still under the bar get a keyframe.
 * The figures are for this synthetic motion (constant x speed, a sine in y), an indication only.
 */
import { expect, type Page } from '@playwright/test';
import type { AnnotationObject } from '../../../core/document/schema';
import { guarded, Recorder, type ArmLog } from './armLog';
import { iou2d, type Box } from './imageArm';
import { MATCH_IOU } from './policy';

interface ImageState {
  frame: number;
  selection: string[];
  tool: string;
  label: string | null;
  objects: AnnotationObject[];
}
const state = (page: Page) => page.evaluate(() => (window as unknown as { __datumImageState: ImageState }).__datumImageState);
async function until(page: Page, pred: (s: ImageState) => boolean, timeout = 5_000): Promise<ImageState> {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (s && pred(s)) return s;
    if (Date.now() - t0 > timeout) return s;
    await page.waitForTimeout(15);
  }
}
const boxOf = (o: AnnotationObject): Box => o.geometry as unknown as Box;

async function mapper(page: Page, width: number): Promise<(x: number, y: number) => [number, number]> {
  const img = page.getByTestId('image-viewer').locator('img');
  const box = (await img.boundingBox())!;
  const k = box.width / width;
  return (x, y) => [box.x + x * k, box.y + y * k];
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(to[0], to[1], { steps: 6 });
  await page.mouse.up();
}

async function goto(page: Page, f: number, cur: number): Promise<void> {
  const key = f > cur ? 'd' : 'a';
  for (let i = 0; i < Math.abs(f - cur); i++) await page.keyboard.press(key);
  await until(page, (s) => s.frame === f);
  await expect.poll(async () => (await state(page)).frame).toBe(f);
  await page.waitForTimeout(100);
}

/** Moves the (only) box onto the truth with one drag from its centre; the editor adds a keyframe. */
async function moveOnto(page: Page, width: number, gt: Box): Promise<void> {
  let s = await state(page);
  const o = s.objects.find((x) => x.geometry.kind === 'box2d');
  if (!o) throw new Error(`no box on frame ${s.frame}`);
  if (s.tool !== 'select') {
    await page.keyboard.press('v');
    s = await until(page, (x) => x.tool === 'select');
  }
  const b = boxOf(o);
  const at = await mapper(page, width);
  const cx = (b.x1 + b.x2) / 2, cy = (b.y1 + b.y2) / 2;
  const before = JSON.stringify(o.geometry);
  await drag(page, at(cx, cy), at(cx + (gt.x1 + gt.x2) / 2 - cx, cy + (gt.y1 + gt.y2) / 2 - cy));
  await until(page, (x) => JSON.stringify(x.objects.find((y) => y.id === o.id)?.geometry) !== before, 2_000);
}

export async function runTrackArm(page: Page, rel: string, stem: string, width: number, truth: readonly Box[], interpolate: boolean): Promise<ArmLog> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await rec.start();
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('item-title')).toContainText(stem, { timeout: 30_000 });
  await expect.poll(async () => (await state(page))?.frame, { timeout: 30_000 }).toBe(0);
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('complete', true);
  await page.waitForTimeout(200);
  await rec.step(rel, 'navigate', null, 0);
  const last = truth.length - 1;
  const record = async (f: number, moved: boolean) => {
    const o = (await state(page)).objects.find((x) => x.geometry.kind === 'box2d');
    const q = o ? iou2d(boxOf(o), truth[f]) : 0;
    log.targets.push({ item: `frame ${f}`, target: 0, outcome: q >= MATCH_IOU ? (moved || f === 0 ? 'created' : 'accepted') : 'failed', via: moved || f === 0 ? 'draw' : 'prelabel', quality: q, correctionKeys: moved ? 1 : 0 });
  };
  await guarded(log, 'frame 0: draw', async () => {
    if ((await state(page)).tool !== 'box') await page.keyboard.press('b');
    await until(page, (s) => s.tool === 'box');
    const at = await mapper(page, width);
    await drag(page, at(truth[0].x1, truth[0].y1), at(truth[0].x2, truth[0].y2));
    await until(page, (s) => s.objects.some((o) => o.geometry.kind === 'box2d'));
  });
  await rec.step('frame 0', 'create', 0, 1);
  await record(0, true);
  let cur = 0;
  const done = new Set<number>([0]);
  if (interpolate) {
    await goto(page, last, cur);
    cur = last;
    await rec.step('', 'navigate', null, 0);
    await guarded(log, `frame ${last}: key frame`, () => moveOnto(page, width, truth[last]));
    await rec.step(`frame ${last}`, 'create', 0, 1);
    await record(last, true);
    done.add(last);
  }
  for (let f = 1; f < truth.length; f++) {
    if (done.has(f)) continue;
    await goto(page, f, cur);
    cur = f;
    await rec.step('', 'navigate', null, 0);
    const o = (await state(page)).objects.find((x) => x.geometry.kind === 'box2d');
    const ok = !!o && iou2d(boxOf(o), truth[f]) >= MATCH_IOU;
    if (ok) {
      await rec.step(`frame ${f}`, 'accept', 0, 1); // a look: the box is good
      await record(f, false);
    } else {
      await guarded(log, `frame ${f}: move`, () => moveOnto(page, width, truth[f]));
      await rec.step(`frame ${f}`, 'correct', 0, 1);
      await record(f, true);
    }
  }
  if ((await state(page)).selection.length) {
    await page.keyboard.press('Escape');
    await until(page, (s) => s.selection.length === 0);
  }
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
  await rec.step('', 'navigate', null, 0);
  return log;
}
