/** Performs a tool's label map edit (pure; the core's paint helpers). Returns how many voxels changed. */
import { fillPolygon, paintDisc, thresholdFill, type Labelmap } from '../../../../core/medical/segmentation';
import type { Volume } from '../../../../core/medical/types';
import type { LabelEdit, SlicePoint } from './types';

export function applyLabelEdit(labelmap: Labelmap, volume: Pick<Volume, 'data' | 'dims' | 'channels'>, edit: LabelEdit): number {
  switch (edit.type) {
    case 'stroke': {
      const { plane, from, to, radiusMm, label, erase } = edit;
      const [psx, psy] = edit.pixelSpacing;
      // Discs at most half a radius apart, so a fast drag leaves no gaps.
      const steps = from ? Math.max(1, Math.ceil(Math.hypot((to[0] - from[0]) * psx, (to[1] - from[1]) * psy) / Math.max(0.5, radiusMm / 2))) : 1;
      let changed = 0;
      for (let s = 1; s <= steps; s++) {
        const f = s / steps;
        const c: SlicePoint = from ? [from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f] : to;
        changed += paintDisc(labelmap, plane, c, radiusMm, label, erase);
      }
      return changed;
    }
    case 'fillPolygon':
      return fillPolygon(labelmap, edit.plane, edit.points, edit.label);
    case 'threshold':
      return thresholdFill(labelmap, volume, Math.min(edit.min, edit.max), Math.max(edit.min, edit.max), edit.label, edit.plane);
  }
}
