/**
 * The scripted annotator in the image editor (2D boxes), through real input: drags with the box
 * tool (B), clicks and corner-handle drags with the select tool (V), class keys, Delete. It reads
 * the editor's state through the test build's `__datumImageState` hook and maps image pixels to
 * the screen from the displayed <img>; decisions follow the same policy as the LiDAR arm
 * (policy.ts thresholds), with 2D IoU. With policy.ts REVIEW_WALK (the default) the pre-labels are
 * reached and decided with the image editor's review keys (Tab, Enter, Delete, Shift+Enter), as the
 * LiDAR arm does; without it (EFF_POLICY=no-walk) they are clicked and the good ones accepted at the
 * end in the Models tab's review strip.
 */
import { expect, type Page } from '@playwright/test';
import type { AnnotationObject } from '../../../core/document/schema';
import { guarded, Recorder, type ArmLog, type TargetRecord } from './armLog';
import { ACCEPT_ALL_IN_FRAME, CLOSE_IOU, MATCH_IOU, REVIEW_WALK } from './policy';
import { DEFAULT_REVIEW_THRESHOLD } from '../../../core/review/predictions';
import { hitTest } from '../../../core/editing/image/geometry';

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
export interface ImageItem {
  /** Relative path of the image in the project, e.g. image_2/000000.png. */
  rel: string;
  stem: string;
  targets: Box[];
}

/** Corner-handle drags per object before it counts as a failure (two drags fix a box). */
export const MAX_CORNER_DRAGS = 6;

export function iou2d(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const ih = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** One-to-one, best IoU first; pairs under CLOSE_IOU are no match (policy.ts `assign`, in 2D). */
export function assign2d(preds: readonly { id: string; box: Box }[], targets: readonly Box[]): { byGt: Map<number, string>; falsePreds: string[] } {
  const pairs: { g: number; p: string; iou: number }[] = [];
  targets.forEach((t, g) => preds.forEach((p) => {
    const v = iou2d(p.box, t);
    if (v >= CLOSE_IOU) pairs.push({ g, p: p.id, iou: v });
  }));
  pairs.sort((a, b) => b.iou - a.iou);
  const byGt = new Map<number, string>();
  const used = new Set<string>();
  for (const { g, p } of pairs) if (!byGt.has(g) && !used.has(p)) (byGt.set(g, p), used.add(p));
  return { byGt, falsePreds: preds.filter((p) => !used.has(p.id)).map((p) => p.id) };
}

interface ImageState {
  selection: string[];
  tool: string;
  label: string | null;
  objects: AnnotationObject[];
}

const state = (page: Page) => page.evaluate(() => (window as unknown as { __datumImageState: ImageState }).__datumImageState);
const boxOf = (o: AnnotationObject): Box => o.geometry as unknown as Box;
const key = (o: AnnotationObject | undefined) => (o ? JSON.stringify(o.geometry) + o.label : '');

async function until(page: Page, pred: (s: ImageState) => boolean, timeout = 5_000): Promise<ImageState> {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (s && pred(s)) return s;
    if (Date.now() - t0 > timeout) return s;
    await page.waitForTimeout(15);
  }
}

/** Image pixel -> client coordinates, from the displayed image's box. */
async function mapper(page: Page): Promise<(x: number, y: number) => [number, number]> {
  const img = page.getByTestId('image-viewer').locator('img');
  const box = (await img.boundingBox())!;
  const w = await img.evaluate((i: HTMLImageElement) => i.naturalWidth);
  const k = box.width / w;
  return (x, y) => [box.x + x * k, box.y + y * k];
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(to[0], to[1], { steps: 6 });
  await page.mouse.up();
}

async function tool(page: Page, name: 'box' | 'select'): Promise<void> {
  if ((await state(page)).tool === name) return;
  await page.keyboard.press(name === 'box' ? 'b' : 'v');
  await until(page, (s) => s.tool === name);
}

