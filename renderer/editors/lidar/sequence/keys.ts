/**
 * The LiDAR editor's sequence keys (bound by useSequenceTools.ts while a sequence is open).
 * Shift+D = "D, but carry the boxes along": propagate the selected box, or every box of the
 * frame when nothing is selected, to the next N frames.
 */
import { defineKeymap } from '../../../keymap/keymap';

export const lidarSequenceKeymap = defineKeymap({
  id: 'lidar-sequence',
  section: 'shortcuts.sections.lidar',
  layer: 'editor',
  actions: {
    propagate: { keys: ['Shift+D'], description: 'shortcutsLidarSeq.propagate', display: 'Shift+D' },
  },
});
