/** The Review tab: reviewer queue, AI QA (run, progress, findings -> issues) and team metrics. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput, QaFinding, QueueRow } from '../../../preload/contract';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { cancelJob, reportError } from '../../state/actions';
import { useSelection } from '../../state/selection';
import { dismissFinding, findingKey, loadDismissed, runQa, useActiveProfile, useQa, type QaScope } from '../../state/review';
import { issueFromFinding } from '../../../core/review/workflow';
import { MetricsPanel } from './MetricsPanel';
import { PinIcon } from './PinIcon';
import { useKeymap } from '../../keymap/useKeymap';
import { reviewQueueKeys } from './keys';
import './review.css';


export function ReviewPage() {
  const { t } = useTranslation();
  const section = useQa((s) => s.section);
  const setSection = (s: 'queue' | 'qa' | 'metrics') => useQa.getState().set({ section: s });
  return (
    <div className="review-page">
      <div className="toolbar review-toolbar">
        <div className="segmented" role="tablist">
          {(['queue', 'qa', 'metrics'] as const).map((s) => (
            <button key={s} role="tab" aria-selected={section === s} className={section === s ? 'active' : ''} onClick={() => setSection(s)} data-testid={`review-section-${s}`}>
              {t(`review.${s}`)}
            </button>
          ))}
        </div>
      </div>
      <div className="review-content">
        {section === 'queue' ? <QueuePanel /> : null}
        {section === 'qa' ? <QaPanel /> : null}
        {section === 'metrics' ? <MetricsPanel /> : null}
      </div>
    </div>
  );
}

const openItem = (itemId: string, frame: number | null = null, objectId: string | null = null) => {
  useSelection.getState().select(itemId, objectId ? [objectId] : [], frame);
  useApp.getState().set({ view: 'item', itemId });
};

function ago(at: number | null): string {
  if (!at) return '—';
  return new Date(at).toLocaleString();
}

function QueuePanel() {
  const { t } = useTranslation();
  const version = useApp((s) => s.indexVersion);
  const [rows, setRows] = useState<QueueRow[] | null>(null);
  const [sel, setSel] = useState(0);
  useEffect(() => {
    rpc.call('review.queue', {}).then((r) => {
      setRows(r.items);
      if (r.unreadable.length) useApp.getState().set({ error: t('review.unreadable', { count: r.unreadable.length, files: r.unreadable.join('; ') }) });
    }, reportError);
  }, [version]);
  // Each handler passes the key on (returns false) while the queue is empty.
  useKeymap(reviewQueueKeys, {
    move: (e) => !!rows?.length && void setSel((s) => (e.key === 'ArrowDown' ? Math.min(rows.length - 1, s + 1) : Math.max(0, s - 1))),
    open: () => !!rows?.length && void openItem(rows[Math.min(sel, rows.length - 1)].itemId),
    first: () => !!rows?.length && void openItem(rows[0].itemId),
  });
  return (
    <section className="review-card" data-testid="queue-panel">
      <header>
        <h2>{t('review.queueTitle')}</h2>
        <p className="muted small">{t('review.queueHint')}</p>
      </header>
      {rows && rows.length === 0 ? <p className="empty-note muted">{t('review.queueEmpty')}</p> : null}
      {rows && rows.length ? (
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('review.colItem')}</th>
              <th>{t('review.colModality')}</th>
              <th>{t('review.colBy')}</th>
              <th>{t('review.colSubmitted')}</th>
              <th className="num">{t('review.colIssues')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.itemId} className={i === sel ? 'selected' : ''} onClick={() => setSel(i)} onDoubleClick={() => openItem(r.itemId)} data-testid="queue-row">
                <td className="mono">
                  {r.name}
                  {r.resubmitted ? <span className="tag warn">{t('review.resubmitted')}</span> : null}
                </td>
                <td>{t(`modality.${r.modality}`)}</td>
                <td>{r.submittedBy ?? r.assignee ?? '—'}</td>
                <td className="muted">{ago(r.submittedAt)}</td>
                <td className="num">{r.openIssues ? <span className="tag danger">{r.openIssues}</span> : '0'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

const SEVERITIES = ['error', 'warning', 'info'] as const;

function QaPanel() {
  const { t } = useTranslation();
  const { jobId, findings, items, scope, dismissed, set } = useQa();
  const job = useApp((s) => (jobId ? s.jobs[jobId] : undefined));
  const lastItem = useApp((s) => s.itemId);
  const profile = useActiveProfile();
  const [severity, setSeverity] = useState<'all' | (typeof SEVERITIES)[number]>('all');
  const [showDismissed, setShowDismissed] = useState(false);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const version = useApp((s) => s.indexVersion);

  useEffect(() => {
    void loadDismissed();
  }, []);
  useEffect(() => {
    rpc.call('items.list', { offset: 0, limit: 1000 }).then((r) => setNames(new Map(r.items.map((i) => [i.id, i.name]))), reportError);
  }, [version]);

  const start = async () => {
    let ids: string[] | undefined;
    if (scope === 'item' && lastItem) ids = [lastItem];
    if (scope === 'submitted') ids = (await rpc.call('items.list', { offset: 0, limit: 1000, status: ['submitted'] })).items.map((i) => i.id);
    await runQa(ids);
  };

  const visible = useMemo(
    () => (findings ?? []).filter((f) => (severity === 'all' || f.severity === severity) && (showDismissed || !dismissed.has(findingKey(f)))),
    [findings, severity, showDismissed, dismissed],
  );
  const counts = useMemo(() => {
    const c = { error: 0, warning: 0, info: 0 };
    for (const f of findings ?? []) if (!dismissed.has(findingKey(f))) c[f.severity]++;
    return c;
  }, [findings, dismissed]);
  const nDismissed = (findings ?? []).filter((f) => dismissed.has(findingKey(f))).length;

  const toIssue = async (f: QaFinding) => {
    if (!profile) return;
    const { id: _id, itemId, text, ...where } = issueFromFinding(f, 'x');
    try {
      await rpc.call('review.addIssue', { itemId, author: profile.name, text, ...where });
      await dismissFinding(f);
      useApp.getState().set({ notice: t('review.issueMade', { item: names.get(itemId) ?? itemId }) });
    } catch (err) {
      reportError(err);
    }
  };

  const pct = job?.total ? Math.round((100 * job.done) / job.total) : null;
  return (
    <section className="review-card" data-testid="qa-panel">
      <header className="row wrap">
        <div>
          <h2>{t('review.qaTitle')}</h2>
          <p className="muted small hint">{t('review.qaHint')}</p>
        </div>
        <span className="spacer" />
        <label className="row small">
          {t('review.scope')}
          <select value={scope} onChange={(e) => set({ scope: e.target.value as QaScope })} data-testid="qa-scope">
            <option value="all">{t('review.scopeAll')}</option>
            <option value="submitted">{t('review.scopeSubmitted')}</option>
            {lastItem ? <option value="item">{t('review.scopeItem')}: {names.get(lastItem) ?? lastItem}</option> : null}
          </select>
        </label>
        <button className="primary" disabled={!!jobId} onClick={() => void start()} data-testid="qa-run">
          ✦ {t('review.run')}
        </button>
      </header>
      {jobId ? (
        <div className="qa-progress" data-testid="qa-progress">
          <div className="row">
            <span className="small">{job?.phase ? t(`review.phase.${job.phase}`, { defaultValue: job.phase }) : t('review.running')}</span>
            <span className="spacer" />
            <span className="small mono">{pct !== null ? `${pct}%` : ''}</span>
            <button className="link danger" onClick={() => void cancelJob(jobId)} data-testid="qa-cancel">
              {t('jobs.cancel')}
            </button>
          </div>
          <div className="progress wide">
            <div className={pct !== null ? 'progress-bar' : 'progress-bar indeterminate'} style={pct !== null ? { width: `${pct}%` } : undefined} />
          </div>
        </div>
      ) : null}
      {findings === null && !jobId ? <p className="empty-note muted">{t('review.notRun')}</p> : null}
      {findings ? (
        <>
          <div className="qa-summary row wrap">
            <span className="muted small" data-testid="qa-summary">
              {t('review.findings', { count: findings.length })} · {t('review.checkedItems', { count: items })}
            </span>
            <span className="spacer" />
            <div className="chips">
              <button className={severity === 'all' ? 'chip active' : 'chip'} onClick={() => setSeverity('all')}>
                {t('review.all')}
              </button>
              {SEVERITIES.map((s) => (
                <button key={s} className={severity === s ? 'chip active' : 'chip'} onClick={() => setSeverity(s)}>
                  <span className={`sev-dot sev-${s}`} /> {t(`review.severity.${s}`)} {counts[s]}
                </button>
              ))}
            </div>
            {nDismissed ? (
              <label className="check small muted">
                <input type="checkbox" checked={showDismissed} onChange={(e) => setShowDismissed(e.target.checked)} /> {t('review.dismissed', { count: nDismissed })}
              </label>
            ) : null}
          </div>
          {visible.length === 0 ? <p className="empty-note muted">{t('review.noFindings')}</p> : null}
          <ul className="findings" data-testid="qa-findings">
            {visible.map((f) => {
              const gone = dismissed.has(findingKey(f));
              return (
                <li key={findingKey(f)} className={gone ? 'finding dismissed' : 'finding'} data-testid="qa-finding">
                  <span className={`sev sev-${f.severity}`}>{t(`review.severity.${f.severity}`)}</span>
                  <div className="finding-body">
                    <div className="finding-where">
                      <span className="check-id mono">{f.check}</span>
                      <button className="link mono" onClick={() => openItem(f.item, f.frame, f.object)} title={t('review.openFinding')} data-testid="finding-open">
                        {names.get(f.item) ?? f.item}
                      </button>
                      {f.frame !== null ? <span className="muted small">{t('review.frameN', { frame: f.frame + 1 })}</span> : null}
                      {f.object ? <span className="where-chip">{f.object}</span> : null}
                    </div>
                    <div className="finding-msg">{f.message}</div>
                  </div>
                  <div className="finding-actions">
                    <button className="small" disabled={!profile} onClick={() => void toIssue(f)} data-testid="finding-issue" title={profile ? '' : t('review.needProfile')}>
                      <PinIcon />{t('review.toIssue')}
                    </button>
                    <button className="small ghost" onClick={() => void dismissFinding(f, gone)} data-testid="finding-dismiss">
                      {gone ? '↺' : t('review.dismiss')}
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export type MetricsData = MethodOutput<'review.metrics'>;
