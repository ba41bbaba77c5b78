/**
 * Medical imaging bench: a 512x512x300 CT series generated in memory as Part 10 buffers.
 *  - time from buffers to the first displayable (windowed) image: parse and group all headers,
 *    order the stack, decode + rescale + window the middle slice (target <= 2000 ms);
 *  - volume build from files (read, parse, group, decode into one Int16 volume) against the
 *    physical floor measured in the same run (read the files, copy their pixel bytes into fresh
 *    memory), each in a fresh process (medical-volume-child.ts) so peak memory is its own;
 *    targets: build <= 1.3x the floor, peak <= 1.5x the volume size;
 *  - slice extraction + window/level per slice for each orientation, as a ratio of a 16.7 ms
 *    display frame (target <= 1).
 */
import { groupDicomFiles, buildVolume, rescaledFrame, sliceCount } from '../../core/medical/series';
import { syntheticCtSeries } from '../../core/medical/synthetic';
import { windowedSlice, type Orientation } from '../../core/medical/slicing';
import { applyWindow } from '../../core/medical/window';
import { medianMs, type BenchRow } from './types';
import { VARIANTS, writeSeries } from '../support/dicom-series';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'medical-volume-child.ts');

type Mode = 'floor' | 'build' | 'build-serial' | 'build-buffers';
const MODES: Mode[] = ['floor', 'build', 'build-serial', 'build-buffers'];
interface ChildResult {
  ms: number;
  warm: number[];
  peakBytes: number;
  volumeBytes: number;
  maxStallMs: number;
}

