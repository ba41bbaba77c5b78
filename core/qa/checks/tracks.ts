/**
 * Track checks: one track id twice on a frame; jumps of position or yaw between consecutive
 * appearances (judged against the track's own typical motion); gaps (a listed frame between the
 * first and last appearance where the track is missing without an `outside` keyframe).
 */
import type { Geometry } from '../../document/schema';
import { shortestAngleDelta } from '../../lidar/interpolate';
import type { QaConfig } from '../config';
import type { NormalizedItem, TrackSeries } from '../collect';
import type { Finding } from '../types';
import { median } from './size';
import { shapeAtFrame } from '../../document/tracks';

type Pose = { p: [number, number, number]; yaw: number | null; scale: number; is3d: boolean };

function poseOf(g: Geometry, yawMinLength: number): Pose | null {
  if (g.kind === 'cuboid3d')
    return { p: [g.center[0], g.center[1], g.center[2]], yaw: g.size[0] >= yawMinLength ? g.yaw : null, scale: 1, is3d: true };
  if (g.kind === 'box2d')
    return { p: [(g.x1 + g.x2) / 2, (g.y1 + g.y2) / 2, 0], yaw: null, scale: Math.max(1, Math.hypot(g.x2 - g.x1, g.y2 - g.y1)), is3d: false };
  if (g.kind === 'rotatedBox') return { p: [g.cx, g.cy, 0], yaw: null, scale: Math.max(1, Math.hypot(g.w, g.h)), is3d: false };
  return null;
}

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

function checkJumps(n: NormalizedItem, s: TrackSeries, c: QaConfig['tracks']): Finding[] {
  const apps = s.appearances.map((a) => ({ frame: a.frame, id: a.id, label: a.label, pose: poseOf(a.geometry, c.yawMinLength) }));
  const list = apps.filter((a): a is typeof a & { pose: Pose } => a.pose !== null);
  if (list.length < 3) return [];
  const is3d = list[0].pose.is3d;
  const scale = is3d ? 1 : median(list.map((a) => a.pose.scale));
  const unit = is3d ? 'm' : 'px';
  const steps: Array<{ d: number; dt: number }> = [{ d: 0, dt: 1 }];
  for (let i = 1; i < list.length; i++)
    steps.push({ d: dist(list[i].pose.p, list[i - 1].pose.p), dt: Math.max(1, list[i].frame - list[i - 1].frame) });
  const speed = median(steps.slice(1).map((x) => x.d / x.dt));
  const minJump = is3d ? c.minJump : c.minJump2d * scale;
  const isJump = (i: number) => i >= 1 && i < list.length && steps[i].d > Math.max(minJump, c.jumpFactor * speed * steps[i].dt);

  const residual: number[] = list.map(() => 0);
  for (let i = 1; i + 1 < list.length; i++) {
    const a = list[i - 1], b = list[i + 1];
    const t = (list[i].frame - a.frame) / Math.max(1, b.frame - a.frame);
    const expected = [0, 1, 2].map((k) => a.pose.p[k] + (b.pose.p[k] - a.pose.p[k]) * t);
    residual[i] = dist(list[i].pose.p, expected);
  }
  const interior = residual.slice(1, -1);
  const maxResidual = Math.max(is3d ? c.maxResidual : c.maxResidual2d * scale, interior.length >= 5 ? c.jumpFactor * 2 * median(interior) : 0);

  const flagged = new Map<number, string>();
  // step rule first: a jump out and back flags the outlier, a jump that stays flags its frame
  for (let i = 1; i < list.length; i++) {
    if (!isJump(i)) continue;
    if (isJump(i + 1)) {
      flagged.set(i, `moved ${steps[i].d.toFixed(2)} ${unit} from frame ${list[i - 1].frame} and ${steps[i + 1].d.toFixed(2)} ${unit} back`);
      i++;
      continue;
    }
    flagged.set(i, `moved ${steps[i].d.toFixed(2)} ${unit} since frame ${list[i - 1].frame} (typical ${(speed * steps[i].dt).toFixed(2)} ${unit})`);
  }
  // residual rule: a local maximum of the distance off the neighbours' path (ties go left)
  for (let i = 1; i + 1 < list.length; i++) {
    if (flagged.has(i - 1) || flagged.has(i) || flagged.has(i + 1)) continue;
    if (residual[i] > maxResidual && residual[i] > residual[i - 1] && residual[i] >= residual[i + 1])
      flagged.set(i, `${residual[i].toFixed(2)} ${unit} off the path through frames ${list[i - 1].frame} and ${list[i + 1].frame}`);
  }
  const out: Finding[] = [];
  for (const [i, why] of [...flagged].sort((a, b) => a[0] - b[0]))
    out.push({ check: 'track-jump', severity: 'warning', item: n.item.id, frame: list[i].frame, object: list[i].id, message: `track ${s.id} (${list[i].label}) jumps: ${why}` });

  // yaw
  const yawJump = (i: number) => {
    if (i < 1 || i >= list.length) return 0;
    const a = list[i - 1].pose.yaw, b = list[i].pose.yaw;
    if (a === null || b === null) return 0;
    const d = Math.abs(shortestAngleDelta(a, b));
    return d > c.maxYawJump + c.maxYawRate * (steps[i].dt - 1) ? d : 0;
  };
  for (let i = 1; i < list.length; i++) {
    const d = yawJump(i);
    if (!d) continue;
    const back = yawJump(i + 1);
    out.push({
      check: 'track-yaw-jump',
      severity: 'warning',
      item: n.item.id,
      frame: list[i].frame,
      object: list[i].id,
      message: `track ${s.id} (${list[i].label}) turns ${((d * 180) / Math.PI).toFixed(0)}° since frame ${list[i - 1].frame}${back ? ' and back' : ''}`,
    });
    if (back) i++;
  }
  return out;
}

