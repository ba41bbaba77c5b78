import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TRAINING_TASKS, type TrainingBackendKind, type TrainingProgress, type TrainingTask } from '../../../core/training/job';
import { ULTRALYTICS_DEFAULTS, ULTRALYTICS_TEMPLATES } from '../../../core/training/commandTemplate';
import { newJobId } from '../../transport';
import { endJob, startJob, useApp } from '../../state/appStore';
import { itemIdsWithStatus, training, type BackendInfo, type StartResult } from './trainingClient';
import { backendOptions, fmt, liveMetrics, type ExternalForm } from './trainingView';

/**
 * "Train from this project": task, back end, which items (and an external trainer's command
 * templates), then one Train button. While the job runs: a progress bar with the phase, the epoch
 * and the live metrics the back end reports (loss, validation precision / recall), and Cancel.
 * Every control is a native button / select / input, so Tab reaches all of it.
 */
export function TrainingCard({ onTrained }: { onTrained(r: StartResult): void }) {
  const { t } = useTranslation();
  const [backends, setBackends] = useState<BackendInfo[]>([]);
  const [backend, setBackend] = useState<TrainingBackendKind>('local');
  const [task, setTask] = useState<TrainingTask>('detect3d');
  const [items, setItems] = useState<'all' | 'accepted'>('all');
  // detect2d trains a model of its own (the library id of the new detector); the others have defaults.
  const [modelId, setModelId] = useState('yolo-detector');
  const [form, setForm] = useState<ExternalForm>({
    train: ULTRALYTICS_TEMPLATES.train,
    export: ULTRALYTICS_TEMPLATES.export,
    epochs: ULTRALYTICS_DEFAULTS.epochs,
    imgsz: ULTRALYTICS_DEFAULTS.imgsz,
    model: ULTRALYTICS_DEFAULTS.model,
    host: '',
    port: 22,
  });
  const [jobId, setJobId] = useState<string | null>(null);
  const [progress, setProgress] = useState<TrainingProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const unsubscribe = useRef<(() => void) | null>(null);

  useEffect(() => {
    training.backends().then(setBackends, (e) => setError((e as Error).message));
    return () => unsubscribe.current?.();
  }, []);

  const info = backends.find((b) => b.kind === backend);
  const tasks = (info?.tasks ?? TRAINING_TASKS) as readonly TrainingTask[];
  // Keep the task valid for the chosen back end (command / ssh train detect2d only).
  useEffect(() => {
    if (info && !info.tasks.includes(task)) setTask(info.tasks[0] ?? 'detect3d');
  }, [info, task]);

  const running = jobId !== null;
  const set = <K extends keyof ExternalForm>(k: K, v: ExternalForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const train = async () => {
    setError(null);
    setResult(null);
    const id = newJobId('train');
    let itemIds: string[] | undefined;
    try {
      if (items === 'accepted') {
        itemIds = await itemIdsWithStatus('accepted');
        if (!itemIds.length) return setError(t('models.train.noItems'));
      }
    } catch (e) {
      return setError((e as Error).message);
    }
    setJobId(id);
    setProgress({ phase: 'snapshot', fraction: 0 });
    startJob(id, 'train');
    // Events carry only the metrics of their moment (a step's loss, then validation figures): keep
    // the latest value of each, so the panel shows the loss next to precision / recall.
    unsubscribe.current = training.onProgress(id, (p) => setProgress((prev) => ({ ...p, metrics: { ...prev?.metrics, ...p.metrics } })));
    try {
      const r = await training.start({ jobId: id, task, backend, itemIds, promote: 'auto', options: backendOptions(backend, form), ...(task === 'detect2d' ? { modelId: modelId.trim() } : {}) });
      const msg = t('models.train.done', { model: r.modelId, version: r.version.version, reason: r.reason });
      setResult(msg);
      useApp.getState().set({ notice: msg });
      onTrained(r);
    } catch (e) {
      const err = e as { code?: string; message: string };
      if (err.code === 'CANCELLED') setResult(t('models.train.cancelled'));
      else setError(err.message);
    } finally {
      unsubscribe.current?.();
      unsubscribe.current = null;
      endJob(id);
      setJobId(null);
    }
  };

  const external = backend !== 'local';
  const pct = Math.round(100 * Math.max(0, Math.min(1, progress?.fraction ?? 0)));
  return (
    <section className="card training-card" data-testid="training-card" aria-labelledby="training-title">
      <div className="panel-head">
        <h2 id="training-title">{t('models.train.title')}</h2>
      </div>
      <div className="training-form">
        <label>
          <span>{t('models.train.backend')}</span>
          <select value={backend} disabled={running} onChange={(e) => setBackend(e.target.value as TrainingBackendKind)} data-testid="train-backend">
            {(backends.length ? backends : [{ kind: 'local', available: true } as BackendInfo]).map((b) => (
              <option key={b.kind} value={b.kind} disabled={!b.available}>
                {t(`models.train.backends.${b.kind}`)}
                {b.available ? '' : ` (${b.reason ?? '—'})`}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('models.train.task')}</span>
          <select value={task} disabled={running} onChange={(e) => setTask(e.target.value as TrainingTask)} data-testid="train-task">
            {tasks.map((k) => (
              <option key={k} value={k}>
                {t(`models.train.tasks.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('models.train.items')}</span>
          <select value={items} disabled={running} onChange={(e) => setItems(e.target.value as 'all' | 'accepted')} data-testid="train-items">
            <option value="all">{t('models.train.itemsAll')}</option>
            <option value="accepted">{t('models.train.itemsAccepted')}</option>
          </select>
        </label>
        {task === 'detect2d' ? (
          <label>
            <span>{t('models.train.model')}</span>
            <input className="mono" value={modelId} disabled={running} onChange={(e) => setModelId(e.target.value)} pattern="[A-Za-z0-9._\-]{1,64}" data-testid="train-model-id" />
          </label>
        ) : null}
        {external ? (
          <fieldset className="training-external" disabled={running}>
            {backend === 'ssh' ? (
              <div className="row">
                <label className="grow">
                  <span>{t('models.train.host')}</span>
                  <input value={form.host} onChange={(e) => set('host', e.target.value)} data-testid="train-host" />
                </label>
                <label>
                  <span>{t('models.train.port')}</span>
                  <input type="number" min={1} max={65535} value={form.port} onChange={(e) => set('port', Number(e.target.value))} />
                </label>
              </div>
            ) : null}
            <label>
              <span>{t('models.train.commandTrain')}</span>
              <textarea className="mono small" rows={3} value={form.train} onChange={(e) => set('train', e.target.value)} data-testid="train-command" />
            </label>
            <label>
              <span>{t('models.train.commandExport')}</span>
              <input className="mono small" value={form.export} onChange={(e) => set('export', e.target.value)} data-testid="train-export-command" />
            </label>
            <p className="muted small">{t('models.train.placeholders')}</p>
            <div className="row">
              <label>
                <span>{t('models.train.epochs')}</span>
                <input type="number" min={1} value={form.epochs} onChange={(e) => set('epochs', Number(e.target.value))} data-testid="train-epochs" />
              </label>
              <label>
                <span>{t('models.train.imgsz')}</span>
                <input type="number" min={32} step={32} value={form.imgsz} onChange={(e) => set('imgsz', Number(e.target.value))} />
              </label>
              <label className="grow">
                <span>{t('models.train.weights')}</span>
                <input value={form.model} onChange={(e) => set('model', e.target.value)} />
              </label>
            </div>
          </fieldset>
        ) : null}
        {info?.available && info.reason ? <p className="muted small" data-testid="train-backend-note">{info.reason}</p> : null}
        {info && !info.available ? (
          <p className="error-text small" role="alert">
            {t('models.train.unavailable', { backend: t(`models.train.backends.${info.kind}`), reason: info.reason ?? '' })}
          </p>
        ) : null}
        <div className="row">
          <button className="primary" disabled={running || (info ? !info.available : false)} onClick={() => void train()} data-testid="train-start">
            {t('models.train.start')}
          </button>
          {running ? (
            <button className="ghost" onClick={() => void training.cancel(jobId!).catch((e) => setError((e as Error).message))} data-testid="train-cancel">
              {t('models.train.cancel')}
            </button>
          ) : null}
        </div>
      </div>
      {running && progress ? (
        <div className="training-progress" data-testid="train-progress" aria-live="polite">
          <div className="row small">
            <strong>{t(`models.train.phase.${progress.phase}`)}</strong>
            {progress.epoch !== undefined ? (
              <span className="muted">{progress.epochs ? t('models.train.epoch', { epoch: progress.epoch, epochs: progress.epochs }) : t('models.train.step', { epoch: progress.epoch })}</span>
            ) : null}
            <span className="mono muted grow right">{pct}%</span>
          </div>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('models.train.running')}>
            <div className="progress-bar" style={{ width: `${pct}%` }} />
          </div>
          {progress.message ? <div className="muted small ellipsis">{progress.message}</div> : null}
          <dl className="training-metrics" data-testid="train-metrics">
            {liveMetrics(progress).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd className="mono">{fmt(v)}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
      {error ? (
        <p className="error-text small training-error" role="alert" data-testid="train-error">
          <strong>{t('models.train.failed')}:</strong> {error}
        </p>
      ) : null}
      {result ? (
        <p className="small" data-testid="train-result">
          {result}
        </p>
      ) : null}
      {/* The finished job's last metrics stay readable (the train phase of a small local job lasts
          well under a second, too short to read them live). */}
      {!running && result && progress && liveMetrics(progress).length ? (
        <dl className="training-metrics" data-testid="train-final-metrics">
          {liveMetrics(progress).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className="mono">{fmt(v)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}
