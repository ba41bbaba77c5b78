/** The pure parts of training on generated data: split by group, the logistic fit, promotion rules, detect3d on generated tables. */
import { describe, expect, it } from 'vitest';
import { groupItems, splitGroups } from './split';
import { fitLogistic } from './logistic';
import { forward } from './linearHeads';
import { promoteVersion, rollbackVersion, shouldPromote, type ModelVersions } from './job';
import { evaluateDetect3d, trainDetect3d, type FrameTable, type TableCandidate } from './detect3d';
import { FEATURE_COUNT } from '../lidar/proposalFeatures';
import { evaluateAccept2d, trainAccept2d, type ReviewedRow } from './accept2d';

/** Deterministic pseudo-random numbers (LCG). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('split by group', () => {
  const items = [
    ...Array.from({ length: 11 }, (_, i) => ({ itemId: `kt${i}`, path: `kt/velodyne/${String(i * 3).padStart(6, '0')}.bin`, sequence: false })),
    { itemId: 'a', path: 'kc/velodyne/000134.bin', sequence: false },
    { itemId: 'b', path: 'kc/velodyne/002155.bin', sequence: false },
    { itemId: 'c', path: 'kc/velodyne/007347.bin', sequence: false },
    { itemId: 's', path: 'sustech', sequence: true },
    { itemId: 'x', path: 'misc/photo.jpg', sequence: false },
  ];
  it('keeps a run of numbered frames and a sequence in one group each', () => {
    const g = groupItems(items);
    expect(new Set(items.slice(0, 11).map((i) => g.get(i.itemId))).size).toBe(1);
    expect(new Set(['a', 'b', 'c', 's', 'x', 'kt0'].map((i) => g.get(i))).size).toBe(6);
  });
  it('is deterministic, puts each group on one side and both sides get something', () => {
    const g = groupItems(items);
    const weights = new Map<string, number>();
    for (const i of items) weights.set(g.get(i.itemId)!, (weights.get(g.get(i.itemId)!) ?? 0) + 1);
    for (let seed = 1; seed < 20; seed++) {
      const a = splitGroups(weights, 0.3, seed);
      expect(splitGroups(weights, 0.3, seed)).toEqual(a);
      expect([...a.values()]).toContain('train');
      expect([...a.values()]).toContain('val');
    }
    expect(() => splitGroups(new Map([['one', 5]]))).toThrow(/at least 2 groups/);
  });
});

describe('logistic fit', () => {
  it('loss falls and the fit recovers a separating direction on generated data', () => {
    const r = rng(7);
    const n = 400, d = 3;
    const x = new Float64Array(n * d), y = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < d; i++) x[k * d + i] = r() * 2 - 1;
      y[k] = 2 * x[k * d] - x[k * d + 1] + 0.3 * (r() - 0.5) > 0 ? 1 : 0;
    }
    const fit = fitLogistic({ x, n, d, y }, { lambda: 0.1 });
    expect(fit.loss[fit.loss.length - 1]).toBeLessThan(fit.loss[0] * 0.5);
    for (let i = 1; i < fit.loss.length; i++) expect(fit.loss[i]).toBeLessThanOrEqual(fit.loss[i - 1] + 1e-9);
    expect(fit.weights[0]).toBeGreaterThan(0);
    expect(fit.weights[1]).toBeLessThan(0);
    const p = forward({ mean: [0, 0, 0], std: [1, 1, 1], weights: Array.from(fit.weights), bias: [fit.bias], heads: ['y'] }, x, n);
    let right = 0;
    for (let k = 0; k < n; k++) if ((p[k] > 0.5 ? 1 : 0) === y[k]) right++;
    expect(right / n).toBeGreaterThan(0.9);
  });
});

describe('promotion and roll back', () => {
  const m = (v: number) => ({ primary: { name: 'ap50', value: v }, n: 40 });
  const base: ModelVersions = { modelId: 'proposals3d', promoted: null, history: [], versions: [1, 2, 3].map((version) => ({ version, createdAt: '', task: 'detect3d' as const, backend: 'local' as const, metrics: m(0.5), snapshotId: 's', dir: `versions/${version}` })) };
  it('promotes only a strictly better version on the same metric', () => {
    expect(shouldPromote(m(0.6), m(0.5))).toBe(true);
    expect(shouldPromote(m(0.5), m(0.5))).toBe(false);
    expect(shouldPromote({ primary: { name: 'auc', value: 0.9 }, n: 40 }, m(0.5))).toBe(false);
    expect(shouldPromote(m(0.1), undefined)).toBe(true);
  });
  it('rolls back through the promotion history to the base model', () => {
    const a = promoteVersion(promoteVersion(base, 1), 3);
    expect(a.promoted).toBe(3);
    const b = rollbackVersion(a);
    expect(b.promoted).toBe(1);
    expect(rollbackVersion(b).promoted).toBe(null);
    expect(rollbackVersion(a, null).promoted).toBe(null);
    expect(() => promoteVersion(base, 9)).toThrow(/no version 9/);
  });
});

/**
 * Generated detect3d tables: car-sized candidates at known places; a human car exists where a hidden
 * feature (index 3, which the built-in logit does not see) is high. The built-in scores are noise
 * around 0.5, so it ranks poorly; the trained scorer must learn feature 3.
 */
