/**
 * TEMPORARY (issue #13): the image/video editor, the LiDAR editor and ItemView still bind their
 * keys with their own window listeners; their tables (renderer/editors/image/keys.ts,
 * renderer/editors/lidar/keys.ts) are being written on other branches and replace these
 * display-only rows (same ids 'image' and 'lidar', same sections) when merged. Delete this file
 * and its import in tables.ts then. The rows are the hand-kept ones the dialog showed before.
 */
import { defineKeymap } from './keymap';

defineKeymap({
  id: 'item',
  section: 'shortcuts.sections.general',
  layer: 'view',
  actions: { back: { keys: [], display: 'Esc', description: 'shortcuts.close' } },
});
defineKeymap({
  id: 'image',
  section: 'shortcuts.sections.image',
  layer: 'editor',
  actions: {
    tools: { keys: [], display: 'V / B / R / P / L / K / M / E / S', description: 'image.shortcuts.tools' },
    labels: { keys: [], display: '1 … 9', description: 'image.shortcuts.labels' },
    segment: { keys: [], display: 'Click / Shift+Click / Drag', description: 'image.shortcuts.segment' },
    finish: { keys: [], display: 'Enter / Double-click', description: 'image.shortcuts.finish' },
    cancel: { keys: [], display: 'Esc', description: 'image.shortcuts.cancel' },
    remove: { keys: [], display: 'Del / Backspace', description: 'image.shortcuts.remove' },
    undo: { keys: [], display: 'Ctrl+Z', description: 'shortcuts.undo' },
    redo: { keys: [], display: 'Ctrl+Shift+Z / Ctrl+Y', description: 'shortcuts.redo' },
    copyPaste: { keys: [], display: 'Ctrl+C / Ctrl+V', description: 'image.shortcuts.copyPaste' },
    hideLock: { keys: [], display: 'H / Shift+L', description: 'image.shortcuts.hideLock' },
    order: { keys: [], display: '[ / ]', description: 'image.shortcuts.order' },
    brush: { keys: [], display: '{ / }', description: 'image.shortcuts.brush' },
    pan: { keys: [], display: 'Space', description: 'image.shortcuts.pan' },
    oneToOne: { keys: [], display: '0', description: 'image.shortcuts.oneToOne' },
    outside: { keys: [], display: 'O', description: 'image.shortcuts.outside' },
    propagate: { keys: [], display: 'Shift+P', description: 'image.shortcuts.propagate' },
  },
});