export async function runImageArm(page: Page, items: readonly ImageItem[], ai: boolean): Promise<ArmLog> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('item-tile')).toHaveCount(items.length, { timeout: 30_000 });
  await rec.start();
  const accepts: { item: string; target: number }[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i === 0) await page.getByTestId('item-tile').first().dblclick();
    else await page.keyboard.press('PageDown');
    await expect(page.getByTestId('item-title')).toHaveText(item.rel, { timeout: 30_000 });
    await expect(page.getByTestId('image-viewer').locator('img')).toHaveJSProperty('complete', true);
    await expect.poll(() => page.evaluate(() => !!(window as unknown as { __datumImageState?: unknown }).__datumImageState)).toBe(true);
    await page.waitForTimeout(200);
    await rec.step(item.stem, 'navigate', null, 0);
    accepts.push(...(await annotateImage(page, rec, log, item, ai)));
    if ((await state(page)).selection.length) {
      await page.keyboard.press('Escape');
      await until(page, (s) => s.selection.length === 0);
    }
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    await rec.step(item.stem, 'navigate', null, 0);
  }
  if (ai && accepts.length) {
    await guarded(log, 'review strip', async () => {
      await page.getByRole('tab', { name: 'Models' }).click();
      // Exactly the pre-labels judged good must be pending; anything else (a delete that failed) would be accepted blindly.
      await expect(page.getByTestId('review-row')).toHaveCount(accepts.length, { timeout: 30_000 });
      if (ACCEPT_ALL_IN_FRAME) {
        // policy.ts ACCEPT_ALL_IN_FRAME: everything pending is a judged match (the count above says
        // so), so the strip's "Accept all ≥ t" takes them at once: the threshold slider clicked at
        // its low end (t = 0), then the button. Shared by the accepted pre-labels.
        const slider = (await page.getByTestId('threshold').boundingBox())!;
        await page.mouse.click(slider.x + 2, slider.y + slider.height / 2);
        await expect(page.getByTestId('accept-above')).toContainText(`(${accepts.length})`);
        await page.getByTestId('accept-above').click();
        await expect(page.getByTestId('review-row')).toHaveCount(0);
        await rec.step('', 'accept', null, 0, accepts);
        return;
      }
      await page.getByTestId('review-row').first().click();
      await rec.step('', 'navigate', null, 0);
      for (let k = 0; k < accepts.length; k++) {
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('review-row')).toHaveCount(accepts.length - k - 1);
        await rec.step(accepts[k].item, 'accept', accepts[k].target, 0);
      }
    });
  }
  return log;
}

