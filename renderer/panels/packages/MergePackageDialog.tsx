/**
 * "Merge package…": bring the work of an offline machine back (issue #21, task packages). The
 * host verifies the whole package and plans the merge (`package.inspect`, nothing written); the
 * conflicts (objects changed differently on both sides) are listed with a choice per object,
 * and only Merge writes (`package.merge` with those decisions).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PackagePlan } from '../../../preload/packageContract';
import { rpc } from '../../transport';
import { useKeymap } from '../../keymap/useKeymap';
import { refreshIndex } from '../../state/actions';
import { packageDialogKeys } from './keys';

type Choice = 'ours' | 'theirs';

/** The top-bar button and, when open, the dialog. */
export function MergePackageButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button className="ghost" onClick={() => setOpen(true)} data-testid="package-merge-open">
        {t('packages.open')}
      </button>
      {open ? <MergePackageDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function MergePackageDialog({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState('');
  const [plan, setPlan] = useState<PackagePlan | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [busy, setBusy] = useState<'check' | 'merge' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ written: number; unchanged: number } | null>(null);
  useKeymap(packageDialogKeys, { close: () => (busy ? true : void onClose()) });

  const check = async () => {
    setBusy('check');
    setError(null);
    setPlan(null);
    setDone(null);
    try {
      const p = await rpc.call('package.inspect', { path: file.trim() });
      setPlan(p);
      // A decision taken on an earlier merge of this package is shown; otherwise this project's
      // version is preselected, so nothing is overwritten unless the user picks the package's.
      setChoices(Object.fromEntries(p.conflicts.map((c) => [c.id, c.decided ?? 'ours'])));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const merge = async () => {
    if (!plan) return;
    setBusy('merge');
    setError(null);
    try {
      const r = await rpc.call('package.merge', { path: file.trim(), decisions: choices });
      setDone({ written: r.written, unchanged: r.unchanged });
      setPlan(null);
      void refreshIndex();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const all = (c: Choice) => plan && setChoices(Object.fromEntries(plan.conflicts.map((x) => [x.id, c])));

  return (
    <div className="modal-backdrop" data-testid="package-dialog">
      <div className="modal conflicts" role="dialog" aria-modal="true" aria-labelledby="package-title" style={{ width: 760 }}>
        <h2 id="package-title">{t('packages.title')}</h2>
        <p>{t('packages.explain')}</p>
        <form
          style={{ display: 'flex', gap: 8, alignItems: 'center' }}
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <label htmlFor="package-path">{t('packages.path')}</label>
          <input id="package-path" style={{ flex: 1 }} value={file} placeholder={t('packages.pathPlaceholder')} onChange={(e) => setFile(e.target.value)} data-testid="package-path" />
          <button type="submit" disabled={!file.trim() || busy !== null} data-testid="package-check">
            {busy === 'check' ? t('packages.checking') : t('packages.check')}
          </button>
        </form>
        {error ? (
          <p className="error-text" role="alert" data-testid="package-error">
            {error}
          </p>
        ) : null}
        {done ? <p data-testid="package-done">{t('packages.done', done)}</p> : null}
        {plan ? (
          <>
            <p data-testid="package-summary">
              {t('packages.from', { project: plan.project, by: plan.createdBy, date: new Date(plan.createdAt).toLocaleString(i18n.language), items: plan.items })}
              <br />
              {t('packages.counts', { theirs: plan.counts.takeTheirs, ours: plan.counts.keepOurs, same: plan.counts.keep })}
            </p>
            {plan.unknownLabels.length ? <p>{t('packages.unknownLabels', { labels: plan.unknownLabels.join(', ') })}</p> : null}
            {plan.conflicts.length === 0 ? (
              <p>{t('packages.noConflicts')}</p>
            ) : (
              <>
                <p>{t('packages.conflictsExplain', { count: plan.conflicts.length })}</p>
                <div style={{ overflow: 'auto', maxHeight: '40vh' }}>
                  <table>
                    <thead>
                      <tr>
                        <th>{t('packages.item')}</th>
                        <th>{t('packages.object')}</th>
                        <th>{t('packages.reason')}</th>
                        <th>{t('packages.ours')}</th>
                        <th>{t('packages.theirs')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {plan.conflicts.map((c) => (
                        <tr key={c.id} data-testid="package-conflict">
                          <td>{c.itemName}</td>
                          <td>
                            <code>{c.key.slice(0, 12)}</code>
                          </td>
                          <td>
                            {t(`packages.reasons.${c.reason}`, { defaultValue: c.reason })}
                            {c.decided ? ` (${t('packages.decidedBefore')})` : ''}
                          </td>
                          {(['ours', 'theirs'] as const).map((side) => (
                            <td key={side}>
                              <label>
                                <input type="radio" name={c.id} checked={choices[c.id] === side} onChange={() => setChoices({ ...choices, [c.id]: side })} data-testid={`package-${side}`} />{' '}
                                {c[side]}
                              </label>
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </>
        ) : null}
        <div className="conflict-actions">
          {plan && plan.conflicts.length ? (
            <>
              <button onClick={() => all('ours')} data-testid="package-all-ours">
                {t('packages.allOurs')}
              </button>
              <button onClick={() => all('theirs')} data-testid="package-all-theirs">
                {t('packages.allTheirs')}
              </button>
            </>
          ) : null}
          <button onClick={onClose} disabled={busy === 'merge'} data-testid="package-close">
            {done ? t('packages.close') : t('packages.cancel')}
          </button>
          {plan ? (
            <button className="primary" onClick={() => void merge()} disabled={busy !== null} data-testid="package-merge">
              {busy === 'merge' ? t('packages.merging') : t('packages.merge')}
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
