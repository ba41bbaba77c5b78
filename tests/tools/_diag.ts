import { buildFrameIndex } from '../../core/lidar/frameIndex';
import { estimateEgoMotion, transformCuboid } from '../../core/lidar/egoMotion';
import { bevIoU } from '../../core/lidar/iou';
import { alignBox, startTrack, stepTrack } from '../../core/lidar/propagate';
import { kittiTrackingSequence, sustechSequence } from '../support/trackScenes';
const which = process.argv[2];
const seq = which === 'k' ? kittiTrackingSequence()! : sustechSequence()!;
const idx = seq.frames.map((f) => buildFrameIndex(f.cloud.positions, f.cloud.count));
for (let i = 0; i + 1 < seq.frames.length && i < 4; i++) {
  const dt = seq.frames[i + 1].time - seq.frames[i].time;
  const ego = estimateEgoMotion(idx[i], idx[i + 1], { maxShift: Math.min(25, 2 * dt + 2) }).motion;
  for (const l of seq.frames[i].labels) {
    if (!/car|van/i.test(l.label) || l.points < 10) continue;
    const t = seq.frames[i + 1].labels.find((x) => x.trackId === l.trackId);
    if (!t) continue;
    const pred = transformCuboid(l.box, ego);
    const oracle = alignBox(idx[i + 1], t.box, 1.2, 0.14).box;
    const st = stepTrack(startTrack(l.box, seq.frames[i].time, idx[i]), idx[i + 1], seq.frames[i + 1].time, ego);
    console.log(i, l.trackId, l.label, 'pts', l.points, t.points, 'egoPred', bevIoU(pred, t.box).toFixed(2), 'oracleAlign', bevIoU(oracle, t.box).toFixed(2), 'step', st.box ? bevIoU(st.box, t.box).toFixed(2) : 'lost', 'd', st.box ? Math.hypot(st.box.center[0]-t.box.center[0], st.box.center[1]-t.box.center[1]).toFixed(2) : '', 'dist', Math.hypot(...t.box.center.slice(0,2) as [number,number]).toFixed(0));
  }
}
