/**
 * The scripted annotator in the LiDAR editor (single frames), driving the real app through real
 * input: mouse clicks and drags on the bird's-eye view, key presses. It reads the editor's state
 * through the test build's `__datumLidarState` / `__datumLidar.toScreen` hooks (what the person
 * sees on screen) and decides by the policy (policy.ts); costs come from the page's input log
 * (inputLog.ts, klm.ts), cut into one segment per step so the report can say which step costs most.
 */
import { expect, type Page } from '@playwright/test';
import type { AnnotationObject, Cuboid3D } from '../../../core/document/schema';
import { guarded, Recorder, type ArmLog, type TargetRecord } from './armLog';
import { ACCEPT_ALL_IN_FRAME, assign, good3d, keepRefit, MAX_CORRECTION_KEYS, MATCH_IOU, CLOSE_IOU, nextCorrection, quality3d, REFIT_FIRST, REVIEW_WALK, type Pred } from './policy';
import { DEFAULT_PROPOSAL_THRESHOLD } from '../../../core/lidar/proposalThreshold';

export interface LidarState {
  frame: number;
  selected: string | null;
  tool: string;
  label: string;
  objects: AnnotationObject[];
}

export interface LidarItem {
  stem: string;
  targets: Cuboid3D[];
  /** Labelled objects outside the target set: boxes on them are left alone (policy.ts IGNORE_IOU). */
  ignore?: Cuboid3D[];
}

export const state = (page: Page) => page.evaluate(() => (window as unknown as { __datumLidarState: LidarState }).__datumLidarState);
const toScreen = (page: Page, x: number, y: number, z: number) =>
  page.evaluate(([x, y, z]) => (window as unknown as { __datumLidar: { toScreen(x: number, y: number, z: number): { x: number; y: number } } }).__datumLidar.toScreen(x, y, z), [x, y, z]);
const cuboid = (o: AnnotationObject) => o.geometry as Cuboid3D;
const geomKey = (o: AnnotationObject | undefined) => (o ? JSON.stringify(o.geometry) + o.label : '');

/** Waits until `pred` holds on the editor state (the app re-renders after each input). */
export async function until(page: Page, pred: (s: LidarState) => boolean, timeout = 5_000): Promise<LidarState> {
  const t0 = Date.now();
  for (;;) {
    const s = await state(page);
    if (s && pred(s)) return s;
    if (Date.now() - t0 > timeout) return s;
    await page.waitForTimeout(15);
  }
}

/**
 * Annotates `items` (opened in order with the item keys) in the LiDAR editor, from the item grid.
 * `ai`: the project carries pre-labels; they are judged, corrected or deleted in the editor and
 * the good ones accepted in the Models tab's review strip (Enter, one key each).
 */
