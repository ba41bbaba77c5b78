/**
 * CenterPoint-style centre head decoding (mmdet3d CenterHead / OpenPCDet CenterHead, one task):
 * per-class heatmap peaks (3x3 local maxima, as the max-pool NMS of both), then for each peak the
 * sub-cell offset, centre height, (log) size and rotation as sin/cos. All maps are channels-first
 * [1, ch, H, W], as both frameworks export them.
 */
import type { CenterHead, Voxelization } from '../manifest3d';
import { BoxBuffer, type BoxSet, type FeatureMap } from './pointpillars';

export interface CenterMaps {
  /** [C, H, W] heatmap logits. */
  hm: Float32Array;
  /** [2, H, W] offset of the centre inside its cell (x, y), in cells. */
  reg: Float32Array;
  /** [1, H, W] centre z. */
  height: Float32Array;
  /** [3, H, W] length, width, height (log when head.logDim). */
  dim: Float32Array;
  /** [2, H, W] rotation as sin, cos (or cos, sin: head.rotOrder). */
  rot: Float32Array;
}

export function centerCandidates(
  maps: CenterMaps,
  map: FeatureMap,
  numClasses: number,
  head: Pick<CenterHead, 'featureMapStride' | 'rotOrder' | 'topK' | 'logDim'>,
  voxel: Pick<Voxelization, 'pointCloudRange' | 'voxelSize'>,
  scoreThreshold: number,
): BoxSet {
  const { H, W } = map;
  const HW = H * W;
  const t = Math.min(Math.max(scoreThreshold, 1e-7), 1 - 1e-7);
  const logitThreshold = Math.log(t / (1 - t));
  // peaks: above the threshold and not below any 8-neighbour of the same class
  const peaks: number[] = [];
  for (let k = 0; k < numClasses; k++) {
    const base = k * HW;
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++) {
        const v = maps.hm[base + r * W + c];
        if (!(v > logitThreshold)) continue;
        let isMax = true;
        for (let dr = -1; dr <= 1 && isMax; dr++)
          for (let dc = -1; dc <= 1; dc++) {
            const rr = r + dr, cc = c + dc;
            if ((dr || dc) && rr >= 0 && rr < H && cc >= 0 && cc < W && maps.hm[base + rr * W + cc] > v) {
              isMax = false;
              break;
            }
          }
        if (isMax) peaks.push(base + r * W + c);
      }
  }
  peaks.sort((a, b) => maps.hm[b] - maps.hm[a] || a - b);
  if (peaks.length > head.topK) peaks.length = head.topK;
  const [x0, y0] = voxel.pointCloudRange;
  const cellX = head.featureMapStride * voxel.voxelSize[0];
  const cellY = head.featureMapStride * voxel.voxelSize[1];
  const [iSin, iCos] = head.rotOrder === 'sin-cos' ? [0, 1] : [1, 0];
  const size = (ch: number, loc: number) => (head.logDim ? Math.exp(maps.dim[ch * HW + loc]) : maps.dim[ch * HW + loc]);
  const out = new BoxBuffer();
  for (const p of peaks) {
    const k = Math.floor(p / HW);
    const loc = p - k * HW;
    const r = Math.floor(loc / W);
    const c = loc - r * W;
    out.push(
      (c + maps.reg[loc]) * cellX + x0,
      (r + maps.reg[HW + loc]) * cellY + y0,
      maps.height[loc],
      size(0, loc),
      size(1, loc),
      size(2, loc),
      Math.atan2(maps.rot[iSin * HW + loc], maps.rot[iCos * HW + loc]),
      1 / (1 + Math.exp(-maps.hm[p])),
      k,
    );
  }
  return out.toSet();
}
