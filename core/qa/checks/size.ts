/**
 * Box sizes outside the plausible range of their class: from built-in priors (metres) and from
 * the project's own statistics (median ± k·MAD per label once a label has enough samples).
 * One finding per untracked box, one per track (at its first offending keyframe).
 */
import type { Cuboid3D } from '../../document/schema';
import type { QaConfig, SizeRange } from '../config';
import type { NormalizedItem } from '../collect';
import type { Finding, QaObject } from '../types';

/** Generous ranges (footprint long side, short side, height), metres. */
export const DEFAULT_SIZE_PRIORS: Record<string, SizeRange> = {
  car: { long: [2.4, 6.0], short: [1.3, 2.4], height: [1.0, 2.6] },
  van: { long: [3.5, 7.5], short: [1.6, 2.6], height: [1.6, 3.3] },
  truck: { long: [4.0, 20], short: [1.6, 3.2], height: [1.7, 4.6] },
  bus: { long: [6.0, 20], short: [2.0, 3.3], height: [2.3, 4.6] },
  trailer: { long: [3.0, 18], short: [1.5, 3.2], height: [1.0, 4.6] },
  tram: { long: [10, 60], short: [2.0, 3.4], height: [2.5, 4.5] },
  pedestrian: { long: [0.2, 2.0], short: [0.2, 1.3], height: [0.8, 2.3] },
  cyclist: { long: [1.0, 2.6], short: [0.3, 1.5], height: [1.0, 2.3] },
  bicycle: { long: [1.0, 2.4], short: [0.2, 1.2], height: [0.5, 2.0] },
  motorcycle: { long: [1.2, 3.0], short: [0.4, 1.4], height: [0.7, 2.2] },
};
const ALIASES: Record<string, string> = {
  person: 'pedestrian',
  ped: 'pedestrian',
  rider: 'cyclist',
  bike: 'bicycle',
  motor: 'motorcycle',
  motorbike: 'motorcycle',
  motorcyclist: 'cyclist',
  'scooter': 'motorcycle',
  'person_sitting': 'pedestrian',
  'construction_vehicle': 'truck',
};

export function priorFor(cls: string, config: QaConfig['size']): SizeRange | undefined {
  const key = cls.toLowerCase();
  return config.priors[key] ?? DEFAULT_SIZE_PRIORS[key] ?? DEFAULT_SIZE_PRIORS[ALIASES[key] ?? ''];
}

/** [long, short, height] of a cuboid (footprint sides sorted: heading is ambiguous for some classes). */
export function dims(box: Cuboid3D): [number, number, number] {
  const [l, w, h] = box.size;
  return [Math.max(l, w), Math.min(l, w), h];
}

const DIM_NAMES = ['length', 'width', 'height'] as const;

export function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface SizeStats {
  count: number;
  median: [number, number, number];
  mad: [number, number, number];
}

/** Per class: one sample per track (its median size) and per untracked box. Predictions excluded. */
export function sizeStatistics(items: readonly NormalizedItem[]): Map<string, SizeStats> {
  const samples = new Map<string, Array<[number, number, number]>>();
  const add = (cls: string, d: [number, number, number]) => {
    let list = samples.get(cls);
    if (!list) samples.set(cls, (list = []));
    list.push(d);
  };
  for (const n of items) {
    for (const f of n.frames)
      for (const o of f.objects) if (!o.prediction && !o.trackId && o.geometry.kind === 'cuboid3d') add(o.cls, dims(o.geometry));
    for (const s of n.series) {
      const ds = s.appearances.filter((a) => a.geometry.kind === 'cuboid3d').map((a) => dims(a.geometry as Cuboid3D));
      if (ds.length) add(s.appearances[0].cls, [0, 1, 2].map((i) => median(ds.map((d) => d[i]))) as [number, number, number]);
    }
  }
  const stats = new Map<string, SizeStats>();
  for (const [cls, list] of samples) {
    const med = [0, 1, 2].map((i) => median(list.map((d) => d[i]))) as [number, number, number];
    const mad = [0, 1, 2].map((i) => median(list.map((d) => Math.abs(d[i] - med[i])))) as [number, number, number];
    stats.set(cls, { count: list.length, median: med, mad });
  }
  return stats;
}

const fmt = (v: number) => v.toFixed(2);

function problemsWithPrior(d: [number, number, number], prior: SizeRange, slack: number): string[] {
  const ranges = [prior.long, prior.short, prior.height];
  const out: string[] = [];
  d.forEach((v, i) => {
    const [lo, hi] = ranges[i];
    if (v < lo * (1 - slack) || v > hi * (1 + slack)) out.push(`${DIM_NAMES[i]} ${fmt(v)} m outside ${lo}–${hi} m`);
  });
  return out;
}

function problemsWithStats(d: [number, number, number], s: SizeStats, config: QaConfig['size']): string[] {
  const out: string[] = [];
  d.forEach((v, i) => {
    const tol = Math.max(config.k * 1.4826 * s.mad[i], config.minRelative * s.median[i]);
    if (Math.abs(v - s.median[i]) > tol)
      out.push(`${DIM_NAMES[i]} ${fmt(v)} m vs project median ${fmt(s.median[i])} m (±${fmt(tol)})`);
  });
  return out;
}

export function checkSize(n: NormalizedItem, config: QaConfig['size'], stats: Map<string, SizeStats>, minSide3d: number): Finding[] {
  if (!config.enabled) return [];
  const out: Finding[] = [];
  const reported = new Set<string>(); // per track and check
  const report = (o: QaObject, check: Finding['check'], severity: Finding['severity'], message: string) => {
    if (o.trackId !== undefined) {
      const key = `${check}\u0000${o.trackId}`;
      if (reported.has(key)) return;
      reported.add(key);
    }
    out.push({ check, severity, item: n.item.id, frame: o.frame, object: o.id, message });
  };
  for (const f of n.frames)
    for (const o of f.objects) {
      if (o.prediction || !o.keyframe || o.geometry.kind !== 'cuboid3d') continue;
      const box = o.geometry;
      if (box.size.some((v) => !(v > 0))) {
        report(o, 'bad-size', 'error', `${o.label} box has a non-positive size ${box.size.map(fmt).join(' × ')} m`);
        continue;
      }
      if (box.size.some((v) => v < minSide3d)) {
        report(o, 'bad-size', 'warning', `${o.label} box is tiny: ${box.size.map(fmt).join(' × ')} m`);
        continue;
      }
      const d = dims(box);
      const prior = priorFor(o.cls, config);
      const priorProblems = prior ? problemsWithPrior(d, prior, config.priorSlack) : [];
      if (priorProblems.length) report(o, 'size-prior', 'warning', `${o.label} size implausible: ${priorProblems.join('; ')}`);
      const s = stats.get(o.cls);
      if (s && s.count >= config.minSamples) {
        const p = problemsWithStats(d, s, config);
        if (p.length) report(o, 'size-stats', priorProblems.length ? 'info' : 'warning', `${o.label} size unusual for this project: ${p.join('; ')}`);
      }
    }
  return out;
}