export async function runLidarArm(page: Page, items: readonly LidarItem[], ai: boolean): Promise<ArmLog> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('item-tile')).toHaveCount(items.length, { timeout: 30_000 });
  await rec.start();
  let accepts: Accept[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // Open the item: double-click the first tile, then PageDown (with nothing selected) to the next.
    if (i === 0) await page.getByTestId('item-tile').first().dblclick();
    else await page.keyboard.press('PageDown'); // nothing is selected (see below), so this is the item key
    await expect(page.getByTestId('item-title')).toHaveText(`velodyne/${item.stem}.bin`, { timeout: 30_000 });
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    await expect.poll(() => page.evaluate(() => !!(window as unknown as { __datumLidar?: unknown }).__datumLidar && !!(window as unknown as { __datumLidarState?: unknown }).__datumLidarState)).toBe(true);
    // Bird's-eye view framed on the whole (camera-cropped) scan: every target is on screen.
    if (!(await page.getByTestId('bev-range').isVisible())) await page.keyboard.press('t');
    await expect(page.getByTestId('bev-range')).toBeVisible();
    await page.keyboard.press('g');
    await page.waitForTimeout(300);
    await rec.step(item.stem, 'navigate', null, 0);
    const judged = await annotateItem(page, rec, log, item, ai);
    let all = false;
    if (ai && ACCEPT_ALL_IN_FRAME && judged.length) await guarded(log, `${item.stem}: accept all in frame`, async () => void (all = await acceptAllInFrame(page, judged)));
    if (all) await rec.step(item.stem, 'accept', null, 0, judged.map((a) => ({ item: item.stem, target: a.target })));
    else accepts = accepts.concat(judged);
    // Drop the selection (Escape with nothing selected would close the item instead).
    if ((await state(page)).selected) {
      await page.keyboard.press('Escape');
      await until(page, (x) => x.selected === null);
    }
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    await rec.step(item.stem, 'navigate', null, 0);
  }
  if (ai && accepts.length) {
    await guarded(log, 'review strip', async () => {
      // The review strip lists the pre-labels judged good and those left alone on non-target objects (ignored).
      await page.getByRole('tab', { name: 'Models' }).click();
      // Exactly those must be pending; anything else (a delete that failed) would be accepted blindly.
      const ignoredPending = log.ignored?.length ?? 0;
      const rows = page.getByTestId('review-row');
      await expect(rows).toHaveCount(accepts.length + ignoredPending, { timeout: 30_000 });
      await rows.first().click(); // cursor on the first row, focus off the tab
      await rec.step('', 'navigate', null, 0);
      const left = [...accepts];
      for (let guard = 0; left.length && guard < 4 * (accepts.length + ignoredPending) + 4; guard++) {
        // The row under the cursor: its item and score say which pre-label it is.
        const active = page.locator('[data-testid="review-row"].active');
        const count = await rows.count();
        if (!(await active.count())) {
          await page.keyboard.press('ArrowUp'); // past the end after an accept: back onto the last row
          await rec.step('', 'navigate', null, 0);
          continue;
        }
        const file = (await active.locator('.review-meta .mono').innerText()).trim();
        const score = (await active.locator('.score').innerText()).trim();
        const k = left.findIndex((a) => file.startsWith(a.item) && a.score.toFixed(2) === score);
        if (k < 0) {
          // An ignored pre-label's row: step past it (charged as navigation).
          await page.keyboard.press('ArrowDown');
          await rec.step('', 'navigate', null, 0);
          continue;
        }
        await page.keyboard.press('Enter');
        await expect(rows).toHaveCount(count - 1);
        // The decision was made (and charged) in the editor; here only the key is paid.
        await rec.step(left[k].item, 'accept', left[k].target, 0);
        left.splice(k, 1);
      }
      if (left.length) throw new Error(`${left.length} pre-labels judged good were not found in the review strip`);
    });
  }
  return log;
}

/** A pre-label judged good in the editor, to accept in the review strip (found there by item and score). */
interface Accept {
  item: string;
  target: number;
  score: number;
  id: string;
}

/**
 * policy.ts ACCEPT_ALL_IN_FRAME: when the pre-labels still pending on the frame are exactly the
 * ones judged good and all at or above the review panel's threshold (its "accept N" button counts
 * them), Shift+Enter accepts them in one go. The M for each was paid when it was judged. False when
 * the rule does not apply (then they go to the review strip).
 */
async function acceptAllInFrame(page: Page, judged: readonly Accept[]): Promise<boolean> {
  const pending = (await state(page)).objects.filter((o) => o.source.kind === 'model' && !o.accepted && o.geometry.kind === 'cuboid3d');
  const ids = new Set(judged.map((a) => a.id));
  if (pending.length !== ids.size || !pending.every((o) => ids.has(o.id) && (o.source as { score: number }).score >= DEFAULT_PROPOSAL_THRESHOLD - 1e-9)) return false;
  await expect(page.getByTestId('accept-frame-above')).toContainText(`${ids.size}`);
  await page.keyboard.press('Shift+Enter');
  const s = await until(page, (x) => x.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted));
  if (!s.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted)) throw new Error(`Shift+Enter did not accept the frame's ${ids.size} pre-labels`);
  return true;
}

/**
 * One frame: judge the boxes already there (`ai`: the model's pre-labels; `existing`: every box,
 * e.g. tracks copied from the previous frame), then accept, correct or create every target.
 */
