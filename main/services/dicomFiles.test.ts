/**
 * The fast volume path (headers first, raw 16-bit samples read from the file into the volume
 * and rescaled in place) must give the same volume, voxel for voxel, as decoding every frame of
 * whole files (decodeFrame + rescale, the previous path): on the real samples and on generated
 * 512x512xN series in uncompressed and compressed transfer syntaxes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildVolume, groupDicomFiles, rescaledFrame, type DicomStack, type GroupedDicom } from '../../core/medical/series';
import type { ParsedDicom } from '../../core/medical/dicom';
import { decodeFrame } from '../../core/medical/pixel-data';
import type { Volume } from '../../core/medical/types';
import { filePixelReader, groupDicomFolder } from './dicomFiles';
import { DATA, HAS_DATA, SKIP_REASON } from '../../tests/support/medical-data';
import { VARIANTS, writeSeries } from '../../tests/support/dicom-series';

if (!HAS_DATA) console.warn(SKIP_REASON);

function listAll(root: string, rel = ''): string[] {
  return readdirSync(path.join(root, rel))
    .flatMap((e) => {
      const r = rel ? `${rel}/${e}` : e;
      return statSync(path.join(root, r)).isDirectory() ? listAll(root, r) : [r];
    })
    .sort();
}

const stacksOf = (g: GroupedDicom) => g.studies.flatMap((st) => st.series.flatMap((se) => se.stacks));
const stackKey = (s: DicomStack) => s.images.map((i) => i.info.file).join('|');

/** The previous path, voxel by voxel: decodeFrame + m·v + b of each slice in the volume's order. */
async function reference(stack: DicomStack, volume: Volume): Promise<Float64Array> {
  const byUid = new Map<string, { image: ParsedDicom; frame: number }>();
  for (const image of stack.images) {
    const n = image.info.numberOfFrames;
    for (let f = 0; f < n; f++) byUid.set(n > 1 ? `${image.info.sopInstanceUid}#${f + 1}` : image.info.sopInstanceUid, { image, frame: f });
  }
  const [nx, ny, nz] = volume.dims;
  const out = new Float64Array(nx * ny * nz * volume.channels);
  for (let k = 0; k < nz; k++) {
    const { image, frame } = byUid.get(volume.sliceUids![k])!;
    const values = volume.channels === 3 ? (await decodeFrame(image, frame)).pixels : (await rescaledFrame(image, frame)).values;
    out.set(values, k * nx * ny * volume.channels);
  }
  return out;
}

/** Whole files vs header-first (prefix `headerBytes`): same stacks, same volumes, both = reference. */
async function compareFolder(root: string, headerBytes?: number): Promise<{ stacks: number; voxels: number; headerOnly: number }> {
  const names = listAll(root);
  const whole = groupDicomFiles(names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(root, name))) })));
  const fast = await groupDicomFolder(root, names, { headerBytes });
  expect(fast.errors).toEqual(whole.errors);
  expect(fast.skipped).toEqual(whole.skipped);
  const a = stacksOf(whole);
  const b = stacksOf(fast);
  expect(b.map(stackKey)).toEqual(a.map(stackKey));
  let voxels = 0;
  let headerOnly = 0;
  for (let s = 0; s < a.length; s++) {
    headerOnly += b[s].images.filter((i) => i.headerOnly).length;
    const va = await buildVolume(a[s]).catch((e: Error) => e);
    const vb = await buildVolume(b[s], filePixelReader(root)).catch((e: Error) => e);
    if (va instanceof Error) {
      expect(vb).toBeInstanceOf(Error);
      continue;
    }
    if (vb instanceof Error) throw vb;
    expect(vb.errors).toEqual(va.errors);
    expect(vb.volume.dims).toEqual(va.volume.dims);
    expect(vb.volume.affine).toEqual(va.volume.affine);
    expect(vb.volume.sliceUids).toEqual(va.volume.sliceUids);
    expect(vb.volume.window).toEqual(va.volume.window);
    expect(vb.volume.source).toEqual(va.volume.source);
    expect(vb.volume.data.constructor).toBe(va.volume.data.constructor);
    expect(Buffer.from(vb.volume.data.buffer, vb.volume.data.byteOffset, vb.volume.data.byteLength).equals(Buffer.from(va.volume.data.buffer, va.volume.data.byteOffset, va.volume.data.byteLength))).toBe(true);
    if (vb.range) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of vb.volume.data) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      expect(vb.range).toEqual([lo, hi]);
    }
    if (va.errors.length === 0) {
      const ref = await reference(a[s], va.volume);
      const got = Float64Array.from(va.volume.data);
      let mismatch = -1;
      for (let i = 0; i < ref.length && mismatch < 0; i++) if (got[i] !== ref[i]) mismatch = i;
      expect(mismatch, `first differing voxel in ${stackKey(a[s])}`).toBe(-1);
    }
    voxels += va.volume.data.length;
  }
  return { stacks: a.length, voxels, headerOnly };
}

describe.skipIf(!HAS_DATA)('fast volume path on the real samples', () => {
  for (const folder of ['single', 'series', 'mr3slice', 'seg']) {
    it(`dicom/${folder}: header-first volumes equal whole-file volumes and per-frame decoding`, async () => {
      const root = path.join(DATA, 'dicom', folder);
      // Short prefixes put the small samples on the header-only path (or its whole-file retry
      // when the header is longer than the prefix).
      const runs = [await compareFolder(root, 2048), await compareFolder(root, 12 * 1024), await compareFolder(root)];
      expect(runs[0].stacks).toBeGreaterThan(0);
      for (const r of runs) expect(r.voxels).toBe(runs[0].voxels);
      expect(runs.reduce((n, r) => n + r.headerOnly, 0)).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe('fast volume path on generated 512x512xN series', () => {
  let tmp = '';
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'datum-dicomfiles-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  VARIANTS.forEach((v, i) => {
    it(v.name, async () => {
      const dir = path.join(tmp, String(i));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      writeSeries(dir, v, 4);
      const r = await compareFolder(dir);
      expect(r.stacks).toBe(1);
      expect(r.voxels).toBe(512 * 512 * 4);
      // 512x512 files are bigger than the prefix: headers only; pixels (or compressed frames) from the file.
      expect(r.headerOnly).toBe(4);
    }, 120_000);
  });
});
