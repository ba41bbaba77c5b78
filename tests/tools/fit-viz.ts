/**
 * Bird's-eye picture of one-click fits on one labelled vehicle, for diagnosing failures that
 * fit-diagnose.ts lists: the points around the vehicle (grey: ground and everything the frame
 * index leaves out; coloured by height above the ground: the obstacle points the fit sees), the
 * label (green), the boxes fitted from clicks on its first, middle and last point (red, orange,
 * magenta; the click as a cross) and the direction to the sensor (blue tick at the border).
 * `npx tsx tests/tools/fit-viz.ts DATASET FRAME RANGE_M [out.png] [window_m=16]` picks the
 * vehicle of that dataset and frame whose range is nearest RANGE_M.
 */
import sharp from 'sharp';
import { fitBoxAtClick } from '../../core/lidar/fit';
import { buildFrameIndex, groundHeight } from '../../core/lidar/frameIndex';
import { bevIoU } from '../../core/lidar/iou';
import type { Cuboid3D } from '../../core/document/schema';
import { priorForVehicle, vehiclePoints } from '../support/fitEval';
import { loadHardScenes } from '../support/hardScenes';
import { loadVehicleScenes } from '../support/vehicleScenes';

const [dataset, frame, rangeArg, outArg, winArg] = process.argv.slice(2);
const scenes = dataset.startsWith('synth') ? loadHardScenes(3) : loadVehicleScenes();
const s = scenes.find((x) => x.dataset === dataset && x.frame === frame);
if (!s) throw new Error(`no scene ${dataset} ${frame}`);
const want = Number(rangeArg);
const v = [...s.vehicles].sort((a, b) => Math.abs(Math.hypot(a.box.center[0], a.box.center[1]) - want) - Math.abs(Math.hypot(b.box.center[0], b.box.center[1]) - want))[0];
const win = Number(winArg ?? 16), px = 50, W = Math.round(win * px);
const [ox, oy] = v.box.center;
const img = Buffer.alloc(W * W * 3, 255);
const toPx = (x: number, y: number): [number, number] => [Math.round((x - ox + win / 2) * px), Math.round((oy - y + win / 2) * px)];
const put = (x: number, y: number, c: [number, number, number], r = 0) => {
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++) {
      const X = x + dx, Y = y + dy;
      if (X < 0 || Y < 0 || X >= W || Y >= W) continue;
      img.set(c, (Y * W + X) * 3);
    }
};
const line = (a: [number, number], b: [number, number], c: [number, number, number], r = 1) => {
  const n = Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]), 1);
  for (let k = 0; k <= n; k++) put(Math.round(a[0] + ((b[0] - a[0]) * k) / n), Math.round(a[1] + ((b[1] - a[1]) * k) / n), c, r);
};
const box = (b: Cuboid3D, c: [number, number, number], r = 1) => {
  const cs = Math.cos(b.yaw), sn = Math.sin(b.yaw);
  const pts = [[1, 1], [-1, 1], [-1, -1], [1, -1]].map(([i, j]) => toPx(b.center[0] + (i * b.size[0] * cs) / 2 - (j * b.size[1] * sn) / 2, b.center[1] + (i * b.size[0] * sn) / 2 + (j * b.size[1] * cs) / 2));
  for (let k = 0; k < 4; k++) line(pts[k], pts[(k + 1) % 4], c, r);
  // heading tick
  line(toPx(b.center[0], b.center[1]), toPx(b.center[0] + (cs * b.size[0]) / 2, b.center[1] + (sn * b.size[0]) / 2), c, 0);
};
const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
const P = s.cloud.positions;
for (let i = 0; i < s.cloud.count; i++) {
  const x = P[i * 3], y = P[i * 3 + 1];
  if (Math.abs(x - ox) > win / 2 || Math.abs(y - oy) > win / 2) continue;
  const h = P[i * 3 + 2] - groundHeight(index, x, y);
  const [X, Y] = toPx(x, y);
  if (h < 0.25 || h > 3) put(X, Y, [200, 200, 200]);
  else {
    const t = Math.min(1, (h - 0.25) / 2);
    put(X, Y, [Math.round(40 + 160 * t), Math.round(40 + 60 * (1 - t)), Math.round(200 * (1 - t))], 1);
  }
}
box(v.box, [0, 170, 0], 2);
const pts = vehiclePoints(P, s.cloud.count, v.box);
const colours: Array<[number, number, number]> = [[230, 0, 0], [255, 140, 0], [200, 0, 200]];
const { prior } = priorForVehicle(v.label);
const report: string[] = [];
[pts[0], pts[pts.length >> 1], pts[pts.length - 1]].forEach((i, k) => {
  const cx = P[i * 3], cy = P[i * 3 + 1];
  const f = fitBoxAtClick(P, s.cloud.count, [cx, cy], { index, prior });
  if (f) box(f.box, colours[k], 1);
  const [X, Y] = toPx(cx, cy);
  line([X - 8, Y], [X + 8, Y], colours[k], 1);
  line([X, Y - 8], [X, Y + 8], colours[k], 1);
  report.push(`click${k} (${cx.toFixed(2)}, ${cy.toFixed(2)}): ${f ? `IoU ${bevIoU(f.box, v.box).toFixed(2)} ${f.box.size.map((z) => z.toFixed(2)).join('x')} yaw ${((f.box.yaw * 180) / Math.PI).toFixed(1)}` : 'no fit'}`);
});
// Sensor direction: a tick at the border towards the origin.
const r = Math.hypot(ox, oy);
const [sx, sy] = toPx(ox - (ox / r) * (win / 2 - 0.3), oy - (oy / r) * (win / 2 - 0.3));
put(sx, sy, [0, 0, 255], 5);
const out = outArg ?? `/tmp/fit-viz-${dataset}-${frame}-${Math.round(want)}.png`;
await sharp(img, { raw: { width: W, height: W, channels: 3 } }).png().toFile(out);
console.log(`${dataset} ${frame} ${v.label} r=${r.toFixed(1)} pts=${v.points} gt ${v.box.size.map((z) => z.toFixed(2)).join('x')} yaw ${((v.box.yaw * 180) / Math.PI).toFixed(1)} -> ${out}`);
for (const l of report) console.log('  ' + l);