async function annotateImage(page: Page, rec: Recorder, log: ArmLog, item: ImageItem, ai: boolean): Promise<{ item: string; target: number }[]> {
  const accepts: { item: string; target: number }[] = [];
  let s = await state(page);
  const scoreOf = (id: string) => (s.objects.find((o) => o.id === id)?.source as { score?: number } | undefined)?.score ?? 0;
  const preds = ai ? s.objects.filter((o) => o.source.kind === 'model' && o.geometry.kind === 'box2d').map((o) => ({ id: o.id, box: boxOf(o) })) : [];
  const plan = assign2d(preds, item.targets);
  // 0. The review walk (policy.ts REVIEW_WALK): every pre-label handled with the review keys; then only creations are left.
  const walked = ai && REVIEW_WALK ? await reviewWalk(page, rec, log, item, plan, scoreOf) : null;
  for (const id of walked ? [] : plan.falsePreds) {
    log.deleted.push({ item: item.stem, score: scoreOf(id) });
    await guarded(log, `${item.stem}: delete ${id}`, async () => {
      await selectBox(page, id);
      await page.keyboard.press('Delete');
      s = await until(page, (x) => !x.objects.some((o) => o.id === id));
      if (s.objects.some((o) => o.id === id)) throw new Error(`Delete did not remove pre-label ${id}`);
    });
    await rec.step(item.stem, 'delete', null, 1);
  }
  for (let g = 0; g < item.targets.length; g++) {
    if (walked?.has(g)) continue;
    const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
      const gt = item.targets[g];
      const pid = plan.byGt.get(g);
      s = await state(page);
      const pred = pid ? s.objects.find((o) => o.id === pid) : undefined;
      if (pred && iou2d(boxOf(pred), gt) >= MATCH_IOU && pred.label === 'car') {
        await rec.step(item.stem, 'accept', g, 1);
        log.targets.push({ item: item.stem, target: g, outcome: 'accepted', via: 'prelabel', quality: iou2d(boxOf(pred), gt), score: scoreOf(pred.id), correctionKeys: 0 });
        accepts.push({ item: item.stem, target: g });
        return;
      }
      let id: string | null;
      let via: TargetRecord['via'];
      if (pred) {
        await selectBox(page, pred.id);
        if (pred.label !== 'car') {
          await page.keyboard.press('1'); // with the select tool a class key re-labels the selection
          await until(page, (x) => x.objects.find((o) => o.id === pred.id)?.label === 'car');
        }
        id = pred.id;
        via = 'prelabel';
        await rec.step(item.stem, 'correct', g, 1);
      } else {
        await tool(page, 'box');
        if ((await state(page)).label !== 'car') await page.keyboard.press('1'); // with a drawing tool: the next shape's class
        const before = new Set((await state(page)).objects.map((o) => o.id));
        const at = await mapper(page);
        await drag(page, at(gt.x1, gt.y1), at(gt.x2, gt.y2));
        s = await until(page, (x) => x.objects.some((o) => !before.has(o.id)), 3_000);
        id = s.objects.find((o) => !before.has(o.id))?.id ?? null;
        via = 'draw';
        await rec.step(item.stem, 'create', g, 1);
      }
      let drags = 0;
      if (id) drags = await correctCorners(page, id, gt);
      if (drags) await rec.step(item.stem, 'correct', g, drags); // each handle drag is a decision: which corner, where
      s = await state(page);
      const o = id ? s.objects.find((x) => x.id === id) : undefined;
      const q = o ? iou2d(boxOf(o), gt) : 0;
      if (o && o.source.kind === 'model' && q >= MATCH_IOU) accepts.push({ item: item.stem, target: g });
      log.targets.push({ item: item.stem, target: g, outcome: q >= MATCH_IOU ? (via === 'prelabel' ? 'corrected' : 'created') : 'failed', via, quality: q, ...(via === 'prelabel' && pred ? { score: scoreOf(pred.id) } : {}), correctionKeys: drags });
    
    });
    if (!ok) {
      if (!log.targets.some((t) => t.item === item.stem && t.target === g)) log.targets.push({ item: item.stem, target: g, outcome: 'failed', via: 'none', quality: 0, correctionKeys: 0 });
      await rec.step(item.stem, 'correct', g, 0);
    }
  }
  return accepts;
}

/**
 * policy.ts REVIEW_WALK in the image editor (as lidarArm.ts reviewWalk): Tab selects the next
 * pending prediction (with the select tool, brought into view); Enter accepts and Delete rejects the
 * selected one (each then selects the next); a close one is corrected with corner drags (class key
 * first if needed) and, if it is still a prediction (only its class changed), accepted with Enter.
 * When every pre-label still pending on the image is a judged match at or above the review
 * threshold (ACCEPT_ALL_IN_FRAME), Shift+Enter accepts them together. Returns the targets done
 * (accepted, corrected or failed while correcting); the others are created afterwards.
 */
