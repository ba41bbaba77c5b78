/**
 * Propagation evaluation: from a track's labelled box on a frame, propagate it along the sequence
 * (core/lidar/propagate.ts, ego motion estimated between consecutive frames as the editor does)
 * and compare with the labels N frames later: kept = BEV IoU ≥ 0.7 with the same object's label;
 * an identity switch = the propagated box overlaps another labelled object more (BEV IoU ≥ 0.3)
 * than its own. Each (track, start frame) pair whose object is labelled N frames later is one
 * sample at N; vehicles only (the class the size prior and the fit are made for), with at least
 * `minPoints` points on the start frame (a box without points cannot be followed by its points).
 */
import type { Cuboid3D } from '../../core/document/schema';
import { buildFrameIndex, type FrameIndex } from '../../core/lidar/frameIndex';
import { frameMotion, type Rigid2D } from '../../core/lidar/egoMotion';
import { bevIoU } from '../../core/lidar/iou';
import { resolveConflicts, startTrack, stepTrack, velocityFrom, type StepResult, type TrackState } from '../../core/lidar/propagate';
import type { LabelledSequence } from './trackScenes';

const VEHICLE = /^(car|van|bus|truck|regular_vehicle|large_vehicle|box_truck|truck_cab)$/i;

export interface TrackEvalRow {
  sequence: string;
  /** Frames ahead of the start frame. */
  n: number;
  samples: number;
  kept: number;
  switches: number;
  lost: number;
}

export interface TrackEvalOptions {
  /** Only samples starting on the track's first labelled frame (the protocol), else every frame. */
  firstOnly?: boolean;
  minPoints?: number;
  maxN?: number;
  /**
   * "Label two key frames": start only where the object is also labelled on the previous frame,
   * and give the tracker the velocity from those two labels (propagate.ts velocityFrom).
   */
  twoFrames?: boolean;
  /** Which labels are evaluated (default: vehicles). */
  labels?: RegExp;
  /**
   * As "Propagate all": every labelled object of the start frame (any class, ≥ minPoints) is
   * stepped together and conflicts are resolved (resolveConflicts); the evaluated ones are scored.
   */
  joint?: boolean;
}

export function evaluatePropagation(seq: LabelledSequence, options: TrackEvalOptions = {}): TrackEvalRow[] {
  const minPoints = options.minPoints ?? 10;
  const maxN = options.maxN ?? 10;
  const indices: FrameIndex[] = seq.frames.map((f) => buildFrameIndex(f.cloud.positions, f.cloud.count));
  const ego: Rigid2D[] = [];
  for (let i = 0; i + 1 < seq.frames.length; i++) {
    const dt = seq.frames[i + 1].time - seq.frames[i].time;
    ego.push(frameMotion(indices[i], indices[i + 1], dt));
  }
  const rows = new Map<number, TrackEvalRow>();
  const row = (n: number) => rows.get(n) ?? rows.set(n, { sequence: seq.name, n, samples: 0, kept: 0, switches: 0, lost: 0 }).get(n)!;
  const firstFrame = new Map<string, number>();
  seq.frames.forEach((f, i) => f.labels.forEach((l) => firstFrame.has(l.trackId) || firstFrame.set(l.trackId, i)));
  const score = (n: number, trackId: string, frame: (typeof seq.frames)[number], box: Cuboid3D | null) => {
    const truth = frame.labels.find((l) => l.trackId === trackId);
    if (!truth) return;
    const out = row(n);
    out.samples++;
    if (!box) {
      out.lost++;
      return;
    }
    const own = bevIoU(box, truth.box);
    if (own >= 0.7) out.kept++;
    const other = Math.max(0, ...frame.labels.filter((l) => l.trackId !== trackId).map((l) => bevIoU(box, l.box)));
    if (other >= 0.3 && other > own) out.switches++;
  };
  const wanted = options.labels ?? VEHICLE;
  if (options.joint) {
    for (let s = 0; s < seq.frames.length - 1; s++) {
      const starts = seq.frames[s].labels.filter((l) => l.points >= minPoints);
      let states: Array<TrackState | null> = starts.map((l) => startTrack(l.box, seq.frames[s].time, indices[s]));
      for (let k = s + 1; k < seq.frames.length && k - s <= maxN; k++) {
        const frame = seq.frames[k];
        const stepped: Array<StepResult | null> = states.map((st) => (st ? stepTrack(st, indices[k], frame.time, ego[k - 1]) : null));
        const results = resolveConflicts(states, stepped, indices[k], frame.time, ego[k - 1]);
        states = results.map((r) => (r && r.status !== 'lost' ? r.state : null));
        starts.forEach((l, i) => wanted.test(l.label) && score(k - s, l.trackId, frame, results[i]?.box ?? null));
      }
    }
    return [...rows.values()].sort((a, b) => a.n - b.n);
  }
  for (let s = 0; s < seq.frames.length - 1; s++) {
    for (const start of seq.frames[s].labels) {
      if (!wanted.test(start.label) || start.points < minPoints) continue;
      if (options.firstOnly && firstFrame.get(start.trackId) !== s) continue;
      let velocity: [number, number] | null = null;
      if (options.twoFrames) {
        const prev = s > 0 ? seq.frames[s - 1].labels.find((l) => l.trackId === start.trackId) : undefined;
        if (!prev) continue;
        velocity = velocityFrom(prev.box, seq.frames[s - 1].time, start.box, seq.frames[s].time, ego[s - 1]);
      }
      let state = startTrack(start.box, seq.frames[s].time, indices[s], velocity);
      let lost = false;
      for (let k = s + 1; k < seq.frames.length && k - s <= maxN; k++) {
        const frame = seq.frames[k];
        const r = lost ? null : stepTrack(state, indices[k], frame.time, ego[k - 1]);
        if (r) state = r.state;
        if (!r || r.status === 'lost') lost = true;
        score(k - s, start.trackId, frame, lost ? null : (r?.box ?? null));
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.n - b.n);
}

/** Rows summed over sequences (same n). */
export function totalRows(rows: TrackEvalRow[], name = 'all'): TrackEvalRow[] {
  const by = new Map<number, TrackEvalRow>();
  for (const r of rows) {
    const t = by.get(r.n) ?? { sequence: name, n: r.n, samples: 0, kept: 0, switches: 0, lost: 0 };
    t.samples += r.samples;
    t.kept += r.kept;
    t.switches += r.switches;
    t.lost += r.lost;
    by.set(r.n, t);
  }
  return [...by.values()].sort((a, b) => a.n - b.n);
}
