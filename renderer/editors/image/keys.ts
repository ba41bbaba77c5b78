/**
 * The image / video editor's keys as data (renderer/keymap): the shortcuts dialog lists these
 * tables and the editor binds them with useKeymap. Label hotkeys come from the ontology (the
 * editor's `fallback`); F and 0 are the viewer's (ImageViewer).
 */
import { defineKeymap } from '../../keymap/keymap';
import { TOOL_KEYS, type ToolName } from './tools';

const tool = (name: ToolName) => ({ keys: [TOOL_KEYS[name].toLowerCase()], description: `image.tools.${name}` });

export const imageKeymap = defineKeymap({
  id: 'image',
  section: 'shortcuts.sections.image',
  layer: 'editor',
  actions: {
    undo: { keys: ['Ctrl+Z'], description: 'shortcuts.undo' },
    redo: { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'shortcuts.redo' },
    copy: { keys: ['Ctrl+C'], description: 'image.shortcuts.copy' },
    paste: { keys: ['Ctrl+V'], description: 'image.shortcuts.paste' },
    toolSelect: tool('select'),
    toolBox: tool('box'),
    toolRotatedBox: tool('rotatedBox'),
    toolPolygon: tool('polygon'),
    toolPolyline: tool('polyline'),
    toolPoints: tool('points'),
    toolSkeleton: tool('skeleton'),
    toolBrush: tool('brush'),
    toolEraser: tool('eraser'),
    toolSegment: tool('segment'),
    labels: { keys: [], display: '1 … 9', description: 'image.shortcuts.labels' },
    deselect: { keys: ['Escape'], description: 'image.shortcuts.deselect' },
    remove: { keys: ['Delete', 'Backspace'], description: 'image.shortcuts.remove' },
    hide: { keys: ['h'], description: 'image.shortcuts.hide' },
    lock: { keys: ['Shift+L'], description: 'image.shortcuts.lock' },
    backward: { keys: ['['], description: 'image.shortcuts.backward' },
    forward: { keys: [']'], description: 'image.shortcuts.forward' },
    brushSmaller: { keys: ['{'], description: 'image.shortcuts.brushSmaller' },
    brushLarger: { keys: ['}'], description: 'image.shortcuts.brushLarger' },
    pan: { keys: ['Space'], description: 'image.shortcuts.pan' },
    fit: { keys: [], display: 'F', description: 'shortcuts.fit' },
    oneToOne: { keys: [], display: '0', description: 'image.shortcuts.oneToOne' },
    outside: { keys: ['o'], description: 'image.shortcuts.outside' },
    propagate: { keys: ['Shift+P'], description: 'image.shortcuts.propagate' },
  },
});

/** Keys of the drawing in progress (the active tool answers them first; unused ones fall through). */
export const imageToolKeymap = defineKeymap({
  id: 'image-tool',
  section: 'shortcuts.sections.image',
  layer: 'tool',
  actions: {
    finish: { keys: ['Enter'], description: 'image.shortcuts.finish' },
    cancel: { keys: ['Escape'], description: 'image.shortcuts.cancel' },
    back: { keys: ['Backspace'], description: 'image.shortcuts.stepBack' },
    skip: { keys: ['x'], description: 'image.shortcuts.skip' },
  },
});

/**
 * Reviewing model predictions in the image editor, the LiDAR review's keys
 * (renderer/editors/lidar/review/keys.ts): Tab / Shift+Tab select the next / previous pending
 * prediction and bring it into view, Enter accepts, Delete / Backspace rejects (remembered),
 * Shift+Enter accepts every pending prediction of the image at or above the review threshold.
 * Registered after the editor's own table, so it is asked first; Enter and Delete decline unless
 * the selection is one pending prediction, so finishing a shape and deleting anything else are
 * unchanged.
 */
export const imageReviewKeymap = defineKeymap({
  id: 'image-review',
  section: 'shortcuts.sections.image',
  layer: 'editor',
  actions: {
    next: { keys: ['Tab'], description: 'image.shortcuts.nextPrediction' },
    prev: { keys: ['Shift+Tab'], description: 'image.shortcuts.prevPrediction' },
    accept: { keys: ['Enter'], description: 'image.shortcuts.acceptPrediction' },
    reject: { keys: ['Delete', 'Backspace'], description: 'image.shortcuts.rejectPrediction' },
    acceptAbove: { keys: ['Shift+Enter'], description: 'image.shortcuts.acceptAbove' },
  },
});
