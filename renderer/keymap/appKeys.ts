/** Keys of the app shell: global keys and the shortcuts dialog. */
import { defineKeymap } from './keymap';

export const appKeys = defineKeymap({
  id: 'app',
  section: 'shortcuts.sections.general',
  layer: 'global',
  actions: {
    help: { keys: ['?'], description: 'shortcuts.help' },
    language: { keys: ['Alt+L'], description: 'shortcuts.language' },
  },
});

/** While the dialog is open it is the modal layer: nothing below hears a key (Escape closes only the dialog). */
export const shortcutsDialogKeys = defineKeymap({
  id: 'shortcuts-dialog',
  section: 'shortcuts.sections.general',
  layer: 'modal',
  actions: {
    close: { keys: ['Escape', '?'], description: 'shortcuts.closeDialog' },
  },
});
