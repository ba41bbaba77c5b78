/** The medical editor's right side: segments with volumes, threshold fill and interpolation, export and import. */
import type { Dispatch, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { VolumeHeader } from '../../../preload/contract';
import { fromHex, hex } from './segmentsIo';
import type { WorkspaceAction, WorkspaceState } from './workspace';
import type { Segmentation } from './useSegmentation';

export interface SegmentsPanelProps {
  state: WorkspaceState;
  dispatch: Dispatch<WorkspaceAction>;
  seg: Segmentation;
  header: VolumeHeader;
  /** ml by segment number. */
  volumes: Map<number, number>;
  voxelMl: number;
  activeIndex: number;
  onAddSegment(): void;
  onFillThreshold(): void;
  onInterpolate(): void;
  onExport(kind: 'seg' | 'rtstruct' | 'nifti'): void;
  onImport(kind: 'seg' | 'rtstruct' | 'nifti'): void;
  /** Shown after the threshold section (the segment operations, SegmentOpsPanel.tsx). */
  extra?: ReactNode;
}

export function SegmentsPanel(p: SegmentsPanelProps) {
  const { t } = useTranslation();
  const { state, seg } = p;
  const set = (patch: Extract<WorkspaceAction, { type: 'set' }>['patch']) => p.dispatch({ type: 'set', patch });
  const [lo, hi] = state.threshold;
  // 2D images have one view, titled "Image", and nothing to interpolate between.
  const flat = p.header.viewMode !== 'volume';
  const view = flat ? t('medical.image') : t(`medical.views.${state.activeView}`);
  return (
    <aside className="mv-side right">
      <section>
        <div className="mv-head">
          <h4>{t('medical.segments')}</h4>
          <span className={`mv-save ${seg.saveState}`} data-testid="medical-save-state">
            {t(`medical.${seg.saveState}`)}
          </span>
        </div>
        <ul className="mv-segments">
          {seg.segments.map((s) => {
            const ml = p.volumes.get(s.number) ?? 0;
            return (
              <li
                key={s.number}
                className={s.number === state.activeLabel ? 'on' : ''}
                onClick={() => set({ activeLabel: s.number })}
                data-testid="segment-row"
                data-number={s.number}
                data-voxels={Math.round(ml / p.voxelMl)}
              >
                <input type="color" value={hex(s.color)} onChange={(e) => seg.updateSegment(s.number, { color: fromHex(e.target.value) })} aria-label={t('medical.segmentColor')} />
                <input className="mv-name" value={s.label} onChange={(e) => seg.updateSegment(s.number, { label: e.target.value })} />
                <span className="mono small" data-testid="segment-ml">
                  {t('medical.volumeMl', { ml: ml.toFixed(ml < 10 ? 2 : 1) })}
                </span>
              </li>
            );
          })}
        </ul>
        <button className="small" onClick={p.onAddSegment} data-testid="add-segment">
          + {t('medical.addSegment')}
        </button>
      </section>
      <section>
        <h4>{t('medical.threshold')}</h4>
        <div className="mv-row">
          <label className="small">
            {t('medical.thresholdMin')}
            <input type="number" value={lo} onChange={(e) => set({ threshold: [Number(e.target.value), hi] })} data-testid="thr-min" />
          </label>
          <label className="small">
            {t('medical.thresholdMax')}
            <input type="number" value={hi} onChange={(e) => set({ threshold: [lo, Number(e.target.value)] })} data-testid="thr-max" />
          </label>
        </div>
        <button className="small" onClick={p.onFillThreshold} data-testid="threshold-fill">
          {t('medical.fillSlice')} ({view} {p.activeIndex + 1})
        </button>
        {flat && p.header.dims[2] <= 1 ? null : (
          <button className="small" onClick={p.onInterpolate} data-testid="interpolate">
            {t('medical.interpolate')} ({view})
          </button>
        )}
      </section>
      {p.extra}
      <section>
        <h4>{t('medical.export')}</h4>
        <label className="mv-check small">
          <input type="checkbox" checked={state.deidentify} onChange={(e) => set({ deidentify: e.target.checked })} data-testid="deidentify" />
          {t('medical.deidentify')}
        </label>
        {state.deidentify ? (
          <label className="mv-check small" title={t('medical.retainUidsHint')}>
            <input type="checkbox" checked={state.retainUids} onChange={(e) => set({ retainUids: e.target.checked })} data-testid="retain-uids" />
            {t('medical.retainUids')}
          </label>
        ) : null}
        <div className="mv-row">
          <button className="small" onClick={() => p.onExport('seg')} disabled={!p.header.canExportSeg} title={p.header.canExportSeg ? '' : t('medical.segNeedsDicom')} data-testid="export-seg">
            {t('medical.exportSeg')}
          </button>
          <button className="small" onClick={() => p.onExport('rtstruct')} disabled={!p.header.canExportSeg} title={p.header.canExportSeg ? '' : t('medical.segNeedsDicom')} data-testid="export-rtstruct">
            {t('medical.exportRtstruct')}
          </button>
          <button className="small" onClick={() => p.onExport('nifti')} data-testid="export-nifti">
            {t('medical.exportNifti')}
          </button>
        </div>
        <h4>{t('medical.import')}</h4>
        <input className="mv-path" value={state.importPath} placeholder={t('medical.importPath')} onChange={(e) => set({ importPath: e.target.value })} data-testid="import-path" />
        <div className="mv-row">
          <button className="small" onClick={() => p.onImport('seg')} data-testid="import-seg">
            {t('medical.importSeg')}
          </button>
          <button className="small" onClick={() => p.onImport('rtstruct')} data-testid="import-rtstruct">
            {t('medical.importRtstruct')}
          </button>
          <button className="small" onClick={() => p.onImport('nifti')} data-testid="import-nifti">
            {t('medical.importNifti')}
          </button>
        </div>
        {state.message ? (
          <p className="small mv-msg" data-testid="medical-message">
            {state.message}
          </p>
        ) : null}
      </section>
    </aside>
  );
}
