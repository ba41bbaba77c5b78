/**
 * `npm run bench remote-sensing` (issue #22, speed): a 20,000 × 20,000 4-band 16-bit COG.
 *  - first screen (overview + the visible tiles of a 1400 × 860 view, rendered and JPEG-encoded
 *    into the tile cache, as /blob/tile serves them): cold = a fresh host process (module loading
 *    excluded, opening the file included), warm = the same process again with the tile cache emptied;
 *  - bytes read against the file size;
 *  - 40 pans at 1:1: tiles the viewer newly asks for, TIFF blocks decoded against the visible
 *    blocks plus a one-block margin, RSS growth over the sweep;
 *  - baseline in the same run: GDAL (gdal_translate of the same first screen with -outsize, which
 *    reads the overviews; -srcwin of a 1:1 view; gdalinfo opening the file).
 * Medians of 5 rounds; load average printed (2 shared cores: the absolute times move with it).
 *
 * The COG is made once into os.tmpdir()/datum-bench-rs/ with gdal_translate (-of COG, DEFLATE,
 * 512 px blocks, internal overviews) from a 2,500 px noisy 4-band scene written with geotiff's
 * writer, upsampled 8× nearest (so blocks of 8 × 8 equal pixels: it compresses better than real
 * imagery). Without gdal-bin the bench says so and stops: geotiff's writer can write neither
 * tiles, overviews nor a 3.2 GB image.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeArrayBuffer } from 'geotiff';
import type { BenchRow } from './types';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'remote-sensing', 'child.ts');
const CACHE = path.join(os.tmpdir(), 'datum-bench-rs');
const COG = path.join(CACHE, 'scene-20k-4b-u16.cog.tif');
const SIDE = 20000;
const ROUNDS = 5;

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function makeCog(): string {
  if (existsSync(COG)) return 'cached';
  mkdirSync(CACHE, { recursive: true });
  const n = SIDE / 8;
  const v = new Uint16Array(n * n * 4);
  let seed = 12345;
  for (let i = 0; i < n * n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const field = ((Math.floor((i % n) / 100) + Math.floor(i / n / 100)) & 1) === 0;
    const noise = (seed >>> 16) % 400;
    v[i * 4] = 500 + noise;
    v[i * 4 + 1] = 800 + noise;
    v[i * 4 + 2] = field ? 500 + noise : 1900 + noise;
    v[i * 4 + 3] = field ? 4500 + noise : 2500 + noise;
  }
  const src = path.join(CACHE, 'src.tif');
  writeFileSync(
    src,
    Buffer.from(
      writeArrayBuffer(v, {
        width: n,
        height: n,
        BitsPerSample: [16, 16, 16, 16],
        SampleFormat: [1, 1, 1, 1],
        PhotometricInterpretation: 1,
        ModelPixelScale: [80, 80, 0],
        ModelTiepoint: [0, 0, 0, 500000, 4650000, 0],
        ProjectedCSTypeGeoKey: 32633,
        GTModelTypeGeoKey: 1,
        GTRasterTypeGeoKey: 1,
      }),
    ),
  );
  const tmp = `${COG}.${process.pid}.tmp`;
  const t0 = performance.now();
  execFileSync('gdal_translate', ['-q', '-of', 'COG', '-outsize', String(SIDE), String(SIDE), '-r', 'nearest', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'BLOCKSIZE=512', '-co', 'NUM_THREADS=2', '-co', 'OVERVIEW_RESAMPLING=NEAREST', '-co', 'BIGTIFF=YES', src, tmp]);
  renameSync(tmp, COG);
  rmSync(src);
  return `made in ${((performance.now() - t0) / 1000).toFixed(0)} s`;
}

function child(mode: 'first' | 'full', decoder: 'native' | 'pako' = 'native'): Record<string, number> & { pans?: { asked: number; decodedBlocks: number; allowedBlocks: number; ms: number; bytes: number }[] } {
  const cache = path.join(CACHE, `tiles-${process.pid}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, COG, cache, mode, decoder], { encoding: 'utf8', maxBuffer: 1 << 22 });
  rmSync(cache, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function timeCmd(cmd: string, args: string[]): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { stdio: 'ignore' });
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function bench(): Promise<BenchRow[]> {
  const load = os.loadavg();
  process.stdout.write(`load average ${load.map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)\n`);
  if (!has('gdal_translate')) {
    process.stdout.write('SKIP: gdal-bin is not installed: the 20,000 px COG cannot be made (geotiff writes no tiles, overviews or BigTIFF)\n');
    return [{ name: 'remote-sensing bench skipped (no gdal_translate)', value: 0, unit: '' }];
  }
  process.stdout.write(`COG ${COG}: ${makeCog()}\n`);
  const size = statSync(COG).size;
  // cold rounds alternate the native zlib decoder (the product) with geotiff's pako (before), same conditions
  const colds: ReturnType<typeof child>[] = [];
  const pakos: ReturnType<typeof child>[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    colds.push(child('first'));
    pakos.push(child('first', 'pako'));
  }
  const full = child('full');
  const warms = [full.tWarm];
  for (let i = 1; i < ROUNDS; i++) warms.push(child('full').tWarm);
  const coldMs = median(colds.map((c) => c.tFirst));
  const openMs = median(colds.map((c) => c.tOpen));
  const bytes = median(colds.map((c) => c.bytesFirst));
  // GDAL: the same first screen (826 px square: the image fitted into 1400 × 860 at 96 %) from the overviews, and a 1:1 view
  const fitPx = String(Math.round(SIDE * Math.min(1400 / SIDE, 860 / SIDE) * 0.96));
  const out = path.join(CACHE, `gdal-${process.pid}.tif`);
  const gdalFirst = median(Array.from({ length: ROUNDS }, () => timeCmd('gdal_translate', ['-q', '-outsize', fitPx, fitPx, COG, out])));
  const gdalWin = median(Array.from({ length: ROUNDS }, () => timeCmd('gdal_translate', ['-q', '-srcwin', '9300', '9570', '1400', '860', COG, out])));
  const gdalInfo = median(Array.from({ length: ROUNDS }, () => timeCmd('gdalinfo', [COG])));
  rmSync(out, { force: true });
  const pans = full.pans!;
  const worst = Math.max(...pans.map((p) => p.decodedBlocks / p.allowedBlocks));
  const panMs = median(pans.map((p) => p.ms));
  const panBytes = median(pans.map((p) => p.bytes));
  const growth = (full.rssPanPeak - full.rssPanStart) / 2 ** 20;
  process.stdout.write(
    `file ${(size / 2 ** 20).toFixed(0)} MiB, ${full.overviews} overviews; first screen: level ${full.level}, ${full.tilesFirst} tiles, ${full.blocksFirst} TIFF blocks decoded; ` +
      `rounds n=${ROUNDS} cold / ${ROUNDS} warm; pans n=${pans.length}; GDAL first screen ${gdalFirst.toFixed(0)} ms, -srcwin 1:1 ${gdalWin.toFixed(0)} ms, gdalinfo ${gdalInfo.toFixed(0)} ms (process start included)\n`,
  );
  return [
    { name: `first screen, cold process (open + stretch + ${full.tilesFirst} tiles), median of ${ROUNDS}`, value: coldMs, unit: 'ms', target: '< 1000 ms', pass: coldMs < 1000 },
    { name: 'of which opening the COG (header, IFDs)', value: openMs, unit: 'ms' },
    { name: `first screen, cold, with geotiff's pako inflate (before), median of ${ROUNDS}`, value: median(pakos.map((c) => c.tFirst)), unit: 'ms' },
    { name: 'first screen cold: native zlib / pako', value: coldMs / median(pakos.map((c) => c.tFirst)), unit: 'x' },
    { name: `first screen, warm (same process, tile cache emptied), median of ${ROUNDS}`, value: median(warms), unit: 'ms' },
    { name: 'first screen cold / GDAL gdal_translate -outsize of the same screen', value: coldMs / gdalFirst, unit: 'x' },
    { name: 'gdalinfo open (baseline)', value: gdalInfo, unit: 'ms' },
    { name: 'bytes read for the first screen', value: bytes / 2 ** 20, unit: 'MiB' },
    { name: 'bytes read / file size', value: bytes / size, unit: '', target: '< 0.05', pass: bytes / size < 0.05 },
    { name: `pan at 1:1: TIFF blocks decoded / visible + 1-block margin, worst of ${pans.length}`, value: worst, unit: '', target: '<= 1', pass: worst <= 1 },
    { name: `pan at 1:1: host time for the new tiles, median of ${pans.length}`, value: panMs, unit: 'ms' },
    { name: 'pan at 1:1 / GDAL -srcwin of a 1:1 view', value: panMs / gdalWin, unit: 'x' },
    { name: `pan at 1:1: bytes read, median of ${pans.length}`, value: panBytes / 2 ** 20, unit: 'MiB' },
    { name: `RSS growth over ${pans.length} pans`, value: growth, unit: 'MiB', target: '< 150 MiB', pass: growth < 150 },
    { name: 'peak RSS of the host process (whole run)', value: full.maxRss / 2 ** 20, unit: 'MiB' },
  ];
}
