/**
 * Keys of the app's dialogs, on the modal layer: while one is open nothing below it (editor,
 * item, global keys) hears a key; keys a dialog does not name do nothing (buttons and fields keep
 * their own native keys). The shortcuts dialog's table is in keymap/appKeys.ts.
 */
import { defineKeymap } from '../keymap/keymap';

/** Someone else changed the same records: Enter applies the choices; Escape leaves the dialog open (no choice is the safe one). */
export const conflictDialogKeys = defineKeymap({
  id: 'conflict-dialog',
  section: 'shortcuts.sections.dialogs',
  layer: 'modal',
  actions: {
    apply: { keys: ['Enter'], description: 'shortcuts.dialogs.conflictApply' },
    stay: { keys: ['Escape'], description: 'shortcuts.dialogs.conflictStay' },
  },
});

/** Consent for source folders outside the project: Escape is "Not now" (nothing is allowed). */
export const sourceConsentKeys = defineKeymap({
  id: 'source-consent',
  section: 'shortcuts.sections.dialogs',
  layer: 'modal',
  actions: {
    decline: { keys: ['Escape'], description: 'shortcuts.dialogs.consentDecline' },
  },
});

/** The new-profile dialog: Escape cancels (Enter in the name field submits the form). */
export const profileDialogKeys = defineKeymap({
  id: 'profile-dialog',
  section: 'shortcuts.sections.dialogs',
  layer: 'modal',
  actions: {
    cancel: { keys: ['Escape'], description: 'shortcuts.dialogs.profileCancel' },
  },
});
