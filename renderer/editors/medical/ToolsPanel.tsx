/** The medical editor's left side: tools and brush, undo/redo, window presets, invert, opacity, volume info. */
import type { Dispatch } from 'react';
import { useTranslation } from 'react-i18next';
import type { VolumeHeader } from '../../../preload/contract';
import type { Volume } from '../../../core/medical/types';
import { WINDOW_PRESETS, type WindowPresetName } from '../../../core/medical/window';
import { displayChord } from '../../keymap/keymap';
import { medicalKeys, TOOL_ACTIONS } from './keys';
import type { WorkspaceAction, WorkspaceState } from './workspace';
import type { Segmentation } from './useSegmentation';

export function ToolsPanel({
  state,
  dispatch,
  seg,
  header,
  volume,
  onShowTags,
}: {
  state: WorkspaceState;
  dispatch: Dispatch<WorkspaceAction>;
  seg: Segmentation;
  header: VolumeHeader;
  volume: Volume;
  /** DICOM items: open the header (tag) viewer. */
  onShowTags?: () => void;
}) {
  const { t } = useTranslation();
  const set = (patch: Extract<WorkspaceAction, { type: 'set' }>['patch']) => dispatch({ type: 'set', patch });
  return (
    <aside className="mv-side">
      <section>
        <h4>{t('medical.tools.title')}</h4>
        <div className="mv-tools">
          {TOOL_ACTIONS.map((k) => {
            const key = displayChord(medicalKeys.actions[k].keys[0]);
            return (
              <button key={k} className={state.tool === k ? 'on' : ''} onClick={() => set({ tool: k })} data-testid={`tool-${k}`} title={`${t(`medical.tools.${k}`)} (${key})`}>
                {t(`medical.tools.${k}`)}
                <kbd>{key}</kbd>
              </button>
            );
          })}
        </div>
        <label className="mv-row small">
          {t('medical.brushSize', { mm: state.brushMm })}
          <input type="range" min={0.5} max={50} step={0.5} value={state.brushMm} onChange={(e) => set({ brushMm: Number(e.target.value) })} data-testid="brush-size" />
        </label>
        {state.tool === 'polygon' ? <p className="muted small">{t('medical.polygonHint')}</p> : null}
        <div className="mv-row">
          <button onClick={seg.undo} disabled={!seg.history.canUndo} data-testid="medical-undo">
            {t('medical.undo')}
          </button>
          <button onClick={seg.redo} disabled={!seg.history.canRedo} data-testid="medical-redo">
            {t('medical.redo')}
          </button>
        </div>
      </section>
      <section>
        <h4>{t('medical.window')}</h4>
        <div className="mv-presets">
          {(Object.keys(WINDOW_PRESETS) as WindowPresetName[]).map((name) => (
            <button key={name} className="small" onClick={() => set({ window: { ...WINDOW_PRESETS[name] } })} data-testid={`preset-${name}`}>
              {t(`medical.presets.${name}`)}
            </button>
          ))}
          <button className="small" onClick={() => set({ window: header.window })} data-testid="preset-default">
            {t('medical.presets.default')}
          </button>
        </div>
        <div className="mv-row">
          <label className="mv-check small">
            <input type="checkbox" checked={state.invert} onChange={(e) => set({ invert: e.target.checked })} data-testid="invert" />
            {t('medical.invert')}
          </label>
          <button className="small ghost" onClick={() => dispatch({ type: 'fit' })}>
            {t('medical.fit')}
          </button>
        </div>
        <label className="mv-row small">
          {t('medical.opacity')}
          <input type="range" min={0} max={1} step={0.05} value={state.opacity} onChange={(e) => set({ opacity: Number(e.target.value) })} />
        </label>
      </section>
      <section className="mv-info small muted">
        <div data-testid="volume-info">
          {t('medical.info', {
            dims: volume.dims.join('×'),
            spacing: volume.spacing.map((s) => +s.toFixed(2)).join('×'),
            modality: header.modality,
          })}
        </div>
        {header.description ? <div>{header.description}</div> : null}
        {header.viewMode === 'projection' ? <div data-testid="projection-note">{t('medical.projection')}</div> : null}
        {header.reorient.perm.some((a, i) => a !== i) || header.reorient.flip.some(Boolean) ? (
          <div data-testid="reoriented-note">{t('medical.reoriented', { order: storedAxes(header.reorient) })}</div>
        ) : null}
        {header.units ? <div data-testid="units-note">{t('medical.units', { units: header.units })}</div> : null}
        {header.errors.length ? (
          <div className="mv-warn" title={header.errors.map((e) => `${e.file}: ${e.message}`).join('\n')} data-testid="file-errors">
            {t('medical.fileErrors', { count: header.errors.length })}
          </div>
        ) : null}
        {header.warnings.map((w) => (
          <div key={w} className="mv-warn">
            {w}
          </div>
        ))}
        {onShowTags ? (
          <button className="small" onClick={onShowTags} data-testid="open-tags">
            {t('dicomTags.open')}
          </button>
        ) : null}
      </section>
    </aside>
  );
}

/** The patient direction each stored axis (i, j, k) runs towards, e.g. "PIR" for a sagittal NIfTI. */
function storedAxes(r: { perm: number[]; flip: boolean[] }): string {
  const out = ['', '', ''];
  r.perm.forEach((src, a) => (out[src] = (r.flip[a] ? 'RAI' : 'LPS')[a]));
  return out.join('');
}
