import { useTranslation } from 'react-i18next';
import { useApp } from '../state/appStore';

/** The shortcut tables, by screen; the key handlers live with the screens that own them. */
export const SHORTCUTS: { section: string; rows: { keys: string; action: string }[] }[] = [
  {
    section: 'shortcuts.sections.general',
    rows: [
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
    ],
  },
  {
    section: 'shortcuts.sections.image',
    rows: [
      { keys: 'V / B / R / P / L / K / M / E / S', action: 'image.shortcuts.tools' },
      { keys: '1 … 9', action: 'image.shortcuts.labels' },
      { keys: 'Click / Shift+Click / Drag', action: 'image.shortcuts.segment' },
      { keys: 'Enter / Double-click', action: 'image.shortcuts.finish' },
      { keys: 'Esc', action: 'image.shortcuts.cancel' },
      { keys: 'Del / Backspace', action: 'image.shortcuts.remove' },
      { keys: 'Ctrl+C / Ctrl+V', action: 'image.shortcuts.copyPaste' },
      { keys: 'H / Shift+L', action: 'image.shortcuts.hideLock' },
      { keys: '[ / ]', action: 'image.shortcuts.order' },
      { keys: '{ / }', action: 'image.shortcuts.brush' },
      { keys: 'Space', action: 'image.shortcuts.pan' },
      { keys: '0', action: 'image.shortcuts.oneToOne' },
      { keys: 'O', action: 'image.shortcuts.outside' },
      { keys: 'Shift+P', action: 'image.shortcuts.propagate' },
    ],
  },
  {
    section: 'shortcuts.sections.lidar',
    rows: [
      { keys: 'V / B / C / P', action: 'shortcutsLidar.tools' },
      { keys: 'B, Alt+drag', action: 'shortcutsLidar.drawRaw' },
      { keys: 'T', action: 'shortcutsLidar.view' },
      { keys: '1 … 9', action: 'shortcutsLidar.labels' },
      { keys: '↑ ↓ ← →', action: 'shortcutsLidar.move' },
      { keys: 'Q / E', action: 'shortcutsLidar.rotate' },
      { keys: 'I / K', action: 'shortcutsLidar.length' },
      { keys: 'J / L', action: 'shortcutsLidar.width' },
      { keys: 'U / O', action: 'shortcutsLidar.height' },
      { keys: 'PageUp / PageDown', action: 'shortcutsLidar.updown' },
      { keys: 'Delete', action: 'shortcutsLidar.delete' },
      { keys: 'F', action: 'shortcutsLidar.focus' },
    ],
  },
  {
    section: 'shortcuts.sections.medical',
    rows: [
      { keys: 'PageUp / PageDown / Wheel', action: 'shortcutsMedical.slices' },
      { keys: 'C / B / E / P / M', action: 'shortcutsMedical.tools' },
      { keys: '[ / ]', action: 'shortcutsMedical.brushSize' },
      { keys: 'I', action: 'shortcutsMedical.invert' },
      { keys: 'Right-drag / Ctrl+drag', action: 'shortcutsMedical.windowDrag' },
    ],
  },
  {
    section: 'shortcuts.sections.review',
    rows: [
      { keys: 'Shift+S', action: 'shortcutsReview.submit' },
      { keys: 'Shift+A', action: 'shortcutsReview.accept' },
      { keys: 'Shift+R', action: 'shortcutsReview.reject' },
      { keys: 'N', action: 'shortcutsReview.next' },
      { keys: 'Enter', action: 'shortcutsReview.openQueue' },
    ],
  },
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
        <div className="shortcut-sections">
          {SHORTCUTS.map((sec) => (
            <section key={sec.section}>
              <h3>{t(sec.section)}</h3>
              <table className="shortcuts">
                <tbody>
                  {sec.rows.map((r, i) => (
                    <tr key={i}>
                      <td>
                        {r.keys.split(' / ').map((k) => (
                          <kbd key={k}>{k}</kbd>
                        ))}
                      </td>
                      <td>{t(r.action)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
        <button className="primary" onClick={() => set({ shortcutsOpen: false })}>
          OK
        </button>
      </div>
    </div>
  );
}