export async function annotateItem(page: Page, rec: Recorder, log: ArmLog, item: LidarItem, ai: boolean, existing: boolean | ((o: AnnotationObject) => boolean) = false): Promise<Accept[]> {
  const targets = item.targets;
  const accepts: Accept[] = [];
  let s = await state(page);
  const preds: Pred[] = ai || existing
    ? s.objects.filter((o) => (existing === true || (typeof existing === 'function' && existing(o)) || (!existing && o.source.kind === 'model')) && o.geometry.kind === 'cuboid3d').map((o) => ({ id: o.id, label: o.label, box: cuboid(o) }))
    : [];
  const scoreOf = (id: string) => (s.objects.find((o) => o.id === id)?.source as { score?: number } | undefined)?.score ?? 0;
  const plan = assign(preds, item.targets, item.ignore ?? []);
  // On a labelled object outside the target set: left alone, neither charged nor credited (policy.ts).
  for (const id of plan.ignored) (log.ignored ??= []).push({ item: item.stem, score: scoreOf(id) });
  // 0. The review walk (policy.ts REVIEW_WALK): every pre-label handled with the review keys; then only creations are left.
  const walked = ai && REVIEW_WALK ? await reviewWalk(page, rec, log, item, plan, scoreOf) : null;
  // 1. False pre-labels first, so no stale box sits where a missed object will be clicked.
  for (const id of walked ? [] : plan.falsePreds) {
    log.deleted.push({ item: item.stem, score: scoreOf(id) });
    await guarded(log, `${item.stem}: delete ${id}`, async () => {
      await selectBox(page, id);
      await page.keyboard.press('Delete');
      s = await until(page, (x) => !x.objects.some((o) => o.id === id));
      if (s.objects.some((o) => o.id === id)) throw new Error(`Delete did not remove pre-label ${id} (selected: ${s.selected})`);
    });
    await rec.step(item.stem, 'delete', null, 1);
  }
  // 2. Every target: accept, correct or create.
  for (let g = 0; g < targets.length; g++) {
    if (walked?.has(g)) continue;
    const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
      const gt = targets[g];
      const pid = plan.byGt.get(g);
      s = await state(page);
      const pred = pid ? s.objects.find((o) => o.id === pid) : undefined;
      if (pred && good3d(cuboid(pred), gt) && pred.label === 'car') {
        await rec.step(item.stem, 'accept', g, 1); // looked at it, it is right: the key comes in the review strip
        log.targets.push({ item: item.stem, target: g, outcome: 'accepted', via: 'prelabel', quality: quality3d(cuboid(pred), gt), score: scoreOf(pred.id), correctionKeys: 0 });
        accepts.push({ item: item.stem, target: g, score: scoreOf(pred.id), id: pred.id });
        return;
      }
      let id: string | null = null;
      let via: TargetRecord['via'] = 'none';
      if (pred) {
        await selectBox(page, pred.id);
        if (pred.label !== 'car') {
          await page.keyboard.press('1'); // class hotkey re-labels the selection
          await until(page, (x) => x.objects.find((o) => o.id === pred.id)?.label === 'car');
        }
        id = pred.id;
        via = 'prelabel';
        await rec.step(item.stem, 'correct', g, 1);
      } else {
        const made = await create(page, gt);
        id = made.id;
        via = made.via;
        await rec.step(item.stem, 'create', g, made.attempts); // each attempt is a decision (look, choose a tool)
      }
      let keys = 0;
      let refit: TargetRecord['refit'];
      if (id) ({ keys, refit } = await correct(page, id, gt, via === 'prelabel'));
      if (keys) await rec.step(item.stem, 'correct', g, 0); // key runs carry their own M (klm.ts)
      s = await state(page);
      const o = id ? s.objects.find((x) => x.id === id) : undefined;
      const q = o ? quality3d(cuboid(o), gt) : 0;
      // A pre-label that only needed its class changed is still a prediction (a re-label is not a
      // geometry edit, core/document/provenance.ts): it too must be accepted in the review strip.
      if (o && o.source.kind === 'model' && q >= MATCH_IOU) accepts.push({ item: item.stem, target: g, score: scoreOf(o.id), id: o.id });
      log.targets.push({
        item: item.stem,
        target: g,
        outcome: q >= MATCH_IOU ? (via === 'prelabel' ? 'corrected' : 'created') : 'failed',
        via,
        quality: q,
        ...(via === 'prelabel' && pred ? { score: scoreOf(pred.id) } : {}),
        correctionKeys: keys,
        ...(refit ? { refit } : {}),
      });
    
    });
    if (!ok) {
      if (!log.targets.some((t) => t.item === item.stem && t.target === g)) log.targets.push({ item: item.stem, target: g, outcome: 'failed', via: 'none', quality: 0, correctionKeys: 0 });
      await rec.step(item.stem, 'correct', g, 0);
    }
  }
  return accepts;
}

