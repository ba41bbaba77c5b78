/**
 * 2D masks (issue #16): the manual arm draws a polygon with the image editor's polygon tool
 * around each target, one click per vertex, Enter to finish. The vertices are the ground-truth
 * outline simplified with Douglas–Peucker at DP_TOLERANCE px (what a careful annotator clicks);
 * from the 4th click on, a vertex that would land within the tool's close radius of the first
 * vertex (8 screen px: it would close the polygon early) is skipped. Quality: polygon IoU (rasterised) against the
 * ground-truth polygon, read back from disk.
 *
 * The Segment (AI) arm (runMaskSegmentArm) needs a SAM / MobileSAM export in the project's models/
 * (runMask.ts: EFF_SAM_DIR); none is available offline, so the benchmark skips it there. Per target:
 * S (the tool, once per image), one object click at interiorPoint (maskPrompt.ts); the previewed
 * mask is kept with Enter when its IoU with the outline is >= MATCH_IOU, else up to
 * MAX_EXTRA_CLICKS corrective clicks (nextPrompt: a click in the largest missed region, a
 * Shift+click in the largest wrong one), then Enter; a target still under the bar falls back to
 * the polygon tool exactly as the manual arm draws it (Escape drops the prompts, P, the vertex
 * clicks, Enter, S back), all charged to this arm.
 */
import { expect, type Page } from '@playwright/test';
import type { AnnotationObject } from '../../../core/document/schema';
import { guarded, Recorder, type ArmLog } from './armLog';
import { MATCH_IOU } from './policy';
import { interiorPoint, nextPrompt } from './maskPrompt';

export const DP_TOLERANCE = 2;
/** Corrective Segment (AI) clicks after the first one before the polygon tool takes over. */
export const MAX_EXTRA_CLICKS = 5;

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

type Box = { x: number; y: number; width: number; height: number };

/** The manual arm's polygon: the simplified outline clicked vertex by vertex, Enter; the new object's id. */
async function drawPolygon(page: Page, gt: readonly number[], box: Box, k: number): Promise<string> {
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
  const id = s.objects.find((o) => !before.has(o.id))?.id;
  if (!id) throw new Error('no polygon was created');
  return id;
}

/** Opens the item (double-click on the first, PageDown after) and waits for the editor. */
async function openItem(page: Page, item: MaskItem, first: boolean): Promise<void> {
  if (first) await page.getByTestId('item-tile').first().dblclick();
  else await page.keyboard.press('PageDown');
  await expect(page.getByTestId('item-title')).toHaveText(item.rel, { timeout: 30_000 });
  await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('complete', true);
  await expect.poll(() => page.evaluate(() => !!(window as unknown as { __datumImageState?: unknown }).__datumImageState)).toBe(true);
  await page.waitForTimeout(200);
}

async function chooseTool(page: Page, name: 'polygon' | 'segment'): Promise<void> {
  if ((await state(page)).tool === name) return;
  await page.keyboard.press(name === 'polygon' ? 'p' : 's');
  const s = await until(page, (x) => x.tool === name);
  if (s.tool !== name) throw new Error(`the ${name} tool did not come up (tool: ${s.tool})`);
}

async function leaveItem(page: Page, rec: Recorder, item: MaskItem): Promise<void> {
  if ((await state(page)).selection.length) {
    await page.keyboard.press('Escape');
    await until(page, (s) => s.selection.length === 0);
  }
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
  await rec.step(item.stem, 'navigate', null, 0);
}

function objectIoU(s: ImageState, id: string | null, gt: readonly number[]): number {
  const o = id ? s.objects.find((x) => x.id === id) : undefined;
  return o && o.geometry.kind === 'polygon' ? polygonIoU((o.geometry as { points: number[] }).points, gt) : 0;
}

export async function runMaskManualArm(page: Page, items: readonly MaskItem[]): Promise<ArmLog> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('item-tile')).toHaveCount(items.length, { timeout: 30_000 });
  await rec.start();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    await openItem(page, item, i === 0);
    // The polygon tool and the class, once per image.
    await chooseTool(page, 'polygon');
    if ((await state(page)).label === null) await page.keyboard.press('1');
    await rec.step(item.stem, 'navigate', null, 0);
    const box = (await page.getByTestId('image-viewer').locator('img').boundingBox())!;
    const k = box.width / item.width;
    for (let g = 0; g < item.targets.length; g++) {
      const gt = item.targets[g];
      let id: string | null = null;
      const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
        id = await drawPolygon(page, gt, box, k);
      });
      await rec.step(item.stem, 'create', g, 1);
      const q = objectIoU(await state(page), id, gt);
      log.targets.push({ item: item.stem, target: g, outcome: ok && q >= MATCH_IOU ? 'created' : 'failed', via: ok ? 'draw' : 'none', quality: q, correctionKeys: 0 });
    }
    await leaveItem(page, rec, item);
  }
  return log;
}

