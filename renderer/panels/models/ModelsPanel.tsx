import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../preload/contract';
import { rpc, newJobId } from '../../transport';
import { endJob, startJob, useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { ModelImport } from './ModelImport';
import { ModelGraph } from './ModelGraph';
import { ReviewStrip } from './ReviewStrip';
import { ClassMapping } from './ClassMapping';
import { TrainingCard } from './TrainingCard';
import { VersionList } from './VersionList';
import { training, type VersionsOfModel } from './trainingClient';
import './models.css';

type ModelList = MethodOutput<'models.list'>;

/** The model library, pre-labelling with progress/cancel, and the review strip for predictions. */
export function ModelsPanel() {
  const { t } = useTranslation();
  const [list, setList] = useState<ModelList | null>(null);
  const [selected, setSelected] = useState<string>('');
  const [running, setRunning] = useState(false);
  const [reviewVersion, setReviewVersion] = useState(0);
  const [versions, setVersions] = useState<VersionsOfModel[]>([]);

  const refresh = useCallback(() => {
    rpc.call('models.list', {}).then((l) => {
      setList(l);
      setSelected((s) => s || l.models.find((m) => m.task === 'detect2d')?.id || '');
    }, reportError);
    training.versions().then(setVersions, reportError);
  }, []);
  useEffect(refresh, [refresh]);

  const prelabel = async () => {
    const jobId = newJobId('prelabel');
    startJob(jobId, 'prelabel');
    setRunning(true);
    try {
      const r = await rpc.call('prelabel.run', { jobId, modelId: selected });
      useApp.getState().set({ notice: t('models.prelabelDone', { items: r.items, predictions: r.predictions, skipped: r.skipped }) });
      if (r.failed.length) reportError(new Error(r.failed.map((f) => `${f.item}: ${f.error}`).join('\n')));
      const project = await rpc.call('project.current', {});
      useApp.getState().set({ project });
    } catch (err) {
      reportError(err);
    } finally {
      endJob(jobId);
      setRunning(false);
      setReviewVersion((v) => v + 1);
      refresh();
    }
  };

  return (
    <div className="models">
      <div className="models-left">
      <section className="card models-library">
        <div className="panel-head">
          <h2>{t('models.library')}</h2>
        </div>
        {list && list.models.length === 0 ? <p className="muted">{t('models.none')}</p> : null}
        {list?.threads ? (
          <p className="muted small" data-testid="models-threads">
            {t('models.threads', { threads: list.threads, cores: list.cores ?? list.threads })}
          </p>
        ) : null}
        <table className="models-table" data-testid="models-table">
          <thead>
            <tr>
              <th />
              <th>{t('ontology.name')}</th>
              <th>{t('models.task')}</th>
              <th>{t('models.adapter')}</th>
              <th>{t('models.source')}</th>
              <th>{t('models.provider')}</th>
            </tr>
          </thead>
          <tbody>
            {list?.models.map((m) => (
              <tr key={m.id} className={m.id === selected ? 'selected' : ''} onClick={() => setSelected(m.id)} data-testid="model-row">
                <td>
                  <input type="radio" checked={m.id === selected} onChange={() => setSelected(m.id)} aria-label={m.id} />
                </td>
                <td>
                  <div>{m.name}</div>
                  <div className="muted small mono">
                    {m.id}
                    {m.version ? <span data-testid="model-version"> · v{m.version}</span> : null}
                  </div>
                </td>
                <td>{m.task}</td>
                <td>{m.adapter}</td>
                <td>{m.source}</td>
                <td className="mono small" data-testid="model-provider">
                  {m.provider ?? t('models.notLoaded', { list: m.providers.join(' › ') })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list?.problems.map((p) => (
          <p key={p.path} className="error-text small">
            {p.path}: {p.message}
          </p>
        ))}
        {(() => {
          const m = list?.models.find((x) => x.id === selected);
          return m && m.classNames.length && m.task !== 'promptable-segment' ? <ClassMapping modelId={m.id} classNames={m.classNames} /> : null;
        })()}
        {selected ? <ModelGraph modelId={selected} /> : null}
        <div className="row wrap">
          <button className="primary" disabled={!selected || running} onClick={() => void prelabel()} data-testid="prelabel">
            {t('models.prelabel')}
          </button>
        </div>
        <h3>{t('models.import')}</h3>
        <ModelImport
          onImported={(id) => {
            setSelected(id);
            refresh();
          }}
        />
      </section>
      <TrainingCard onTrained={refresh} />
      <section className="card training-card" aria-labelledby="versions-title">
        <div className="panel-head">
          <h2 id="versions-title">{t('models.versions.title')}</h2>
        </div>
        <VersionList models={versions} onChanged={refresh} />
      </section>
      </div>
      <ReviewStrip version={reviewVersion} />
    </div>
  );
}
