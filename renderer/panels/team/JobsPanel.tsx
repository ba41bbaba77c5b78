/**
 * The Jobs tab (issue #21): a manager splits the dataset into jobs and assigns an annotator and a
 * reviewer; an annotator sees their jobs and opens the next item; a reviewer pulls submitted jobs,
 * rejects them (issues pinned with the review tools on the items) or accepts them; everyone sees
 * who is where (presence, live). On a single-user host anyone may manage; on a team server the
 * host checks the account's role.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary, MethodInput, MethodOutput } from '../../../preload/contract';
import type { ItemStatus } from '../../../core/document/schema';
import { rpc } from '../../transport';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
import { useActiveProfile } from '../../state/review';
import { refreshPresence, usePresence } from '../../state/team';
import { jobProgress } from '../../../core/team/progress';
import './team.css';
import '../review/review.css';

type Job = MethodOutput<'work.list'>['jobs'][number];

const STATUSES: ItemStatus[] = ['new', 'in_progress', 'submitted', 'accepted', 'rejected'];

function openItem(itemId: string) {
  useApp.getState().set({ view: 'item', itemId });
}

/** Jobs and item statuses, refetched on any change pushed by the host (any person's). */
function useTeamData() {
  const version = useApp((s) => s.indexVersion);
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [items, setItems] = useState<Map<string, ItemSummary>>(new Map());
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    Promise.all([rpc.call('work.list', {}), rpc.call('items.list', { offset: 0, limit: 1000 })]).then(([j, it]) => {
      if (!live) return;
      setJobs(j.jobs);
      setItems(new Map(it.items.map((i) => [i.id, i])));
    }, reportError);
    return () => {
      live = false;
    };
  }, [version, tick]);
  useEffect(() => {
    // Another person's save, submit or review shows here without a refresh.
    const offs = [rpc.on('item.changed', reload), rpc.on('work.changed', reload)];
    return () => offs.forEach((off) => off());
  }, [reload]);
  return { jobs, items, reload };
}

export function JobsPanel() {
  const { t } = useTranslation();
  const profile = useActiveProfile();
  const { jobs, items, reload } = useTeamData();
  useEffect(() => {
    void refreshPresence();
  }, []);
  return (
    <div className="jobs-page" data-testid="jobs-page">
      <div className="jobs-main">
        {!profile ? <p className="warn small">{t('team.needProfile')}</p> : null}
        <SplitCard items={items} onDone={reload} />
        <JobsTable jobs={jobs} items={items} onDone={reload} />
      </div>
      <div className="jobs-side">
        <MyJobs jobs={jobs} items={items} onDone={reload} />
        <ReviewQueue jobs={jobs} items={items} onDone={reload} />
        <PresenceCard items={items} />
      </div>
    </div>
  );
}

