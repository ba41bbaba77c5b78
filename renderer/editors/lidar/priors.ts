import type { LabelSpec } from '../../../core/document/schema';
import { CLASS_PRIORS } from '../../../core/lidar/sizePrior';

/** The size prior [length, width, height] of a class, matched by label id / name (CLASS_PRIORS). */
export function priorFor(label: LabelSpec | undefined): readonly [number, number, number] | undefined {
  if (!label) return undefined;
  const key = `${label.id} ${label.name}`.toLowerCase();
  return CLASS_PRIORS.find((p) => key.includes(p.label))?.size as [number, number, number] | undefined;
}
