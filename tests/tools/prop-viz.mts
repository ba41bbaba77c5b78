/**
 * Draws a frame's labelled objects (green), true-positive proposals (cyan) and false positives
 * (red, with score) on its camera image, to check by eye what a "false positive" is (this is how
 * the SUSTech sample was found to leave visible cars unlabelled). Output: /tmp/viz-<dataset>-<frame>-<cam>.png
 *
 * `npx tsx tests/tools/prop-viz.mts <dataset> <frame> [front|left|right]` (KITTI folders: camera 2)
 */
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { projectCuboidWireframe, type CameraModel } from '../../core/calib/camera';
import { kittiCameraModel, parseKittiCalib } from '../../core/calib/kitti';
import { parseSustechCalib } from '../../core/calib/sustech';
import { proposeCandidates } from '../../core/lidar/propose';
import { matchFrame } from '../support/proposalEval';
import { loadLabelledScenes } from '../support/proposalScenes';
import { DATA } from '../support/lidarData';
const [ds, fr, cam = 'front'] = process.argv.slice(2);
const s = loadLabelledScenes().find((x) => x.dataset === ds && x.frame === fr)!;
let camera: CameraModel, img: string;
if (ds === 'sustech') {
  img = `${DATA}/sustech/camera/${cam}/${fr}.jpg`;
  const meta = await sharp(img).metadata();
  camera = parseSustechCalib(readFileSync(`${DATA}/sustech/calib/camera/${cam}.json`, 'utf8'), 'c', meta.width, meta.height);
} else {
  const root = ds === 'kitti' ? `${DATA}/kitti` : `${DATA}/${ds}/training`;
  img = `${root}/image_2/${fr}.png`;
  const meta = await sharp(img).metadata();
  camera = kittiCameraModel(parseKittiCalib(readFileSync(`${root}/calib/${fr}.txt`, 'utf8')), 2, meta.width, meta.height);
}
const props = proposeCandidates(s.cloud.positions, s.cloud.count, { minScore: 0.4 }).filter((c) => !c.dropped);
const { outcome } = matchFrame(s, props);
let svg = `<svg width="${camera.width}" height="${camera.height}" xmlns="http://www.w3.org/2000/svg">`;
const draw = (box: any, color: string, text: string) => {
  const segs = projectCuboidWireframe(box, camera);
  for (const g of segs as any[]) svg += `<line x1="${g.a?.[0] ?? g[0]}" y1="${g.a?.[1] ?? g[1]}" x2="${g.b?.[0] ?? g[2]}" y2="${g.b?.[1] ?? g[3]}" stroke="${color}" stroke-width="2"/>`;
  if (segs.length) { const g: any = segs[0]; svg += `<text x="${g.a?.[0] ?? g[0]}" y="${(g.a?.[1] ?? g[1]) - 4}" fill="${color}" font-size="18">${text}</text>`; }
};
for (const o of s.objects) draw(o.box, 'lime', o.label);
for (const o of outcome) draw(o.proposal.box, o.tp ? 'cyan' : 'red', `${o.proposal.label} ${o.proposal.score.toFixed(2)}`);
svg += '</svg>';
const ov = await sharp(Buffer.from(svg)).resize(camera.width, camera.height, { fit: 'fill' }).png().toBuffer();
const comp = await sharp(img).composite([{ input: ov }]).png().toBuffer();
await sharp(comp).resize({ width: 1400 }).png().toFile(`/tmp/viz-${ds}-${fr}-${cam}.png`);
console.log(`/tmp/viz-${ds}-${fr}-${cam}.png`);
