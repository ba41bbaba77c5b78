/**
 * The AI + QA arm (issue #16), 3D single frames: the project is pre-labelled (proposals3d) and the
 * automatic checks run over it (`datum qa`, the same code as the Review tab's AI QA); the annotator
 * trusts them. Per frame (policy.ts QA_TRIAGE):
 *  - the flagged pre-labels (a `box-fit` warning names them; core/qa/checks/boxFit.ts), and any
 *    under the review threshold (Shift+Enter would not take them), are walked with the LiDAR
 *    review keys: Tab to the next prediction (each Tab charged as navigation, also those passing an
 *    unflagged one), one M to judge it, then Delete (false), correction (close: R first, then keys,
 *    as in every arm) or nothing (a match, or one on a non-target object: left for Shift+Enter);
 *  - one glance at the frame (one M for the frame, not per box: that is the premise of trusting QA)
 *    and Shift+Enter accepts every pending pre-label of the frame, the unflagged ones unseen;
 *  - missed cars are created as in every arm (the annotator sees a car without a box).
 * Wrong pre-labels the checks did not flag are accepted as they are: a target under the bar is a
 * failure (outcome 'failed', via prelabel), a false one is a false label left (the end-quality
 * check counts it). Nothing is hidden: the report shows cost and failures side by side.
 */
import { expect, type Page } from '@playwright/test';
import type { AnnotationObject, Cuboid3D } from '../../../core/document/schema';
import { DEFAULT_PROPOSAL_THRESHOLD } from '../../../core/lidar/proposalThreshold';
import { guarded, Recorder, type ArmLog } from './armLog';
import { assign, good3d, MATCH_IOU, quality3d, type Pred } from './policy';
import { correct as correctBox, create as createBox, state, until, type LidarItem, type LidarState } from './lidarArm';

/** What the QA arm did with the pre-labels (for the report): flagged = walked. */
export interface QaArmTally {
  preLabels: number;
  walked: number;
  /** Walked pre-labels that were right (matches): the checks' false flags. */
  walkedRight: number;
  /** Wrong pre-labels (false or under the bar) accepted unseen: the checks' misses. */
  missedClose: number;
  missedFalse: number;
}

const cuboid = (o: AnnotationObject) => o.geometry as Cuboid3D;

/** `flagged`: pre-label ids per item stem that a check flagged (runLidar.ts reads them from `datum qa --json`). */
export async function runLidarQaArm(page: Page, items: readonly LidarItem[], flagged: ReadonlyMap<string, ReadonlySet<string>>): Promise<{ log: ArmLog; tally: QaArmTally }> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const tally: QaArmTally = { preLabels: 0, walked: 0, walkedRight: 0, missedClose: 0, missedFalse: 0 };
  const rec = new Recorder(page, log);
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('item-tile')).toHaveCount(items.length, { timeout: 30_000 });
  await rec.start();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (i === 0) await page.getByTestId('item-tile').first().dblclick();
    else await page.keyboard.press('PageDown');
    await expect(page.getByTestId('item-title')).toHaveText(`velodyne/${item.stem}.bin`, { timeout: 30_000 });
    await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
    await expect.poll(() => page.evaluate(() => !!(window as unknown as { __datumLidar?: unknown }).__datumLidar && !!(window as unknown as { __datumLidarState?: unknown }).__datumLidarState)).toBe(true);
    if (!(await page.getByTestId('bev-range').isVisible())) await page.keyboard.press('t');
    await expect(page.getByTestId('bev-range')).toBeVisible();
    await page.keyboard.press('g');
    await page.waitForTimeout(300);
    await rec.step(item.stem, 'navigate', null, 0);
    await frame(page, rec, log, tally, item, flagged.get(item.stem) ?? new Set());
    if ((await state(page)).selected) {
      await page.keyboard.press('Escape');
      await until(page, (x) => x.selected === null);
    }
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
    await rec.step(item.stem, 'navigate', null, 0);
  }
  return { log, tally };
}

