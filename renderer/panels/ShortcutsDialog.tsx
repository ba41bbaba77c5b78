/**
 * The shortcuts dialog, rendered from the declared key tables (renderer/panels/shortcutTables.ts), the
 * same tables the screens bind with useKeymap: the list cannot drift from what the keys do.
 * While open it is the modal keymap: Escape (or ?) closes the dialog and reaches nothing else.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useApp } from '../state/appStore';
import { dialogTables } from './shortcutTables';
import { shortcutSections } from '../keymap/keymap';
import { shortcutsDialogKeys } from '../keymap/appKeys';
import { useKeymap } from '../keymap/useKeymap';

/** One alternative ('Shift+Click', 'Right-drag') with its gesture words translated; key names stay as printed. */
function chipText(t: TFunction, chip: string): string {
  return chip
    .split(/(?<=.)\+(?=.)/)
    .map((part) => (/^[A-Za-z-]+$/.test(part) ? t(`keyNames.${part}`, { defaultValue: part }) : part))
    .join('+');
}

export function ShortcutsDialog() {
  const open = useApp((s) => s.shortcutsOpen);
  return open ? <OpenDialog /> : null;
}

function OpenDialog() {
  const { t } = useTranslation();
  const set = useApp((s) => s.set);
  const close = () => set({ shortcutsOpen: false });
  useKeymap(shortcutsDialogKeys, { close });
  const sections = useMemo(() => shortcutSections(dialogTables()), []);
  return (
    <div className="modal-backdrop" onClick={close}>
      <div className="modal" role="dialog" aria-label={t('shortcuts.title')} onClick={(e) => e.stopPropagation()}>
        <h2>{t('shortcuts.title')}</h2>
        <div className="shortcut-sections">
          {sections.map((sec) => (
            <section key={sec.section} data-section={sec.section}>
              <h3>{t(sec.section)}</h3>
              <table className="shortcuts">
                <tbody>
                  {sec.rows.map((r) => (
                    <tr key={r.id} data-action={r.id}>
                      <td>
                        {r.keys.split(' / ').map((k, i) => (
                          <kbd key={i}>{chipText(t, k)}</kbd>
                        ))}
                      </td>
                      <td>{t(r.description)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
        <p className="muted small">{t('shortcuts.generated')}</p>
        <button className="primary" onClick={close} data-testid="shortcuts-ok">
          {t('shortcuts.ok')}
        </button>
      </div>
    </div>
  );
}
