/**
 * Point-cloud parsing speed and memory, on a 1.2 M-point x y z intensity cloud generated in memory.
 * Speed targets are ratios against baselines measured in the same run (three.js PCDLoader for PCD,
 * a plain typed-array copy of the same bytes for KITTI .bin), so noisy shared machines matter less.
 *
 * Run: npx tsx -e "import('./tests/bench/pointcloud.bench.ts').then(m=>m.default()).then(r=>console.table(r))"
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PCDLoader } from 'three/examples/jsm/loaders/PCDLoader.js';
import { parsePointCloud } from '../../renderer/core/formats/pointcloud';
import { lzfCompress } from '../helpers/lzfCompress';
import { concat } from '../helpers/pointcloudWriters';
import { medianMs, type BenchRow } from './types';

const POINTS = 1_200_000;

function cloudFloats(n: number): Float32Array {
  // Lidar-like values: coordinates within +-80 m, intensity 0..1; LCG so every run is identical.
  const out = new Float32Array(n * 4);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = i % 4 === 3 ? (s >>> 8) / 16777216 : ((s >>> 8) / 16777216 - 0.5) * 160;
  }
  return out;
}

function pcdHeader(data: string, n: number): Uint8Array {
  const text = `# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z intensity\nSIZE 4 4 4 4\nTYPE F F F F\nCOUNT 1 1 1 1\nWIDTH ${n}\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS ${n}\nDATA ${data}\n`;
  return new TextEncoder().encode(text);
}

/** Column-major body (binary_compressed layout), LZF-compressed, with its two size fields. */
function compressedBody(records: Float32Array, n: number): Uint8Array {
  const columns = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) for (let f = 0; f < 4; f++) columns[f * n + i] = records[i * 4 + f];
  const raw = new Uint8Array(columns.buffer);
  const packed = lzfCompress(raw);
  const sizes = new Uint8Array(8);
  new DataView(sizes.buffer).setUint32(0, packed.length, true);
  new DataView(sizes.buffer).setUint32(4, raw.length, true);
  return concat(sizes, packed);
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Memory a parse holds at its end, relative to before it: V8 heap + ArrayBuffer bytes, measured
 * with a full GC before and none after, so temporaries that the parse dropped are still counted
 * (an upper bound of the peak for typed-array-heavy work like this).
 */
async function memoryDelta(run: () => Promise<unknown>): Promise<number> {
  gc();
  const before = process.memoryUsage();
  const result = await run();
  const after = process.memoryUsage();
  void result;
  return after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
}

const ratioRow = (name: string, value: number, target: string, pass: boolean): BenchRow => ({ name, value: Math.round(value * 10) / 10, unit: 'x', target, pass });

export default async function pointcloudBench(): Promise<BenchRow[]> {
  const records = cloudFloats(POINTS);
  const recordBytes = new Uint8Array(records.buffer);
  const binaryPcd = concat(pcdHeader('binary', POINTS), recordBytes);
  const compressedPcd = concat(pcdHeader('binary_compressed', POINTS), compressedBody(records, POINTS));
  const kitti = recordBytes.slice();
  const asArrayBuffer = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
  const binaryBuffer = asArrayBuffer(binaryPcd);
  const compressedBuffer = asArrayBuffer(compressedPcd);
  const loader = new PCDLoader();

  const rows: BenchRow[] = [];
  const oursBinary = await medianMs(() => parsePointCloud(binaryPcd, 'bench.pcd'), 7);
  const threeBinary = await medianMs(() => loader.parse(binaryBuffer), 3);
  rows.push({ name: 'binary PCD parse, ours (1.2M pts xyzi)', value: round(oursBinary), unit: 'ms' });
  rows.push({ name: 'binary PCD parse, three PCDLoader', value: round(threeBinary), unit: 'ms' });
  rows.push(ratioRow('binary PCD speed-up vs three PCDLoader', threeBinary / oursBinary, '>= 20x', threeBinary / oursBinary >= 20));

  const oursCompressed = await medianMs(() => parsePointCloud(compressedPcd, 'bench.pcd'), 7);
  const threeCompressed = await medianMs(() => loader.parse(compressedBuffer), 3);
  rows.push({ name: 'binary_compressed PCD parse, ours', value: round(oursCompressed), unit: 'ms' });
  rows.push({ name: 'binary_compressed PCD parse, three PCDLoader', value: round(threeCompressed), unit: 'ms' });
  rows.push(ratioRow('binary_compressed PCD speed-up vs three PCDLoader', threeCompressed / oursCompressed, '>= 5x', threeCompressed / oursCompressed >= 5));

  const oursKitti = await medianMs(() => parsePointCloud(kitti, '000000.bin'), 9);
  const plainCopy = await medianMs(() => new Float32Array(kitti.buffer.slice(0)), 9);
  rows.push({ name: 'KITTI .bin parse, ours', value: round(oursKitti), unit: 'ms' });
  rows.push({ name: 'KITTI .bin plain typed-array copy of the same bytes', value: round(plainCopy), unit: 'ms' });
  rows.push(ratioRow('KITTI .bin parse time / plain copy time', oursKitti / plainCopy, '<= 3x', oursKitti / plainCopy <= 3));

  for (const [label, bytes, name] of [
    ['binary PCD', binaryPcd, 'bench.pcd'],
    ['binary_compressed PCD', compressedPcd, 'bench.pcd'],
    ['KITTI .bin', kitti, '000000.bin'],
  ] as const) {
    const delta = await memoryDelta(() => parsePointCloud(bytes, name));
    rows.push(ratioRow(`${label} memory held after parse / file size (${(bytes.length / 2 ** 20).toFixed(1)} MiB file)`, delta / bytes.length, '<= 2.5x', delta / bytes.length <= 2.5));
  }
  return rows;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
