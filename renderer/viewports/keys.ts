/** Keys of the shared viewers (ImageViewer, usePlayback). */
import { defineKeymap } from '../keymap/keymap';

export const viewerKeys = defineKeymap({
  id: 'viewer',
  section: 'shortcuts.sections.general',
  layer: 'view',
  actions: {
    fit: { keys: ['F'], description: 'shortcuts.fit' },
    // Editors that use digits for labels pass another key (the image editor: 0); see ImageViewer.
    oneToOne: { keys: ['1'], description: 'shortcuts.oneToOne' },
  },
});

export const playbackKeys = defineKeymap({
  id: 'playback',
  section: 'shortcuts.sections.general',
  layer: 'view',
  actions: {
    step: { keys: ['A', 'D', 'ArrowLeft', 'ArrowRight'], description: 'shortcuts.frames' },
  },
});
