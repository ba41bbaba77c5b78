/**
 * The LiDAR editor's sequence keys (bound by useSequenceTools.ts while a sequence is open).
 * Shift+D = "D, but carry the boxes along": propagate the selected box, or every box of the
 * frame when nothing is selected, to the next N frames. Key-frame annotation (a box on an object's
 * first and last frame, both given one track id, frames between them interpolated): `#` types the
 * selected box's track id (the object list shows tracks as "#id"), Shift+T interpolates the
 * selected track, or every track when nothing is selected.
 */
import { defineKeymap } from '../../../keymap/keymap';

export const lidarSequenceKeymap = defineKeymap({
  id: 'lidar-sequence',
  section: 'shortcuts.sections.lidar',
  layer: 'editor',
  actions: {
    propagate: { keys: ['Shift+D'], description: 'shortcutsLidarSeq.propagate', display: 'Shift+D' },
    trackId: { keys: ['#'], description: 'shortcutsLidarSeq.trackId', display: '#' },
    interpolate: { keys: ['Shift+T'], description: 'shortcutsLidarSeq.interpolate', display: 'Shift+T' },
  },
});