function generatedFrames(frames: number, seed: number): FrameTable[] {
  const r = rng(seed);
  return Array.from({ length: frames }, (_, fi) => {
    const humans: FrameTable['humans'] = [];
    const candidates: TableCandidate[] = [];
    for (let k = 0; k < 12; k++) {
      const cx = 5 + k * 6, cy = (fi % 2 ? 1 : -1) * (3 + r() * 2);
      const box = { kind: 'cuboid3d' as const, center: [cx, cy, 0.8] as [number, number, number], size: [4, 1.7, 1.5] as [number, number, number], yaw: 0 };
      const isCar = r() < 0.5;
      if (isCar) humans.push({ label: 'Car', cls: 'car', box, points: 200 });
      const features = Array.from({ length: FEATURE_COUNT }, () => r());
      features[3] = isCar ? 0.6 + 0.4 * r() : 0.5 * r();
      candidates.push({ features, builtin: [r() - 0.5, -5], carBox: box, vruBox: { ...box, size: [0.8, 0.6, 1.7] }, vruLabel: 'pedestrian' });
    }
    return { itemId: `g${fi}`, frame: 0, split: fi % 4 === 0 ? 'val' : 'train', humans, rejected: [], candidates, sector: null };
  });
}

describe('detect3d trainer on generated tables', () => {
  it('learns what the built-in scorer misses: loss falls, validation AP beats the built-in', () => {
    const frames = generatedFrames(24, 3);
    const r = trainDetect3d(frames, { lambda: 1 });
    expect(r.loss.car[r.loss.car.length - 1]).toBeLessThan(r.loss.car[0]);
    const built = evaluateDetect3d(frames, null);
    const trained = evaluateDetect3d(frames, r.scorer);
    expect(built.n).toBeGreaterThanOrEqual(30);
    expect(trained.primary.value).toBeGreaterThan(built.primary.value + 0.1);
    expect(r.scorer.refine.labels.car).toBe('Car');
  });
});

describe('accept2d trainer on generated reviews', () => {
  it('learns which class users reject: keep-F1 and AUC beat the detector as it is', () => {
    const r = rng(11);
    const rows: ReviewedRow[] = [];
    for (let i = 0; i < 300; i++) {
      const label = r() < 0.5 ? 'car' : 'person';
      const score = 0.3 + 0.7 * r();
      const x = r() * 500, y = r() * 300;
      // users keep cars, reject most "person" boxes whatever their score
      const kept = label === 'car' ? r() < 0.9 : r() < 0.03;
      rows.push({ label, score, box: [x, y, x + 40, y + 30], width: 640, height: 480, kept, split: i % 3 === 0 ? 'val' : 'train', itemId: `i${i % 30}` });
    }
    const t = trainAccept2d(rows);
    expect(t.loss[t.loss.length - 1]).toBeLessThan(t.loss[0]);
    const base = evaluateAccept2d(rows, null);
    const m = evaluateAccept2d(rows, t.model);
    expect(m.n).toBe(100);
    expect(m.primary.value).toBeGreaterThan(base.primary.value + 0.1);
    expect(m.auc as number).toBeGreaterThan((base.auc as number) + 0.2);
    expect(m.rejectedHidden as number).toBeGreaterThan(0.5);
    expect(m.recall).toBeGreaterThan(0.85);
  });
});
