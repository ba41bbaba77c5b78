/**
 * Streamed opening of DICOM volumes (medicalStream.ts): the header comes before any voxel, every
 * plane arrives and the assembled volume equals the whole decode byte for byte (axial, sagittal,
 * 4D), a slice that fails mid-way ends the stream with a reload naming the file, and a viewer
 * that leaves cancels the build. Reads are held back by a gated reader, so nothing here depends
 * on timing.
 */
import { mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MedicalService, volumeFile } from './medical';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { serveBlob } from './blobs';
import { filePixelReader } from './dicomFiles';
import { MedicalWorkerPool } from './medicalWorkers/pool';
import { syntheticCtSeries } from '../../core/medical/synthetic';
import { geometryFixtureFiles, syntheticRtDose } from '../../core/medical/synthetic-geometry';
import { placePlane, RECORD, RecordParser, type StreamRecord } from '../../core/medical/volume-stream';
import type { PixelReader } from '../../core/medical/series';
import type { VolumeHeader } from '../../preload/contract';

/** A file reader whose reads wait until `release(n)` lets n more through. */
function gatedReader() {
  let allowed = 0;
  let reads = 0;
  const waiters: (() => void)[] = [];
  const gate = async () => {
    while (reads >= allowed) await new Promise<void>((r) => waiters.push(r));
    reads++;
  };
  const wake = () => waiters.splice(0).forEach((w) => w());
  return {
    reader: (root: string): PixelReader => {
      const base = filePixelReader(root);
      return {
        readInto: async (f, into, pos) => (await gate(), base.readInto(f, into, pos)),
        readAll: async (f) => (await gate(), base.readAll(f)),
      };
    },
    release(n = Infinity) {
      allowed = reads + n;
      wake();
    },
    get reads() {
      return reads;
    },
  };
}

async function project(files: { rel: string; bytes: Uint8Array }[], reader?: (root: string) => PixelReader) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-medstream-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.rel)), { recursive: true });
    writeFileSync(path.join(dir, f.rel), f.bytes);
  }
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const items = projects.listItems({ offset: 0, limit: 100 }).items;
  const byName = (n: string) => items.find((i) => i.name === n)!.id;
  return { dir, projects, medical: new MedicalService(projects, { reader }), byName };
}

/** Reads a stream body record by record (copying payloads) until it ends. */
function records(body: Readable) {
  const parser = new RecordParser();
  const got: StreamRecord[] = [];
  const listeners: (() => void)[] = [];
  let ended = false;
  body.on('data', (chunk: Buffer) => {
    parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), (r) => got.push({ ...r, payload: r.payload.slice() }));
    listeners.splice(0).forEach((l) => l());
  });
  body.on('end', () => {
    ended = true;
    listeners.splice(0).forEach((l) => l());
  });
  const until = async (pred: () => boolean) => {
    while (!pred()) {
      if (ended) throw new Error('stream ended first');
      await new Promise<void>((r) => listeners.push(r));
    }
  };
  return { got, until, parser, get ended() {
    return ended;
  } };
}

/** Every plane record placed into a volume laid out as the header says. */
function assemble(h: VolumeHeader, recs: StreamRecord[]): Int16Array {
  const per = h.dims[0] * h.dims[1] * h.dims[2];
  const all = new Int16Array(per * h.timepoints);
  for (const r of recs) if (r.kind === RECORD.PLANE) placePlane(all, h.dims, r.timepoint, r.axis, r.index, new Int16Array(r.payload.buffer, r.payload.byteOffset, r.payload.length / 2));
  return all;
}

/** Byte equality (vitest's deep equality walks big typed arrays element by element). */
const sameBytes = (a: Int16Array, b: Int16Array) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

const ctFiles = (o: Parameters<typeof syntheticCtSeries>[0], folder: string) => syntheticCtSeries(o).map((f) => ({ rel: `${folder}/${f.name}`, bytes: f.bytes }));