/** Runs of consecutive listed frames (indices into frameNumbers) satisfying pred. */
function runs(frames: number[], from: number, to: number, pred: (f: number) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = -1;
  for (let i = from; i <= to; i++) {
    if (pred(frames[i])) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  if (start >= 0) out.push([start, to]);
  return out;
}

const frameRange = (frames: number[], [a, b]: [number, number]) =>
  a === b ? `frame ${frames[a]}` : `frames ${frames[a]}–${frames[b]} (${b - a + 1} listed frames)`;

function checkGaps(n: NormalizedItem, s: TrackSeries, c: QaConfig['tracks']): Finding[] {
  const frames = n.frameNumbers;
  const out: Finding[] = [];
  if (s.appearances.length === 0) return out;
  const first = frames.indexOf(s.appearances[0].frame);
  const last = frames.indexOf(s.appearances[s.appearances.length - 1].frame);
  if (first < 0 || last <= first) return out;
  const label = s.appearances[0].label;
  if (!s.track) {
    const present = new Set(s.appearances.map((a) => a.frame));
    for (const r of runs(frames, first, last, (f) => !present.has(f)))
      out.push({
        check: 'track-gap',
        severity: 'warning',
        item: n.item.id,
        frame: frames[r[0]],
        object: s.id,
        message: `track ${s.id} (${label}) is missing on ${frameRange(frames, r)} between frames ${frames[first]} and ${frames[last]}`,
      });
    return out;
  }
  const track = s.track;
  const keyed = new Set(track.keyframes.filter((k) => !k.outside).map((k) => k.frame));
  const shapes = new Map<number, ReturnType<typeof shapeAtFrame>>();
  for (let i = first; i <= last; i++) shapes.set(frames[i], shapeAtFrame(track, frames[i]));
  const absent = (f: number) => { const sh = shapes.get(f); return !sh || sh.outside; };
  for (const r of runs(frames, first, last, absent))
    if (r[1] - r[0] + 1 <= c.shortAbsence)
      out.push({
        check: 'track-short-absence',
        severity: 'info',
        item: n.item.id,
        frame: frames[r[0]],
        object: s.id,
        message: `track ${s.id} (${label}) is outside on ${frameRange(frames, r)} only: missed box or real occlusion?`,
      });
  const span = last - first + 1;
  const keyedInSpan = frames.slice(first, last + 1).filter((f) => keyed.has(f)).length;
  if (keyedInSpan >= 3 && keyedInSpan / span >= c.denseShare)
    for (const r of runs(frames, first, last, (f) => !absent(f) && !keyed.has(f)))
      out.push({
        check: 'track-gap',
        severity: 'warning',
        item: n.item.id,
        frame: frames[r[0]],
        object: s.id,
        message: `track ${s.id} (${label}) has no keyframe on ${frameRange(frames, r)} (interpolated) although it is keyed on ${keyedInSpan} of ${span} frames`,
      });
  return out;
}

export function checkTracks(n: NormalizedItem, config: QaConfig['tracks']): Finding[] {
  if (!config.enabled) return [];
  const out: Finding[] = [];
  for (const d of n.duplicateTrackIds)
    out.push({
      check: 'track-duplicate-id',
      severity: 'error',
      item: n.item.id,
      frame: d.frame,
      object: d.ids[0],
      message: `track id ${d.trackId} is used by ${d.ids.length} objects on frame ${d.frame} (${d.ids.join(', ')})`,
    });
  for (const id of n.duplicateTrackRecords)
    out.push({ check: 'track-duplicate-id', severity: 'error', item: n.item.id, frame: null, object: id, message: `several tracks have the id ${id}` });
  for (const s of n.series) {
    out.push(...checkJumps(n, s, config));
    out.push(...checkGaps(n, s, config));
  }
  return out;
}
