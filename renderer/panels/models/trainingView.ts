/**
 * Pure helpers of the Models tab's training card and version list: which state a version is in,
 * how live metrics are ordered and formatted, and the back-end options the form sends.
 */
import type { ModelVersions, TrainingBackendKind, TrainingProgress } from '../../../core/training/job';

export type VersionState = 'inUse' | 'candidate' | 'older';

/** In use = promoted; candidate = newer than what is in use (trained, not promoted); else earlier. */
export function versionState(v: Pick<ModelVersions, 'promoted'>, version: number): VersionState {
  if (v.promoted === version) return 'inUse';
  return version > (v.promoted ?? 0) ? 'candidate' : 'older';
}

/** Whether Roll back has somewhere to go: a version is in use, or an earlier choice is remembered. */
export function canRollBack(v: Pick<ModelVersions, 'promoted'> & { history?: (number | null)[] }): boolean {
  return v.promoted !== null || (v.history ?? []).some((h) => h !== null);
}

export const fmt = (v: number | undefined | null, digits = 3): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');

/** Live metrics to show, losses first, then validation precision / recall, then the rest (at most 6). */
export function liveMetrics(p: TrainingProgress | null): Array<[string, number]> {
  const entries = Object.entries(p?.metrics ?? {}).filter(([, v]) => Number.isFinite(v));
  const rank = (k: string) => (k === 'loss' ? 0 : k.includes('loss') ? 1 : k === 'precision' ? 2 : k === 'recall' ? 3 : 4);
  return entries.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0])).slice(0, 6);
}

export interface ExternalForm {
  train: string;
  export: string;
  epochs: number;
  imgsz: number;
  model: string;
  host: string;
  port: number;
}

/** Back-end options as training.start takes them; the host checks them (templates, host name). */
export function backendOptions(kind: TrainingBackendKind, f: ExternalForm): Record<string, unknown> | undefined {
  if (kind === 'local') return undefined;
  const common = { train: f.train, export: f.export.trim() ? f.export : null, epochs: f.epochs, imgsz: f.imgsz, model: f.model };
  return kind === 'ssh' ? { ...common, host: f.host.trim(), port: f.port } : common;
}
