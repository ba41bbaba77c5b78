/**
 * The key-frame + interpolation arm of the 3D sequence (issue #16 "key frames + interpolation"),
 * driven through the LiDAR editor's real keys. The annotator:
 *
 *  1. walks the sequence forward (D) and, on each frame, boxes the objects for which it is a key
 *     frame (kittiSequence.ts `keyFramePlan`: the object's first and last frame as a target), with
 *     the same tools and policy as the per-frame arm (one-click fit, drawn box, key corrections:
 *     lidarArm.ts `create` / `correct`). An object with two key frames is linked into one track by
 *     its track id: `#` puts the keyboard in the selected box's track-id field with an id proposed
 *     (the next free number, or on a later frame the track the box continues: its last box carried
 *     by the ego motion, renderer/editors/lidar/sequence/continuation.ts); the annotator reads it,
 *     types the right one over it when it is wrong (the new number on a first key frame, the
 *     object's id on its last), and Enter sets it (`setTrackId`: the box becomes the track, or
 *     its keyframe there). One M per link (reading / choosing the id) besides the key-run M's of
 *     klm.ts, charged to "create".
 *  2. On the last frame, Escape and Shift+T with nothing selected: every track interpolated
 *     between its keyframes (`fillAllGaps`), one key chord, charged to "create".
 *  3. Walks back (A) over the frames between and judges every interpolated box like a pre-label
 *     (lidarArm.ts `annotateItem` with only the interpolated boxes as the boxes to judge): kept with
 *     one M when at the bar; otherwise corrected (R first, then the keys; the correction makes a
 *     keyframe there, so the frames not yet walked are re-interpolated from it); deleted when it
 *     matches no target (a gap in the track: the frames up to its next keyframe lose the box); a
 *     target with no box is created as in the per-frame arm. Boxes left on labelled non-targets
 *     (e.g. a car with fewer than MIN_POINTS points on that frame) are ignored, as everywhere.
 */
import { expect, type Page } from '@playwright/test';
import type { AnnotationObject, Cuboid3D } from '../../../core/document/schema';
import { guarded, Recorder, type ArmLog } from './armLog';
import { annotateItem, correct, create, state, until } from './lidarArm';
import { keyFramePlan, type TrackedSequence } from './kittiSequence';
import { quality3d, MATCH_IOU } from './policy';

/** Opens the sequence item, bird's-eye view framed on the whole scan (as runSequenceArm). */
async function openSequence(page: Page, title: string): Promise<void> {
  await page.getByTestId('item-tile').first().dblclick();
  await expect(page.getByTestId('item-title')).toHaveText(title, { timeout: 30_000 });
  await expect(page.getByTestId('point-count')).toHaveText(/^[0-9,]+ points$/, { timeout: 30_000 });
  // The scene hook comes with the first render (slow on a loaded machine).
  await expect.poll(() => page.evaluate(() => !!(window as unknown as { __datumLidar?: unknown }).__datumLidar && !!(window as unknown as { __datumLidarState?: unknown }).__datumLidarState), { timeout: 30_000 }).toBe(true);
  await page.keyboard.press('t');
  await expect(page.getByTestId('bev-range')).toBeVisible();
  await page.keyboard.press('g');
  await page.waitForTimeout(300);
}

async function deselect(page: Page): Promise<void> {
  if ((await state(page)).selected) {
    await page.keyboard.press('Escape');
    await until(page, (x) => x.selected === null);
  }
}

/** D or A to the neighbouring frame; waits for its cloud (the point count changes). */
async function stepFrame(page: Page, to: number, key: 'd' | 'a'): Promise<void> {
  await deselect(page);
  const before = await page.getByTestId('point-count').innerText();
  await page.keyboard.press(key);
  await until(page, (x) => x.frame === to);
  await expect.poll(() => page.getByTestId('point-count').innerText(), { timeout: 30_000 }).not.toBe(before);
  await page.waitForTimeout(200);
}

/**
 * `#`, then Enter when the editor proposes the right id — for a new track a number no track has
 * (the annotator takes it and remembers it), for a later key frame the id of the track the box
 * continues — or the right id typed over the proposal. The selected box becomes, or joins, that
 * track. `id` null: a new track; `taken`: the ids in use. Returns the id and whether it was typed.
 */
async function linkTrack(page: Page, id: string | null, taken: ReadonlySet<string>): Promise<{ id: string; typed: boolean }> {
  await page.keyboard.press('Shift+Digit3'); // '#' on the US layout
  const field = page.getByTestId('track-id');
  await expect(field).toBeFocused();
  // The proposal is worked out after the field has the keys (the ego motion between the frames).
  await expect(field).not.toHaveAttribute('data-proposing', 'true', { timeout: 60_000 });
  const proposed = (await field.inputValue()).trim();
  const wanted = id ?? (proposed && !taken.has(proposed) ? proposed : String(Math.max(0, ...[...taken].map(Number).filter(Number.isFinite)) + 1));
  const typed = proposed !== wanted;
  if (typed) await page.keyboard.type(wanted); // the proposal is selected: typing replaces it
  id = wanted;
  await page.keyboard.press('Enter');
  const s = await until(page, (x) => x.selected === `track:${id}`, 3_000);
  if (s.selected !== `track:${id}`) throw new Error(`typing track id ${id} did not make the selected box part of track ${id} (selected: ${s.selected})`);
  return { id, typed };
}

