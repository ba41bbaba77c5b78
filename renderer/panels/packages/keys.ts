import { defineKeymap } from '../../keymap/keymap';

/** The "Merge package…" dialog: Escape closes it (nothing is merged until Merge is pressed). */
export const packageDialogKeys = defineKeymap({
  id: 'package-dialog',
  section: 'shortcuts.sections.dialogs',
  layer: 'modal',
  actions: {
    close: { keys: ['Escape'], description: 'packages.keyClose' },
  },
});
