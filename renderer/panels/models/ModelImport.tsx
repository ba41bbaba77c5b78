/**
 * Importing a model in two steps (issue #20): Check runs `models.import` as a dry run — the
 * effective manifest (preset + the partial manifest typed here), what the ONNX graph declares, any
 * mismatch, and the model's predictions on a sample image of the project with warnings when they
 * look wrong — and Add to library imports exactly that. A successful import clears an earlier
 * import's error.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../preload/contract';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { SamplePreview } from './SamplePreview';
import './modelImport.css';

type Plan = MethodOutput<'models.import'>;

export const IMPORT_PRESETS = ['yolox', 'yolov5', 'yolov8', 'ultraface', 'nanodet', 'fastestdet', 'yolo-fastestv2', 'yunet', 'scrfd', 'rtdetr', 'ufld', 'lstr', 'pointpillars'];

/** The partial manifest typed by the user: an object, or a message saying why not. */
export function parsePartialManifest(text: string): { manifest?: Record<string, unknown>; error?: { key: 'badJson' | 'notObject'; message?: string } } {
  if (!text.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: { key: 'badJson', message: (e as Error).message } };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: { key: 'notObject' } };
  return { manifest: v as Record<string, unknown> };
}

const shape = (s?: number[]) => (s ? `[${s.map((d) => (d < 0 ? '?' : d)).join(', ')}]` : '?');

export function ModelImport({ onImported }: { onImported: (id: string) => void }) {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  const [classes, setClasses] = useState('');
  const [preset, setPreset] = useState('yolox');
  const [manifestText, setManifestText] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = parsePartialManifest(manifestText);
  // any edit makes the shown plan stale
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPlan(null);
  };
  const request = () => ({ path: path.trim(), preset, classesPath: classes.trim() || undefined, manifest: parsed.manifest });

  const check = async () => {
    if (!path.trim() || parsed.error) return;
    setBusy(true);
    try {
      const open = useApp.getState().itemId;
      setPlan(await rpc.call('models.import', { ...request(), dryRun: true, ...(open ? { sampleItemId: open } : {}) }));
    } catch (err) {
      setPlan(null);
      reportError(err);
    } finally {
      setBusy(false);
    }
  };

  const add = async () => {
    setBusy(true);
    try {
      const { id } = await rpc.call('models.import', request());
      // an earlier failed import's message no longer applies
      useApp.getState().set({ error: null, notice: t('models.imported', { id }) });
      setPlan(null);
      setPath('');
      onImported(id);
    } catch (err) {
      reportError(err);
    } finally {
      setBusy(false);
    }
  };

  const threshold = (plan?.manifest.thresholds as { score?: number } | undefined)?.score ?? 0;
  return (
    <div className="model-import" data-testid="model-import">
      <form
        className="models-import"
        onSubmit={(e) => {
          e.preventDefault();
          void check();
        }}
      >
        <input value={path} onChange={(e) => edit(setPath)(e.target.value)} placeholder={t('models.importPath')} data-testid="model-path" />
        <input value={classes} onChange={(e) => edit(setClasses)(e.target.value)} placeholder={t('models.classesPath')} data-testid="classes-path" />
        <label className="small muted">
          {t('models.preset')}{' '}
          <select value={preset} onChange={(e) => edit(setPreset)(e.target.value)} data-testid="model-preset">
            {IMPORT_PRESETS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="ghost" disabled={busy || !path.trim() || !!parsed.error} data-testid="check-model">
          {t('modelImport.check')}
        </button>
        <label className="small muted model-import-manifest">
          {t('modelImport.manifest')}
          <textarea value={manifestText} onChange={(e) => edit(setManifestText)(e.target.value)} placeholder={t('modelImport.manifestPlaceholder')} rows={2} spellCheck={false} data-testid="model-manifest" />
        </label>
        {parsed.error ? (
          <p className="error-text small model-import-manifest" data-testid="manifest-error">
            {t(`modelImport.${parsed.error.key}`, { message: parsed.error.message })}
          </p>
        ) : null}
      </form>
      {busy && !plan ? <p className="muted small">{t('modelImport.checking')}</p> : null}
      {plan ? (
        <div className="import-plan" data-testid="import-plan">
          {plan.problems.length ? (
            <div className="error-text small" data-testid="import-problems">
              <strong>{t('modelImport.problems')}</strong>
              <ul>
                {plan.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {plan.notes.length ? (
            <div className="small muted" data-testid="import-notes">
              {t('modelImport.notes')}: {plan.notes.join('; ')}
            </div>
          ) : null}
          <table className="graph-io small mono" data-testid="graph-io">
            <caption className="muted">{t('modelImport.graph')}</caption>
            <tbody>
              {plan.graph.inputs.map((io) => (
                <tr key={`in-${io.name}`}>
                  <td className="muted">{t('modelImport.input')}</td>
                  <td>{io.name}</td>
                  <td>{io.type ?? ''}</td>
                  <td>{shape(io.shape)}</td>
                </tr>
              ))}
              {plan.graph.outputs.map((io) => (
                <tr key={`out-${io.name}`}>
                  <td className="muted">{t('modelImport.output')}</td>
                  <td>{io.name}</td>
                  <td>{io.type ?? ''}</td>
                  <td>{shape(io.shape)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {plan.sample ? (
            <div className="sample-check" data-testid="sample-check">
              <div className="small">
                {t('modelImport.sample', {
                  name: plan.sample.name,
                  count: plan.sample.predictions.length,
                  threshold,
                  best: plan.sample.bestScore === null ? t('modelImport.sampleNone') : plan.sample.bestScore.toFixed(3),
                })}
              </div>
              {plan.sample.warnings.length ? (
                plan.sample.warnings.map((w) => (
                  <p key={w.code} className="warning-text small" data-testid="sample-warning" data-code={w.code}>
                    ⚠ {w.message}
                  </p>
                ))
              ) : (
                <p className="small muted" data-testid="sample-ok">
                  {t('modelImport.sampleOk')}
                </p>
              )}
              <SamplePreview sample={plan.sample} />
            </div>
          ) : plan.sampleNote ? (
            <p className="small muted" data-testid="sample-note">
              {plan.sampleNote}
            </p>
          ) : null}
          <details className="effective-manifest">
            <summary className="small">{t('modelImport.effective')}</summary>
            <pre className="small mono" data-testid="effective-manifest">
              {JSON.stringify(plan.manifest, null, 2)}
            </pre>
          </details>
          <button className="primary" disabled={busy || plan.problems.length > 0} onClick={() => void add()} data-testid="import-model">
            {t('modelImport.add')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
