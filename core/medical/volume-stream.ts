/**
 * The wire format of a volume streamed while it is built (`/blob/volume-stream/<itemId>`, see
 * docs/medical.md "Streaming"), shared by the host that writes it and the renderer that reads it.
 *
 * The body is a sequence of records, each a 20-byte little-endian header
 * `kind, timepoint, axis, index, length` (u32 each) followed by `length` payload bytes:
 *  - PLANE: one plane of the canonical (display) grid: the voxels with `axis` fixed at `index`, in
 *    x-fastest order of the two other axes, as the header's dtype. One source slice is one plane
 *    (an axial acquisition gives axial planes; a sagittal one sagittal planes).
 *  - PROGRESS: `index` source slices of timepoint `timepoint` hold their final values (sent for
 *    every slice, also for slices whose bytes only come at the end).
 *  - DONE: JSON of the final VolumeHeader (range, window, errors); every plane has been sent.
 *  - FAIL: JSON `{ message, errors, reload }`: the build failed (message names the file) or the
 *    volume came out different from the header (a slice left out, another dtype): with `reload`
 *    the viewer opens it again (the host has it complete by then), never shows it half.
 * A record may arrive split over any number of chunks; `RecordParser` reassembles them.
 */
import type { Vec3 } from './types';

export const RECORD = { PLANE: 1, PROGRESS: 2, DONE: 3, FAIL: 4 } as const;
export const RECORD_HEADER_BYTES = 20;

export interface StreamRecord {
  kind: number;
  timepoint: number;
  axis: number;
  index: number;
  /** Valid only until the next `push`: copy what must be kept. */
  payload: Uint8Array;
}

export function encodeRecordHeader(kind: number, timepoint: number, axis: number, index: number, length: number): Uint8Array {
  const h = new Uint8Array(RECORD_HEADER_BYTES);
  const dv = new DataView(h.buffer);
  [kind, timepoint, axis, index, length].forEach((v, i) => dv.setUint32(i * 4, v, true));
  return h;
}

/** Incremental reader: feed chunks as they arrive, get the records they complete. */
export class RecordParser {
  private head = new Uint8Array(RECORD_HEADER_BYTES);
  private headFill = 0;
  private current: { kind: number; timepoint: number; axis: number; index: number; payload: Uint8Array; fill: number } | null = null;

  push(chunk: Uint8Array, out: (r: StreamRecord) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (!this.current) {
        // Header: fast path when it lies whole in this chunk.
        const need = RECORD_HEADER_BYTES - this.headFill;
        const take = Math.min(need, chunk.length - at);
        this.head.set(chunk.subarray(at, at + take), this.headFill);
        this.headFill += take;
        at += take;
        if (this.headFill < RECORD_HEADER_BYTES) return;
        this.headFill = 0;
        const dv = new DataView(this.head.buffer);
        const [kind, timepoint, axis, index, length] = [0, 1, 2, 3, 4].map((i) => dv.getUint32(i * 4, true));
        if (kind < RECORD.PLANE || kind > RECORD.FAIL) throw new Error(`volume stream: unknown record kind ${kind}`);
        if (length <= chunk.length - at) {
          // The whole payload is in this chunk: hand out a view, no copy.
          out({ kind, timepoint, axis, index, payload: chunk.subarray(at, at + length) });
          at += length;
          continue;
        }
        this.current = { kind, timepoint, axis, index, payload: new Uint8Array(length), fill: 0 };
      }
      const c = this.current;
      const take = Math.min(c.payload.length - c.fill, chunk.length - at);
      c.payload.set(chunk.subarray(at, at + take), c.fill);
      c.fill += take;
      at += take;
      if (c.fill === c.payload.length) {
        this.current = null;
        out(c);
      }
    }
  }

  /** True between records (a stream that ends elsewhere was cut off). */
  get idle(): boolean {
    return !this.current && this.headFill === 0;
  }
}

type Voxels = Int16Array | Float32Array | Uint8Array;

/** The canonical grid's axis that a source slice index runs along, and the plane index of slice k. */
export function sliceAxis(reorient: { perm: readonly number[]; flip: readonly boolean[] }, dims: Vec3, k: number): { axis: number; index: number } {
  const axis = reorient.perm.indexOf(2);
  return { axis, index: reorient.flip[axis] ? dims[axis] - 1 - k : k };
}

/**
 * Source slice k (nx·ny voxels, x fastest) -> the canonical plane it becomes (reorient.ts: canonical
 * axis a shows source axis perm[a], flipped when flip[a]). The identity returns the slice itself.
 */
export function planeOfSourceSlice<T extends Voxels>(slice: T, reorient: { perm: readonly number[]; flip: readonly boolean[] }, dims: Vec3, k: number): { axis: number; index: number; plane: T } {
  const { axis, index } = sliceAxis(reorient, dims, k);
  const [a1, a2] = [0, 1, 2].filter((a) => a !== axis);
  const d1 = dims[a1];
  const d2 = dims[a2];
  if (axis === 2 && reorient.perm[0] === 0 && !reorient.flip[0] && !reorient.flip[1]) return { axis, index, plane: slice };
  // Source in-plane strides: source axis 0 is contiguous, source axis 1 steps a row of nx.
  const nx = reorient.perm[a1] === 0 ? d1 : d2;
  const stride = (s: number) => (s === 0 ? 1 : nx);
  const s1 = stride(reorient.perm[a1]);
  const s2 = stride(reorient.perm[a2]);
  const out = new (slice.constructor as new (n: number) => T)(d1 * d2);
  for (let v = 0; v < d2; v++) {
    const row = (reorient.flip[a2] ? d2 - 1 - v : v) * s2;
    for (let u = 0; u < d1; u++) out[v * d1 + u] = slice[row + (reorient.flip[a1] ? d1 - 1 - u : u) * s1];
  }
  return { axis, index, plane: out };
}

/** Write a canonical plane into the canonical volume (timepoint t of `all`). */
export function placePlane(all: Voxels, dims: Vec3, t: number, axis: number, index: number, plane: Voxels): void {
  const [cx, cy, cz] = dims;
  const base = t * cx * cy * cz;
  if (axis === 2) {
    all.set(plane as never, base + index * cx * cy);
  } else if (axis === 1) {
    // Plane axes (i, k): one row of cx per k.
    for (let k = 0; k < cz; k++) all.set(plane.subarray(k * cx, (k + 1) * cx) as never, base + (k * cy + index) * cx);
  } else {
    // Plane axes (j, k): one voxel per row.
    for (let k = 0; k < cz; k++) for (let j = 0; j < cy; j++) all[base + (k * cy + j) * cx + index] = plane[k * cy + j];
  }
}
