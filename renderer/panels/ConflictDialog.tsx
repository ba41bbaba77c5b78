import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MergeConflict, Resolution } from '../../core/document/merge';
import { useApp } from '../state/appStore';
import { conflictKey, useConflicts, type PendingConflicts } from '../state/conflicts';
import { useKeymap } from '../keymap/useKeymap';
import type { ElementLike } from '../keymap/keymap';
import { conflictDialogKeys } from './dialogKeys';

/** One line saying what a side's version of a record is. */
function describe(record: MergeConflict['mine'], t: (k: string, o?: Record<string, unknown>) => string, labelName: (id: string) => string): string {
  if (!record) return t('conflicts.deleted');
  if ('label' in record && 'geometry' in record) {
    const g = record.geometry as Record<string, unknown>;
    const nums = Object.entries(g)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k} ${(v as number).toFixed(1)}`)
      .slice(0, 4)
      .join(', ');
    return `${labelName(record.label)} · ${String(g.kind)}${nums ? ` (${nums})` : ''}`;
  }
  if ('label' in record) return `${labelName(record.label)} · ${t('conflicts.track')}`;
  return t('conflicts.pointLabels', { count: (record as { count: number }).count });
}

/** Someone else changed the same objects: keep mine or theirs, per object or for all. */
export function ConflictDialog() {
  const pending = useConflicts((s) => s.pending);
  return pending ? <OpenConflictDialog pending={pending} /> : null;
}

/** A focused button keeps Enter (it presses that button). */
const onButton = (target: unknown) => (target as ElementLike | null)?.tagName?.toLowerCase() === 'button';

/**
 * The modal keymap (dialogKeys.ts): editor keys do not reach the editor behind it; Enter applies
 * the choices, Escape does nothing (the dialog stays open: every way out of it decides records).
 */
function OpenConflictDialog({ pending }: { pending: PendingConflicts }) {
  const { t } = useTranslation();
  const project = useApp((s) => s.project);
  const [choices, setChoices] = useState<Record<string, Resolution>>({});
  useEffect(() => setChoices({}), [pending]); // each question starts with no choices made
  useKeymap(conflictDialogKeys, {
    apply: (e) => (onButton(e.target) ? false : void pending.answer(choices)),
    stay: () => true,
  });
  const labelName = (id: string) => project?.ontology.labels.find((l) => l.id === id)?.name ?? id;
  const all = (r: Resolution) => pending.answer(Object.fromEntries(pending.conflicts.map((c) => [conflictKey(c), r])));
  return (
    <div className="modal-backdrop" data-testid="conflict-dialog">
      <div className="modal conflicts" role="dialog" aria-modal="true" aria-labelledby="conflict-title">
        <h2 id="conflict-title">{t('conflicts.title')}</h2>
        <p>{t('conflicts.explain', { count: pending.conflicts.length })}</p>
        <table>
          <thead>
            <tr>
              <th>{t('conflicts.object')}</th>
              <th>{t('conflicts.mine')}</th>
              <th>{t('conflicts.theirs')}</th>
            </tr>
          </thead>
          <tbody>
            {pending.conflicts.map((c) => {
              const key = conflictKey(c);
              const choice = choices[key] ?? 'mine';
              return (
                <tr key={key} data-testid="conflict-row">
                  <td>
                    {c.kind === 'pointLabels' ? (
                      t('conflicts.frame', { frame: Number(c.key) + 1 })
                    ) : (
                      <>
                        {labelName(((c.mine ?? c.theirs) as { label: string }).label)} <code>{c.key.slice(0, 8)}</code>
                      </>
                    )}
                  </td>
                  {(['mine', 'theirs'] as const).map((side) => (
                    <td key={side}>
                      <label>
                        <input type="radio" name={key} checked={choice === side} onChange={() => setChoices({ ...choices, [key]: side })} data-testid={`conflict-${side}`} />{' '}
                        {describe(c[side], t, labelName)}
                      </label>
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="conflict-actions">
          <button onClick={() => all('mine')} data-testid="conflict-all-mine">
            {t('conflicts.allMine')}
          </button>
          <button onClick={() => all('theirs')} data-testid="conflict-all-theirs">
            {t('conflicts.allTheirs')}
          </button>
          <button className="primary" onClick={() => pending.answer(choices)} data-testid="conflict-apply">
            {t('conflicts.apply')}
          </button>
        </div>
      </div>
    </div>
  );
}
