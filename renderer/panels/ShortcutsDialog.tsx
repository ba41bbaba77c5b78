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
  // image editor
  { keys: 'V / B / R / P / L / K / M / E', action: 'image.shortcuts.tools' },
  { keys: '1 … 9', action: 'image.shortcuts.labels' },
  { keys: 'Enter / Double-click', action: 'image.shortcuts.finish' },
  { keys: 'Esc ', action: 'image.shortcuts.cancel' },
  { keys: 'Del / Backspace', action: 'image.shortcuts.remove' },
  { keys: 'Ctrl+C / Ctrl+V', action: 'image.shortcuts.copyPaste' },
  { keys: 'H / Shift+L', action: 'image.shortcuts.hideLock' },
  { keys: '[ / ]', action: 'image.shortcuts.order' },
  { keys: '{ / }', action: 'image.shortcuts.brush' },
  { keys: 'Space', action: 'image.shortcuts.pan' },
  { keys: '0', action: 'image.shortcuts.oneToOne' },
  { keys: 'O', action: 'image.shortcuts.outside' },
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
              <tr key={s.keys}>
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