async function reviewWalk(page: Page, rec: Recorder, log: ArmLog, item: ImageItem, plan: ReturnType<typeof assign2d>, scoreOf: (id: string) => number): Promise<Set<number>> {
  const done = new Set<number>();
  const gtOf = new Map([...plan.byGt].map(([g, id]) => [id, g]));
  const falseIds = new Set(plan.falsePreds);
  const handled = new Set<string>();
  const isMatch = (o: AnnotationObject) => gtOf.has(o.id) && iou2d(boxOf(o), item.targets[gtOf.get(o.id)!]) >= MATCH_IOU && o.label === 'car';
  const pendingOf = (s: ImageState) => s.objects.filter((o) => o.source.kind === 'model' && !o.accepted && o.geometry.kind === 'box2d');
  const record = (o: AnnotationObject) => {
    const g = gtOf.get(o.id)!;
    log.targets.push({ item: item.stem, target: g, outcome: 'accepted', via: 'prelabel', quality: iou2d(boxOf(o), item.targets[g]), score: scoreOf(o.id), correctionKeys: 0 });
    done.add(g);
  };
  const planned = plan.byGt.size + falseIds.size;
  for (let guard = 0; guard < 4 * planned + 8; guard++) {
    let s = await state(page);
    const remaining = s.objects.filter((o) => (gtOf.has(o.id) || falseIds.has(o.id)) && !handled.has(o.id));
    if (!remaining.length) break;
    const pending = pendingOf(s);
    const selId = s.selection.length === 1 ? s.selection[0] : null;
    const sel = remaining.find((o) => o.id === selId);
    // Every pre-label still pending here is a judged match at or above the threshold: accept them together (one M each, judged; one chord).
    const allMatch = ACCEPT_ALL_IN_FRAME && remaining.every(isMatch) && pending.length === remaining.length && pending.every((o) => remaining.includes(o) && (o.source as { score: number }).score >= DEFAULT_REVIEW_THRESHOLD - 1e-9);
    if (allMatch && (remaining.length >= 2 || !sel)) {
      for (const o of remaining) {
        record(o);
        await rec.step(item.stem, 'accept', gtOf.get(o.id)!, 1);
      }
      await expect(page.getByTestId('image-review-accept-above')).toContainText(`${remaining.length}`);
      await page.keyboard.press('Shift+Enter');
      const ids = new Set(remaining.map((o) => o.id));
      s = await until(page, (x) => x.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted));
      if (!s.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted)) log.errors.push(`${item.stem}: Shift+Enter did not accept ${ids.size} pre-labels`);
      await rec.step(item.stem, 'accept', null, 0, remaining.map((o) => ({ item: item.stem, target: gtOf.get(o.id)! })));
      break;
    }
    if (!sel) {
      // Not on one to act on (nothing selected, or a corrected box): the next prediction.
      const before = selId;
      await page.keyboard.press('Tab');
      await until(page, (x) => (x.selection[0] ?? null) !== before, 1_500);
      await rec.step(item.stem, 'navigate', null, 0);
      continue;
    }
    handled.add(sel.id);
    if (falseIds.has(sel.id)) {
      log.deleted.push({ item: item.stem, score: scoreOf(sel.id) });
      await page.keyboard.press('Delete');
      s = await until(page, (x) => !x.objects.some((o) => o.id === sel.id));
      if (s.objects.some((o) => o.id === sel.id)) log.errors.push(`${item.stem}: Delete did not reject pre-label ${sel.id}`);
      await rec.step(item.stem, 'delete', null, 1);
      continue;
    }
    const g = gtOf.get(sel.id)!;
    const gt = item.targets[g];
    if (isMatch(sel)) {
      await page.keyboard.press('Enter');
      await until(page, (x) => !!x.objects.find((o) => o.id === sel.id)?.accepted);
      record(sel);
      await rec.step(item.stem, 'accept', g, 1);
      continue;
    }
    // Close: class key if needed, then corner drags, then Enter if it is still a prediction.
    const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
      if (sel.label !== 'car') {
        await page.keyboard.press('1'); // with the select tool a class key re-labels the selection
        await until(page, (x) => x.objects.find((o) => o.id === sel.id)?.label === 'car');
      }
      await rec.step(item.stem, 'correct', g, 1);
      const drags = await correctCorners(page, sel.id, gt);
      if (drags) await rec.step(item.stem, 'correct', g, drags); // each handle drag is a decision: which corner, where
      let o = (await state(page)).objects.find((x) => x.id === sel.id);
      const q = o ? iou2d(boxOf(o), gt) : 0;
      if (o && o.source.kind === 'model' && !o.accepted && q >= MATCH_IOU) {
        if ((await state(page)).selection[0] !== sel.id) await selectBox(page, sel.id);
        await page.keyboard.press('Enter');
        o = (await until(page, (x) => !!x.objects.find((y) => y.id === sel.id)?.accepted)).objects.find((x) => x.id === sel.id);
        await rec.step(item.stem, 'correct', g, 0);
      }
      log.targets.push({ item: item.stem, target: g, outcome: q >= MATCH_IOU ? 'corrected' : 'failed', via: 'prelabel', quality: q, score: scoreOf(sel.id), correctionKeys: drags });
      done.add(g);
    });
    if (!ok) {
      if (!done.has(g)) log.targets.push({ item: item.stem, target: g, outcome: 'failed', via: 'prelabel', quality: 0, correctionKeys: 0 });
      done.add(g);
      await rec.step(item.stem, 'correct', g, 0);
    }
  }
  return done;
}