/**
 * policy.ts REVIEW_WALK: the frame's pre-labels handled with the LiDAR review keys. Tab selects the
 * next pending prediction; Enter accepts and Delete rejects the selected one (each then selects the
 * next); a close one is corrected (R first, then keys). When every pre-label still pending on the
 * frame is a judged match (ACCEPT_ALL_IN_FRAME), Shift+Enter accepts them together. Returns the
 * targets done (accepted or corrected); the others are created afterwards.
 */
async function reviewWalk(page: Page, rec: Recorder, log: ArmLog, item: LidarItem, plan: ReturnType<typeof assign>, scoreOf: (id: string) => number): Promise<Set<number>> {
  const done = new Set<number>();
  const gtOf = new Map([...plan.byGt].map(([g, id]) => [id, g]));
  const falseIds = new Set(plan.falsePreds);
  const handled = new Set<string>();
  const isMatch = (o: AnnotationObject) => gtOf.has(o.id) && good3d(cuboid(o), item.targets[gtOf.get(o.id)!]) && o.label === 'car';
  const pendingOf = (s: LidarState) => s.objects.filter((o) => o.source.kind === 'model' && !o.accepted && o.geometry.kind === 'cuboid3d');
  const record = (o: AnnotationObject, outcome: 'accepted') => {
    const g = gtOf.get(o.id)!;
    log.targets.push({ item: item.stem, target: g, outcome, via: 'prelabel', quality: quality3d(cuboid(o), item.targets[g]), score: scoreOf(o.id), correctionKeys: 0 });
    done.add(g);
  };
  const planned = plan.byGt.size + falseIds.size;
  for (let guard = 0; guard < 4 * (planned + plan.ignored.length) + 8; guard++) {
    let s = await state(page);
    const remaining = s.objects.filter((o) => (gtOf.has(o.id) || falseIds.has(o.id)) && !handled.has(o.id));
    if (!remaining.length) break;
    const pending = pendingOf(s);
    const sel = remaining.find((o) => o.id === s.selected);
    // Every pre-label still pending here is a judged match: accept them together (one M each, judged; one chord).
    const allMatch = ACCEPT_ALL_IN_FRAME && remaining.every(isMatch) && pending.length === remaining.length && pending.every((o) => remaining.includes(o) && (o.source as { score: number }).score >= DEFAULT_PROPOSAL_THRESHOLD - 1e-9);
    if (allMatch && (remaining.length >= 2 || !sel)) {
      for (const o of remaining) {
        record(o, 'accepted');
        await rec.step(item.stem, 'accept', gtOf.get(o.id)!, 1);
      }
      await expect(page.getByTestId('accept-frame-above')).toContainText(`${remaining.length}`);
      await page.keyboard.press('Shift+Enter');
      const ids = new Set(remaining.map((o) => o.id));
      s = await until(page, (x) => x.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted));
      if (!s.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted)) log.errors.push(`${item.stem}: Shift+Enter did not accept ${ids.size} pre-labels`);
      await rec.step(item.stem, 'accept', null, 0, remaining.map((o) => ({ item: item.stem, target: gtOf.get(o.id)! })));
      break;
    }
    if (!sel) {
      // Not on one to act on (nothing selected, a corrected box, or one left alone): the next prediction.
      const before = s.selected;
      await page.keyboard.press('Tab');
      await until(page, (x) => x.selected !== before, 1_500);
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
      record(sel, 'accepted');
      await rec.step(item.stem, 'accept', g, 1);
      continue;
    }
    // Close: class key if needed, then re-fit / keys (correct), then Enter if it is still a prediction.
    const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
      if (sel.label !== 'car') {
        await page.keyboard.press('1');
        await until(page, (x) => x.objects.find((o) => o.id === sel.id)?.label === 'car');
      }
      await rec.step(item.stem, 'correct', g, 1);
      const { keys, refit } = await correct(page, sel.id, gt, true);
      let o = (await state(page)).objects.find((x) => x.id === sel.id);
      const q = o ? quality3d(cuboid(o), gt) : 0;
      if (o && o.source.kind === 'model' && !o.accepted && q >= MATCH_IOU) {
        if ((await state(page)).selected !== sel.id) await selectBox(page, sel.id);
        await page.keyboard.press('Enter');
        o = (await until(page, (x) => !!x.objects.find((y) => y.id === sel.id)?.accepted)).objects.find((x) => x.id === sel.id);
      }
      if (keys || o?.accepted) await rec.step(item.stem, 'correct', g, 0); // key runs carry their own M (klm.ts)
      log.targets.push({ item: item.stem, target: g, outcome: q >= MATCH_IOU ? 'corrected' : 'failed', via: 'prelabel', quality: q, score: scoreOf(sel.id), correctionKeys: keys, ...(refit ? { refit } : {}) });
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
 * The screen point of a ground point, brought into view as a person would: when it is off the
 * viewer altogether (the review keys fly the view to the prediction they select, docs/lidar.md),
 * G frames the whole scan again (one key); when it lies under the viewer's overlays or near its
 * edge, the bird's-eye view is panned (a right-button drag). Up to 3 pans.
 */
