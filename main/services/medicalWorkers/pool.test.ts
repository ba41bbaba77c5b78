/**
 * The worker-thread volume fill (pool.ts + core fillSliceTask) against the calling-thread path:
 * byte-identical volumes, identical ranges, errors and slice order, on the real samples (every
 * stack of ../shared/data/dicom: uncompressed, big endian, RLE, JPEG-LS, JPEG 2000, 1-bit...) and
 * on generated series (signed/unsigned, junk above Bits Stored, slope/intercept, RLE, JPEG
 * Lossless, baseline JPEG); a corrupt slice reported by name as on the calling thread; a thread
 * that dies fails its load naming the file, and the pool's next load works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { buildVolume, type DicomStack, type GroupedDicom, type VolumeResult } from '../../../core/medical/series';
import { el, newUid, writePart10 } from '../../../core/medical/dicom-writer';
import { SOP_CLASS, TRANSFER_SYNTAX } from '../../../core/medical/dicom';
import { filePixelReader, groupDicomFolder } from '../dicomFiles';
import { MedicalWorkerPool, defaultWorkerUrl } from './pool';
import { registerHostCodecs } from '../medicalCodecs';
import { DATA, HAS_DATA, SKIP_REASON } from '../../../tests/support/medical-data';
import { VARIANTS, writeSeries } from '../../../tests/support/dicom-series';

if (!HAS_DATA) console.warn(SKIP_REASON);
// The host's codecs (12-bit JPEG) on this thread too, as medical.ts registers them; the threads do in worker.ts.
registerHostCodecs();

function listAll(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel))
    .flatMap((e) => {
      const r = rel ? `${rel}/${e}` : e;
      return statSync(path.join(root, r)).isDirectory() ? listAll(root, r) : [r];
    })
    .sort();
}
const stacksOf = (g: GroupedDicom) => g.studies.flatMap((st) => st.series.flatMap((se) => se.stacks));
const bytesOf = (r: VolumeResult) => Buffer.from(r.volume.data.buffer, r.volume.data.byteOffset, r.volume.data.byteLength);

// minVoxels 0: every grey stack goes to the threads, however small (the real samples are).
const pool = new MedicalWorkerPool({ size: 2, minVoxels: 0 });
// Threads up before the comparisons: until then the calling thread fills slices itself, and the
// point here is what the threads compute.
beforeAll(async () => {
  pool.warm();
  for (let t = 0; pool.readyThreads < 2 && t < 600; t++) await new Promise((r) => setTimeout(r, 100));
}, 90_000);
afterAll(() => pool.close());

/** Which slices the threads reported, per build (the calling-thread path reports them too). */
async function build(stack: DicomStack, root: string, threads: boolean): Promise<{ result: VolumeResult | Error; ready: number[] }> {
  const ready: number[] = [];
  const views = new Map<number, Int16Array>();
  const result = await buildVolume(stack, filePixelReader(root, { pool: threads ? pool : null }), {
    onSliceReady: (k, voxels) => {
      ready.push(k);
      if (voxels) views.set(k, voxels.slice());
    },
  }).catch((e: Error) => e);
  // The voxels handed with each ready slice are that slice of the finished Int16 volume.
  if (!(result instanceof Error) && result.volume.data instanceof Int16Array && result.errors.length === 0) {
    const n = result.volume.dims[0] * result.volume.dims[1];
    expect(views.size).toBe(ready.length);
    for (const [k, v] of views) expect(Buffer.from(v.buffer).equals(Buffer.from(result.volume.data.buffer, result.volume.data.byteOffset + k * n * 2, n * 2)), `slice ${k}`).toBe(true);
  }
  return { result, ready };
}

/** Both paths on every stack of a folder; returns how many stacks the threads filled. */
async function compareFolder(root: string): Promise<{ stacks: number; threaded: number }> {
  const names = listAll(root);
  const stacks = stacksOf(await groupDicomFolder(root, names, { pool: null }));
  let threaded = 0;
  for (const stack of stacks) {
    const one = await build(stack, root, false);
    const filledBefore = pool.slicesFilled;
    const many = await build(stack, root, true);
    const byThreads = pool.slicesFilled - filledBefore;
    if (one.result instanceof Error) {
      expect(many.result).toBeInstanceOf(Error);
      expect((many.result as Error).message).toBe(one.result.message);
      continue;
    }
    if (many.result instanceof Error) throw many.result;
    const [a, b] = [one.result, many.result];
    const shared = b.volume.data.buffer instanceof SharedArrayBuffer;
    if (shared) {
      threaded++;
      // Every slice came from a thread (none from the calling thread's start-up help).
      expect(byThreads).toBe(one.result.volume.dims[2] + one.result.errors.length);
    }
    const where = stack.images[0].info.file;
    expect(b.volume.data.constructor, where).toBe(a.volume.data.constructor);
    expect(b.volume.dims, where).toEqual(a.volume.dims);
    expect(bytesOf(b).equals(bytesOf(a)), `voxels of ${where}`).toBe(true);
    expect(b.range, where).toEqual(a.range);
    expect(b.errors, where).toEqual(a.errors);
    expect(b.warnings, where).toEqual(a.warnings);
    expect(b.volume.sliceUids, where).toEqual(a.volume.sliceUids);
    expect(b.volume.affine, where).toEqual(a.volume.affine);
    expect(b.volume.window, where).toEqual(a.volume.window);
    // Every slice that made it into the volume was reported ready, once, by the path that built it.
    const kept = a.volume.dims[2];
    if (shared) expect(new Set(many.ready).size).toBe(many.ready.length);
    expect(new Set(many.ready).size).toBe(kept);
  }
  return { stacks: stacks.length, threaded };
}

