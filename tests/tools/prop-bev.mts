/**
 * Bird's-eye view of a labelled frame: points by height above the lowest nearby return (dark grey
 * ground, white obstacles), labelled objects (green), proposals that match (cyan) and false
 * positives (red) of the held-out classifier (proposalFit.ts) at the default threshold, 0.1 m per
 * pixel within +-40 m. For datasets without a camera (Argoverse 2), to judge by eye what a "false
 * positive" is. Output: /tmp/bev-<dataset>-<frame>.png
 *
 * `npx tsx tests/tools/prop-bev.mts <dataset> <frame>`
 */
import sharp from 'sharp';
import type { Cuboid3D } from '../../core/document/schema';
import { buildFrameIndex, groundHeight } from '../../core/lidar/frameIndex';
import { DEFAULT_PROPOSAL_THRESHOLD, proposeCandidates } from '../../core/lidar/propose';
import { matchFrame } from '../support/proposalEval';
import { fitFolds } from '../support/proposalFit';
import { loadLabelledScenes } from '../support/proposalScenes';

const [ds, fr] = process.argv.slice(2);
const all = loadLabelledScenes();
const s = all.find((x) => x.dataset === ds && x.frame.startsWith(fr))!;
const models = fitFolds(all).heldOutFor(s);
const props = proposeCandidates(s.cloud.positions, s.cloud.count, { ...models, minScore: DEFAULT_PROPOSAL_THRESHOLD }).filter((c) => !c.dropped);
const { outcome } = matchFrame(s, props);
const R = 40, PX = 0.1, W = Math.round((2 * R) / PX);
const img = Buffer.alloc(W * W * 3);
const put = (x: number, y: number, c: [number, number, number]) => {
  const u = Math.round((x + R) / PX), v = Math.round((R - y) / PX);
  if (u < 0 || v < 0 || u >= W || v >= W) return;
  img.set(c, (v * W + u) * 3);
};
const index = buildFrameIndex(s.cloud.positions, s.cloud.count);
const p = s.cloud.positions;
for (let i = 0; i < s.cloud.count; i++) {
  const h = p[i * 3 + 2] - groundHeight(index, p[i * 3], p[i * 3 + 1]);
  const g = h < 0.25 ? 60 : Math.min(255, 120 + h * 60);
  put(p[i * 3], p[i * 3 + 1], [g, g, g]);
}
const box = (b: Cuboid3D, c: [number, number, number]) => {
  const cs = Math.cos(b.yaw), sn = Math.sin(b.yaw);
  const [l, w] = [b.size[0] / 2, b.size[1] / 2];
  const corners = [[l, w], [-l, w], [-l, -w], [l, -w]].map(([a, d]) => [b.center[0] + a * cs - d * sn, b.center[1] + a * sn + d * cs]);
  for (let k = 0; k < 4; k++) {
    const [x0, y0] = corners[k], [x1, y1] = corners[(k + 1) % 4];
    const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / (PX / 2));
    for (let t = 0; t <= n; t++) put(x0 + ((x1 - x0) * t) / n, y0 + ((y1 - y0) * t) / n, c);
  }
};
for (const o of s.objects) box(o.box, o.cls === 'car' ? [0, 255, 0] : [0, 120, 0]);
for (const o of outcome) box(o.proposal.box, o.tp ? [0, 255, 255] : [255, 0, 0]);
for (const o of outcome) if (!o.tp) console.log(`FP ${o.proposal.label} s=${o.proposal.score.toFixed(2)} at (${o.proposal.box.center[0].toFixed(1)}, ${o.proposal.box.center[1].toFixed(1)}) pts=${o.proposal.pointCount} h=${o.proposal.box.size[2].toFixed(1)} best=${o.gt?.label ?? 'none'} iou=${o.iou.toFixed(2)}`);
await sharp(img, { raw: { width: W, height: W, channels: 3 } }).png().toFile(`/tmp/bev-${ds}-${fr}.png`);
console.log(`/tmp/bev-${ds}-${fr}.png (x right, y up, sensor at the centre)`);