async function visibleAt(page: Page, x: number, y: number, z: number): Promise<{ x: number; y: number }> {
  const MARGIN = 40;
  let framed = false;
  for (let tries = 0; ; tries++) {
    const at = await toScreen(page, x, y, z);
    const view = (await page.getByTestId('pointcloud-viewer').boundingBox())!;
    const onCanvas = await page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.tagName === 'CANVAS', [at.x, at.y]);
    const inside = at.x > view.x + MARGIN && at.x < view.x + view.width - MARGIN && at.y > view.y + MARGIN && at.y < view.y + view.height - MARGIN;
    if ((onCanvas && inside) || tries >= 3) return at;
    const offView = at.x < view.x || at.x > view.x + view.width || at.y < view.y || at.y > view.y + view.height;
    if (offView && !framed) {
      framed = true;
      tries--; // not a pan
      await page.keyboard.press('g');
      await page.waitForTimeout(200);
      continue;
    }
    const cx = view.x + view.width / 2, cy = view.y + view.height / 2;
    const dx = Math.max(-view.width * 0.8, Math.min(view.width * 0.8, cx - at.x));
    const dy = Math.max(-view.height * 0.8, Math.min(view.height * 0.8, cy - at.y));
    await page.mouse.move(cx - dx / 2, cy - dy / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(cx + dx / 2, cy + dy / 2, { steps: 6 });
    await page.mouse.up({ button: 'right' });
    await page.waitForTimeout(100);
  }
}

/** Clicks a box's footprint (the fit and select tools select a box under the click). */
export async function selectBox(page: Page, id: string): Promise<void> {
  let s = await state(page);
  if (s.selected === id) return;
  const b = cuboid(s.objects.find((o) => o.id === id)!);
  const c = Math.cos(b.yaw), sn = Math.sin(b.yaw);
  const at0 = (f: number, l: number): [number, number] => [b.center[0] + f * b.size[0] * c - l * b.size[1] * sn, b.center[1] + f * b.size[0] * sn + l * b.size[1] * c];
  // Centre first; where boxes overlap, the person clicks a part of the box no other box covers.
  const others = s.objects.filter((o) => o.id !== id && o.geometry.kind === 'cuboid3d' && (o.frame ?? s.frame) === s.frame).map(cuboid);
  const covered = ([x, y]: [number, number]) => others.some((o) => inFootprint(o, x, y));
  const spots = [[0, 0], [0.3, 0], [-0.3, 0], [0, 0.3], [0, -0.3]].map(([f, l]) => at0(f, l));
  spots.sort((p, q) => Number(covered(p)) - Number(covered(q)));
  for (const [x, y] of spots) {
    const at = await visibleAt(page, x, y, b.center[2] - b.size[2] / 2);
    await page.mouse.click(at.x, at.y);
    s = await until(page, (x) => x.selected === id, 1_500);
    if (s.selected === id) return;
  }
  throw new Error(`could not select box ${id} by clicking it`);
}

/** Whether a ground point lies in a box's bird's-eye footprint. */
function inFootprint(b: Cuboid3D, x: number, y: number): boolean {
  const dx = x - b.center[0], dy = y - b.center[1];
  const c = Math.cos(b.yaw), s = Math.sin(b.yaw);
  return Math.abs(dx * c + dy * s) <= b.size[0] / 2 && Math.abs(-dx * s + dy * c) <= b.size[1] / 2;
}

