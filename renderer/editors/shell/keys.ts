/**
 * The editor shell's keys (item navigation), on the view layer: an editor's own keys come first,
 * so in sequences and videos A / D and the arrows stay frame keys (the handlers decline them).
 */
import { defineKeymap } from '../../keymap/keymap';

export const itemKeymap = defineKeymap({
  id: 'item',
  section: 'shell.shortcuts.section',
  layer: 'view',
  actions: {
    nextItem: { keys: ['PageDown'], description: 'shell.shortcuts.nextItem' },
    prevItem: { keys: ['PageUp'], description: 'shell.shortcuts.prevItem' },
    nextImage: { keys: ['d', 'ArrowRight'], description: 'shell.shortcuts.nextImage' },
    prevImage: { keys: ['a', 'ArrowLeft'], description: 'shell.shortcuts.prevImage' },
    back: { keys: ['Escape'], description: 'shell.shortcuts.back' },
  },
});