function SplitCard({ items, onDone }: { items: Map<string, ItemSummary>; onDone(): void }) {
  const { t } = useTranslation();
  const who = useActiveProfile()?.name;
  const [by, setBy] = useState<'items' | 'frames' | 'filter'>('items');
  const [name, setName] = useState('');
  const [perJob, setPerJob] = useState(5);
  const [overlap, setOverlap] = useState(0);
  const [status, setStatus] = useState<ItemStatus | ''>('');
  const [search, setSearch] = useState('');
  const [skipAssigned, setSkipAssigned] = useState(true);
  const sequences = useMemo(() => [...items.values()].filter((i) => (i.frames ?? 0) > 1), [items]);
  const [seq, setSeq] = useState('');
  const seqId = seq || sequences[0]?.id || '';
  const split = async () => {
    const base = { name: name.trim() || t('team.namePlaceholder'), who };
    let input: MethodInput<'work.split'>;
    if (by === 'items') input = { ...base, by, perJob, skipAssigned };
    else if (by === 'frames') input = { ...base, by, perJob, itemId: seqId, overlap };
    else input = { ...base, by, perJob, skipAssigned, filter: { ...(status ? { status: [status] } : {}), ...(search.trim() ? { search: search.trim() } : {}) } };
    try {
      const r = await rpc.call('work.split', input);
      useApp.getState().set({ notice: t('team.made', { count: r.jobs.length }) });
      onDone();
    } catch (err) {
      reportError(err);
    }
  };
  return (
    <section className="review-card" data-testid="split-card">
      <header>
        <h2>{t('team.manage')}</h2>
        <p className="muted small">{t('team.manageHint')}</p>
      </header>
      <div className="split-form">
        <label>
          {t('team.by')}
          <select value={by} onChange={(e) => setBy(e.target.value as typeof by)} data-testid="split-by">
            <option value="items">{t('team.byItems')}</option>
            <option value="frames">{t('team.byFrames')}</option>
            <option value="filter">{t('team.byFilter')}</option>
          </select>
        </label>
        <label>
          {t('team.name')}
          <input type="text" value={name} placeholder={t('team.namePlaceholder')} onChange={(e) => setName(e.target.value)} data-testid="split-name" />
        </label>
        <label>
          {by === 'frames' ? t('team.perJobFrames') : t('team.perJobItems')}
          <input type="number" min={1} value={perJob} onChange={(e) => setPerJob(Math.max(1, Math.round(Number(e.target.value) || 1)))} data-testid="split-per-job" />
        </label>
        {by === 'frames' ? (
          sequences.length ? (
            <>
              <label>
                {t('team.sequence')}
                <select value={seqId} onChange={(e) => setSeq(e.target.value)} data-testid="split-sequence">
                  {sequences.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name} ({s.frames})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('team.overlap')}
                <input type="number" min={0} value={overlap} onChange={(e) => setOverlap(Math.max(0, Math.round(Number(e.target.value) || 0)))} />
              </label>
            </>
          ) : (
            <span className="muted small">{t('team.noSequence')}</span>
          )
        ) : null}
        {by === 'filter' ? (
          <>
            <label>
              {t('team.status')}
              <select value={status} onChange={(e) => setStatus(e.target.value as ItemStatus | '')} data-testid="split-status">
                <option value="">{t('team.any')}</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`status.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('team.search')}
              <input type="text" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="split-search" />
            </label>
          </>
        ) : null}
        {by !== 'frames' ? (
          <label className="check small">
            <span>
              <input type="checkbox" checked={skipAssigned} onChange={(e) => setSkipAssigned(e.target.checked)} /> {t('team.skipAssigned')}
            </span>
          </label>
        ) : null}
        <button className="primary" onClick={() => void split()} disabled={by === 'frames' && !seqId} data-testid="split-run">
          {t('team.split')}
        </button>
      </div>
    </section>
  );
}

function Progress({ job, items }: { job: Job; items: Map<string, ItemSummary> }) {
  const p = jobProgress(job, (id) => items.get(id)?.status);
  return (
    <span className="work-progress" data-testid="work-progress" title={`${p.done} / ${p.total}`}>
      <span className="bar">
        <span className="acc" style={{ width: `${(100 * p.accepted) / p.total}%` }} />
        <span className="done" style={{ width: `${(100 * (p.done - p.accepted)) / p.total}%` }} />
      </span>
      <span className="small mono">
        {p.done}/{p.total}
      </span>
    </span>
  );
}

function StatusTag({ status }: { status: Job['status'] }) {
  const { t } = useTranslation();
  return <span className={`job-status ${status}`}>{t(`team.jobStatus.${status}`)}</span>;
}

/** A name field that assigns on Enter or when it loses focus. */
function AssignInput({ job, field, onDone }: { job: Job; field: 'annotator' | 'reviewer'; onDone(): void }) {
  const { t } = useTranslation();
  const who = useActiveProfile()?.name;
  const stored = job[field] ?? '';
  const [value, setValue] = useState(stored);
  // Follow the stored value when it changes (someone assigned), not on every refetch: a refetch
  // while typing in another row must not wipe what is being typed.
  useEffect(() => setValue(stored), [stored]);
  const commit = async () => {
    const next = value.trim();
    if (next === stored) return;
    try {
      await rpc.call('work.assign', { job: job.id, [field]: next || null, who });
      onDone();
    } catch (err) {
      setValue(stored);
      reportError(err);
    }
  };
  return (
    <input
      className="assign-input"
      type="text"
      value={value}
      placeholder={t('team.assignPlaceholder')}
      onChange={(e) => setValue(e.target.value)}
      onBlur={() => void commit()}
      onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      data-testid={`assign-${field}`}
      aria-label={t(field === 'annotator' ? 'team.colAnnotator' : 'team.colReviewer')}
    />
  );
}

function JobsTable({ jobs, items, onDone }: { jobs: Job[] | null; items: Map<string, ItemSummary>; onDone(): void }) {
  const { t } = useTranslation();
  const who = useActiveProfile()?.name;
  const remove = async (job: Job) => {
    if (!window.confirm(t('team.removeConfirm', { name: job.name }))) return;
    try {
      await rpc.call('work.delete', { job: job.id, who });
      onDone();
    } catch (err) {
      reportError(err);
    }
  };
  return (
    <section className="review-card" data-testid="jobs-table">
      <header>
        <h2>{t('team.jobs')}</h2>
      </header>
      {jobs && !jobs.length ? <p className="empty-note muted">{t('team.noJobs')}</p> : null}
      {jobs?.length ? (
        <table className="data-table compact">
          <thead>
            <tr>
              <th>{t('team.colJob')}</th>
              <th>{t('team.colOrigin')}</th>
              <th className="num">{t('team.colUnits')}</th>
              <th>{t('team.colAnnotator')}</th>
              <th>{t('team.colReviewer')}</th>
              <th>{t('team.colStatus')}</th>
              <th>{t('team.colProgress')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-testid="job-row" data-job={j.name}>
                <td className="mono" title={j.units.map((u) => items.get(u.itemId)?.name ?? u.itemId).join('\n')}>
                  {j.name}
                </td>
                <td className="muted small">{j.origin}</td>
                <td className="num">{j.units.length}</td>
                <td>
                  <AssignInput job={j} field="annotator" onDone={onDone} />
                </td>
                <td>
                  <AssignInput job={j} field="reviewer" onDone={onDone} />
                </td>
                <td>
                  <StatusTag status={j.status} />
                </td>
                <td>
                  <Progress job={j} items={items} />
                </td>
                <td>
                  <button className="link danger small" onClick={() => void remove(j)}>
                    {t('team.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function MyJobs({ jobs, items, onDone }: { jobs: Job[] | null; items: Map<string, ItemSummary>; onDone(): void }) {
  const { t } = useTranslation();
  const who = useActiveProfile()?.name;
  // Asked of the host: on a team server it knows the signed-in account (no local profile needed).
  const [mine, setMine] = useState<Job[]>([]);
  useEffect(() => {
    rpc.call('work.mine', { who }).then((r) => setMine(r.jobs), () => setMine([]));
  }, [jobs, who]);
  const next = async (job: Job) => {
    try {
      if (job.status === 'open' || job.status === 'rejected') await rpc.call('work.start', { job: job.id, who });
      const r = await rpc.call('work.next', { job: job.id, who });
      if (r.next) openItem(r.next.itemId);
      else useApp.getState().set({ notice: t('team.nothingNext', { name: job.name }) });
    } catch (err) {
      reportError(err);
    }
  };
  const submit = async (job: Job) => {
    try {
      await rpc.call('work.submit', { job: job.id, who });
      useApp.getState().set({ notice: t('team.submitted', { name: job.name }) });
      onDone();
    } catch (err) {
      reportError(err);
    }
  };
  return (
    <section className="review-card" data-testid="my-jobs">
      <header>
        <h2>{t('team.mine')}</h2>
        <p className="muted small">{t('team.mineHint')}</p>
      </header>
      {!mine.length ? <p className="empty-note muted">{t('team.noMine')}</p> : null}
      {mine.map((j) => (
        <div key={j.id} className="row wrap" data-testid="my-job" style={{ gap: 8, padding: '6px 0' }}>
          <span className="mono">{j.name}</span>
          <StatusTag status={j.status} />
          <Progress job={j} items={items} />
          <span className="spacer" />
          <div className="job-actions">
            <button className="small" onClick={() => void next(j)} disabled={j.status === 'submitted'} data-testid="open-next">
              {t('team.openNext')}
            </button>
            <button className="small primary" onClick={() => void submit(j)} disabled={j.status === 'submitted'} data-testid="submit-job">
              {t('team.submit')}
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}

function ReviewQueue({ jobs, items, onDone }: { jobs: Job[] | null; items: Map<string, ItemSummary>; onDone(): void }) {
  const { t } = useTranslation();
  const who = useActiveProfile()?.name;
  const [queue, setQueue] = useState<Job[]>([]);
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [note, setNote] = useState('');
  useEffect(() => {
    rpc.call('work.queue', { who }).then((r) => setQueue(r.jobs), () => setQueue([]));
  }, [jobs, who]);
  const act = async (f: () => Promise<string>) => {
    try {
      useApp.getState().set({ notice: await f() });
      setRejecting(null);
      setNote('');
      onDone();
    } catch (err) {
      reportError(err);
    }
  };
  return (
    <section className="review-card" data-testid="review-jobs">
      <header>
        <h2>{t('team.queue')}</h2>
        <p className="muted small">{t('team.queueHint')}</p>
      </header>
      {!queue.length ? <p className="empty-note muted">{t('team.noQueue')}</p> : null}
      {queue.map((j) => (
        <div key={j.id} data-testid="queue-job" style={{ padding: '6px 0' }}>
          <div className="row wrap" style={{ gap: 8 }}>
            <span className="mono">{j.name}</span>
            <span className="muted small">{j.annotator ?? '—'}</span>
            <Progress job={j} items={items} />
            <span className="spacer" />
            <div className="job-actions">
              <button className="small" onClick={() => openItem(j.units[0].itemId)} data-testid="queue-open">
                {t('team.openFirst')}
              </button>
              <button className="small primary" onClick={() => void act(async () => (await rpc.call('work.accept', { job: j.id, who }), t('team.accepted', { name: j.name })))} data-testid="queue-accept">
                {t('team.accept')}
              </button>
              <button className="small danger" onClick={() => setRejecting(rejecting === j.id ? null : j.id)} data-testid="queue-reject">
                {t('team.reject')}
              </button>
            </div>
          </div>
          {rejecting === j.id ? (
            <div className="reject-row">
              <input type="text" value={note} placeholder={t('team.rejectNote')} onChange={(e) => setNote(e.target.value)} data-testid="reject-note" autoFocus />
              <button
                className="small danger"
                disabled={!note.trim()}
                onClick={() =>
                  void act(async () => {
                    const r = await rpc.call('work.reject', { job: j.id, note: note.trim(), who });
                    return t('team.rejected', { name: j.name, count: r.rejectedItems.length });
                  })
                }
                data-testid="reject-confirm"
              >
                {t('team.reject')}
              </button>
            </div>
          ) : null}
        </div>
      ))}
    </section>
  );
}

function PresenceCard({ items }: { items: Map<string, ItemSummary> }) {
  const { t } = useTranslation();
  const people = usePresence((s) => s.people);
  const me = useActiveProfile()?.name;
  const others = people.filter((p) => p.name !== me);
  return (
    <section className="review-card" data-testid="presence-card">
      <header>
        <h2>{t('team.presence')}</h2>
      </header>
      {!others.length ? <p className="empty-note muted">{t('team.nobody')}</p> : null}
      <ul className="presence-list">
        {others.map((p) => (
          <li key={p.name} data-testid="presence-row">
            <span className="presence-avatar">{p.name.slice(0, 1).toUpperCase()}</span>
            <strong>{p.name}</strong>
            <span className="muted">
              {p.itemId ? t('team.onItem', { item: items.get(p.itemId)?.name ?? p.itemId }) : t('team.onNoItem')}
              {p.itemId ? ` · ${t(p.mode === 'edit' ? 'team.editing' : 'team.viewing')}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
