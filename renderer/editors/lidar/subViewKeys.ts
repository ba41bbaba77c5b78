/**
 * The sub-views' gestures as data, so the shortcuts dialog lists them beside the LiDAR keys. They
 * are pointer gestures on the sub-view canvases (SubView.tsx), not chords, so every entry only has
 * a `display` and no keys for the dispatcher to bind.
 */
import { defineKeymap, type KeySpec } from '../../keymap/keymap';

const gesture = (display: string, description: string): KeySpec => ({ keys: [], description, display });

export const subViewKeymap = defineKeymap({
  id: 'lidar-subview',
  section: 'subview.section',
  layer: 'view',
  actions: {
    face: gesture('drag edge / corner', 'shortcutsSubview.face'),
    snap: gesture('Ctrl + drag edge, double-click edge', 'shortcutsSubview.snap'),
    zoom: gesture('wheel', 'shortcutsSubview.zoom'),
    pan: gesture('drag outside the box', 'shortcutsSubview.pan'),
    reset: gesture('double-click outside the box', 'shortcutsSubview.reset'),
  },
});