describe('streamed volume opening', () => {
  it('answers with the header before any voxel, sends the middle slice first and every plane, identical to the whole decode', async () => {
    const gate = gatedReader();
    // 128² slices: files over the 32 KB header read, so the pixels go through the reader.
    const files = ctFiles({ size: 128, slices: 24, spacing: 0.8, sliceThickness: 1.5 }, 'ct');
    const { projects, medical, byName, dir } = await project(files, gate.reader);
    const id = byName('ct');
    // The route checks the id like /blob/volume, and streams only what medical.open started.
    expect((await serveBlob(projects, '/blob/volume-stream/..%2F..%2Fetc', undefined)).status).toBe(404);
    expect((await serveBlob(projects, `/blob/volume-stream/${id}`, undefined)).status).toBe(404);
    const h = await medical.open(id);
    // Not one pixel read yet: the header came from the parsed headers alone.
    expect(gate.reads).toBe(0);
    expect(h).toMatchObject({ loading: true, dims: [128, 128, 24], dtype: 'int16', modality: 'CT', timepoints: 1, errors: [] });
    const blob = await serveBlob(projects, `/blob/volume-stream/${id}`, undefined);
    expect(blob.status).toBe(200);
    const s = records(blob.body as Readable);
    gate.release(1); // the middle slice, decoded alone
    await s.until(() => s.got.some((r) => r.kind === RECORD.PLANE));
    expect(s.got.filter((r) => r.kind === RECORD.PLANE).map((r) => [r.axis, r.index])).toEqual([[2, 12]]);
    gate.release(5);
    await s.until(() => s.got.filter((r) => r.kind === RECORD.PROGRESS).length === 5);
    // Progressive: planes 0..4 are there, the end is not.
    expect(s.got.filter((r) => r.kind === RECORD.PLANE).map((r) => r.index)).toEqual([12, 0, 1, 2, 3, 4]);
    expect(s.got.some((r) => r.kind === RECORD.DONE)).toBe(false);
    gate.release();
    await s.until(() => s.ended);
    const done = s.got.at(-1)!;
    expect(done.kind).toBe(RECORD.DONE);
    const final = JSON.parse(Buffer.from(done.payload).toString()) as VolumeHeader;
    expect(final.range[0]).toBeLessThan(final.range[1]);
    expect(final.dims).toEqual(h.dims);
    // Every plane; the middle one twice (decoded ahead, then the build's own).
    const planes = s.got.filter((r) => r.kind === RECORD.PLANE).map((r) => r.index);
    expect(new Set(planes).size).toBe(24);
    expect(planes.filter((i) => i === 12)).toHaveLength(2);
    // The whole decode of the same files, without streaming, byte for byte; and /blob/volume now serves it.
    const whole = await project(files);
    const wh = await whole.medical.openComplete(whole.byName('ct'));
    expect(final.range).toEqual(wh.range);
    const ref = new Int16Array(new Uint8Array(readFileSync(volumeFile(whole.dir, whole.byName('ct')))).buffer);
    expect(sameBytes(assemble(h, s.got), ref)).toBe(true);
    expect((await serveBlob(projects, `/blob/volume/${id}`, undefined)).status).toBe(200);
    expect(sameBytes(new Int16Array(new Uint8Array(readFileSync(volumeFile(dir, id))).buffer), ref)).toBe(true);
    expect((await medical.open(id)).loading).toBeUndefined(); // decoded now: answered whole
  });

  it('streams a sagittal series as sagittal planes and a 4D series per timepoint, identical to the whole decode', async () => {
    const files = geometryFixtureFiles();
    const streamed = await project(files);
    const whole = await project(files);
    for (const name of ['sagittal', 'dynamic']) {
      const id = streamed.byName(name);
      const h = await streamed.medical.open(id);
      expect(h.loading).toBe(true);
      const s = records((await serveBlob(streamed.projects, `/blob/volume-stream/${id}`, undefined)).body as Readable);
      await s.until(() => s.ended);
      expect(s.got.at(-1)!.kind).toBe(RECORD.DONE);
      const planes = s.got.filter((r) => r.kind === RECORD.PLANE);
      expect(new Set(planes.map((r) => `${r.timepoint}:${r.axis}:${r.index}`)).size).toBe(h.sourceDims[2] * h.timepoints);
      if (name === 'sagittal') expect(new Set(planes.map((r) => r.axis))).toEqual(new Set([0])); // source slices are sagittal planes
      if (name === 'dynamic') expect(h.timepoints).toBe(3);
      const wid = whole.byName(name);
      await whole.medical.openComplete(wid);
      expect(sameBytes(assemble(h, s.got), new Int16Array(new Uint8Array(readFileSync(volumeFile(whole.dir, wid))).buffer))).toBe(true);
    }
  });

  it('a multi-frame file sends its middle frame first, and it holds that frame\'s voxels', async () => {
    const offsets = [0, 5, 10, 15, 20, 25, 30, 35, 40];
    const dose = syntheticRtDose(offsets, 1); // integral scaling
    // Pixel Data is the file's tail: frame f := (f + 1) · 100 everywhere (the generator's hot spot
    // above 32767 would make the volume Float32, which opens whole).
    const frame = 8 * 6;
    const px = new DataView(dose.bytes.buffer, dose.bytes.byteOffset + dose.bytes.length - frame * offsets.length * 2, frame * offsets.length * 2);
    for (let i = 0; i < frame * offsets.length; i++) px.setUint16(i * 2, (Math.floor(i / frame) + 1) * 100, true);
    const { medical, projects, byName } = await project([{ rel: 'dose9/rtdose.dcm', bytes: dose.bytes }]);
    const id = byName('dose9/rtdose.dcm');
    const h = await medical.open(id);
    expect(h.loading).toBe(true);
    expect(h.sourceDims[2]).toBe(9);
    const s = records((await serveBlob(projects, `/blob/volume-stream/${id}`, undefined)).body as Readable);
    await s.until(() => s.ended);
    expect(s.got.at(-1)!.kind).toBe(RECORD.DONE);
    const planes = s.got.filter((r) => r.kind === RECORD.PLANE);
    const first = planes[0];
    const again = planes.filter((r) => r.axis === first.axis && r.index === first.index);
    expect(again).toHaveLength(2); // decoded ahead, then the build's own
    expect(Buffer.compare(Buffer.from(again[0].payload), Buffer.from(again[1].payload))).toBe(0);
    expect(first.index).toBe(Math.floor(h.dims[first.axis] / 2));
    // Frame f holds (f + 1) * 100 everywhere: the early plane is the middle frame, not frame 0.
    expect(new Int16Array(again[0].payload.slice().buffer)[0]).not.toBe(100);
  });

  it('a slice that fails mid-way ends the stream with a reload naming the file; the reopened volume lists it', async () => {
    const files = ctFiles({ size: 256, slices: 10 }, 'broken');
    const { medical, projects, byName, dir } = await project(files);
    // Cut one file inside its pixel data: its header still parses (the first 32 KB), its frame is short.
    const victim = files[3].rel;
    truncateSync(path.join(dir, victim), 100_000);
    const id = byName('broken');
    const h = await medical.open(id);
    expect(h.loading).toBe(true);
    expect(h.dims[2]).toBe(10);
    const s = records((await serveBlob(projects, `/blob/volume-stream/${id}`, undefined)).body as Readable);
    await s.until(() => s.ended);
    const end = s.got.at(-1)!;
    expect(end.kind).toBe(RECORD.FAIL);
    const fail = JSON.parse(Buffer.from(end.payload).toString());
    expect(fail.reload).toBe(true);
    expect(fail.message).toContain(path.basename(victim));
    expect(fail.errors[0].file).toContain(path.basename(victim));
    const again = await medical.open(id);
    expect(again.loading).toBeUndefined();
    expect(again.dims[2]).toBe(9);
    expect(again.errors.map((e) => e.file).join()).toContain(path.basename(victim));
  });

  it('a viewer that leaves cancels the build; the volume still opens afterwards', async () => {
    const gate = gatedReader();
    const { medical, projects, byName } = await project(ctFiles({ size: 128, slices: 30 }, 'ct'), gate.reader);
    const id = byName('ct');
    await medical.open(id);
    const body = (await serveBlob(projects, `/blob/volume-stream/${id}`, undefined)).body as Readable;
    const s = records(body);
    gate.release(3);
    await s.until(() => s.got.some((r) => r.kind === RECORD.PROGRESS));
    body.destroy(); // the viewer switched item
    gate.release();
    // Let the cancelled build drain: its reader throws before reading, so the count stops.
    let before = -1;
    while (before !== gate.reads) {
      before = gate.reads;
      await new Promise((r) => setTimeout(r, 50));
    }
    const readsAtCancel = gate.reads;
    expect(readsAtCancel).toBeLessThanOrEqual(1 + 4); // the middle slice + the reads let through, not 30
    const h = await medical.openComplete(id);
    expect(h.loading).toBeUndefined();
    expect(h.dims).toEqual([128, 128, 30]);
    expect(gate.reads - readsAtCancel).toBe(30); // decoded afresh: the cancelled build left nothing behind
    // A late viewer of the cancelled build is told to reload, never left waiting.
    expect((await medical.open(id)).loading).toBeUndefined();
  });

  it('through the worker threads (which read the files themselves) every plane is streamed from the slices they fill, identical to the whole decode', async () => {
    const pool = new MedicalWorkerPool({ size: 2, minVoxels: 0 });
    try {
      const files = ctFiles({ size: 128, slices: 24, spacing: 0.8, sliceThickness: 1.5 }, 'ct');
      const threaded = await project(files, (root) => filePixelReader(root, { pool }));
      const id = threaded.byName('ct');
      const h = await threaded.medical.open(id);
      expect(h.loading).toBe(true);
      const s = records((await serveBlob(threaded.projects, `/blob/volume-stream/${id}`, undefined)).body as Readable);
      await s.until(() => s.ended);
      expect(s.got.at(-1)!.kind).toBe(RECORD.DONE);
      // Planes went out while the threads filled slices (interleaved with the progress records), not
      // all from the finished volume after the last one.
      const lastProgress = s.got.map((r) => r.kind).lastIndexOf(RECORD.PROGRESS);
      const early = s.got.filter((r, i) => r.kind === RECORD.PLANE && i < lastProgress);
      expect(new Set(early.map((r) => r.index)).size).toBeGreaterThan(1);
      expect(new Set(s.got.filter((r) => r.kind === RECORD.PLANE).map((r) => r.index)).size).toBe(24);
      const whole = await project(files, (root) => filePixelReader(root, { pool: null }));
      const wid = whole.byName('ct');
      await whole.medical.openComplete(wid);
      expect(sameBytes(assemble(h, s.got), new Int16Array(new Uint8Array(readFileSync(volumeFile(whole.dir, wid))).buffer))).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