export interface InterpolateStats {
  keyframes: number;
  links: number;
  /** Links where the proposed id was not the right one and the annotator typed it. */
  typed: number;
  /** Targets on frames between key frames, i.e. what interpolation had to get right. */
  between: number;
}

export async function runInterpolateArm(page: Page, seq: TrackedSequence): Promise<{ log: ArmLog; stats: InterpolateStats }> {
  const log: ArmLog = { steps: [], targets: [], deleted: [], errors: [] };
  const rec = new Recorder(page, log);
  const plan = keyFramePlan(seq);
  const names = new Map<number, string>(); // KITTI track id -> the id the annotator types
  const stats: InterpolateStats = { keyframes: 0, links: 0, typed: 0, between: 0 };
  await expect(page.getByTestId('job-progress')).toHaveCount(0, { timeout: 60_000 });
  await rec.start();
  await openSequence(page, seq.title);
  const last = seq.frames.length - 1;
  // 1. Key frames, walking forward.
  for (let f = 0; f <= last; f++) {
    if (f > 0) await stepFrame(page, f, 'd');
    const frame = seq.frames[f];
    await rec.step(frame.stem, 'navigate', null, 0);
    for (let g = 0; g < frame.targets.length; g++) {
      if (!plan.isKey(f, g)) continue;
      stats.keyframes++;
      const gt = frame.targets[g];
      const kid = frame.trackIds[g];
      const ok = await guarded(log, `${frame.stem}: key frame of track ${kid}`, async () => {
        const made = await create(page, gt);
        await rec.step(frame.stem, 'create', g, made.attempts);
        if (!made.id) throw new Error('no box could be made');
        const { keys } = await correct(page, made.id, gt, false);
        if (keys) await rec.step(frame.stem, 'correct', g, 0);
        const o = (await state(page)).objects.find((x) => x.id === made.id);
        const q = o ? quality3d(o.geometry as Cuboid3D, gt) : 0;
        log.targets.push({ item: frame.stem, target: g, outcome: q >= MATCH_IOU ? 'created' : 'failed', via: made.via, quality: q, correctionKeys: keys });
        if (plan.first.get(kid) !== plan.last.get(kid)) {
          const link = await linkTrack(page, names.get(kid) ?? null, new Set(names.values()));
          names.set(kid, link.id);
          stats.links++;
          if (link.typed) stats.typed++;
          await rec.step(frame.stem, 'create', g, 1); // choosing (first key frame) or recalling (last) the id
        }
      });
      if (!ok) {
        if (!log.targets.some((t) => t.item === frame.stem && t.target === g)) log.targets.push({ item: frame.stem, target: g, outcome: 'failed', via: 'none', quality: 0, correctionKeys: 0 });
        await rec.step(frame.stem, 'create', g, 0);
      }
    }
  }
  // 2. Every track interpolated at once.
  await deselect(page);
  await page.keyboard.press('Shift+T');
  if (names.size) await expect(page.getByTestId('lidar-notice')).toContainText('Interpolated', { timeout: 15_000 });
  await rec.step('', 'create', null, 0);
  // 3. Walk back over the frames between, judging the interpolated boxes.
  const interpolated = (o: AnnotationObject) => o.attributes.interpolated === true;
  for (let f = last - 1; f >= 1; f--) {
    await stepFrame(page, f, 'a');
    const frame = seq.frames[f];
    await rec.step(frame.stem, 'navigate', null, 0);
    const between = frame.targets.map((_, g) => g).filter((g) => !plan.isKey(f, g));
    if (!between.length && !(await state(page)).objects.some(interpolated)) continue;
    stats.between += between.length;
    // Only the targets between key frames are left on this frame; the key boxes made in pass 1 are not
    // judged again (an interpolated box lying on one is a duplicate: false, deleted).
    const nTargets = log.targets.length, nSteps = log.steps.length;
    await annotateItem(page, rec, log, { stem: frame.stem, targets: between.map((g) => frame.targets[g]), ignore: frame.ignore }, false, interpolated);
    for (const t of log.targets.slice(nTargets)) t.target = between[t.target];
    for (const s of log.steps.slice(nSteps)) if (s.target !== null) s.target = between[s.target];
  }
  await deselect(page);
  await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 15_000 });
  await rec.step('', 'navigate', null, 0);
  return { log, stats };
}
