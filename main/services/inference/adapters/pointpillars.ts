/**
 * PointPillars anchor head decoding (OpenPCDet AnchorHeadSingle / mmdet3d Anchor3DHead), pure and
 * on typed arrays: anchors per feature-map location, residual box decoding, the direction
 * classifier, score threshold and rotated BEV NMS. The maths follows OpenPCDet's AnchorGenerator,
 * ResidualCoder and generate_predicted_boxes; mmdet3d's DeltaXYZWLHRBBoxCoder gives the same centre
 * (it moves z to the bottom and back).
 */
import { normalizeAngle } from '../../../../core/geometry/angle';
import { gridSize } from '../../../../core/lidar/pillars';
import { rotatedNms } from '../../../../core/lidar/nms3d';
import type { AnchorHead, Voxelization } from '../manifest3d';
import type { CuboidPrediction } from '../types';

export interface FeatureMap {
  /** Rows (along y) and columns (along x). */
  H: number;
  W: number;
}

/** Feature map of a head: the pillar grid divided by the stride (OpenPCDet: grid_size // stride). */
export function featureMap(voxel: Pick<Voxelization, 'pointCloudRange' | 'voxelSize'>, stride: number): FeatureMap {
  const { nx, ny } = gridSize({ range: voxel.pointCloudRange, voxelSize: voxel.voxelSize });
  return { H: Math.floor(ny / stride), W: Math.floor(nx / stride) };
}

/** Anchors per location: every anchor spec times its rotations, in the head's channel order. */
export function anchorsPerLocation(head: Pick<AnchorHead, 'anchors'>): number {
  return head.anchors.reduce((n, a) => n + a.rotations.length, 0);
}

/**
 * Every anchor as 7 floats (x, y, z centre, length, width, height, yaw), ordered y, x, anchor:
 * index ((row * W + col) * A + a) * 7, the order in which OpenPCDet flattens its anchors and the
 * head's channels. Centres span the range (align_center False: x = xmin + col * (xmax - xmin) /
 * (W - 1)) or sit at cell centres (True).
 */
export function anchorGrid(head: Pick<AnchorHead, 'anchors' | 'alignCenter'>, voxel: Pick<Voxelization, 'pointCloudRange' | 'voxelSize'>, map: FeatureMap): Float32Array {
  const { H, W } = map;
  const [x0, y0, , x1, y1] = voxel.pointCloudRange;
  const A = anchorsPerLocation(head);
  const sx = head.alignCenter ? (x1 - x0) / W : (x1 - x0) / Math.max(1, W - 1);
  const sy = head.alignCenter ? (y1 - y0) / H : (y1 - y0) / Math.max(1, H - 1);
  const offX = head.alignCenter ? sx / 2 : 0;
  const offY = head.alignCenter ? sy / 2 : 0;
  // per-location template: z, sizes and yaw do not depend on the location
  const tpl = new Float32Array(A * 5);
  let a = 0;
  for (const spec of head.anchors)
    for (const rot of spec.rotations) {
      tpl.set([spec.bottomHeight + spec.size[2] / 2, spec.size[0], spec.size[1], spec.size[2], rot], a * 5);
      a++;
    }
  const out = new Float32Array(H * W * A * 7);
  for (let r = 0; r < H; r++) {
    const y = y0 + offY + r * sy;
    for (let c = 0; c < W; c++) {
      const x = x0 + offX + c * sx;
      for (let k = 0; k < A; k++) {
        const o = ((r * W + c) * A + k) * 7;
        out[o] = x;
        out[o + 1] = y;
        out.set(tpl.subarray(k * 5, k * 5 + 5), o + 2);
      }
    }
  }
  return out;
}

/** OpenPCDet common_utils.limit_period: val - floor(val / period + offset) * period. */
export function limitPeriod(val: number, offset: number, period: number): number {
  return val - Math.floor(val / period + offset) * period;
}

/** A head output map, channels-last (`nhwc`, [1, H, W, ch]) or channels-first (`nchw`, [1, ch, H, W]). */
export interface HeadMap {
  data: Float32Array;
  channels: number;
  layout: 'nhwc' | 'nchw';
}

function reader(m: HeadMap, HW: number): (loc: number, ch: number) => number {
  const { data, channels } = m;
  return m.layout === 'nhwc' ? (loc, ch) => data[loc * channels + ch] : (loc, ch) => data[ch * HW + loc];
}

/** Boxes before NMS: 7 floats each (x, y, z, l, w, h, yaw), their score and class. */
export interface BoxSet {
  count: number;
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

/** A growable BoxSet (candidates above a low threshold can be many). */
export class BoxBuffer {
  count = 0;
  boxes = new Float32Array(7 * 256);
  scores = new Float32Array(256);
  classes = new Int32Array(256);

