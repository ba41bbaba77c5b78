import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';

/** One table of shortcuts; the key handlers live with the screens that own them. */
export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: '?', action: 'shortcuts.help' },
  { keys: 'Esc', action: 'shortcuts.close' },
  { keys: '← ↑ → ↓', action: 'shortcuts.navigate' },
  { keys: 'Enter', action: 'shortcuts.open' },
  { keys: '/', action: 'shortcuts.search' },
  { keys: 'Ctrl+Z', action: 'shortcuts.undo' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', action: 'shortcuts.redo' },
  { keys: 'A / D', action: 'shortcuts.frames' },
  { keys: 'F', action: 'shortcuts.fit' },
  { keys: 'Alt+L', action: 'shortcuts.language' },
  { keys: 'PageUp / PageDown / Wheel', action: 'shortcutsMedical.slices' },
  { keys: 'C / B / E / P / M', action: 'shortcutsMedical.tools' },
  { keys: '[ / ]', action: 'shortcutsMedical.brushSize' },
  { keys: 'I', action: 'shortcutsMedical.invert' },
  { keys: 'Right-drag / Ctrl+drag', action: 'shortcutsMedical.windowDrag' },
  { keys: 'Shift+S', action: 'shortcutsReview.submit' },
  { keys: 'Shift+A', action: 'shortcutsReview.accept' },
  { keys: 'Shift+R', action: 'shortcutsReview.reject' },
  { keys: 'N', action: 'shortcutsReview.next' },
  { keys: 'Enter', action: 'shortcutsReview.openQueue' },
];

export function ShortcutsDialog() {
  const { t } = useTranslation();
  const open = useApp((s) => s.shortcutsOpen);
  const set = useApp((s) => s.set);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={() => set({ shortcutsOpen: false })}>
      <div className="modal" role="dialog" aria-label={t('shortcuts.title')} onClick={(e) => e.stopPropagation()}>
        <h2>{t('shortcuts.title')}</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  {s.keys.split(' / ').map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{t(s.action)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button className="primary" onClick={() => set({ shortcutsOpen: false })}>
          OK
        </button>
      </div>
    </div>
  );
}