/**
 * A missed object, made the way a person would: a one-click fit (C) on the object; if that fits
 * nothing or something else (quality < CLOSE_IOU), delete it and drag a box around the object
 * (B, fitted on release); if that fails too, the same drag with Alt held keeps the drawn box.
 */
export async function create(page: Page, gt: Cuboid3D): Promise<{ id: string | null; via: TargetRecord['via']; attempts: number }> {
  const zBottom = gt.center[2] - gt.size[2] / 2;
  const attempt = async (how: 'fit' | 'draw' | 'raw'): Promise<string | null> => {
    let s = await state(page);
    const want = how === 'fit' ? 'fit' : 'box';
    if (s.tool !== want) {
      await page.keyboard.press(want === 'fit' ? 'c' : 'b');
      s = await until(page, (x) => x.tool === want);
    }
    const before = new Set(s.objects.map((o) => o.id));
    if (how === 'fit') {
      const at = await visibleAt(page, gt.center[0], gt.center[1], zBottom);
      await page.mouse.click(at.x, at.y);
    } else {
      // A rectangle around the object's footprint with half a metre to spare, corner to corner on screen.
      await visibleAt(page, gt.center[0], gt.center[1], zBottom);
      const [l, w] = gt.size;
      const c = Math.cos(gt.yaw), sn = Math.sin(gt.yaw);
      const pts = await Promise.all(
        [[1, 1], [1, -1], [-1, 1], [-1, -1]].map(([a, b]) =>
          toScreen(page, gt.center[0] + a * (l / 2 + 0.5) * c - b * (w / 2 + 0.5) * sn, gt.center[1] + a * (l / 2 + 0.5) * sn + b * (w / 2 + 0.5) * c, zBottom),
        ),
      );
      const x0 = Math.min(...pts.map((p) => p.x)), x1 = Math.max(...pts.map((p) => p.x));
      const y0 = Math.min(...pts.map((p) => p.y)), y1 = Math.max(...pts.map((p) => p.y));
      await page.mouse.move(x0, y0);
      if (how === 'raw') await page.keyboard.down('Alt');
      await page.mouse.down();
      await page.mouse.move(x1, y1, { steps: 8 });
      await page.mouse.up();
      if (how === 'raw') await page.keyboard.up('Alt');
    }
    s = await until(page, (x) => x.objects.some((o) => !before.has(o.id)), 3_000);
    const made = s.objects.find((o) => !before.has(o.id));
    if (!made) return null;
    if (how === 'raw' || quality3d(cuboid(made), gt) >= CLOSE_IOU) return made.id;
    // Fitted the wrong thing: it is selected after creation, so Delete removes it.
    await page.keyboard.press('Delete');
    await until(page, (x) => !x.objects.some((o) => o.id === made.id));
    return null;
  };
  const order: ('fit' | 'draw' | 'raw')[] = ['fit', 'draw', 'raw'];
  for (let k = 0; k < order.length; k++) {
    const id = await attempt(order[k]);
    if (id) {
      if (order[k] !== 'fit') {
        await page.keyboard.press('c'); // back to one-click fit for the next object
        await until(page, (x) => x.tool === 'fit');
      }
      return { id, via: order[k], attempts: k + 1 };
    }
  }
  return { id: null, via: 'none', attempts: order.length };
}

/**
 * Corrections until the box is good or the cap is reached: first the re-fit key (R) on a box the
 * annotator did not make (`tryRefit`; policy.ts REFIT_FIRST; undone with Ctrl+Z when it did not help, `keepRefit`),
 * then keyboard corrections (policy.nextCorrection). Returns the key presses (R and the undo
 * included) and what the re-fit did.
 */
