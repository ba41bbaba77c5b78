/**
 * runQa: normalise every item, gather project statistics (box sizes per label), then run the
 * enabled checks item by item. Synchronous and pure; `signal` is polled between items and
 * `progress(done, total)` reported after each.
 */
import type { Ontology } from '../document/schema';
import { QaConfig, type QaConfigInput } from './config';
import { labelResolver, normalizeItem } from './collect';
import type { Finding, QaItem, RunOptions } from './types';
import { checkPoints } from './checks/points';
import { checkBoxFit } from './checks/boxFit';
import { checkSize, sizeStatistics } from './checks/size';
import { checkDuplicates } from './checks/duplicates';
import { checkTracks } from './checks/tracks';
import { checkAttributes } from './checks/attributes';
import { checkImage } from './checks/image';
import { checkPredictions } from './checks/predictions';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function aborted(): Error {
  const e = new Error('QA run cancelled');
  e.name = 'AbortError';
  return e;
}

export function runQa(items: readonly QaItem[], ontology: Ontology, config: QaConfigInput | QaConfig = {}, opts: RunOptions = {}): Finding[] {
  const cfg = QaConfig.parse(config);
  const resolve = labelResolver(ontology);
  const hasOntology = ontology.labels.length > 0;
  const normalized = items.map((item) => {
    if (opts.signal?.aborted) throw aborted();
    return normalizeItem(item, resolve, cfg);
  });
  const stats = cfg.size.enabled ? sizeStatistics(normalized) : new Map();
  const findings: Finding[] = [];
  normalized.forEach((n, i) => {
    if (opts.signal?.aborted) throw aborted();
    const own: Finding[] = [
      ...checkAttributes(n, cfg, resolve, hasOntology),
      ...checkSize(n, cfg.size, stats, cfg.image.minSide3d),
      ...checkImage(n, cfg.image),
      ...checkDuplicates(n, cfg.duplicates),
      ...checkTracks(n, cfg.tracks),
      ...checkPoints(n, cfg.points),
      ...checkBoxFit(n, cfg.fit),
      ...checkPredictions(n, cfg.predictions),
    ];
    own.sort((a, b) => (a.frame ?? -1) - (b.frame ?? -1) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    findings.push(...own);
    opts.progress?.(i + 1, normalized.length);
  });
  return findings;
}

/** Counts per severity, for summaries. */
export function summarize(findings: readonly Finding[]): Record<Finding['severity'], number> {
  const out = { error: 0, warning: 0, info: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}
