/**
 * Review around the item editor: the review bar (status, assignee, workflow buttons with keyboard
 * shortcuts) and the issues side panel (threads, resolve / reopen, pin a new issue to the
 * selected object, an object of the document, the frame or the whole item).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemSummary } from '../../../preload/contract';
import type { ItemDocument, ItemStatus } from '../../../core/document/schema';
import type { IssueMarker, Profile } from '../../../core/review/schema';
import { allowedTransitions, openIssues } from '../../../core/review/workflow';
import { rpc } from '../../transport';
import { useSelection } from '../../state/selection';
import { moveItem, openNextInQueue, runQa, useActiveProfile, useItemReview, useQa } from '../../state/review';
import { useApp } from '../../state/appStore';
import { PinIcon } from './PinIcon';
import { useKeymap } from '../../keymap/useKeymap';
import { reviewBarKeys } from './keys';
import { flushOpenEditor } from '../../editors/shell/shellStore';
import './review.css';

/** Path of transitions for "Submit" from where the item is. */
function submitPath(status: ItemStatus, p: Profile): ItemStatus[] | null {
  const path: ItemStatus[] = status === 'in_progress' ? ['submitted'] : status === 'new' || status === 'rejected' ? ['in_progress', 'submitted'] : [];
  if (!path.length) return null;
  let s = status;
  for (const to of path) {
    if (!allowedTransitions(s, p).includes(to)) return null;
    s = to;
  }
  return path;
}

export function ReviewBar({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const profile = useActiveProfile();
  const { doc, busy, load } = useItemReview();
  const [rejecting, setRejecting] = useState(false);
  const [note, setNote] = useState('');
  const noteBox = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void load(item.id);
    setRejecting(false);
    setNote('');
  }, [item.id, load]);

  const status = doc?.status ?? item.status;
  const open = doc ? openIssues(doc) : [];
  const allowed = profile ? allowedTransitions(status, profile) : [];
  const isReviewer = !!profile?.roles.includes('reviewer');
  const canAccept = allowed.includes('accepted');
  const canReject = allowed.includes('rejected');
  const submit = profile ? submitPath(status, profile) : null;
  const lastReject = [...(doc?.history ?? [])].reverse().find((h) => h.to === 'rejected');

  const doSubmit = () => profile && submit && !busy && void moveItem(item.id, submit, profile);
  const doAccept = () => profile && canAccept && !busy && void moveItem(item.id, ['accepted'], profile);
  const startReject = () => {
    if (!canReject || busy) return;
    setRejecting(true);
    setTimeout(() => noteBox.current?.focus(), 0);
  };
  const confirmReject = async () => {
    if (!profile || (!note.trim() && open.length === 0)) return;
    if (await moveItem(item.id, ['rejected'], profile, note.trim() || undefined)) {
      setRejecting(false);
      setNote('');
    }
  };
  // the open editor saves first, as for the shell's next / previous item
  const next = () => void flushOpenEditor().then(() => openNextInQueue(item.id));

  // The review bar's table is on the editor layer: Shift+A accepts and does not also step a frame.
  useKeymap(reviewBarKeys, { submit: () => void doSubmit(), accept: () => void doAccept(), reject: startReject, next });

  return (
    <div className="review-bar" data-testid="review-bar">
      <span className={`status-pill status-${status}`} data-testid="review-status">
        <span className="dot" />
        {t(`status.${status}`)}
      </span>
      <span className="muted small" data-testid="review-assignee">
        {doc?.assignee ? t('review.assignedTo', { name: doc.assignee }) : t('review.unassigned')}
      </span>
      {status === 'rejected' && lastReject ? (
        <span className="reject-banner" data-testid="reject-banner">
          ⚠ {t('review.rejectedBy', { name: lastReject.by })}
          {lastReject.note ? <em>“{lastReject.note}”</em> : null}
          {open.length ? <strong>{t('review.openIssuesBanner', { count: open.length })}</strong> : null}
        </span>
      ) : null}
      <span className="spacer" />
      {!profile ? <span className="muted small">{t('review.needProfile')}</span> : null}
      {rejecting ? (
        <form
          className="reject-form"
          onSubmit={(e) => {
            e.preventDefault();
            void confirmReject();
          }}
        >
          <input
            ref={noteBox}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('review.rejectNote')}
            data-testid="reject-note"
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setRejecting(false);
              }
            }}
          />
          <button type="submit" className="danger" disabled={busy || (!note.trim() && open.length === 0)} data-testid="reject-confirm">
            {t('review.rejectConfirm')}
          </button>
          <button type="button" className="ghost" onClick={() => setRejecting(false)}>
            {t('review.cancel')}
          </button>
        </form>
      ) : (
        <>
          {submit ? (
            <button className="primary" disabled={busy} onClick={doSubmit} data-testid="review-submit" title="Shift+S">
              {status === 'rejected' ? t('review.resubmit') : t('review.submit')} <kbd>⇧S</kbd>
            </button>
          ) : null}
          {profile && allowed.includes('in_progress') && status === 'submitted' && !isReviewer ? (
            <button className="ghost" disabled={busy} onClick={() => void moveItem(item.id, ['in_progress'], profile)}>
              {t('review.recall')}
            </button>
          ) : null}
          {profile && status === 'accepted' && allowed.includes('in_progress') ? (
            <button className="ghost" disabled={busy} onClick={() => void moveItem(item.id, ['in_progress'], profile)} data-testid="review-reopen">
              {t('review.reopen')}
            </button>
          ) : null}
          {canReject ? (
            <button className="danger" disabled={busy} onClick={startReject} data-testid="review-reject" title="Shift+R">
              {t('review.reject')} <kbd>⇧R</kbd>
            </button>
          ) : null}
          {canAccept ? (
            <button
              className="accept"
              disabled={busy || open.length > 0}
              onClick={doAccept}
              data-testid="review-accept"
              title={open.length ? t('review.openBlocksAccept') : 'Shift+A'}
            >
              {t('review.accept')} <kbd>⇧A</kbd>
            </button>
          ) : null}
        </>
      )}
      <button className="ghost" onClick={next} data-testid="review-next" title="N">
        {t('review.next')} <kbd>N</kbd>
      </button>
    </div>
  );
}