describe('medical worker pool', () => {
  it('runs the TypeScript worker entry under vitest; both threads are up', () => {
    expect(defaultWorkerUrl().pathname).toMatch(/main\/services\/medicalWorkers\/worker\.ts$/);
    expect(pool.readyThreads).toBe(2);
  });

  describe.skipIf(!HAS_DATA)('real samples: threads give the calling thread’s volumes byte for byte', () => {
    for (const folder of ['single', 'series', 'mr3slice', 'seg']) {
      it(`dicom/${folder}`, async () => {
        const r = await compareFolder(path.join(DATA, 'dicom', folder));
        expect(r.stacks).toBeGreaterThan(0);
        // Colour and fractional-rescale stacks stay on the calling thread; the rest took the threads.
        expect(r.threaded).toBeGreaterThan(0);
      }, 120_000);
    }
  });

  describe('generated 512x512 series', () => {
    let tmp = '';
    beforeAll(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'datum-medpool-'));
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    const fresh = (name: string) => {
      const dir = path.join(tmp, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      return dir;
    };

    VARIANTS.forEach((v, i) => {
      it(v.name, async () => {
        const dir = fresh(`v${i}`);
        writeSeries(dir, v, 6);
        const r = await compareFolder(dir);
        expect(r.stacks).toBe(1);
        // Fractional rescales need Float32 (known from the headers); values that leave Int16 are
        // found by the threads, and the calling thread builds the Float32 volume: no SharedArrayBuffer.
        const float = v.slope % 1 !== 0 || typeof v.intercept === 'function' || (!v.signed && v.bitsStored === 16);
        expect(r.threaded).toBe(float ? 0 : 1);
      }, 120_000);
    });

    it.skipIf(!HAS_DATA)('baseline JPEG (8-bit grey, libjpeg-turbo in the threads)', async () => {
      const dir = fresh('jpeg');
      const photo = readFileSync(path.join(DATA, 'images', 'coco139', '000000000139.jpg'));
      const study = newUid();
      const series = newUid();
      for (let k = 0; k < 5; k++) {
        // A different real 256x256 grey crop per slice, encoded as baseline JPEG.
        const jpeg = await sharp(photo).extract({ left: 40 * k, top: 20 * k, width: 256, height: 256 }).greyscale().jpeg({ quality: 90 }).toBuffer();
        const sop = newUid();
        const bytes = writePart10(
          [
            el(0x00080016, 'UI', SOP_CLASS.ctImage),
            el(0x00080018, 'UI', sop),
            el(0x00080060, 'CS', 'CT'),
            el(0x0020000d, 'UI', study),
            el(0x0020000e, 'UI', series),
            el(0x00200013, 'IS', k + 1),
            el(0x00200032, 'DS', [0, 0, k * 3]),
            el(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
            el(0x00280002, 'US', 1),
            el(0x00280004, 'CS', 'MONOCHROME2'),
            el(0x00280010, 'US', 256),
            el(0x00280011, 'US', 256),
            el(0x00280030, 'DS', [1, 1]),
            el(0x00280100, 'US', 8),
            el(0x00280101, 'US', 8),
            el(0x00280102, 'US', 7),
            el(0x00280103, 'US', 0),
            el(0x00281052, 'DS', -100),
            el(0x00281053, 'DS', 3),
            el(0x7fe00010, 'OB', { encapsulated: [new Uint8Array(jpeg)] }),
          ],
          SOP_CLASS.ctImage,
          sop,
          { transferSyntaxUid: TRANSFER_SYNTAX.jpegBaseline },
        );
        writeFileSync(path.join(dir, `s${4 - k}.dcm`), bytes);
      }
      const r = await compareFolder(dir);
      expect(r).toEqual({ stacks: 1, threaded: 1 });
    }, 120_000);

    it('a corrupt slice is reported by file name as on the calling thread; the pool goes on', async () => {
      const dir = fresh('corrupt');
      writeSeries(dir, VARIANTS[0], 8);
      const names = readdirSync(dir).sort();
      const bad = names[3];
      truncateSync(path.join(dir, bad), statSync(path.join(dir, bad)).size - 1000);
      const stack = stacksOf(await groupDicomFolder(dir, names, { pool: null }))[0];
      const before = pool.slicesFilled;
      const many = await build(stack, dir, true);
      if (many.result instanceof Error) throw many.result;
      // The threads filled every slice (the failed one dropped after: the volume is compacted into a copy).
      expect(pool.slicesFilled - before).toBe(8);
      expect(many.result.errors).toHaveLength(1);
      expect(many.result.errors[0].file).toBe(bad);
      expect(many.result.errors[0].message).toMatch(/Pixel Data holds \d+ bytes/);
      expect(many.result.volume.dims[2]).toBe(7);
      expect(many.ready).toHaveLength(7);
      await compareFolder(dir);
    }, 120_000);

    it('a thread that dies fails its load naming the file; the pool replaces it and the next load works', async () => {
      const crashing = new MedicalWorkerPool({ size: 2, minVoxels: 0, workerUrl: pathToFileURL(path.resolve('tests/support/medical-crash-worker.ts')) });
      try {
        // Both threads up first: until then the calling thread would fill slices (that file too) itself.
        crashing.warm();
        await expect.poll(() => crashing.readyThreads, { timeout: 60_000 }).toBe(2);
        const dir = fresh('crash');
        writeSeries(dir, VARIANTS[0], 6);
        const names = readdirSync(dir).sort();
        renameSync(path.join(dir, names[2]), path.join(dir, 'crash-thread.dcm'));
        const all = readdirSync(dir).sort();
        const stack = stacksOf(await groupDicomFolder(dir, all, { pool: null }))[0];
        const failed = await buildVolume(stack, filePixelReader(dir, { pool: crashing })).catch((e: Error) => e);
        expect(failed).toBeInstanceOf(Error);
        expect((failed as Error).message).toMatch(/^crash-thread\.dcm: the decoding thread stopped \(exit code 7\)/);
        expect(crashing.problem).toBeNull();

        expect(crashing.readyThreads).toBe(1); // one thread left, its replacement starts with the next load
        renameSync(path.join(dir, 'crash-thread.dcm'), path.join(dir, names[2]));
        const again = stacksOf(await groupDicomFolder(dir, names, { pool: null }))[0];
        const next = await buildVolume(again, filePixelReader(dir, { pool: crashing }));
        const reference = await buildVolume(again, filePixelReader(dir, { pool: null }));
        expect(next.volume.data.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(bytesOf(next).equals(bytesOf(reference))).toBe(true);
        expect(crashing.threads).toBeGreaterThan(0);
      } finally {
        await crashing.close();
      }
    }, 120_000);

    it('threads that cannot start leave the build to the calling thread, same voxels', async () => {
      const missing = new MedicalWorkerPool({ size: 1, minVoxels: 0, workerUrl: pathToFileURL(path.join(tmp, 'no-such-worker.js')) });
      try {
        const dir = fresh('nothreads');
        writeSeries(dir, VARIANTS[1], 3);
        const stack = stacksOf(await groupDicomFolder(dir, readdirSync(dir).sort(), { pool: null }))[0];
        const r = await buildVolume(stack, filePixelReader(dir, { pool: missing }));
        const reference = await buildVolume(stack, filePixelReader(dir, { pool: null }));
        expect(bytesOf(r).equals(bytesOf(reference))).toBe(true);
        await expect.poll(() => missing.problem, { timeout: 30_000 }).toMatch(/cannot start/);
        expect(missing.slicesFilled).toBe(0);
        // Known unusable: the next build goes straight to the calling-thread path.
        const next = await buildVolume(stack, filePixelReader(dir, { pool: missing }));
        expect(next.volume.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
        expect(bytesOf(next).equals(bytesOf(reference))).toBe(true);
      } finally {
        await missing.close();
      }
    }, 60_000);

    it('a small series stays on the calling thread below the cut-off', async () => {
      const dir = fresh('small');
      writeSeries(dir, VARIANTS[0], 3);
      const stack = stacksOf(await groupDicomFolder(dir, readdirSync(dir).sort(), { pool: null }))[0];
      const defaults = new MedicalWorkerPool();
      try {
        const r = await buildVolume(stack, filePixelReader(dir, { pool: defaults }));
        expect(r.volume.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
        expect(defaults.threads).toBe(0);
      } finally {
        await defaults.close();
      }
    });
  });
});
