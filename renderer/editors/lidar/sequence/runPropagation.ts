/**
 * A propagation run over the next N frames, in chunks so the editor stays responsive: each frame
 * is loaded through the editor's cloud cache (parsed in the point-cloud worker), then its frame
 * index, the ego motion from the previous frame and each track's step are computed with a yield
 * to the event loop between them (each is tens of milliseconds at most). Cancel is checked at every
 * yield; a cancelled run returns nothing to apply, so the document is untouched.
 *
 * A box whose track has a keyframe on the frame before the start ("label two key frames") starts
 * with the velocity between the two (the ego motion between them estimated the same way).
 *
 * Coordinates: boxes are stored in file coordinates and each cloud may be recentred by its own
 * offset (large map coordinates). Clouds with different offsets are in one world frame (that is
 * why they have large coordinates), so the motion between them is the offset difference; clouds
 * without offsets are each in the sensor's frame and the ego motion is estimated (egoMotion.ts).
 */
import type { Cuboid3D } from '../../../../core/document/schema';
import { cuboidInCloud, cuboidInFile } from '../../../../core/lidar/box';
import { frameMotion, IDENTITY_2D, type Rigid2D } from '../../../../core/lidar/egoMotion';
import { frameIndexFor, type FrameIndex } from '../../../../core/lidar/frameIndex';
import { resolveConflicts, startTrack, stepTrack, velocityFrom, type StepResult, type TrackState } from '../../../../core/lidar/propagate';
import type { PropagatedTrack } from './propagateModel';

export interface RunCloud {
  positions: Float32Array;
  count: number;
  offset?: readonly [number, number, number];
}

export interface PropagationRequest {
  startFrame: number;
  /** Frames to propagate over (N); the run stops at the sequence's end. */
  frames: number;
  frameCount: number;
  /** Time of each frame (frame units); see frameTimes. */
  times: readonly number[];
  /**
   * The boxes to propagate; `previous` is the object's box on the frame before the start (a
   * keyframe there), which gives the tracker its velocity from the first step on.
   */
  starts: ReadonlyArray<{ key: string; box: Cuboid3D; previous?: Cuboid3D }>;
  load(frame: number): Promise<RunCloud>;
  onProgress?(done: number, total: number): void;
  cancelled?(): boolean;
  /** Lets the event loop run (input, paint); a macrotask by default. */
  pause?(): Promise<void>;
}

export interface PropagationResult {
  tracks: PropagatedTrack[];
  cancelled: boolean;
  /** Per status, how many track-frames. */
  tracked: number;
  predicted: number;
  lost: number;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const ZERO: readonly [number, number, number] = [0, 0, 0];

/**
 * Frame times for the motion model: the frames' file stems when they are all numbers that
 * increase (recorded frame numbers: the SUSTech example keeps frames 950, 965, 970, 975 of a
 * 10 Hz drive), else the frame index. Velocities are in metres per such unit.
 */
export function frameTimes(cloudPaths: readonly string[]): number[] {
  const stems = cloudPaths.map((p) => Number((p.split('/').pop() ?? '').replace(/\.[^.]*$/, '').replace(/^[^0-9]*/, '')));
  const numeric = stems.length > 0 && stems.every((s, i) => Number.isFinite(s) && (i === 0 || s > stems[i - 1]));
  return numeric && cloudPaths.every((p) => /\d/.test(p.split('/').pop() ?? '')) ? stems : cloudPaths.map((_, i) => i);
}

export async function runPropagation(req: PropagationRequest): Promise<PropagationResult> {
  const pause = req.pause ?? macrotask;
  const last = Math.min(req.frameCount - 1, req.startFrame + req.frames);
  const total = Math.max(0, last - req.startFrame);
  const result: PropagationResult = { tracks: req.starts.map((s) => ({ key: s.key, boxes: [], lostAt: null })), cancelled: false, tracked: 0, predicted: 0, lost: 0 };
  const stop = () => {
    if (req.cancelled?.()) result.cancelled = true;
    return result.cancelled;
  };
  req.onProgress?.(0, total);
  let prev = await req.load(req.startFrame);
  let prevIndex: FrameIndex = frameIndexFor(prev.positions, prev.count);
  const velocities = await startVelocities(req, prev, prevIndex);
  const states: Array<TrackState | null> = req.starts.map((s, k) => startTrack(cuboidInCloud(s.box, prev.offset ?? ZERO), req.times[req.startFrame], prevIndex, velocities[k]));
  for (let f = req.startFrame + 1; f <= last; f++) {
    if (!states.some((s) => s)) break;
    await pause();
    if (stop()) return result;
    const cloud = await req.load(f);
    const index = frameIndexFor(cloud.positions, cloud.count);
    await pause();
    if (stop()) return result;
    const ego = motionBetween(prev, prevIndex, cloud, index, req.times[f] - req.times[f - 1]);
    const stepped: Array<StepResult | null> = [];
    for (let k = 0; k < states.length; k++) {
      const s = states[k];
      stepped.push(s ? stepTrack(s, index, req.times[f], ego) : null);
      if (k % 4 === 3) {
        await pause();
        if (stop()) return result;
      }
    }
    // Boxes propagated together must not end on one object (the one that jumped keeps its prediction).
    const results = resolveConflicts(states, stepped, index, req.times[f], ego);
    results.forEach((r, k) => {
      if (!r) return;
      result[r.status]++;
      if (r.status === 'lost' || !r.box) {
        states[k] = null;
        result.tracks[k].lostAt = f;
        return;
      }
      states[k] = r.state;
      result.tracks[k].boxes.push({ frame: f, box: cuboidInFile(r.box, cloud.offset ?? ZERO) });
    });
    prev = cloud;
    prevIndex = index;
    req.onProgress?.(f - req.startFrame, total);
  }
  return result;
}

/** Each start's velocity from its box on the previous frame (null where it has none). */
async function startVelocities(req: PropagationRequest, start: RunCloud, startIndex: FrameIndex): Promise<Array<[number, number] | null>> {
  const f = req.startFrame;
  if (f < 1 || !req.starts.some((s) => s.previous)) return req.starts.map(() => null);
  const before = await req.load(f - 1);
  const ego = motionBetween(before, frameIndexFor(before.positions, before.count), start, startIndex, req.times[f] - req.times[f - 1]);
  return req.starts.map((s) =>
    s.previous ? velocityFrom(cuboidInCloud(s.previous, before.offset ?? ZERO), req.times[f - 1], cuboidInCloud(s.box, start.offset ?? ZERO), req.times[f], ego) : null,
  );
}

/** Motion of the frame from `a` to `b` (see the module comment). */
function motionBetween(a: RunCloud, ai: FrameIndex, b: RunCloud, bi: FrameIndex, dt: number): Rigid2D {
  const oa = a.offset ?? ZERO, ob = b.offset ?? ZERO;
  if (oa[0] !== ob[0] || oa[1] !== ob[1]) return { ...IDENTITY_2D, tx: oa[0] - ob[0], ty: oa[1] - ob[1] };
  return frameMotion(ai, bi, dt);
}