// ---------------------------------------------------------------- issues panel

function whereLabel(t: (k: string, o?: Record<string, unknown>) => string, i: IssueMarker, label?: string): string[] {
  const out: string[] = [];
  if (i.objectId) out.push(t('review.onObject', { id: i.objectId }) + (label ? ` · ${label}` : ''));
  if (i.frame !== undefined) out.push(t('review.onFrame', { frame: i.frame + 1 }));
  if (i.point3d) out.push(`${t('review.onPoint')} ${i.point3d.map((v) => v.toFixed(1)).join(', ')}`);
  if (i.region2d) out.push(t('review.onRegion'));
  if (!out.length) out.push(t('review.onItem'));
  return out;
}

function objectsOf(doc: ItemDocument | null): Array<{ id: string; label: string; frame?: number }> {
  if (!doc) return [];
  return [
    ...doc.objects.map((o) => ({ id: o.id, label: o.label, frame: o.frame })),
    ...doc.tracks.map((tr) => ({ id: tr.id, label: tr.label, frame: tr.keyframes[0]?.frame })),
  ];
}

export function IssuesPanel({ item }: { item: ItemSummary }) {
  const { t } = useTranslation();
  const profile = useActiveProfile();
  const { doc, busy, run } = useItemReview();
  const selection = useSelection();
  const project = useApp((s) => s.project);
  const labelName = useMemo(() => new Map((project?.ontology.labels ?? []).map((l) => [l.id, l.name])), [project]);
  const [showResolved, setShowResolved] = useState(false);
  const [text, setText] = useState('');
  const [chosenPin, setPin] = useState<string | null>(null);
  const qaRunning = useQa((s) => !!s.jobId);

  const issues = doc?.issues ?? [];
  const open = issues.filter((i) => i.status === 'open');
  const shown = showResolved ? issues : open;
  const objects = objectsOf(doc);
  const selectedHere = selection.itemId === item.id ? selection.objectIds : [];
  const frame = selection.itemId === item.id ? selection.frame : null;

  // The user's choice holds until the item or the selected objects change; until then: the
  // selected object, else the frame shown, else the whole item.
  useEffect(() => setPin(null), [item.id, selectedHere.join(',')]);
  const pin = chosenPin ?? (selectedHere[0] ? `obj:${selectedHere[0]}` : frame !== null ? 'frame' : 'item');

  const pinIssue = async () => {
    if (!profile || !text.trim()) return;
    const where: { objectId?: string; frame?: number } = {};
    if (pin.startsWith('obj:')) {
      where.objectId = pin.slice(4);
      const f = frame ?? objects.find((o) => o.id === where.objectId)?.frame;
      if (f !== undefined && f !== null && (item.frames ?? 0) > 1) where.frame = f;
    } else if (pin === 'frame' && frame !== null) where.frame = frame;
    if (await run(() => rpc.call('review.addIssue', { itemId: item.id, author: profile.name, text: text.trim(), ...where }))) setText('');
  };

  const labelOf = (id?: string) => {
    const o = id ? objects.find((x) => x.id === id) : undefined;
    return o ? (labelName.get(o.label) ?? o.label) : undefined;
  };
  const focus = (i: IssueMarker) => useSelection.getState().select(item.id, i.objectId ? [i.objectId] : [], i.frame ?? null);

  return (
    <aside className="issues-panel" data-testid="issues-panel">
      <header>
        <h3>
          {t('review.issues')} <span className={open.length ? 'count hot' : 'count'}>{open.length}</span>
        </h3>
        <label className="check small muted">
          <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> {t('review.showResolved')}
        </label>
      </header>
      <div className="issues-list">
        {shown.length === 0 ? <p className="muted small empty-note">{t('review.noIssues')}</p> : null}
        {shown.map((i) => (
          <IssueCard key={i.id} issue={i} itemId={item.id} profile={profile} busy={busy} onFocus={() => focus(i)} where={whereLabel(t, i, labelOf(i.objectId))} />
        ))}
      </div>
      <form
        className="new-issue"
        onSubmit={(e) => {
          e.preventDefault();
          void pinIssue();
        }}
      >
        <div className="section-title">{t('review.newIssue')}</div>
        <textarea value={text} onChange={(e) => setText(e.target.value)} placeholder={t('review.describe')} rows={2} data-testid="issue-text" disabled={!profile} />
        <div className="row">
          <select value={pin} onChange={(e) => setPin(e.target.value)} aria-label={t('review.pinTo')} data-testid="issue-pin" disabled={!profile}>
            <option value="item">{t('review.pinItem')}</option>
            {frame !== null ? <option value="frame">{t('review.pinFrame', { frame: frame + 1 })}</option> : null}
            {selectedHere.filter((id) => !objects.some((o) => o.id === id)).map((id) => (
              <option key={id} value={`obj:${id}`}>
                {t('review.pinSelected', { id })}
              </option>
            ))}
            {objects.map((o) => (
              <option key={o.id} value={`obj:${o.id}`}>
                {selectedHere.includes(o.id) ? '● ' : ''}
                {t('review.pinObject', { label: labelName.get(o.label) ?? o.label, id: o.id })}
              </option>
            ))}
          </select>
          <button type="submit" className="primary" disabled={!profile || !text.trim() || busy} data-testid="issue-pin-button">
            <PinIcon />{t('review.pin')}
          </button>
        </div>
        <button type="button" className="ghost small" disabled={qaRunning} onClick={() => {
            useQa.getState().set({ section: 'qa', scope: 'item' });
            useApp.getState().set({ view: 'review' });
            void runQa([item.id]);
          }}>
          ✦ {t('review.qaThisItem')}
        </button>
      </form>
    </aside>
  );
}

