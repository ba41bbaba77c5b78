/**
 * One volume being built, streamed to its viewers as slices land (`/blob/volume-stream/<itemId>`,
 * record format in core/medical/volume-stream.ts).
 *
 * Where the bytes come from: buildVolume's fast path reads each raw 16-bit frame through the
 * PixelReader *straight into its slice of the volume buffer* (the reader's documented contract) and
 * rescales it there; this wrapper keeps the view it was handed, and when `onSliceReady(k)` says
 * slice k is final, the view of slice k is that slice's final voxels. A slice that took another
 * path (compressed, 8-bit, Float32) has no view: only its progress is sent, and its bytes follow
 * from the finished volume. Bytes are copied out when a viewer pulls them (no second volume in
 * memory while a slow viewer reads).
 *
 * If the built volume differs from the header the viewer laid out (a slice left out, Float32
 * voxels, other geometry), the stream ends with a FAIL record asking for a reload: the host then
 * has the whole volume and serves it as before. A viewer that disconnects while the volume is
 * being built cancels the build when it was the last one (the reader then throws).
 */
import { Readable } from 'node:stream';
import type { PixelReader } from '../../core/medical/series';
import { encodeRecordHeader, planeOfSourceSlice, RECORD, sliceAxis } from '../../core/medical/volume-stream';
import type { Vec3, VoxelArray } from '../../core/medical/types';

/** Longest stretch the build runs without letting the stream's writes out. */
const YIELD_MS = 8;

export class BuildCancelled extends Error {
  constructor() {
    super('the volume build was cancelled');
  }
}

type Event = { kind: 'plane'; t: number; k: number; early?: boolean } | { kind: 'progress'; t: number; n: number } | { kind: 'end'; record: Buffer };

export interface StreamLayout {
  /** Canonical (display) dims; `sourceDims` the stored grid's. */
  dims: Vec3;
  sourceDims: Vec3;
  reorient: { perm: readonly number[]; flip: readonly boolean[] };
  timepoints: number;
}

export class VolumeStream {
  private readonly events: Event[] = [];
  private readonly waiting = new Set<() => void>();
  /** Per timepoint: source slice k -> its bytes inside the volume buffer being filled. */
  private readonly views: Map<number, Uint8Array>[];
  /** (t, k) already queued (the middle slice goes first and is not sent twice). */
  private readonly queued: Set<number>[];
  private readonly ready: number[];
  /** Source-grid voxels of the finished volume, every timepoint contiguous. */
  private final: VoxelArray | null = null;
  private consumers = 0;
  private planesValid = true;
  ended = false;
  cancelled = false;
  /** Called once when the last viewer leaves before the end. */
  onCancel: (() => void) | null = null;
  private readonly sliceBytes: number;
  private readonly perSource: number;

  constructor(readonly layout: StreamLayout) {
    const [nx, ny, nz] = layout.sourceDims;
    this.perSource = nx * ny;
    this.sliceBytes = nx * ny * 2; // the fast path's Int16 slices
    this.views = Array.from({ length: layout.timepoints }, () => new Map());
    this.queued = Array.from({ length: layout.timepoints }, () => new Set());
    this.ready = new Array(layout.timepoints).fill(0);
    void nz;
  }

  private lastYield = performance.now();

  /**
   * The file reader resolves at once (synchronous reads), so buildVolume's loop would run as one
   * chain of microtasks and no socket write could happen until the volume is complete: give the
   * event loop a turn every YIELD_MS so the planes go out while the build goes on.
   */
  private async breathe(): Promise<void> {
    if (performance.now() - this.lastYield < YIELD_MS) return;
    await new Promise((r) => setImmediate(r));
    this.lastYield = performance.now();
  }

  /**
   * The reader buildVolume gets for timepoint t: the host's reader, with the views kept. The host's
   * worker threads (`parallel`) are passed through: on that path the threads read the files
   * themselves (no readInto here) and each slice comes with `onSliceReady(k, voxels)` instead;
   * the calling thread's event loop stays free meanwhile, so no breathing is needed, and a cancel
   * takes effect when the fill ends.
   */
  reader(t: number, base: PixelReader): PixelReader {
    const nz = this.layout.sourceDims[2];
    return {
      parallel: base.parallel,
      readInto: async (file, into, position) => {
        await this.breathe();
        if (this.cancelled) throw new BuildCancelled();
        const got = await base.readInto(file, into, position);
        // Only a view into a whole-volume buffer at a slice boundary is a slice of the output
        // (a scratch buffer would be overwritten by the next read).
        if (into.byteLength === this.sliceBytes && into.buffer.byteLength >= nz * this.sliceBytes && into.byteOffset % this.sliceBytes === 0) {
          this.views[t].set(into.byteOffset / this.sliceBytes, into);
        }
        return got;
      },
      readAll: async (file) => {
        await this.breathe();
        if (this.cancelled) throw new BuildCancelled();
        return base.readAll(file);
      },
    };
  }

