import { useTranslation } from 'react-i18next';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { training, type VersionsOfModel } from './trainingClient';
import { canRollBack, fmt, versionState } from './trainingView';

/**
 * Trained versions per model: validation metrics (primary, precision, recall, n) beside what each
 * was compared with when installed (the version in use then, or the base model), which one
 * pre-labelling uses, Promote for any other version and Roll back to the previous choice.
 */
export function VersionList({ models, onChanged }: { models: VersionsOfModel[]; onChanged(): void }) {
  const { t } = useTranslation();
  const act = async (fn: () => Promise<{ promoted: number | null }>, notice: (promoted: number | null) => string) => {
    try {
      const r = await fn();
      useApp.getState().set({ notice: notice(r.promoted) });
      onChanged();
    } catch (err) {
      reportError(err);
    }
  };
  if (!models.length) return <p className="muted small">{t('models.versions.none')}</p>;
  return (
    <div className="versions" data-testid="versions">
      {models.map((m) => (
        <div key={m.modelId} className="versions-model" data-testid={`versions-${m.modelId}`}>
          <div className="row">
            <h3 className="grow">
              <span className="mono">{m.modelId}</span>
            </h3>
            <span className="small muted" data-testid="versions-in-use">
              {m.promoted === null ? t('models.versions.baseInUse') : t('models.versions.usesVersion', { version: m.promoted })}
            </span>
            <button
              className="ghost"
              disabled={!canRollBack(m)}
              aria-label={t('models.versions.rollbackLabel', { model: m.modelId })}
              onClick={() =>
                void act(
                  () => training.rollback(m.modelId),
                  (p) => t('models.versions.rolledBack', { model: m.modelId, what: p === null ? t('models.versions.base') : `v${p}` }),
                )
              }
              data-testid="rollback"
            >
              {t('models.versions.rollback')}
            </button>
          </div>
          <table className="models-table versions-table">
            <thead>
              <tr>
                <th>{t('models.versions.version')}</th>
                <th>{t('models.versions.state')}</th>
                <th>{t('models.versions.metric')}</th>
                <th>{t('models.versions.precision')}</th>
                <th>{t('models.versions.recall')}</th>
                <th>{t('models.versions.n')}</th>
                <th>{t('models.versions.comparedWith')}</th>
                <th>{t('models.versions.backend')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...m.versions]
                .sort((a, b) => b.version - a.version)
                .map((v) => {
                  const state = versionState(m, v.version);
                  return (
                    <tr key={v.version} className={state === 'inUse' ? 'selected' : ''} data-testid="version-row" data-version={v.version} data-state={state}>
                      <td className="mono" title={new Date(v.createdAt).toLocaleString()}>
                        v{v.version}
                      </td>
                      <td>
                        <span className={`chip chip-${state}`}>{t(`models.versions.${state}`)}</span>
                      </td>
                      <td className="mono" title={v.metrics.primary.name}>
                        {v.metrics.primary.name} {fmt(v.metrics.primary.value)}
                      </td>
                      <td className="mono">{fmt(v.metrics.precision)}</td>
                      <td className="mono">{fmt(v.metrics.recall)}</td>
                      <td className="mono">{v.metrics.n}</td>
                      <td className="small">
                        {v.comparedWith ? (
                          <>
                            <span className="mono">{fmt(v.comparedWith.metrics.primary.value)}</span> <span className="muted">{v.comparedWith.label}</span>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td className="small">{v.backend}</td>
                      <td>
                        {state !== 'inUse' ? (
                          <button
                            className="ghost small"
                            aria-label={t('models.versions.promoteLabel', { model: m.modelId, version: v.version })}
                            onClick={() => void act(() => training.promote(m.modelId, v.version), () => t('models.versions.promoted', { model: m.modelId, version: v.version }))}
                            data-testid="promote"
                          >
                            {t('models.versions.promote')}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}
