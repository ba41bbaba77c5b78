import type { LabelSpec } from '../../../core/document/schema';
import { sizePriorFor } from '../../../core/lidar/sizePrior';

/** The size prior [length, width, height] of a class, matched by label id / name (SIZE_PRIORS). */
export function priorFor(label: LabelSpec | undefined): readonly [number, number, number] | undefined {
  if (!label) return undefined;
  return sizePriorFor(`${label.id} ${label.name}`);
}
