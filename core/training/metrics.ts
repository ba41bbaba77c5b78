/** Ranking and threshold metrics shared by the trainers' evaluations. Pure. */

export interface Scored {
  score: number;
  /** A true positive (matched / kept). */
  tp: boolean;
}

/**
 * Average precision (all-point interpolated, VOC 2010+) of scored detections against `positives`
 * ground-truth objects (each matched at most once, so tp counts at most `positives`).
 */
export function averagePrecision(rows: readonly Scored[], positives: number): number {
  if (!positives) return 0;
  const sorted = rows.slice().sort((a, b) => b.score - a.score);
  const prec: number[] = [], rec: number[] = [];
  let tp = 0;
  sorted.forEach((r, i) => {
    if (r.tp) tp++;
    prec.push(tp / (i + 1));
    rec.push(tp / positives);
  });
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i], prec[i + 1]);
  let ap = 0, lastRec = 0;
  for (let i = 0; i < prec.length; i++) {
    if (rec[i] > lastRec) {
      ap += (rec[i] - lastRec) * prec[i];
      lastRec = rec[i];
    }
  }
  return ap;
}

/** Area under the ROC curve (probability a random positive outranks a random negative; ties count half). */
export function rocAuc(rows: readonly Scored[]): number {
  const sorted = rows.slice().sort((a, b) => a.score - b.score);
  let pos = 0, neg = 0, rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    const rank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) if (sorted[t].tp) { pos++; rankSum += rank; } else neg++;
    i = j;
  }
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : 0.5;
}

export const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;
