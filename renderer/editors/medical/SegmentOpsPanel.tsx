/**
 * Whole-segment operations on the active segment, as 3D Slicer's Segment Editor offers them:
 * region growing from the crosshair, threshold in a 3D box around it, remove small islands, keep
 * the largest component, fill holes, median smoothing (core/medical/segment-ops.ts), each one undo
 * step; plus the adaptive MR and NM/PET window presets (core/medical/window-presets.ts). Keys:
 * `medicalSegmentKeys` (keys.ts).
 */
import { useState, type Dispatch } from 'react';
import { useTranslation } from 'react-i18next';
import type { Volume } from '../../../core/medical/types';
import type { Labelmap } from '../../../core/medical/segmentation';
import { boxAround, fillHoles, keepLargestComponent, regionGrow, removeSmallIslands, smoothSegment, thresholdInBox } from '../../../core/medical/segment-ops';
import { ADAPTIVE_PRESETS, adaptiveWindow } from '../../../core/medical/window-presets';
import { displayChord } from '../../keymap/keymap';
import { useKeymap } from '../../keymap/useKeymap';
import { medicalSegmentKeys } from './keys';
import type { WorkspaceAction, WorkspaceState } from './workspace';
import type { Segmentation } from './useSegmentation';

type Op = keyof typeof medicalSegmentKeys.actions;
const OPS: Op[] = ['grow', 'thresholdBox', 'removeIslands', 'keepLargest', 'fillHoles', 'smooth'];

export function SegmentOpsPanel({ state, dispatch, seg, volume, labelmap }: { state: WorkspaceState; dispatch: Dispatch<WorkspaceAction>; seg: Segmentation; volume: Volume; labelmap: Labelmap }) {
  const { t } = useTranslation();
  const [boxMm, setBoxMm] = useState(20);
  const [minIsland, setMinIsland] = useState(100);

  const run = (op: Op) => {
    const label = state.activeLabel;
    const [min, max] = state.threshold;
    const n = seg.applyEdit(() => {
      switch (op) {
        case 'grow':
          return regionGrow(labelmap, volume, state.cursor, min, max, label);
        case 'thresholdBox':
          return thresholdInBox(labelmap, volume, boxAround(volume.dims, volume.spacing, state.cursor, boxMm), min, max, label);
        case 'removeIslands':
          return removeSmallIslands(labelmap, label, minIsland);
        case 'keepLargest':
          return keepLargestComponent(labelmap, label);
        case 'fillHoles':
          return fillHoles(labelmap, label);
        case 'smooth':
          return smoothSegment(labelmap, label, 1);
      }
    });
    dispatch({ type: 'set', patch: { message: t('medicalOps.done', { op: t(`medicalOps.${op}`), count: n }) } });
  };

  useKeymap(medicalSegmentKeys, Object.fromEntries(OPS.map((op) => [op, () => run(op)])) as Record<Op, () => void>);

  return (
    <section className="mv-segops" data-testid="segment-ops">
      <h4>{t('medicalOps.title')}</h4>
      <p className="muted small">{t('medicalOps.rangeHint')}</p>
      <div className="mv-tools">
        {OPS.map((op) => {
          const key = displayChord(medicalSegmentKeys.actions[op].keys[0]);
          return (
            <button key={op} className="small" onClick={() => run(op)} data-testid={`segop-${op}`} title={`${t(`medicalOps.keys.${op}`)} (${key})`}>
              {t(`medicalOps.${op}`)}
              <kbd>{key}</kbd>
            </button>
          );
        })}
      </div>
      <label className="mv-row small">
        {t('medicalOps.boxHalf', { mm: boxMm })}
        <input type="range" min={2} max={100} step={1} value={boxMm} onChange={(e) => setBoxMm(Number(e.target.value))} data-testid="segop-box" />
      </label>
      <label className="mv-row small">
        {t('medicalOps.minIsland')}
        <input type="number" min={1} value={minIsland} onChange={(e) => setMinIsland(Math.max(1, Number(e.target.value) || 1))} data-testid="segop-min-island" />
      </label>
      <div className="mv-presets">
        {ADAPTIVE_PRESETS.map((name) => (
          <button key={name} className="small" onClick={() => dispatch({ type: 'set', patch: { window: adaptiveWindow(name, volume) } })} data-testid={`preset-${name}`}>
            {t(`medicalOps.presets.${name}`)}
          </button>
        ))}
      </div>
    </section>
  );
}
