/**
 * Which track a box on a later key frame continues, so that `#` can propose that track's id
 * instead of a new number (key-frame annotation: a box on an object's first and last frame, linked
 * by one track id, docs/lidar.md "Key frames by keyboard").
 *
 * The candidates are the tracks of the box's class that have no box on its frame and whose last
 * keyframe lies before it. Each one's last box is carried into the box's frame by the ego motion
 * between the frames (the registration propagation uses, core/lidar/egoMotion.ts, chained frame
 * by frame): a parked car then lands where it is seen again. The nearest carried box within
 * CONTINUE_DISTANCE of the new box is proposed; none (a moving car, a registration that failed)
 * leaves the next free number. The proposal is only that: selected in the field, typing replaces it.
 */
import type { Cuboid3D, Track } from '../../../../core/document/schema';
import { cuboidInCloud, cuboidInFile } from '../../../../core/lidar/box';
import { composeRigid, frameMotion, IDENTITY_2D, transformCuboid, type Rigid2D } from '../../../../core/lidar/egoMotion';
import { frameIndexFor } from '../../../../core/lidar/frameIndex';
import { boxAt, isTrackKey, TRACK_PREFIX, type Records } from '../model';
import type { RunCloud } from './runPropagation';

/** Centre distance (m) under which a carried box counts as the same object: about half a car length. */
export const CONTINUE_DISTANCE = 2;
/**
 * Tracks that ended more than this many frames before are not carried: each frame pair costs one
 * registration (30–120 ms on the main thread), and over long gaps the chained error grows.
 */
export const MAX_CARRY_FRAMES = 30;

export interface Candidate {
  id: string;
  /** Frame of the track's last keyframe (before the box's frame). */
  frame: number;
  box: Cuboid3D;
}

/** Tracks of `label` not on `frame` whose last shown keyframe is before it, at most MAX_CARRY_FRAMES back (pure). */
export function continuationCandidates(records: Records, frame: number, label: string): Candidate[] {
  const out: Candidate[] = [];
  for (const [key, r] of Object.entries(records)) {
    if (!isTrackKey(key)) continue;
    const t = r as Track;
    if (t.label !== label || boxAt(records, key, frame)) continue;
    const shown = t.keyframes.filter((k) => !k.outside && k.frame < frame);
    const last = shown[shown.length - 1];
    if (!last || frame - last.frame > MAX_CARRY_FRAMES || t.keyframes.some((k) => !k.outside && k.frame > frame) || last.geometry.kind !== 'cuboid3d') continue;
    out.push({ id: key.slice(TRACK_PREFIX.length), frame: last.frame, box: last.geometry });
  }
  return out;
}

/** The candidate whose carried box is nearest `box` (centre, bird's-eye) within CONTINUE_DISTANCE, else null (pure). */
export function pickContinuation(box: Cuboid3D, carried: readonly { id: string; box: Cuboid3D }[]): string | null {
  let best: { id: string; d: number } | null = null;
  for (const c of carried) {
    const d = Math.hypot(c.box.center[0] - box.center[0], c.box.center[1] - box.center[1]);
    if (d <= CONTINUE_DISTANCE && (!best || d < best.d)) best = { id: c.id, d };
  }
  return best?.id ?? null;
}

const ZERO: readonly [number, number, number] = [0, 0, 0];

/**
 * Carries boxes between frames with the ego motion, chained over consecutive frames. Pair motions
 * are remembered (a sequence's frames do not change while it is open), so a second link over the
 * same frames costs nothing.
 */
export function createCarrier(load: (frame: number) => Promise<RunCloud>, times: () => readonly number[]) {
  const pairs = new Map<number, Rigid2D>();
  const pair = async (f: number): Promise<Rigid2D> => {
    const known = pairs.get(f);
    if (known) return known;
    const a = await load(f), b = await load(f + 1);
    const oa = a.offset ?? ZERO, ob = b.offset ?? ZERO;
    const t = times();
    const m = oa[0] !== ob[0] || oa[1] !== ob[1]
      ? { ...IDENTITY_2D, tx: oa[0] - ob[0], ty: oa[1] - ob[1] }
      : frameMotion(frameIndexFor(a.positions, a.count), frameIndexFor(b.positions, b.count), (t[f + 1] ?? f + 1) - (t[f] ?? f));
    pairs.set(f, m);
    return m;
  };
  /** `box` (file coordinates) on frame `from`, carried to frame `to` > from as a static object. */
  return async (box: Cuboid3D, from: number, to: number): Promise<Cuboid3D> => {
    let m = IDENTITY_2D;
    for (let f = from; f < to; f++) m = composeRigid(m, await pair(f));
    const a = await load(from), b = await load(to);
    return cuboidInFile(transformCuboid(cuboidInCloud(box, a.offset ?? ZERO), m), b.offset ?? ZERO);
  };
}
