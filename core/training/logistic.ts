/**
 * L2-regularised logistic regression fitted by Newton's method (the dense d x d system is small:
 * tens of features), with the penalty pulling the weights towards a prior instead of zero, so a head
 * that starts from a built-in model (prior weight 1 on its logit) only moves as far as the data asks.
 * Several independent heads share one call (one ONNX graph later). Pure.
 */

export interface LogisticData {
  /** Row-major features, n x d (already standardised where wanted). */
  x: Float64Array;
  n: number;
  d: number;
  y: Uint8Array;
  /** Per-example weight (default 1). */
  w?: Float64Array;
}

export interface LogisticFit {
  weights: Float64Array;
  bias: number;
  /** Mean log-loss on the training data after each Newton step (step 0 = the prior). */
  loss: number[];
}

export interface LogisticOptions {
  lambda?: number;
  /** Prior weights (penalised towards) and bias (unpenalised start). */
  prior?: { weights: ArrayLike<number>; bias: number };
  maxIter?: number;
  onStep?: (step: number, loss: number) => void;
  signal?: AbortSignal;
}

function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = new Float64Array(n * (n + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) M[i * (n + 1) + j] = A[i * n + j];
    M[i * (n + 1) + n] = b[i];
  }
  const W = n + 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i * W + k]) > Math.abs(M[p * W + k])) p = i;
    if (p !== k) for (let j = 0; j < W; j++) [M[k * W + j], M[p * W + j]] = [M[p * W + j], M[k * W + j]];
    const pivot = M[k * W + k] || 1e-12;
    for (let i = k + 1; i < n; i++) {
      const f = M[i * W + k] / pivot;
      if (f) for (let j = k; j < W; j++) M[i * W + j] -= f * M[k * W + j];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i * W + n];
    for (let j = i + 1; j < n; j++) s -= M[i * W + j] * x[j];
    x[i] = s / (M[i * W + i] || 1e-12);
  }
  return x;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Mean weighted log-loss of weights/bias on data. */
export function logLoss(data: LogisticData, weights: ArrayLike<number>, bias: number): number {
  const { x, n, d, y, w } = data;
  let s = 0, wsum = 0;
  for (let k = 0; k < n; k++) {
    let z = bias;
    for (let i = 0; i < d; i++) z += weights[i] * x[k * d + i];
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(z)));
    const wk = w ? w[k] : 1;
    s -= wk * (y[k] ? Math.log(p) : Math.log(1 - p));
    wsum += wk;
  }
  return wsum ? s / wsum : 0;
}

export function fitLogistic(data: LogisticData, opts: LogisticOptions = {}): LogisticFit {
  const { x, n, d, y, w } = data;
  const lambda = opts.lambda ?? 1;
  const prior = opts.prior?.weights ?? new Float64Array(d);
  const D = d + 1;
  const beta = new Float64Array(D);
  for (let i = 0; i < d; i++) beta[i] = prior[i];
  beta[d] = opts.prior?.bias ?? 0;
  const loss = [logLoss(data, beta.subarray(0, d), beta[d])];
  opts.onStep?.(0, loss[0]);
  const row = new Float64Array(D);
  for (let iter = 0; iter < (opts.maxIter ?? 25); iter++) {
    if (opts.signal?.aborted) throw Object.assign(new Error('training cancelled'), { name: 'AbortError' });
    const g = new Float64Array(D);
    const H = new Float64Array(D * D);
    for (let k = 0; k < n; k++) {
      let z = beta[d];
      for (let i = 0; i < d; i++) {
        row[i] = x[k * d + i];
        z += beta[i] * row[i];
      }
      row[d] = 1;
      const p = sigmoid(z);
      const wk = w ? w[k] : 1;
      const r = (p - y[k]) * wk, q = Math.max(p * (1 - p), 1e-9) * wk;
      for (let i = 0; i < D; i++) {
        if (!row[i]) continue;
        g[i] += r * row[i];
        const qi = q * row[i];
        for (let j = i; j < D; j++) H[i * D + j] += qi * row[j];
      }
    }
    for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) H[i * D + j] = H[j * D + i];
    for (let i = 0; i < d; i++) {
      g[i] += lambda * (beta[i] - prior[i]);
      H[i * D + i] += lambda;
    }
    H[d * D + d] += 1e-9;
    const step = solve(H, g, D);
    // damped: halve the step while the penalised loss does not fall (Newton can overshoot on separable data)
    const penalised = (b: Float64Array) => {
      let pen = 0;
      for (let i = 0; i < d; i++) pen += (b[i] - prior[i]) ** 2;
      return logLoss(data, b.subarray(0, d), b[d]) + (0.5 * lambda * pen) / Math.max(1, sumWeights(data));
    };
    const before = penalised(beta);
    let t = 1;
    let next = beta.map((v, i) => v - t * step[i]);
    while (penalised(next) > before + 1e-12 && t > 1e-4) {
      t /= 2;
      next = beta.map((v, i) => v - t * step[i]);
    }
    let maxStep = 0;
    for (let i = 0; i < D; i++) maxStep = Math.max(maxStep, Math.abs(next[i] - beta[i]));
    beta.set(next);
    loss.push(logLoss(data, beta.subarray(0, d), beta[d]));
    opts.onStep?.(iter + 1, loss[loss.length - 1]);
    if (maxStep < 1e-6) break;
  }
  return { weights: beta.slice(0, d), bias: beta[d], loss };
}

