/** UltraFace (Ultra-Light-Fast-Generic-Face-Detector): scores [1, N, 2] softmax, boxes [1, N, 4] normalised corners. */
import { clampBox, nms, type Candidate } from '../nms';
import type { BoxPrediction, ImageTransform } from '../types';

export function decodeUltraface(
  scores: Float32Array,
  boxes: Float32Array,
  t: ImageTransform,
  o: { scoreThreshold: number; nmsThreshold: number; label?: string; maxDetections?: number },
): BoxPrediction[] {
  const n = boxes.length / 4;
  if (scores.length !== n * 2) throw new Error(`UltraFace scores hold ${scores.length / 2} anchors, boxes ${n}`);
  const cands: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const s = scores[2 * i + 1];
    if (s < o.scoreThreshold) continue;
    // the corners are normalised to the network input, which is the whole (stretched) image
    const bx = [boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]];
    const box = clampBox(
      [
        (bx[0] * t.inputWidth - t.padX) / t.scaleX,
        (bx[1] * t.inputHeight - t.padY) / t.scaleY,
        (bx[2] * t.inputWidth - t.padX) / t.scaleX,
        (bx[3] * t.inputHeight - t.padY) / t.scaleY,
      ],
      t.width,
      t.height,
    );
    if (box[2] <= box[0] || box[3] <= box[1]) continue;
    cands.push({ box, score: s, classId: 0, index: i });
  }
  return nms(cands, o.nmsThreshold, { maxDetections: o.maxDetections ?? 200 }).map((c) => ({ label: o.label ?? 'face', score: c.score, box: c.box }));
}