  push(x: number, y: number, z: number, l: number, w: number, h: number, yaw: number, score: number, cls: number): void {
    if (this.count === this.scores.length) {
      const grow = <T extends Float32Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as { new (n: number): T })(a.length * 2);
        b.set(a);
        return b;
      };
      this.boxes = grow(this.boxes);
      this.scores = grow(this.scores);
      this.classes = grow(this.classes);
    }
    const o = this.count * 7;
    this.boxes[o] = x;
    this.boxes[o + 1] = y;
    this.boxes[o + 2] = z;
    this.boxes[o + 3] = l;
    this.boxes[o + 4] = w;
    this.boxes[o + 5] = h;
    this.boxes[o + 6] = yaw;
    this.scores[this.count] = score;
    this.classes[this.count] = cls;
    this.count++;
  }

  toSet(): BoxSet {
    return { count: this.count, boxes: this.boxes, scores: this.scores, classes: this.classes };
  }
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

export interface AnchorDecodeInput {
  cls: HeadMap;
  box: HeadMap;
  dir?: HeadMap;
  anchors: Float32Array;
  map: FeatureMap;
  numClasses: number;
  head: Pick<AnchorHead, 'dirOffset' | 'dirLimitOffset' | 'numDirBins' | 'nms'> & { boxCodeSize?: number };
  scoreThreshold: number;
}

/**
 * Candidates above the score threshold. Scores are sigmoid(logit) (the exports end before
 * OpenPCDet's sigmoid), compared in logit space so only candidates pay for exp. Per class, every
 * (anchor, class) above the threshold is a candidate; class-agnostic, each anchor's best class.
 */
export function anchorCandidates(input: AnchorDecodeInput): BoxSet {
  const { map, anchors, numClasses: C, head } = input;
  const HW = map.H * map.W;
  const A = anchors.length / 7 / HW;
  const code = head.boxCodeSize ?? 7; // values per anchor in box_preds; past the 7th (velocity) unused
  const cls = reader(input.cls, HW);
  const box = reader(input.box, HW);
  const dir = input.dir && head.numDirBins > 0 ? reader(input.dir, HW) : null;
  const nb = head.numDirBins;
  const period = nb > 0 ? (2 * Math.PI) / nb : 0;
  const t = Math.min(Math.max(input.scoreThreshold, 1e-7), 1 - 1e-7);
  const logitThreshold = Math.log(t / (1 - t));
  const out = new BoxBuffer();
  const decode = (loc: number, a: number, logit: number, k: number) => {
    const o = (loc * A + a) * 7;
    const xa = anchors[o], ya = anchors[o + 1], za = anchors[o + 2];
    const la = anchors[o + 3], wa = anchors[o + 4], ha = anchors[o + 5], ra = anchors[o + 6];
    const diag = Math.sqrt(la * la + wa * wa);
    const b = a * code;
    let yaw = box(loc, b + 6) + ra;
    if (dir) {
      let best = 0;
      for (let d = 1; d < nb; d++) if (dir(loc, a * nb + d) > dir(loc, a * nb + best)) best = d;
      yaw = limitPeriod(yaw - head.dirOffset, head.dirLimitOffset, period) + head.dirOffset + period * best;
    }
    out.push(
      box(loc, b) * diag + xa,
      box(loc, b + 1) * diag + ya,
      box(loc, b + 2) * ha + za,
      Math.exp(box(loc, b + 3)) * la,
      Math.exp(box(loc, b + 4)) * wa,
      Math.exp(box(loc, b + 5)) * ha,
      normalizeAngle(yaw),
      sigmoid(logit),
      k,
    );
  };
  for (let loc = 0; loc < HW; loc++)
    for (let a = 0; a < A; a++) {
      if (head.nms.classAgnostic) {
        let bestK = 0;
        let best = cls(loc, a * C);
        for (let k = 1; k < C; k++) {
          const v = cls(loc, a * C + k);
          if (v > best) { best = v; bestK = k; }
        }
        if (best > logitThreshold) decode(loc, a, best, bestK);
      } else
        for (let k = 0; k < C; k++) {
          const v = cls(loc, a * C + k);
          if (v > logitThreshold) decode(loc, a, v, k);
        }
    }
  return out.toSet();
}

/** Rotated BEV NMS over a candidate set -> predictions with class names. */
export function suppress(set: BoxSet, classes: readonly string[], nms: AnchorHead['nms'], iouThreshold: number): CuboidPrediction[] {
  const kept = rotatedNms(set.boxes, set.scores, set.count, {
    iouThreshold,
    classes: nms.classAgnostic ? undefined : set.classes,
    preMax: nms.preMax,
    maxOut: nms.maxDetections,
  });
  return Array.from(kept, (i) => {
    const b = set.boxes.subarray(i * 7, i * 7 + 7);
    return {
      label: classes[set.classes[i]] ?? `class ${set.classes[i]}`,
      score: set.scores[i],
      cuboid: { center: [b[0], b[1], b[2]], size: [b[3], b[4], b[5]], yaw: b[6] },
    };
  });
}
