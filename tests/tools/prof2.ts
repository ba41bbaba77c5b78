import { parsePointCloud } from '../../core/formats/pointcloud';
import { extractColumns } from '../../core/formats/pointcloud/columns';
const N = 1_200_000;
const rec = new Float32Array(N * 4);
let s = 12345;
for (let i = 0; i < rec.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; rec[i] = i % 4 === 3 ? (s >>> 8) / 16777216 : ((s >>> 8) / 16777216 - 0.5) * 160; }
const h = new TextEncoder().encode(`# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\nFIELDS x y z intensity\nSIZE 4 4 4 4\nTYPE F F F F\nCOUNT 1 1 1 1\nWIDTH ${N}\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS ${N}\nDATA binary\n`);
const buf = new Uint8Array(h.length + rec.byteLength); buf.set(h); buf.set(new Uint8Array(rec.buffer), h.length);
const body = new Uint8Array(rec.buffer);
const cols = [0, 4, 8].map((o) => ({ start: o, stride: 16, type: 'float32' as const, count: 1 }));
const attrs = [{ start: 12, stride: 16, type: 'float32' as const, count: 1, name: 'intensity' }];
async function time(name: string, f: () => unknown) {
  for (let i = 0; i < 20; i++) await f();
  const t: number[] = [];
  for (let i = 0; i < 25; i++) { const t0 = performance.now(); await f(); t.push(performance.now() - t0); }
  t.sort((a, b) => a - b); console.log(name, t[12].toFixed(2));
}
await time('parse', () => parsePointCloud(buf.buffer, 'b.pcd'));
await time('extract', () => extractColumns(body, cols as any, attrs as any, N));
await time('parse', () => parsePointCloud(buf.buffer, 'b.pcd'));
await time('extract', () => extractColumns(body, cols as any, attrs as any, N));
