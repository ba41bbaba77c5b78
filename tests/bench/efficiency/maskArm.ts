/**
 * 2D masks (issue #16): the manual arm draws a polygon with the image editor's polygon tool
 * around each target, one click per vertex, Enter to finish. The vertices are the ground-truth
 * outline simplified with Douglas–Peucker at DP_TOLERANCE px (what a careful annotator clicks);
 * from the 4th click on, a vertex that would land within the tool's close radius of the first
 * vertex (8 screen px: it would close the polygon early) is skipped. Quality: polygon IoU (rasterised) against the
 * ground-truth polygon, read back from disk.
 *
 * There is no AI arm: Segment (AI) needs SAM encoder/decoder weights, and none are available
 * offline (../shared/data/models holds YOLOX-nano and UltraFace only; the SAM E2E test uses a
 * synthetic graph that returns a fixed rectangle, which measures nothing about SAM).
 */
import { expect, type Page } from '@playwright/test';
import type { AnnotationObject } from '../../../core/document/schema';
import { guarded, Recorder, type ArmLog } from './armLog';
import { MATCH_IOU } from './policy';

export const DP_TOLERANCE = 2;

export interface MaskItem {
  rel: string;
  stem: string;
  width: number;
  height: number;
  /** Ground-truth outlines, flat [x, y, ...] in image pixels. */
  targets: number[][];
}

/** Douglas–Peucker on a closed ring (flat coordinates); keeps the first vertex. */
export function simplifyRing(flat: readonly number[], tol: number): number[] {
  const pts: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pts.push([flat[i], flat[i + 1]]);
  if (pts.length <= 3) return [...flat];
  // split the ring at the vertex farthest from the first one
  let far = 0;
  pts.forEach((p, i) => {
    if (Math.hypot(p[0] - pts[0][0], p[1] - pts[0][1]) > Math.hypot(pts[far][0] - pts[0][0], pts[far][1] - pts[0][1])) far = i;
  });
  const dp = (a: [number, number][]): [number, number][] => {
    if (a.length <= 2) return a;
    const [x1, y1] = a[0], [x2, y2] = a[a.length - 1];
    const len = Math.hypot(x2 - x1, y2 - y1);
    let best = -1, bi = 0;
    for (let i = 1; i < a.length - 1; i++) {
      const d = len > 0 ? Math.abs((x2 - x1) * (y1 - a[i][1]) - (x1 - a[i][0]) * (y2 - y1)) / len : Math.hypot(a[i][0] - x1, a[i][1] - y1);
      if (d > best) (best = d), (bi = i);
    }
    if (best <= tol) return [a[0], a[a.length - 1]];
    const l = dp(a.slice(0, bi + 1));
    return [...l.slice(0, -1), ...dp(a.slice(bi))];
  };
  const first = dp(pts.slice(0, far + 1));
  const second = dp([...pts.slice(far), pts[0]]);
  const ring = [...first.slice(0, -1), ...second.slice(0, -1)];
  return ring.length >= 3 ? ring.flat() : [...flat];
}

function inside(flat: readonly number[], x: number, y: number): boolean {
  let c = false;
  const n = flat.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = flat[2 * i], yi = flat[2 * i + 1], xj = flat[2 * j], yj = flat[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Polygon IoU, rasterised at 4 samples per pixel (even-odd). */
export function polygonIoU(a: readonly number[], b: readonly number[]): number {
  const xs = [...a, ...b].filter((_, i) => i % 2 === 0), ys = [...a, ...b].filter((_, i) => i % 2 === 1);
  const x0 = Math.floor(Math.min(...xs)), x1 = Math.ceil(Math.max(...xs)), y0 = Math.floor(Math.min(...ys)), y1 = Math.ceil(Math.max(...ys));
  let inter = 0, union = 0;
  for (let y = y0 + 0.25; y < y1; y += 0.5)
    for (let x = x0 + 0.25; x < x1; x += 0.5) {
      const ia = inside(a, x, y), ib = inside(b, x, y);
      if (ia && ib) inter++;
      if (ia || ib) union++;
    }
  return union ? inter / union : 0;
}

interface ImageState {
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

export async function runMaskManualArm(page: Page, items: readonly MaskItem[]): Promise<ArmLog> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('item-tile')).toHaveCount(items.length, { timeout: 30_000 });
  await rec.start();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i === 0) await page.getByTestId('item-tile').first().dblclick();
    else await page.keyboard.press('PageDown');
    await expect(page.getByTestId('item-title')).toHaveText(item.rel, { timeout: 30_000 });
    await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('complete', true);
    await expect.poll(() => page.evaluate(() => !!(window as unknown as { __datumImageState?: unknown }).__datumImageState)).toBe(true);
    await page.waitForTimeout(200);
    // The polygon tool and the class, once per image.
    if ((await state(page)).tool !== 'polygon') {
      await page.keyboard.press('p');
      await until(page, (s) => s.tool === 'polygon');
    }
    if ((await state(page)).label === null) await page.keyboard.press('1');
    await rec.step(item.stem, 'navigate', null, 0);
    const img = page.getByTestId('image-viewer').locator('img');
    const box = (await img.boundingBox())!;
    const k = box.width / item.width;
    for (let g = 0; g < item.targets.length; g++) {
      const gt = item.targets[g];
      let id: string | null = null;
      const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
        const ring = simplifyRing(gt, DP_TOLERANCE);
        const clicks: [number, number][] = [];
        for (let v = 0; v < ring.length; v += 2) {
          const p: [number, number] = [box.x + ring[v] * k, box.y + ring[v + 1] * k];
          if (clicks.length >= 3 && Math.hypot(p[0] - clicks[0][0], p[1] - clicks[0][1]) < 9) continue; // would close the polygon (the tool closes from the 4th click on)
          if (clicks.length && Math.hypot(p[0] - clicks[clicks.length - 1][0], p[1] - clicks[clicks.length - 1][1]) < 4) continue; // the same spot
          clicks.push(p);
        }
        const before = new Set((await state(page)).objects.map((o) => o.id));
        for (const p of clicks) {
          await page.mouse.click(p[0], p[1]);
          await page.waitForTimeout(30);
        }
        await page.keyboard.press('Enter');
        const s = await until(page, (x) => x.objects.some((o) => !before.has(o.id)), 3_000);
        id = s.objects.find((o) => !before.has(o.id))?.id ?? null;
        if (!id) throw new Error('no polygon was created');
      });
      await rec.step(item.stem, 'create', g, 1);
      const s = await state(page);
      const o = id ? s.objects.find((x) => x.id === id) : undefined;
      const q = o && o.geometry.kind === 'polygon' ? polygonIoU((o.geometry as { points: number[] }).points, gt) : 0;
      log.targets.push({ item: item.stem, target: g, outcome: ok && q >= MATCH_IOU ? 'created' : 'failed', via: ok ? 'draw' : 'none', quality: q, correctionKeys: 0 });
    }
    if ((await state(page)).selection.length) {
      await page.keyboard.press('Escape');
      await until(page, (s) => s.selection.length === 0);
    }
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    await rec.step(item.stem, 'navigate', null, 0);
  }
  return log;
}
