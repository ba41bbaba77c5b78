/** The metrics panel's team progress: items done / total per job and per person (work.progress). */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../preload/contract';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import './team.css';

type TeamProgress = MethodOutput<'work.progress'>;

export function TeamProgressBlock() {
  const { t } = useTranslation();
  const version = useApp((s) => s.indexVersion);
  const [p, setP] = useState<TeamProgress | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    // No store (or no jobs yet): the block stays away rather than erroring.
    rpc.call('work.progress', {}).then(setP, () => setP(null));
  }, [version, tick]);
  useEffect(() => {
    const bump = () => setTick((n) => n + 1);
    const offs = [rpc.on('work.changed', bump), rpc.on('item.changed', bump)];
    return () => offs.forEach((off) => off());
  }, []);
  if (!p || !p.jobs.length) return null;
  return (
    <div className="metric-grid" data-testid="team-progress">
      <div className="metric-block">
        <h3>{t('team.progressTitle')}</h3>
        <p className="muted small">{t('team.progressHint')}</p>
        <table className="data-table compact">
          <thead>
            <tr>
              <th>{t('team.colJob')}</th>
              <th>{t('team.colAnnotator')}</th>
              <th>{t('team.colReviewer')}</th>
              <th>{t('team.colStatus')}</th>
              <th className="num">{t('team.colProgress')}</th>
              <th className="num">{t('team.colAccepted')}</th>
            </tr>
          </thead>
          <tbody>
            {p.jobs.map((j) => (
              <tr key={j.jobId} data-testid="progress-job">
                <td className="mono">{j.name}</td>
                <td>{j.annotator ?? '—'}</td>
                <td>{j.reviewer ?? '—'}</td>
                <td>
                  <span className={`job-status ${j.status}`}>{t(`team.jobStatus.${j.status}`)}</span>
                </td>
                <td className="num">
                  {j.done} / {j.total}
                </td>
                <td className="num">{j.accepted}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="metric-block">
        <h3>{t('team.progressPeople')}</h3>
        <table className="data-table compact">
          <thead>
            <tr>
              <th>{t('team.colPerson')}</th>
              <th className="num">{t('team.colAnnotated')}</th>
              <th className="num">{t('team.colAccepted')}</th>
              <th className="num">{t('team.colReviewed')}</th>
            </tr>
          </thead>
          <tbody>
            {p.people.map((r) => (
              <tr key={r.name} data-testid="progress-person">
                <td>{r.name}</td>
                <td className="num">{r.annotate.total ? `${r.annotate.done} / ${r.annotate.total}` : '—'}</td>
                <td className="num">{r.annotate.total ? r.annotate.accepted : '—'}</td>
                <td className="num">{r.review.total ? `${r.review.reviewed} / ${r.review.total}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
