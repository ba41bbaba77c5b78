/** Keys of the medical editor (bound in MedicalEditor.tsx and SliceView.tsx; listed by the shortcuts dialog). */
import { defineKeymap } from '../../keymap/keymap';
import type { Tool } from './types';

export const medicalKeys = defineKeymap({
  id: 'medical',
  section: 'shortcuts.sections.medical',
  layer: 'editor',
  actions: {
    slices: { keys: ['PageUp', 'PageDown', 'ArrowUp', 'ArrowDown'], display: 'PageUp / PageDown / ↑ / ↓ / Wheel', description: 'shortcutsMedical.slices' },
    navigate: { keys: ['C'], description: 'shortcutsMedical.navigate' },
    pan: { keys: ['H'], description: 'shortcutsMedical.pan' },
    brush: { keys: ['B'], description: 'shortcutsMedical.brush' },
    eraser: { keys: ['E'], description: 'shortcutsMedical.eraser' },
    polygon: { keys: ['P'], description: 'shortcutsMedical.polygon' },
    measure: { keys: ['M'], description: 'shortcutsMedical.measure' },
    smallerBrush: { keys: ['['], description: 'shortcutsMedical.smallerBrush' },
    largerBrush: { keys: [']'], description: 'shortcutsMedical.largerBrush' },
    invert: { keys: ['I'], description: 'shortcutsMedical.invert' },
    fit: { keys: ['F'], description: 'shortcutsMedical.fit' },
    reslice: { keys: ['O'], description: 'shortcutsMedical.reslice' },
    resetOrientation: { keys: ['Shift+O'], description: 'shortcutsMedical.resetOrientation' },
    undo: { keys: ['Ctrl+Z'], description: 'shortcuts.undo' },
    redo: { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], description: 'shortcuts.redo' },
    // Pointer gestures, handled by SliceView; listed so the dialog shows them.
    windowDrag: { keys: [], display: 'Right-drag / Ctrl+drag', description: 'shortcutsMedical.windowDrag' },
    zoom: { keys: [], display: 'Ctrl+Wheel', description: 'shortcutsMedical.zoom' },
    panDrag: { keys: [], display: 'Shift+drag / Middle-drag', description: 'shortcutsMedical.panDrag' },
    rotateDrag: { keys: [], display: 'Ctrl+drag / drag a crosshair handle (resliced views)', description: 'shortcutsMedical.rotateDrag' },
  },
});

/** The tool each tool key picks (the action names of `medicalKeys` that are tools). */
export const TOOL_ACTIONS: readonly Tool[] = ['navigate', 'pan', 'brush', 'eraser', 'polygon', 'measure'];

/** While a polygon is being drawn in a view. */
export const medicalPolygonKeys = defineKeymap({
  id: 'medical-polygon',
  section: 'shortcuts.sections.medical',
  layer: 'tool',
  actions: {
    close: { keys: ['Enter'], display: 'Enter / Double-click', description: 'shortcutsMedical.polygonClose' },
    cancel: { keys: ['Escape'], description: 'shortcutsMedical.polygonCancel' },
  },
});

/**
 * Whole-segment operations on the active segment (SegmentOpsPanel.tsx, core/medical/segment-ops.ts),
 * each one undo step. Grow and box threshold use the crosshair as seed / box centre and the
 * threshold range of the Segments panel.
 */
export const medicalSegmentKeys = defineKeymap({
  id: 'medical-segment',
  section: 'shortcuts.sections.medical',
  layer: 'editor',
  actions: {
    grow: { keys: ['G'], description: 'medicalOps.keys.grow' },
    thresholdBox: { keys: ['Shift+T'], description: 'medicalOps.keys.thresholdBox' },
    removeIslands: { keys: ['Shift+X'], description: 'medicalOps.keys.removeIslands' },
    keepLargest: { keys: ['Shift+L'], description: 'medicalOps.keys.keepLargest' },
    fillHoles: { keys: ['Shift+H'], description: 'medicalOps.keys.fillHoles' },
    smooth: { keys: ['Shift+M'], description: 'medicalOps.keys.smooth' },
  },
});

/** The DICOM header (tag) viewer: Escape closes it. */
export const tagViewerKeys = defineKeymap({
  id: 'tag-viewer',
  section: 'shortcuts.sections.dialogs',
  layer: 'modal',
  actions: {
    close: { keys: ['Escape'], description: 'shortcuts.dialogs.tagViewerClose' },
  },
});
