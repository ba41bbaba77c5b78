/**
 * Reads a volume the host streams while it builds it (`/blob/volume-stream/<itemId>`, records in
 * core/medical/volume-stream.ts) into the viewer's voxel buffer, plane by plane, and keeps which
 * planes are present: the views draw what has landed and mark the rest as loading.
 */
import type { VolumeHeader } from '../../../preload/contract';
import { placePlane, RECORD, RecordParser, type StreamRecord } from '../../../core/medical/volume-stream';
import { testHookValue } from '../../testHooks';

export interface StreamProgress {
  /** Canonical axis the planes run along (2 for an axial acquisition). */
  axis: number;
  /** Per timepoint, 1 where plane `index` along `axis` is in the buffer. */
  loaded: Uint8Array[];
  /** Planes received / expected (all timepoints). */
  received: number;
  total: number;
  /** Source slices decoded on the host (PROGRESS records): the bar, also when bytes come later. */
  decoded: number;
  decodedBy: number[];
  complete: boolean;
}

export type StreamEnd = { kind: 'done'; header: VolumeHeader } | { kind: 'fail'; message: string; errors: { file: string; message: string }[]; reload: boolean };

export function initialProgress(h: VolumeHeader): StreamProgress {
  const axis = h.reorient.perm.indexOf(2);
  return { axis, loaded: Array.from({ length: h.timepoints }, () => new Uint8Array(h.dims[axis])), received: 0, total: h.dims[axis] * h.timepoints, decoded: 0, decodedBy: new Array(h.timepoints).fill(0), complete: false };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Fill `all` (every timepoint, header dims) from the stream; `onPlanes` after each chunk that
 * brought planes or progress. Resolves with the end record; rejects when aborted or cut off.
 */
export async function readVolumeStream(
  itemId: string,
  header: VolumeHeader,
  all: Int16Array,
  progress: StreamProgress,
  signal: AbortSignal,
  onPlanes: (firstPlane: Int16Array | null) => void,
): Promise<StreamEnd> {
  const res = await fetch(`/blob/volume-stream/${itemId}`, { signal });
  if (!res.ok || !res.body) throw new Error(`${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const parser = new RecordParser();
  let end: StreamEnd | null = null as StreamEnd | null;
  const decoder = new TextDecoder();
  let first: Int16Array | null = null;
  let changed = false;
  const handle = (r: StreamRecord) => {
    if (r.kind === RECORD.PLANE) {
      const p = r.payload;
      // Int16 views need an even offset; a record may start anywhere in a chunk.
      const plane = p.byteOffset % 2 === 0 ? new Int16Array(p.buffer, p.byteOffset, p.length >> 1) : new Int16Array(p.slice().buffer);
      placePlane(all, header.dims, r.timepoint, r.axis, r.index, plane);
      if (!progress.loaded[r.timepoint][r.index]) {
        progress.loaded[r.timepoint][r.index] = 1;
        progress.received++;
      }
      if (progress.received === 1) first = plane;
      changed = true;
    } else if (r.kind === RECORD.PROGRESS) {
      progress.decodedBy[r.timepoint] = Math.max(progress.decodedBy[r.timepoint] ?? 0, r.index);
      progress.decoded = progress.decodedBy.reduce((a, b) => a + b, 0);
      changed = true;
    } else if (r.kind === RECORD.DONE) {
      end = { kind: 'done', header: JSON.parse(decoder.decode(r.payload)) as VolumeHeader };
    } else if (r.kind === RECORD.FAIL) {
      const f = JSON.parse(decoder.decode(r.payload));
      end = { kind: 'fail', message: f.message, errors: f.errors ?? [], reload: !!f.reload };
    }
  };
  const flush = () => {
    if (changed) onPlanes(first);
    first = null;
    changed = false;
  };
  const held: StreamRecord[] = [];
  while (!end) {
    const { value, done } = await reader.read();
    if (done) break;
    // Test builds only: a test holds the stream after N planes to look at the loading state.
    if (testHookValue<number>('__datumMedicalStreamHold') === undefined && held.length === 0) {
      parser.push(value, handle);
      flush();
      continue;
    }
    parser.push(value, (r) => held.push({ ...r, payload: r.payload.slice() }));
    while (held.length && !end) {
      for (let hold = testHookValue<number>('__datumMedicalStreamHold'); hold !== undefined && progress.received >= hold; hold = testHookValue<number>('__datumMedicalStreamHold')) {
        flush();
        if (signal.aborted) throw new DOMException('aborted', 'AbortError');
        await sleep(30);
      }
      handle(held.shift()!);
    }
    flush();
  }
  if (!end) throw new Error('the volume stream was cut off before the volume was complete');
  const e = end as StreamEnd;
  if (e.kind === 'done') {
    if (progress.received !== progress.total) throw new Error(`the volume stream ended with ${progress.received} of ${progress.total} planes`);
    progress.complete = true;
  }
  return e;
}