async function frame(page: Page, rec: Recorder, log: ArmLog, tally: QaArmTally, item: LidarItem, flaggedIds: ReadonlySet<string>): Promise<void> {
  let s = await state(page);
  const pendingOf = (x: LidarState) => x.objects.filter((o) => o.source.kind === 'model' && !o.accepted && o.geometry.kind === 'cuboid3d');
  const scoreOf = (o: AnnotationObject) => (o.source as { score?: number }).score ?? 0;
  const preds: Pred[] = pendingOf(s).map((o) => ({ id: o.id, label: o.label, box: cuboid(o) }));
  tally.preLabels += preds.length;
  const plan = assign(preds, item.targets, item.ignore ?? []);
  const gtOf = new Map([...plan.byGt].map(([g, id]) => [id, g]));
  const falseIds = new Set(plan.falsePreds);
  const isMatch = (o: AnnotationObject) => gtOf.has(o.id) && o.label === 'car' && good3d(cuboid(o), item.targets[gtOf.get(o.id)!]);
  // Walked: flagged by QA, or under the review threshold (Shift+Enter would leave it pending).
  const walk = new Set(pendingOf(s).filter((o) => flaggedIds.has(o.id) || scoreOf(o) < DEFAULT_PROPOSAL_THRESHOLD - 1e-9).map((o) => o.id));
  tally.walked += walk.size;
  const handled = new Set<string>();
  const done = new Set<number>();
  // 1. The walk over the flagged pre-labels.
  for (let guard = 0; guard < 4 * preds.length + 8 && [...walk].some((id) => !handled.has(id)); guard++) {
    s = await state(page);
    const sel = s.objects.find((o) => o.id === s.selected && walk.has(o.id) && !handled.has(o.id));
    if (!sel) {
      // The review order (renderer/editors/lidar/review/reviewModel.ts): most confident first. The
      // flagged ones are mostly low-scoring, near the end: the annotator goes whichever way is shorter.
      const order = pendingOf(s).sort((a, b) => scoreOf(b) - scoreOf(a) || a.id.localeCompare(b.id)).map((o) => o.id);
      const at = order.indexOf(s.selected ?? '');
      const wanted = (k: number) => walk.has(order[k]) && !handled.has(order[k]);
      const n = order.length;
      const presses = (dir: 1 | -1) => {
        for (let p = 1; p <= n; p++) if (wanted(at < 0 ? (dir > 0 ? p - 1 : n - p) : (((at + dir * p) % n) + n) % n)) return p;
        return Infinity;
      };
      const fwd = presses(1), back = presses(-1);
      const before = s.selected;
      await page.keyboard.press(back < fwd ? 'Shift+Tab' : 'Tab');
      await until(page, (x) => x.selected !== before, 1_500);
      await rec.step(item.stem, 'navigate', null, 0);
      continue;
    }
    handled.add(sel.id);
    if (falseIds.has(sel.id)) {
      log.deleted.push({ item: item.stem, score: scoreOf(sel) });
      await page.keyboard.press('Delete');
      s = await until(page, (x) => !x.objects.some((o) => o.id === sel.id));
      if (s.objects.some((o) => o.id === sel.id)) log.errors.push(`${item.stem}: Delete did not reject pre-label ${sel.id}`);
      await rec.step(item.stem, 'delete', null, 1);
      continue;
    }
    if (!gtOf.has(sel.id)) {
      // On a labelled non-target object (ignored, policy.ts): looked at, left for Shift+Enter.
      (log.ignored ??= []).push({ item: item.stem, score: scoreOf(sel) });
      await rec.step(item.stem, 'navigate', null, 1);
      continue;
    }
    const g = gtOf.get(sel.id)!;
    const gt = item.targets[g];
    done.add(g);
    if (isMatch(sel)) {
      // Judged right (a false flag, if QA flagged it): left pending for the frame's Shift+Enter,
      // unless it is under the review threshold, which Shift+Enter does not take: Enter then.
      if (flaggedIds.has(sel.id)) tally.walkedRight++;
      if (scoreOf(sel) < DEFAULT_PROPOSAL_THRESHOLD - 1e-9) {
        await page.keyboard.press('Enter');
        await until(page, (x) => !!x.objects.find((o) => o.id === sel.id)?.accepted);
      }
      log.targets.push({ item: item.stem, target: g, outcome: 'accepted', via: 'prelabel', quality: quality3d(cuboid(sel), gt), score: scoreOf(sel), correctionKeys: 0 });
      await rec.step(item.stem, 'accept', g, 1);
      continue;
    }
    const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
      if (sel.label !== 'car') {
        await page.keyboard.press('1');
        await until(page, (x) => x.objects.find((o) => o.id === sel.id)?.label === 'car');
      }
      await rec.step(item.stem, 'correct', g, 1);
      const { keys, refit } = await correctBox(page, sel.id, gt, true);
      if (keys) await rec.step(item.stem, 'correct', g, 0);
      const o = (await state(page)).objects.find((x) => x.id === sel.id);
      const q = o ? quality3d(cuboid(o), gt) : 0;
      log.targets.push({ item: item.stem, target: g, outcome: q >= MATCH_IOU ? 'corrected' : 'failed', via: 'prelabel', quality: q, score: scoreOf(sel), correctionKeys: keys, ...(refit ? { refit } : {}) });
    });
    if (!ok) {
      if (!log.targets.some((t) => t.item === item.stem && t.target === g)) log.targets.push({ item: item.stem, target: g, outcome: 'failed', via: 'prelabel', quality: 0, correctionKeys: 0 });
      await rec.step(item.stem, 'correct', g, 0);
    }
  }
  // 2. One glance at the frame, then Shift+Enter takes every pending pre-label (the unflagged ones unseen).
  s = await state(page);
  const pending = pendingOf(s);
  const shared: { item: string; target: number }[] = [];
  for (const o of pending) {
    if (walk.has(o.id)) {
      if (gtOf.has(o.id) && done.has(gtOf.get(o.id)!)) shared.push({ item: item.stem, target: gtOf.get(o.id)! });
      continue;
    }
    // Unflagged: accepted as it is, right or wrong.
    if (falseIds.has(o.id)) tally.missedFalse++;
    else if (gtOf.has(o.id)) {
      const g = gtOf.get(o.id)!;
      const q = quality3d(cuboid(o), item.targets[g]);
      const right = isMatch(o);
      if (!right) tally.missedClose++;
      log.targets.push({ item: item.stem, target: g, outcome: right ? 'accepted' : 'failed', via: 'prelabel', quality: o.label === 'car' ? q : 0, score: scoreOf(o), correctionKeys: 0 });
      done.add(g);
      shared.push({ item: item.stem, target: g });
    }
  }
  if (pending.length) {
    await guarded(log, `${item.stem}: accept the frame`, async () => {
      await expect(page.getByTestId('accept-frame-above')).toContainText(`${pending.length}`);
      await page.keyboard.press('Shift+Enter');
      const ids = new Set(pending.map((o) => o.id));
      const after = await until(page, (x) => x.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted));
      if (!after.objects.filter((o) => ids.has(o.id)).every((o) => o.accepted)) throw new Error(`Shift+Enter did not accept the frame's ${ids.size} pre-labels`);
    });
  }
  await rec.step(item.stem, 'accept', null, 1, shared.length ? shared : undefined);
  // 3. Missed cars: created as in every arm.
  for (let g = 0; g < item.targets.length; g++) {
    if (done.has(g) || plan.byGt.has(g)) continue;
    const gt = item.targets[g];
    const ok = await guarded(log, `${item.stem}: target ${g}`, async () => {
      const made = await createBox(page, gt);
      await rec.step(item.stem, 'create', g, made.attempts);
      let keys = 0;
      if (made.id) ({ keys } = await correctBox(page, made.id, gt, false));
      if (keys) await rec.step(item.stem, 'correct', g, 0);
      const o = made.id ? (await state(page)).objects.find((x) => x.id === made.id) : undefined;
      const q = o ? quality3d(cuboid(o), gt) : 0;
      log.targets.push({ item: item.stem, target: g, outcome: q >= MATCH_IOU ? 'created' : 'failed', via: made.via, quality: q, correctionKeys: keys });
    });
    if (!ok) {
      if (!log.targets.some((t) => t.item === item.stem && t.target === g)) log.targets.push({ item: item.stem, target: g, outcome: 'failed', via: 'none', quality: 0, correctionKeys: 0 });
      await rec.step(item.stem, 'correct', g, 0);
    }
  }
}
