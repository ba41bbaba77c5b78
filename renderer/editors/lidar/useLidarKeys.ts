/**
 * Binds the LiDAR keymap table (keys.ts) with useKeymap: tools, views, frames, undo / redo,
 * selection, and nudges of the selected cuboid (Shift or Alt: fine); class hotkeys 1-9 from the ontology
 * (or the label order when no label has one) through the fallback.
 */
import type { MutableRefObject } from 'react';
import type { Cuboid3D, LabelSpec } from '../../../core/document/schema';
import { cuboidInCloud } from '../../../core/lidar/box';
import type { KeyboardEventLike, KeyHandler } from '../../keymap/dispatcher';
import { useKeymap } from '../../keymap/useKeymap';
import { useApp } from '../../state/appStore';
import { moveLocal, resize, rotate } from '../../../core/editing/lidar/boxEdit';
import { lidarKeymap, nudgeStep, NUDGES, type LidarKeyAction } from './keys';
import { boxAt, type Records } from './model';
import type { SceneApi } from './scene/Bridge';
import { focusOn } from './scene/CameraFraming';
import type { SceneOffset } from '../../../core/editing/lidar/sceneFrame';
import type { LidarToolName } from './tools';

export interface LidarViewCommands {
  bev: boolean;
  toggle(): void;
  toggleOrientation(): void;
  preset(range: number): void;
  frameAll(): void;
  /** Frames the selected cuboid; false when nothing is selected. */
  frameSelection(): boolean;
  zoom(steps: number): void;
}

export interface LidarKeyDeps {
  labels: readonly LabelSpec[];
  isSeq: boolean;
  frameCount: number;
  frame: number;
  selected: string | null;
  setSelected(id: string | null): void;
  setTool(t: LidarToolName): void;
  /** The view commands (useBevView.ts); `bev` tells whether the bird's-eye view is on. */
  view: LidarViewCommands;
  setFrame(f: (n: number) => number): void;
  pickLabel(id: string): void;
  editSelected(f: (b: Cuboid3D) => Cuboid3D, label: string): void;
  /** Re-fit the selected cuboid / every cuboid of the frame to their points (refit.ts). */
  refit(which: 'selected' | 'frame'): void;
  removeSelected(): void;
  /** Show / hide the LiDAR points on the camera images. */
  toggleCameraPoints?(): void;
  undo(): void;
  redo(): void;
  recordsRef: MutableRefObject<Records>;
  sceneApi: MutableRefObject<SceneApi | null>;
  offset: SceneOffset;
}

/**
 * The handlers, plain functions of the editor's state (tested in keys.test.ts). A key the editor
 * does not use returns false and goes on to the item keys (editors/shell/keys.ts): with no cuboid
 * selected PageUp / PageDown open the previous / next item and Escape goes back to the browser.
 */
export function lidarKeyHandlers(p: LidarKeyDeps): Partial<Record<LidarKeyAction, KeyHandler>> {
  const step = (delta: number) => (p.isSeq ? void p.setFrame((f) => Math.max(0, Math.min(p.frameCount - 1, f + delta))) : false);
  const handlers: Partial<Record<LidarKeyAction, KeyHandler>> = {
    undo: () => p.undo(),
    redo: () => p.redo(),
    select: () => p.setTool('select'),
    box: () => p.setTool('box'),
    fit: () => p.setTool('fit'),
    lasso: () => p.setTool('lasso'),
    view: () => p.view.toggle(),
    orientation: () => p.view.toggleOrientation(),
    range20: () => p.view.preset(20),
    range40: () => p.view.preset(40),
    range80: () => p.view.preset(80),
    frameAll: () => p.view.frameAll(),
    refit: () => (p.selected ? void p.refit('selected') : false),
    refitAll: () => p.refit('frame'),
    zoomIn: () => p.view.zoom(-1),
    zoomOut: () => p.view.zoom(1),
    cameraPoints: () => (p.toggleCameraPoints ? void p.toggleCameraPoints() : false),
    focus: () => {
      // Bird's-eye view: frame the selection (or everything); 3D: orbit around it.
      if (p.view.bev) return void (p.view.frameSelection() || p.view.frameAll());
      const g = p.selected ? boxAt(p.recordsRef.current, p.selected, p.frame) : null;
      focusOn(p.sceneApi.current, g ? cuboidInCloud(g, p.offset) : undefined);
    },
    prevFrame: () => step(-1),
    nextFrame: () => step(1),
    deselect: () => (p.selected ? void p.setSelected(null) : false),
    delete: () => (p.selected ? void p.removeSelected() : false),
  };
  for (const [action, n] of Object.entries(NUDGES) as [LidarKeyAction, NonNullable<(typeof NUDGES)[LidarKeyAction]>][]) {
    handlers[action] = (e) => {
      if (!p.selected) return false;
      const { metres: s, degrees } = nudgeStep(e);
      const ang = (degrees * Math.PI) / 180;
      if (n.move) p.editSelected((b) => moveLocal(b, n.move![0] * s, n.move![1] * s, n.move![2] * s), 'move');
      else if (n.turn) p.editSelected((b) => rotate(b, n.turn! * ang), 'rotate');
      else if (n.resize) p.editSelected((b) => resize(b, n.resize![0], n.resize![1] * s), 'resize');
    };
  }
  return handlers;
}

/** Class hotkeys 1-9: the ontology's, or the label order when no label has one. */
export function lidarLabelKey(p: Pick<LidarKeyDeps, 'labels' | 'pickLabel'>, e: KeyboardEventLike): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || !/^[1-9]$/.test(e.key)) return false;
  const l = p.labels.find((x) => x.hotkey === e.key) ?? (p.labels.some((x) => x.hotkey) ? undefined : p.labels[Number(e.key) - 1]);
  if (!l) return false;
  p.pickLabel(l.id);
  return true;
}

export function useLidarKeys(p: LidarKeyDeps): void {
  const shortcutsOpen = useApp((s) => s.shortcutsOpen);
  useKeymap(lidarKeymap, lidarKeyHandlers(p), { enabled: !shortcutsOpen, fallback: (e) => lidarLabelKey(p, e) });
}