/**
 * Select tool, click inside the box (centre first, then points nearer its corners, where another
 * box lies on top); a box wholly under another one is picked from the objects panel.
 */
async function selectBox(page: Page, id: string): Promise<void> {
  await tool(page, 'select');
  let s = await state(page);
  if (s.selection.length === 1 && s.selection[0] === id) return;
  const b = boxOf(s.objects.find((o) => o.id === id)!);
  const at = await mapper(page);
  // The person sees which box is drawn on top where boxes overlap (the editor's paint order,
  // core/editing/image/geometry.ts hitTest): they click a part of this box that is on top, centre
  // first; a box that is nowhere on top is picked from the objects panel straight away.
  const fr = [0.5, 0.35, 0.65, 0.2, 0.8];
  const grid = fr.flatMap((fx) => fr.map((fy): [number, number] => [b.x1 + fx * (b.x2 - b.x1), b.y1 + fy * (b.y2 - b.y1)]));
  const spots = grid.filter(([x, y]) => hitTest(s.objects, { x, y }, 0)?.id === id).slice(0, 2);
  for (const [x, y] of spots) {
    await page.mouse.click(...at(x, y));
    s = await until(page, (x) => x.selection.length === 1 && x.selection[0] === id, 1_500);
    if (s.selection[0] === id) return;
  }
  // Covered by another box: click its row in the objects panel (rows top-down as drawn: zOrder, highest first).
  const rows = page.getByTestId('object-row');
  const idx = [...s.objects].sort((a, b) => b.zOrder - a.zOrder).findIndex((o) => o.id === id);
  if ((await rows.count()) === s.objects.length && idx >= 0) {
    await rows.nth(idx).click();
    s = await until(page, (x) => x.selection.length === 1 && x.selection[0] === id, 1_500);
    if (s.selection[0] === id) return;
  }
  throw new Error(`could not select box ${id} by clicking it`);
}

/** Drags the corner handles onto the ground truth's corners until IoU >= MATCH_IOU or the cap. */
async function correctCorners(page: Page, id: string, gt: Box): Promise<number> {
  let drags = 0;
  for (;;) {
    const s = await state(page);
    const o = s.objects.find((x) => x.id === id);
    if (!o || iou2d(boxOf(o), gt) >= MATCH_IOU || drags >= MAX_CORNER_DRAGS) return drags;
    await selectBox(page, id);
    const b = boxOf(o);
    const at = await mapper(page);
    // The corner that is further off first.
    const nw = Math.hypot(b.x1 - gt.x1, b.y1 - gt.y1), se = Math.hypot(b.x2 - gt.x2, b.y2 - gt.y2);
    const [from, to] = nw >= se ? [at(b.x1, b.y1), at(gt.x1, gt.y1)] : [at(b.x2, b.y2), at(gt.x2, gt.y2)];
    const before = key(o);
    await drag(page, from, to);
    drags++;
    await until(page, (x) => key(x.objects.find((y) => y.id === id)) !== before, 2_000);
  }
}
