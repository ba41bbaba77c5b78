/**
 * Every keymap table, imported in one place so the shortcuts dialog lists them all even before a
 * screen or editor has been opened. Import order is the dialog's section order.
 */
import './appKeys';
import '../viewports/keys';
import './pendingTables'; // TEMPORARY: image, LiDAR and item rows until their editors declare tables
import '../editors/medical/keys';
import '../panels/keys';
import '../panels/review/keys';

export { declaredKeymaps } from './keymap';