/** Run one child measurement (fresh process: its maxRSS is its own; its first run is cold). */
function child(mode: Mode, dir: string, warm: number, workerFile: string, minVoxels?: number): ChildResult {
  const env = { ...process.env, DATUM_BENCH_MEDICAL_WORKER: workerFile };
  const args = ['--import', 'tsx', CHILD, mode, dir, String(warm), ...(minVoxels === undefined ? [] : [String(minVoxels)])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20, env });
  if (r.status !== 0) throw new Error(`medical-volume-child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Installed reference readers (GDCM's gdcmconv, pydicom): a row each, or why it was skipped. */
function baselines(dir: string, floorMs: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const gdcm = spawnSync('sh', ['-c', 'command -v gdcmconv'], { encoding: 'utf8' });
  rows.push({ name: `GDCM baseline: ${gdcm.status === 0 ? 'gdcmconv found but not wired into this bench' : 'skipped (gdcmconv / python3-gdcm not installed)'}`, value: 0, unit: '(skipped)' });
  const py = spawnSync('python3', ['-c', `import sys,time,glob,numpy as np,pydicom
fs=sorted(glob.glob(sys.argv[1]+'/*'));t=time.perf_counter()
ds=[pydicom.dcmread(f) for f in fs];v=np.stack([d.pixel_array.astype(np.int16)*int(d.RescaleSlope)+int(d.RescaleIntercept) for d in ds]);print((time.perf_counter()-t)*1000)`, dir], { encoding: 'utf8' });
  if (py.status === 0) rows.push({ name: 'pydicom volume build vs physical floor (cold, one run)', value: +(Number(py.stdout) / floorMs).toFixed(2), unit: 'x floor' });
  else rows.push({ name: 'pydicom baseline: skipped (pydicom / numpy not installed)', value: 0, unit: '(skipped)' });
  return rows;
}

/**
 * The worker thread entry bundled as scripts/build-main.mjs bundles it (dist/main/medical-worker.js),
 * into dist/bench/ so its runtime externals still resolve from node_modules: the build runs the
 * file the packaged app runs, not TypeScript compiled by tsx inside each thread.
 */
async function bundleWorker(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(path.dirname(CHILD), '../../dist/bench/medical-worker.js');
  await build({
    entryPoints: [path.join(path.dirname(CHILD), '../../main/services/medicalWorkers/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    external: ['@cornerstonejs/*'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}

const ROUNDS = 5;
const WARM = 3;

/**
 * Build vs floor: ROUNDS fresh processes of each, interleaved (floor, build, build from buffers),
 * so load changes hit all three alike. Cold = the first run of each process; warm = the WARM runs
 * after it in the same process. Medians throughout; the 1-minute load average is printed beside.
 */
async function volumeVsFloor(files: { name: string; bytes: Uint8Array }[]): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-medbench-'));
  try {
    for (const f of files) writeFileSync(path.join(dir, f.name), f.bytes);
    const workerFile = await bundleWorker();
    const runs: Record<Mode, ChildResult[]> = { floor: [], build: [], 'build-serial': [], 'build-buffers': [] };
    const loads: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const mode of MODES) runs[mode].push(child(mode, dir, WARM, workerFile));
      loads.push(os.loadavg()[0]);
    }
    const cold = (m: Mode) => median(runs[m].map((r) => r.ms));
    const warm = (m: Mode) => median(runs[m].flatMap((r) => r.warm));
    const peak = (m: Mode) => median(runs[m].map((r) => r.peakBytes));
    const volumeBytes = runs.build[0].volumeBytes;
    const mb = (n: number) => +(n / 1e6).toFixed(0);
    const n = `n = ${ROUNDS} processes, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores`;
    // Median of the per-round ratios (each round's processes ran back to back, under one load).
    const coldRatio = median(runs.build.map((r, i) => r.ms / runs.floor[i].ms));
    const warmRatio = warm('build') / warm('floor');
    const serialCold = median(runs['build-serial'].map((r, i) => r.ms / runs.floor[i].ms));
    const peakRatio = peak('build') / volumeBytes;
    return [
      { name: `physical floor: read 300 files + copy pixel bytes (${mb(volumeBytes)} MB), cold median (${n})`, value: +cold('floor').toFixed(0), unit: 'ms' },
      { name: `physical floor, warm median (n = ${ROUNDS * WARM})`, value: +warm('floor').toFixed(0), unit: 'ms' },
      { name: `volume build from files (headers on the calling thread, pixels read and rescaled into the shared Int16 volume by ${Math.min(os.availableParallelism(), 4)} worker threads), cold median`, value: +cold('build').toFixed(0), unit: 'ms' },
      { name: `volume build from files, warm median (n = ${ROUNDS * WARM})`, value: +warm('build').toFixed(0), unit: 'ms' },
      { name: 'volume build on the calling thread alone (build-serial: the path before the workers), cold / warm median', value: +cold('build-serial').toFixed(0), unit: `ms cold, ${warm('build-serial').toFixed(0)} ms warm` },
      { name: `volume build vs physical floor, cold, median of per-round ratios (${n})`, value: +coldRatio.toFixed(2), unit: 'x floor', target: '<= 1.3', pass: coldRatio <= 1.3 },
      { name: `volume build vs physical floor, warm (n = ${ROUNDS * WARM} runs each)`, value: +warmRatio.toFixed(2), unit: 'x floor', target: '<= 1.3', pass: warmRatio <= 1.3 },
      { name: 'volume build on the calling thread alone (build-serial) vs physical floor, cold / warm', value: +serialCold.toFixed(2), unit: `x floor cold, ${(warm('build-serial') / warm('floor')).toFixed(2)}x warm, peak ${(peak('build-serial') / volumeBytes).toFixed(2)}x volume` },
      { name: `longest event-loop stall of the host during a cold build: worker threads / calling thread alone (median of ${ROUNDS})`, value: +median(runs.build.map((r) => r.maxStallMs)).toFixed(0), unit: `ms / ${median(runs['build-serial'].map((r) => r.maxStallMs)).toFixed(0)} ms` },
      { name: `volume build peak memory (peak RSS growth, VmHWM, ${mb(peak('build'))} MB) vs volume size (${mb(volumeBytes)} MB), median of ${ROUNDS}`, value: +peakRatio.toFixed(2), unit: 'x volume', target: '<= 1.5', pass: peakRatio <= 1.5 },
      { name: 'physical floor peak memory vs volume size', value: +(peak('floor') / volumeBytes).toFixed(2), unit: 'x volume' },
      { name: 'volume build from whole files in memory (build-buffers) vs floor, cold / warm', value: +(cold('build-buffers') / cold('floor')).toFixed(2), unit: `x floor cold, ${(warm('build-buffers') / warm('floor')).toFixed(2)}x warm, peak ${(peak('build-buffers') / volumeBytes).toFixed(2)}x volume` },
      ...baselines(dir, cold('floor')),
      ...threadsVsCallingThread(dir, workerFile),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Threads vs the calling thread on what else they are for, cold, ROUNDS fresh processes each,
 * interleaved: a compressed series (RLE Lossless 512x512x60: the codecs run in the threads in
 * parallel) and, with DATUM_BENCH_CUTOFF=1, small uncompressed series of 4-64 slices with the
 * threads forced on, to place MIN_PARALLEL_VOXELS (main/services/medicalWorkers/pool.ts).
 */
function threadsVsCallingThread(parent: string, workerFile: string): BenchRow[] {
  const cases: { name: string; variant: (typeof VARIANTS)[number]; slices: number }[] = [{ name: 'RLE Lossless 512x512x60', variant: VARIANTS.find((v) => v.name === 'RLE Lossless')!, slices: 60 }];
  if (process.env.DATUM_BENCH_CUTOFF === '1') for (const slices of [4, 16, 64]) cases.push({ name: `uncompressed 512x512x${slices}`, variant: VARIANTS[0], slices });
  const rows: BenchRow[] = [];
  for (const c of cases) {
    const dir = path.join(parent, `case-${c.slices}-${c.variant.syntax ?? 'raw'}`);
    mkdirSync(dir);
    writeSeries(dir, c.variant, c.slices);
    const threads: ChildResult[] = [];
    const alone: ChildResult[] = [];
    const loads: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      threads.push(child('build', dir, 1, workerFile, 0));
      alone.push(child('build-serial', dir, 1, workerFile));
      loads.push(os.loadavg()[0]);
    }
    const ratio = median(threads.map((r, i) => r.ms / alone[i].ms));
    const warmRatio = median(threads.map((r, i) => r.warm[0] / alone[i].warm[0]));
    rows.push({
      name: `${c.name}: build with worker threads / calling thread alone, cold (medians ${median(threads.map((r) => r.ms)).toFixed(0)} / ${median(alone.map((r) => r.ms)).toFixed(0)} ms; n = ${ROUNDS} processes, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)})`,
      value: +ratio.toFixed(2),
      unit: `x, warm (threads running) ${warmRatio.toFixed(2)}x`,
    });
  }
  return rows;
}

const FRAME_MS = 16.7;

export default async function medicalBench(): Promise<BenchRow[]> {
  const files = syntheticCtSeries({ size: 512, slices: 300 });

  const firstImage = async () => {
    const grouped = groupDicomFiles(files);
    const stack = grouped.studies[0].series[0].stacks[0];
    const middle = stack.images[Math.floor(stack.images.length / 2)];
    const { values } = await rescaledFrame(middle);
    return applyWindow(values, { center: middle.info.windowCenter ?? 40, width: middle.info.windowWidth ?? 400 });
  };
  const firstMs = await medianMs(firstImage, 3, 1);

  const stack = groupDicomFiles(files).studies[0].series[0].stacks[0];
  if (sliceCount(stack) !== 300) throw new Error(`expected 300 slices, got ${sliceCount(stack)}`);
  const t0 = performance.now();
  const { volume } = await buildVolume(stack);
  const volumeMs = performance.now() - t0;

  const rows: BenchRow[] = [
    { name: 'CT 512x512x300 Part 10 buffers -> first windowed image', value: +firstMs.toFixed(1), unit: 'ms', target: '<= 2000 ms', pass: firstMs <= 2000 },
    { name: 'CT 512x512x300 Part 10 buffers -> full Int16 volume', value: +volumeMs.toFixed(1), unit: 'ms' },
    ...(await volumeVsFloor(files)),
  ];
  const out = new Uint8Array(512 * 512);
  for (const orientation of ['axial', 'coronal', 'sagittal'] as Orientation[]) {
    const count = orientation === 'axial' ? 300 : 512;
    let i = 0;
    const ms = await medianMs(() => windowedSlice(volume, orientation, i++ % count, volume.window, false, out), 15, 3);
    rows.push({ name: `${orientation} slice extraction + window/level vs 16.7 ms frame`, value: +(ms / FRAME_MS).toFixed(3), unit: 'x frame', target: '<= 1', pass: ms <= FRAME_MS });
  }
  return rows;
}
