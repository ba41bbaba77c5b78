/**
 * Every keymap table, imported in one place so the shortcuts dialog lists them all even before a
 * screen or editor has been opened. Import order is the dialog's section order.
 */
import '../keymap/appKeys';
import '../viewports/keys';
import '../editors/shell/keys';
import '../editors/image/keys';
import '../editors/lidar/keys';
import '../editors/lidar/cameras/keys';
import '../editors/lidar/review/keys';
import '../editors/lidar/subViewKeys';
import '../editors/lidar/sequence/keys';
import '../editors/medical/keys';
import './keys';
import './review/keys';
import './dialogKeys';
import './packages/keys';

import { declaredKeymaps, type KeymapTable } from '../keymap/keymap';

export { declaredKeymaps };

/**
 * The dialog's order. Modules declare their tables when first imported, which depends on what the
 * app imports first, so the order is fixed here by id; a table not named here comes after these,
 * in declaration order.
 */
const DIALOG_ORDER = ['app', 'shortcuts-dialog', 'item', 'viewer', 'playback', 'dataset', 'image', 'image-tool', 'image-review', 'lidar', 'lidar-camera', 'lidar-review', 'lidar-subview', 'lidar-sequence', 'medical', 'medical-polygon', 'medical-segment', 'review-bar', 'review-queue', 'ontology', 'predictions', 'conflict-dialog', 'source-consent', 'profile-dialog', 'package-dialog'];

/** Every declared table in the dialog's order. */
export function dialogTables(): KeymapTable[] {
  const rank = (t: KeymapTable) => {
    const i = DIALOG_ORDER.indexOf(t.id);
    return i < 0 ? DIALOG_ORDER.length : i;
  };
  return [...declaredKeymaps()].sort((a, b) => rank(a) - rank(b));
}
