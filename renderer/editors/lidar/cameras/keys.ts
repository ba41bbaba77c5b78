/**
 * The enlarged camera image is modal: while it is open Escape closes it (and goes no further, so
 * it neither deselects the cuboid nor leaves the editor).
 */
import { defineKeymap } from '../../../keymap/keymap';

export const cameraViewKeymap = defineKeymap({
  id: 'lidar-camera',
  section: 'shortcuts.sections.lidar',
  layer: 'modal',
  actions: {
    close: { keys: ['Escape'], description: 'shortcutsLidar.cameraClose', display: 'Esc' },
  },
});