export async function correct(page: Page, id: string, gt: Cuboid3D, tryRefit: boolean): Promise<{ keys: number; refit: TargetRecord['refit'] }> {
  await selectBox(page, id);
  let keys = 0;
  let refit: TargetRecord['refit'];
  const current = async () => (await state(page)).objects.find((x) => x.id === id);
  const first = await current();
  if (REFIT_FIRST && tryRefit && first && !good3d(cuboid(first), gt)) {
    const before = geomKey(first);
    await page.keyboard.press('r');
    keys++;
    const s = await until(page, (x) => geomKey(x.objects.find((y) => y.id === id)) !== before, 1_500);
    const after = s.objects.find((x) => x.id === id);
    if (!after || geomKey(after) === before) refit = 'none';
    else if (keepRefit(cuboid(first), cuboid(after), gt)) refit = 'kept';
    else {
      refit = 'undone';
      await page.keyboard.press('Control+z');
      keys++;
      await until(page, (x) => geomKey(x.objects.find((y) => y.id === id)) === before, 2_000);
      if ((await state(page)).selected !== id) await selectBox(page, id);
    }
  }
  for (;;) {
    const o = await current();
    if (!o || good3d(cuboid(o), gt) || keys >= MAX_CORRECTION_KEYS) return { keys, refit };
    const k = nextCorrection(cuboid(o), gt);
    if (!k) return { keys, refit };
    const before = geomKey(o);
    await page.keyboard.press(k.press);
    keys++;
    await until(page, (x) => geomKey(x.objects.find((y) => y.id === id)) !== before, 2_000);
  }
}

export interface LidarSequence {
  /** The item's title in the editor (its folder). */
  title: string;
  frames: LidarItem[];
}

/**
 * A point-cloud sequence, frame by frame (A/D keys). `per-frame`: every frame annotated from
 * scratch as a single frame. `copy`: the first frame from scratch, then "Copy to next frame" (one
 * click; the boxes become tracks with a keyframe on the next frame) and on each next frame the
 * copied boxes are judged like pre-labels — kept, corrected with the keys, or deleted (Delete leaves
 * a gap in the track) — and objects that appeared are created. `propagate`: the first frame from
 * scratch, then Shift+D with nothing selected (every box carried to the next N frames by the
 * editor's tracker, N = 10 by default: the sequence's end here; the two keys are charged as
 * navigation), then D frame by frame, judging the propagated boxes there as the copies are judged.
 */
export async function runSequenceArm(page: Page, seq: LidarSequence, mode: 'per-frame' | 'copy' | 'propagate'): Promise<ArmLog> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await rec.start();
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('item-title')).toHaveText(seq.title, { timeout: 30_000 });
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  // The scene hook comes with the first render (slow on a loaded machine).
  await expect.poll(() => page.evaluate(() => !!(window as unknown as { __datumLidar?: unknown }).__datumLidar && !!(window as unknown as { __datumLidarState?: unknown }).__datumLidarState), { timeout: 30_000 }).toBe(true);
  await page.keyboard.press('t');
  await expect(page.getByTestId('bev-range')).toBeVisible();
  await page.keyboard.press('g');
  await page.waitForTimeout(300);
  for (let f = 0; f < seq.frames.length; f++) {
    if (f === 1 && mode === 'propagate') {
      if ((await state(page)).selected) {
        await page.keyboard.press('Escape');
        await until(page, (x) => x.selected === null);
      }
      await page.keyboard.press('Shift+D');
      await expect(page.getByTestId('lidar-notice')).toContainText('Propagated', { timeout: 180_000 });
      await expect(page.getByTestId('propagate-progress')).toHaveCount(0);
    }
    if (f > 0) {
      if ((await state(page)).selected) {
        await page.keyboard.press('Escape');
        await until(page, (x) => x.selected === null);
      }
      const before = await page.getByTestId('point-count').innerText();
      if (mode === 'copy') await page.getByRole('button', { name: 'Copy to next frame' }).click();
      else await page.keyboard.press('d');
      await until(page, (x) => x.frame === f);
      // The next cloud is on screen once its point count shows (the frames differ in size).
      await expect.poll(() => page.getByTestId('point-count').innerText(), { timeout: 30_000 }).not.toBe(before);
      await page.waitForTimeout(200);
    }
    await rec.step(`${seq.frames[f].stem}`, 'navigate', null, 0);
    await annotateItem(page, rec, log, seq.frames[f], false, mode !== 'per-frame' && f > 0);
  }
  if ((await state(page)).selected) {
    await page.keyboard.press('Escape');
    await until(page, (x) => x.selected === null);
  }
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
  await rec.step('', 'navigate', null, 0);
  return log;
}
