/**
 * Pure record edits for "Propagate" and the feedback of "Interpolate track": what a propagation
 * run writes into the editor's records (model.ts), and which frames an edit changed.
 *
 * A propagated object is one track: an untracked cuboid becomes a track (id as "Copy to next
 * frame" gives it), and every propagated frame gets a keyframe with the aligned box (constant
 * size, the tracker's heading). The run's frames replace keyframes and gaps there; the track then
 * ends after the last frame (an `outside` keyframe) unless a keyframe follows right after, or at
 * the frame where the points were lost.
 */
import type { Cuboid3D, Track } from '../../../../core/document/schema';
import { editedSource } from '../../../../core/document/provenance';
import { setKeyframe } from '../../../../core/document/tracks';
import { boxAt, frameBoxes, isTrackKey, makeTrack, type Records } from '../model';

export interface PropagatedTrack {
  /** Record key of the box on the start frame (an object id or `track:<id>`). */
  key: string;
  /** Frame → box (file coordinates) for every frame the run placed it on, in order. */
  boxes: Array<{ frame: number; box: Cuboid3D }>;
  /** Frame where the object was lost (the track ends there), if it was. */
  lostAt: number | null;
}

/**
 * Writes a run's boxes into the records (one undo step for the caller). Returns the records, the
 * new key of each propagated box (objects become tracks) and the frames that changed.
 */
export function applyPropagation(records: Records, startFrame: number, tracks: PropagatedTrack[]): { records: Records; keys: Map<string, string>; frames: number[] } {
  let next = { ...records };
  const keys = new Map<string, string>();
  const frames = new Set<number>();
  for (const p of tracks) {
    let key = p.key;
    if (!isTrackKey(key)) {
      const made = makeTrack(next, key, startFrame);
      if (!made) continue;
      next = made.records;
      key = made.key;
    }
    keys.set(p.key, key);
    let t = next[key] as Track | undefined;
    if (!t || (!p.boxes.length && p.lostAt === null)) continue;
    const last = p.boxes.length ? p.boxes[p.boxes.length - 1].frame : startFrame;
    const end = p.lostAt ?? last + 1;
    // The run's frames are its own: earlier keyframes and outside markers there go.
    t = { ...t, keyframes: t.keyframes.filter((k) => k.frame <= startFrame || k.frame > end || (k.frame === end && !k.outside && p.lostAt === null)) };
    for (const { frame, box } of p.boxes) {
      const prev = boxAt(records, p.key, frame);
      t = setKeyframe(t, { frame, geometry: box });
      if (!prev || !sameBox(prev, box)) frames.add(frame);
    }
    if (!t.keyframes.some((k) => k.frame === end)) t = setKeyframe(t, { frame: end, geometry: p.boxes.at(-1)?.box ?? (boxAt(next, key, startFrame) as Cuboid3D), outside: true });
    next[key] = { ...t, source: editedSource(t.source), updatedAt: Date.now() };
  }
  return { records: next, keys, frames: [...frames].sort((a, b) => a - b) };
}

const sameBox = (a: Cuboid3D, b: Cuboid3D) =>
  a.center.every((v, i) => Math.abs(v - b.center[i]) < 1e-6) && a.size.every((v, i) => Math.abs(v - b.size[i]) < 1e-6) && Math.abs(a.yaw - b.yaw) < 1e-6;

/** Frames in [from, to] where the record's box differs between two versions of the records. */
export function changedFrames(before: Records, after: Records, key: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let f = from; f <= to; f++) {
    const a = boxAt(before, key, f), b = boxAt(after, key, f);
    if (!a !== !b || (a && b && !sameBox(a, b))) out.push(f);
  }
  return out;
}

/** The keys of the boxes a run starts from: the selected one, or every shown box of the frame. */
export function propagationKeys(records: Records, frame: number, selected: string | null): string[] {
  return frameBoxes(records, frame)
    .filter((o) => !o.hidden && (selected === null || o.id === selected))
    .map((o) => o.id);
}

/** The frame range a keyframe list spans (first to last shown keyframe), for interpolation feedback. */
export function trackSpan(records: Records, key: string): [number, number] | null {
  const t = isTrackKey(key) ? (records[key] as Track | undefined) : undefined;
  const shown = t?.keyframes.filter((k) => !k.outside) ?? [];
  return shown.length ? [shown[0].frame, shown[shown.length - 1].frame] : null;
}

/** Frames of the selected track's keyframes (not its outside markers); none for an object. */
export function selectedKeyframes(records: Records, key: string): number[] {
  const t = isTrackKey(key) ? (records[key] as Track | undefined) : undefined;
  return t ? t.keyframes.filter((k) => !k.outside).map((k) => k.frame) : [];
}

/** The track's keyframe box on the frame before `frame` (a real keyframe, not an interpolated or held shape). */
export function previousKeyframeBox(records: Records, key: string, frame: number): Cuboid3D | undefined {
  const t = isTrackKey(key) ? (records[key] as Track | undefined) : undefined;
  const k = t?.keyframes.find((kf) => kf.frame === frame - 1 && !kf.outside && kf.geometry.kind === 'cuboid3d');
  return k ? (k.geometry as Cuboid3D) : undefined;
}
