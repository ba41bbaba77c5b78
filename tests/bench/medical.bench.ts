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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'medical-volume-child.ts');

/** Run one child measurement (fresh process: its maxRSS is its own). */
function child(mode: 'floor' | 'build', dir: string): { ms: number; peakBytes: number; volumeBytes: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, mode, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`medical-volume-child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Build vs floor, alternating runs; the best of each (noise only ever adds time). */
function volumeVsFloor(files: { name: string; bytes: Uint8Array }[]): BenchRow[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-medbench-'));
  try {
    for (const f of files) writeFileSync(path.join(dir, f.name), f.bytes);
    const floor: ReturnType<typeof child>[] = [];
    const build: ReturnType<typeof child>[] = [];
    for (let i = 0; i < 3; i++) {
      floor.push(child('floor', dir));
      build.push(child('build', dir));
    }
    const best = (a: ReturnType<typeof child>[]) => a.reduce((x, y) => (y.ms < x.ms ? y : x));
    const f = best(floor);
    const b = best(build);
    const ratio = b.ms / f.ms;
    const peak = Math.min(...build.map((x) => x.peakBytes)) / b.volumeBytes;
    const mb = (n: number) => +(n / 1e6).toFixed(0);
    return [
      { name: `physical floor: read 300 files + copy pixel bytes (${mb(f.volumeBytes)} MB)`, value: +f.ms.toFixed(0), unit: 'ms' },
      { name: 'volume build from files (read, parse, group, decode into one Int16 volume)', value: +b.ms.toFixed(0), unit: 'ms' },
      { name: 'volume build vs physical floor, same run', value: +ratio.toFixed(2), unit: 'x floor', target: '<= 1.3', pass: ratio <= 1.3 },
      { name: `volume build peak memory (maxRSS growth, ${mb(Math.min(...build.map((x) => x.peakBytes)))} MB) vs volume size (${mb(b.volumeBytes)} MB)`, value: +peak.toFixed(2), unit: 'x volume', target: '<= 1.5', pass: peak <= 1.5 },
      { name: 'physical floor peak memory vs volume size', value: +(f.peakBytes / f.volumeBytes).toFixed(2), unit: 'x volume' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
    ...volumeVsFloor(files),
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