function IssueCard(props: {
  issue: IssueMarker;
  itemId: string;
  profile: Profile | null;
  busy: boolean;
  where: string[];
  onFocus(): void;
}) {
  const { issue: i, itemId, profile, busy, where } = props;
  const { t } = useTranslation();
  const run = useItemReview((s) => s.run);
  const [reply, setReply] = useState('');
  const act = (method: 'review.resolveIssue' | 'review.reopenIssue') =>
    profile && void run(() => rpc.call(method, { itemId, issueId: i.id, author: profile.name, ...(reply.trim() ? { text: reply.trim() } : {}) })).then((ok) => ok && setReply(''));
  const comment = () =>
    profile && reply.trim() && void run(() => rpc.call('review.commentIssue', { itemId, issueId: i.id, author: profile.name, text: reply.trim() })).then((ok) => ok && setReply(''));
  return (
    <div className={`issue-card ${i.status}`} data-testid="issue-card" data-issue={i.id} onClick={props.onFocus}>
      <div className="issue-head">
        <span className={`issue-state ${i.status}`}>{i.status === 'open' ? t('review.open') : t('review.resolved')}</span>
        {where.map((w) => (
          <span key={w} className="where-chip">
            {w}
          </span>
        ))}
        {i.check ? <span className="where-chip qa">{t('review.fromCheck', { check: i.check })}</span> : null}
      </div>
      <ol className="thread">
        {i.comments.map((c, n) => (
          <li key={n}>
            <span className="author">{c.author}</span> <span className="muted small">{new Date(c.at).toLocaleString()}</span>
            <div className="text">{c.text}</div>
          </li>
        ))}
      </ol>
      {i.status === 'resolved' && i.resolvedBy ? <div className="muted small">✓ {t('review.resolvedBy', { name: i.resolvedBy })}</div> : null}
      {profile ? (
        <div className="issue-actions" onClick={(e) => e.stopPropagation()}>
          <input value={reply} onChange={(e) => setReply(e.target.value)} placeholder={t('review.addComment')} onKeyDown={(e) => e.key === 'Enter' && comment()} data-testid="issue-reply" />
          <button className="ghost small" disabled={busy || !reply.trim()} onClick={comment}>
            {t('review.comment')}
          </button>
          {i.status === 'open' ? (
            <button className="small accept" disabled={busy} onClick={() => act('review.resolveIssue')} data-testid="issue-resolve">
              ✓ {t('review.resolve')}
            </button>
          ) : (
            <button className="small ghost" disabled={busy} onClick={() => act('review.reopenIssue')} data-testid="issue-reopen">
              {t('review.reopenIssue')}
            </button>
          )}
        </div>
      ) : null}
    </div>
  );
}
