/**
 * Instance ids for the SemanticKITTI export (semantickitti.ts): every labelled point inside a
 * cuboid of its frame gets that cuboid's instance id in the upper 16 bits of its label.
 *
 * - Which cuboids a frame has: the document's `cuboid3d` objects on that frame (hidden ones too:
 *   hiding is a view setting, and the other exporters write them), then the read-only
 *   `document.tracks` interpolated at the frame, in that order, as the LiDAR editor shows them
 *   (LidarEditor `shownObjects`: its track objects carry `track_id` = the track's id).
 * - Instance id: the `track_id` attribute when it is an integer in 1..65535 (objects of one track
 *   share it across frames, which is what a SemanticKITTI instance id means within a sequence);
 *   any other cuboid gets an id generated per export, 1000 + order of first appearance, skipping
 *   every track id the export uses. A non-numeric `track_id` is generated once and shared by all
 *   cuboids carrying it; a cuboid without `track_id` gets one of its own.
 * - Point in box: `pointsInBox` (core/lidar/box.ts), the test the editor uses to highlight and count
 *   the points of the selected cuboid (faces inclusive, roll and pitch ignored).
 * - A point inside several boxes keeps the first box in the order above (document order).
 */
import type { AttributeValue, Cuboid3D, ItemDocument } from '../../../core/document/schema';
import { cuboidInCloud, pointsInBox } from '../../../core/lidar/box';
import { interpolateCuboidTrack } from '../../../core/lidar/interpolate';
import { TRACK_ATTR } from '../../../core/document/cuboidTracks';

/** First generated id: clear of the small track ids annotators type by hand. */
export const FIRST_GENERATED_INSTANCE = 1000;
const MAX_INSTANCE = 0xffff;

/** A cuboid of one frame with what identifies its instance. */
export interface FrameCuboid {
  box: Cuboid3D;
  /** The `track_id` attribute (undefined when absent or empty). */
  trackId: AttributeValue | undefined;
  /** Object id (or `track:<id>` for document.tracks), for cuboids without a track id. */
  key: string;
}

/** `track_id` usable as an instance id as it is: an integer in 1..65535 (number or digit string). */
export function trackInstanceId(v: AttributeValue | undefined): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_INSTANCE ? n : null;
}

/** The frame's cuboids in document order: objects, then document.tracks interpolated. */
export function frameCuboids(doc: ItemDocument, frame: number): FrameCuboid[] {
  const out: FrameCuboid[] = [];
  for (const o of doc.objects) {
    if (o.frame !== frame || o.geometry.kind !== 'cuboid3d') continue;
    const t = o.attributes[TRACK_ATTR];
    out.push({ box: o.geometry, trackId: t === '' ? undefined : t, key: `object:${o.id}` });
  }
  for (const tr of doc.tracks) {
    const r = interpolateCuboidTrack(tr.keyframes, frame);
    if (r && r.geometry.kind === 'cuboid3d') out.push({ box: r.geometry, trackId: tr.id, key: `track:${tr.id}` });
  }
  return out;
}

/** Every numeric track id of a document (reserved before any id is generated). */
export function documentTrackIds(doc: ItemDocument): number[] {
  const ids: number[] = [];
  for (const o of doc.objects) {
    const n = o.geometry.kind === 'cuboid3d' ? trackInstanceId(o.attributes[TRACK_ATTR]) : null;
    if (n !== null) ids.push(n);
  }
  for (const tr of doc.tracks) {
    const n = trackInstanceId(tr.id);
    if (n !== null) ids.push(n);
  }
  return ids;
}

/**
 * Hands out instance ids for one export. All track ids must be reserved first (a generated id
 * must not take a number that a track uses on a later frame or item).
 */
export class InstanceIds {
  private readonly reserved = new Set<number>();
  private readonly generated = new Map<string, number>();
  /** How many candidates have been tried; candidate k is 1000 + k, wrapping from 65535 to 1. */
  private tried = 0;
  /** Set once the 16-bit space ran out; those cuboids get instance 0. */
  exhausted = false;

  reserve(ids: Iterable<number>): void {
    for (const id of ids) this.reserved.add(id);
  }

  /** The instance id of a cuboid (0 only when no 16-bit id is left). */
  of(c: FrameCuboid): number {
    const n = trackInstanceId(c.trackId);
    if (n !== null) return n;
    // One id per non-numeric track id; cuboids without a track id are each their own instance.
    const key = c.trackId !== undefined ? `track_id:${String(c.trackId)}` : c.key;
    let id = this.generated.get(key);
    if (id === undefined) {
      id = this.take();
      this.generated.set(key, id);
    }
    return id;
  }

  private take(): number {
    while (this.tried < MAX_INSTANCE) {
      const id = ((FIRST_GENERATED_INSTANCE - 1 + this.tried++) % MAX_INSTANCE) + 1;
      if (!this.reserved.has(id)) {
        this.reserved.add(id);
        return id;
      }
    }
    this.exhausted = true;
    return 0;
  }
}

/**
 * Per-point instance ids of one frame: points with a non-zero class inside a cuboid get its
 * instance id (the first box wins), all others 0. `positions` are relative to `offset` as the
 * parser returns them, while cuboids are in the file's own coordinates (as the host's QA and 3D
 * proposals treat them), so each box is moved by -offset rather than every point by +offset.
 */
export function frameInstanceIds(
  positions: Float32Array,
  offset: readonly [number, number, number],
  classIds: Uint16Array,
  cuboids: readonly FrameCuboid[],
  ids: InstanceIds,
): Uint16Array {
  const count = classIds.length;
  const out = new Uint16Array(count);
  const inside = new Uint32Array(count);
  for (const c of cuboids) {
    // Every cuboid of the frame takes its id, points or not: generated ids follow document order.
    const id = ids.of(c);
    const n = pointsInBox(positions, count, cuboidInCloud(c.box, offset), inside);
    for (let k = 0; k < n; k++) {
      const i = inside[k];
      if (classIds[i] !== 0 && out[i] === 0) out[i] = id;
    }
  }
  return out;
}