/** The previewed Segment (AI) polygon in image pixels (the preview group is drawn in image space), or null. */
async function previewPolygon(page: Page): Promise<number[] | null> {
  const poly = page.getByTestId('preview').locator('polygon');
  if (!(await poly.count())) return null;
  const pts = (await poly.first().getAttribute('points')) ?? '';
  const flat = pts.trim().split(/[\s,]+/).map(Number).filter((v) => Number.isFinite(v));
  return flat.length >= 6 ? flat : null;
}

/**
 * The host's answers to the page's sam.segment requests, seen on the wire (the tool shows no busy
 * state, and a real SAM encoder can take seconds on the first click of an image). Attach before
 * the page loads (driveArm's prepare).
 */
export class SamWire {
  private asked = new Set<number>();
  private done = new Set<number>();
  constructor(page: Page) {
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => {
        if (typeof f.payload !== 'string' || !f.payload.includes('sam.segment')) return;
        const m = JSON.parse(f.payload) as { id?: number; method?: string };
        if (m.method === 'sam.segment' && typeof m.id === 'number') this.asked.add(m.id);
      });
      ws.on('framereceived', (f) => {
        if (typeof f.payload !== 'string') return;
        const m = /^\{"id":(\d+)/.exec(f.payload) ?? /"id":(\d+)/.exec(f.payload.slice(0, 200));
        if (m && this.asked.has(Number(m[1]))) this.done.add(Number(m[1]));
      });
    });
  }
  get sent(): number {
    return this.asked.size;
  }
  /** Waits until more than `sent` requests went out and every one was answered, then a frame for the preview to draw. */
  async answered(page: Page, sent: number, timeout = 120_000): Promise<void> {
    const t0 = Date.now();
    while (!(this.asked.size > sent && this.done.size >= this.asked.size)) {
      if (Date.now() - t0 > timeout) throw new Error(`no answer to sam.segment in ${timeout / 1000} s`);
      await page.waitForTimeout(20);
    }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
}

export interface SegmentStats {
  /** Targets kept from Segment (AI), after how many clicks each. */
  kept: number[];
  /** Targets that went to the polygon tool after 1 + MAX_EXTRA_CLICKS clicks. */
  fallbacks: number;
}

export async function runMaskSegmentArm(page: Page, items: readonly MaskItem[], wire: SamWire): Promise<{ log: ArmLog; stats: SegmentStats }> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const stats: SegmentStats = { kept: [], fallbacks: 0 };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('item-tile')).toHaveCount(items.length, { timeout: 30_000 });
  await rec.start();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    await openItem(page, item, i === 0);
    await expect(page.getByTestId('tool-segment')).toBeEnabled({ timeout: 15_000 });
    await chooseTool(page, 'segment');
    if ((await state(page)).label === null) await page.keyboard.press('1');
    await rec.step(item.stem, 'navigate', null, 0);
    // measured after the tool is chosen: its hint line changes the layout above the image
    const box = (await page.getByTestId('image-viewer').locator('img').boundingBox())!;
    const k = box.width / item.width;
    const at = (x: number, y: number) => [box.x + x * k, box.y + y * k] as const;
    for (let g = 0; g < item.targets.length; g++) {
      const gt = item.targets[g];
      let id: string | null = null;
      let via: 'segment' | 'draw' = 'segment';
      const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
        await chooseTool(page, 'segment');
        const before = new Set((await state(page)).objects.map((o) => o.id));
        let mask: number[] | null = null;
        let clicks = 0;
        let prompt: { x: number; y: number; label: 0 | 1 } | null = (() => {
          const [x, y] = interiorPoint(gt);
          return { x, y, label: 1 };
        })();
        while (prompt && clicks <= MAX_EXTRA_CLICKS) {
          const sent = wire.sent;
          if (prompt.label === 0) await page.keyboard.down('Shift');
          await page.mouse.click(...at(prompt.x, prompt.y));
          if (prompt.label === 0) await page.keyboard.up('Shift');
          clicks++;
          await wire.answered(page, sent);
          mask = await previewPolygon(page);
          if (mask && polygonIoU(mask, gt) >= MATCH_IOU) break;
          prompt = nextPrompt(gt, mask);
        }
        if (mask && polygonIoU(mask, gt) >= MATCH_IOU) {
          await page.keyboard.press('Enter');
          const s = await until(page, (x) => x.objects.some((o) => !before.has(o.id)), 3_000);
          id = s.objects.find((o) => !before.has(o.id))?.id ?? null;
          if (!id) throw new Error('Enter made no object from the Segment (AI) preview');
          stats.kept.push(clicks);
          return;
        }
        // still under the bar: drop the prompts and draw it as the manual arm does
        via = 'draw';
        stats.fallbacks++;
        await page.keyboard.press('Escape');
        await chooseTool(page, 'polygon');
        id = await drawPolygon(page, gt, box, k);
      });
      await rec.step(item.stem, 'create', g, 1);
      const q = objectIoU(await state(page), id, gt);
      log.targets.push({ item: item.stem, target: g, outcome: ok && q >= MATCH_IOU ? 'created' : 'failed', via: ok ? via : 'none', quality: q, correctionKeys: 0 });
    }
    await leaveItem(page, rec, item);
  }
  return { log, stats };
}
