/**
 * The medical workspace's view state (crosshair, window, tool, brush, active segment and view,
 * threshold range, export options) as one reducer: pure, testable without a DOM.
 */
import { sliceGeometry, type Orientation } from '../../../core/medical/slicing';
import type { Vec3, WindowLevel } from '../../../core/medical/types';
import { sliceIndexOf, withSliceIndex } from './orientation';
import type { Tool } from './types';

export interface WorkspaceState {
  cursor: Vec3;
  window: WindowLevel;
  invert: boolean;
  tool: Tool;
  brushMm: number;
  activeLabel: number;
  opacity: number;
  /** Bumped to fit every view again. */
  fitToken: number;
  activeView: Orientation;
  /** Slices per view, fixed by the volume. */
  counts: Record<Orientation, number>;
  threshold: [number, number];
  deidentify: boolean;
  /** PS3.15 Retain UIDs option: off by default, so UIDs are replaced unless the user asks. */
  retainUids: boolean;
  importPath: string;
  message: string | null;
}

export type WorkspaceAction =
  | { type: 'set'; patch: Partial<Omit<WorkspaceState, 'counts'>> }
  | { type: 'scrollSlices'; delta: number }
  | { type: 'brush'; larger: boolean }
  | { type: 'toggleInvert' }
  | { type: 'fit' };

export const BRUSH_MM = { min: 0.5, max: 100 } as const;

export interface WorkspaceInit {
  dims: Vec3;
  spacing: Vec3;
  window: WindowLevel;
  invert: boolean;
  range: [number, number];
  activeLabel: number;
}

export function initialWorkspace(v: WorkspaceInit): WorkspaceState {
  const { dims, spacing } = v;
  const count = (o: Orientation) => sliceGeometry(dims, spacing, o).count;
  return {
    cursor: [Math.floor(dims[0] / 2), Math.floor(dims[1] / 2), Math.floor(dims[2] / 2)],
    window: v.window,
    invert: v.invert,
    tool: 'navigate',
    brushMm: Math.max(1, Math.round(Math.min(dims[0] * spacing[0], dims[1] * spacing[1]) / 40)),
    activeLabel: v.activeLabel,
    opacity: 0.5,
    fitToken: 0,
    activeView: 'axial',
    counts: { axial: count('axial'), coronal: count('coronal'), sagittal: count('sagittal') },
    threshold: [Math.round(v.window.center), Math.round(v.range[1])],
    deidentify: true,
    retainUids: false,
    importPath: '',
    message: null,
  };
}

export function workspaceReducer(s: WorkspaceState, a: WorkspaceAction): WorkspaceState {
  switch (a.type) {
    case 'set': {
      const keys = Object.keys(a.patch) as (keyof typeof a.patch)[];
      return keys.every((k) => Object.is(s[k], a.patch[k])) ? s : { ...s, ...a.patch };
    }
    case 'scrollSlices': {
      const v = s.activeView;
      const index = Math.min(s.counts[v] - 1, Math.max(0, sliceIndexOf(v, s.cursor) + a.delta));
      return index === sliceIndexOf(v, s.cursor) ? s : { ...s, cursor: withSliceIndex(v, s.cursor, index) };
    }
    case 'brush': {
      const next = a.larger ? Math.min(BRUSH_MM.max, +(s.brushMm * 1.25).toFixed(1)) : Math.max(BRUSH_MM.min, +(s.brushMm / 1.25).toFixed(1));
      return { ...s, brushMm: next };
    }
    case 'toggleInvert':
      return { ...s, invert: !s.invert };
    case 'fit':
      return { ...s, fitToken: s.fitToken + 1 };
  }
}