function sumWeights(data: LogisticData): number {
  if (!data.w) return data.n;
  let s = 0;
  for (let k = 0; k < data.n; k++) s += data.w[k];
  return s;
}

/** Per-column mean and standard deviation of row-major data (std 1 for constant columns). */
export function columnStats(x: ArrayLike<number>, n: number, d: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) mean[i] += x[k * d + i] / n;
  for (let k = 0; k < n; k++) for (let i = 0; i < d; i++) std[i] += (x[k * d + i] - mean[i]) ** 2 / n;
  for (let i = 0; i < d; i++) std[i] = Math.sqrt(std[i]) || 1;
  return { mean, std };
}

/** The L2 strengths tried by fitLogisticCV (towards the prior: large = stay near the untrained model). */
export const LAMBDAS = [0.3, 3, 30, 300, 3000];

/** Cross-validation folds at most (groups are dealt into folds by a hash of their name). */
export const MAX_FOLDS = 5;

function foldOf(group: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < group.length; i++) h = Math.imul(h ^ group.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * fitLogistic with the L2 strength chosen by group-wise cross-validation on the training data
 * (held-out mean log-loss; groups are recordings, so no frame is judged by a fit on its neighbours;
 * one group per fold up to MAX_FOLDS groups, then groups dealt into MAX_FOLDS folds). With fewer
 * than 3 groups the largest strength is used (stay near the prior). Ties go to the stronger penalty.
 */
export function fitLogisticCV(data: LogisticData, groups: readonly string[], opts: LogisticOptions & { lambdas?: number[] } = {}): LogisticFit & { lambda: number; cvLoss: Record<string, number> } {
  const lambdas = opts.lambdas ?? LAMBDAS;
  const distinct = [...new Set(groups)].sort();
  const foldIndex = new Map(distinct.map((g, i) => [g, distinct.length <= MAX_FOLDS ? i : foldOf(g) % MAX_FOLDS]));
  const folds = groups.map((g) => String(foldIndex.get(g)));
  const names = [...new Set(folds)];
  const cvLoss: Record<string, number> = {};
  let best = lambdas[lambdas.length - 1];
  if (distinct.length >= 3) {
    let bestLoss = Infinity;
    for (const lambda of [...lambdas].reverse()) {
      let sum = 0, count = 0;
      for (const g of names) {
        const tr: number[] = [], te: number[] = [];
        folds.forEach((x, k) => (x === g ? te : tr).push(k));
        if (!te.length || !tr.length) continue;
        const part = (idx: number[]): LogisticData => ({
          x: Float64Array.from({ length: idx.length * data.d }, (_, j) => data.x[idx[Math.floor(j / data.d)] * data.d + (j % data.d)]),
          n: idx.length,
          d: data.d,
          y: Uint8Array.from(idx, (k) => data.y[k]),
          w: data.w ? Float64Array.from(idx, (k) => data.w![k]) : undefined,
        });
        const fit = fitLogistic(part(tr), { ...opts, lambda, onStep: undefined, maxIter: 12 });
        sum += logLoss(part(te), fit.weights, fit.bias) * te.length;
        count += te.length;
      }
      const loss = count ? sum / count : Infinity;
      cvLoss[String(lambda)] = Math.round(loss * 1e5) / 1e5;
      if (loss < bestLoss - 1e-6) {
        bestLoss = loss;
        best = lambda;
      }
    }
  }
  return { ...fitLogistic(data, { ...opts, lambda: best }), lambda: best, cvLoss };
}