  /**
   * buildVolume's onSliceReady for timepoint t. `voxels` is the slice's view of the Int16 output
   * volume when the build has one (the worker threads' path, whose reads do not pass through
   * `reader`'s readInto).
   */
  sliceReady(t: number, k: number, voxels?: Int16Array): void {
    if (voxels && voxels.byteLength === this.sliceBytes && !this.views[t].has(k)) this.views[t].set(k, new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength));
    this.ready[t]++;
    this.push({ kind: 'progress', t, n: this.ready[t] });
    if (this.views[t].has(k)) this.queuePlane(t, k);
  }

  /** Voxels of slices decoded ahead of the build, by `t:k`. */
  private readonly earlySlices = new Map<string, Int16Array>();

  /**
   * A slice decoded ahead of the build (the middle one, for the first image). It is sent again
   * when the build has it, so the volume the viewer ends with is always the build's.
   */
  early(t: number, k: number, voxels: Int16Array): void {
    this.earlySlices.set(`${t}:${k}`, voxels);
    this.push({ kind: 'plane', t, k, early: true });
  }

  /** The build matched the header: send the planes not sent yet from the finished voxels, then DONE. */
  finish(sourceVoxels: VoxelArray, header: unknown): void {
    this.final = sourceVoxels;
    const nz = this.layout.sourceDims[2];
    for (let t = 0; t < this.layout.timepoints; t++) for (let k = 0; k < nz; k++) this.queuePlane(t, k);
    this.end(RECORD.DONE, header);
  }

  /** The build failed, or made a volume other than the header said: no more planes. */
  fail(message: string, errors: { file: string; message: string }[], reload: boolean): void {
    this.planesValid = false;
    this.end(RECORD.FAIL, { message, errors, reload });
  }

  get viewers(): number {
    return this.consumers;
  }

  /** A body for one viewer: every record from the start (a late viewer catches up). */
  open(): Readable {
    let i = 0;
    let closedEarly = true;
    this.consumers++;
    const body = new Readable({
      highWaterMark: 4 << 20,
      read: () => pump(),
      destroy: (err, cb) => {
        this.waiting.delete(pump);
        this.consumers--;
        if (closedEarly && !this.ended && this.consumers === 0) this.cancel();
        cb(err);
      },
    });
    const pump = () => {
      this.waiting.delete(pump);
      while (i < this.events.length) {
        const ev = this.events[i++];
        if (ev.kind === 'end') {
          body.push(ev.record);
          closedEarly = false;
          body.push(null);
          return;
        }
        const rec = this.encode(ev);
        if (rec && !body.push(rec)) return;
      }
      this.waiting.add(pump);
    };
    return body;
  }

  private cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.onCancel?.();
  }

  private queuePlane(t: number, k: number): void {
    if (this.queued[t].has(k)) return;
    this.queued[t].add(k);
    this.push({ kind: 'plane', t, k });
  }

  private end(kind: number, payload: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const json = Buffer.from(JSON.stringify(payload));
    this.push({ kind: 'end', record: Buffer.concat([encodeRecordHeader(kind, 0, 0, 0, json.length), json]) });
  }

  private push(ev: Event): void {
    if (this.ended && ev.kind !== 'end') return;
    this.events.push(ev);
    for (const w of [...this.waiting]) w();
  }

  /** The record of one event; the plane's voxels are copied now, when a viewer pulls them. */
  private encode(ev: Exclude<Event, { kind: 'end' }>): Buffer | null {
    if (ev.kind === 'progress') return Buffer.from(encodeRecordHeader(RECORD.PROGRESS, ev.t, 0, ev.n, 0));
    if (!this.planesValid) return null;
    const { t, k } = ev;
    let slice: VoxelArray;
    if (ev.early) {
      slice = this.earlySlices.get(`${t}:${k}`)!;
    } else if (this.final) {
      const at = (t * this.layout.sourceDims[2] + k) * this.perSource;
      slice = this.final.subarray(at, at + this.perSource) as VoxelArray;
    } else {
      const view = this.views[t].get(k)!;
      slice = new Int16Array(view.buffer, view.byteOffset, this.perSource);
    }
    const { axis, index, plane } = planeOfSourceSlice(slice, this.layout.reorient, this.layout.dims, k);
    const bytes = new Uint8Array(plane.buffer, plane.byteOffset, plane.byteLength);
    const out = Buffer.allocUnsafe(20 + bytes.length);
    out.set(encodeRecordHeader(RECORD.PLANE, t, axis, index, bytes.length), 0);
    out.set(bytes, 20);
    return out;
  }
}

/** The source slice whose canonical plane is the one the viewer opens on (the middle one). */
export function middleSourceSlice(layout: Pick<StreamLayout, 'dims' | 'reorient'>): number {
  const axis = layout.reorient.perm.indexOf(2);
  const c = Math.floor(layout.dims[axis] / 2);
  return sliceAxis(layout.reorient, layout.dims, c).index; // the flip is its own inverse
}
