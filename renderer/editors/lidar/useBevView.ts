/**
 * The LiDAR view state of an item (3D or bird's-eye, orientation, centre, range; viewStore.ts) and
 * its commands: toggle, orientation, range presets, frame all / selection, zoom steps, and the
 * wheel and drag handlers of the bird's-eye view (maths in bevView.ts).
 */
import { useCallback, useMemo, useRef, type MutableRefObject } from 'react';
import type { Cuboid3D } from '../../../core/document/schema';
import type { LoadedCloud } from '../../viewports/pointcloud/loadCloud';
import { boxBounds, frameBounds, panBy, pointBounds, presetView, unionBounds, wheelSteps, zoomAt, type LidarViewState } from './bevView';
import type { SceneApi } from './scene/Bridge';
import type { LidarViewCommands } from './useLidarKeys';
import { useLidarViews, viewOf } from './viewStore';

export interface BevView {
  view: LidarViewState;
  commands: LidarViewCommands;
  onWheel(e: React.WheelEvent): void;
  /** Pans on a drag (right / middle button; left too when `leftPans`). True when the event is the view's alone. */
  onPointer(e: React.PointerEvent, phase: 'down' | 'move' | 'up', leftPans: boolean): boolean;
}

export function useBevView(itemId: string, sceneApi: MutableRefObject<SceneApi | null>, cloud: LoadedCloud | null, boxes: readonly Cuboid3D[], selectedBox: Cuboid3D | null): BevView {
  const view = useLidarViews((s) => viewOf(s, itemId));
  const setView = useCallback((f: (v: LidarViewState) => LidarViewState) => useLidarViews.getState().setView(itemId, f), [itemId]);
  const cloudBounds = useMemo(() => (cloud ? pointBounds(cloud.positions, cloud.count) : null), [cloud]);
  const allBounds = useMemo(() => unionBounds(cloudBounds, boxBounds(boxes)), [cloudBounds, boxes]);
  const size = (): [number, number] => {
    const r = sceneApi.current?.dom.getBoundingClientRect();
    return r && r.width > 0 && r.height > 0 ? [r.width, r.height] : [800, 600];
  };
  const drag = useRef<{ x: number; y: number; id: number } | null>(null);

  const commands: LidarViewCommands = {
    bev: view.bev,
    toggle: () => setView((v) => ({ ...v, bev: !v.bev })),
    toggleOrientation: () => setView((v) => ({ ...v, bev: true, orientation: v.orientation === 'north' ? 'heading' : 'north' })),
    preset: (range) => setView((v) => presetView(v, range)),
    frameAll: () => {
      if (allBounds) setView((v) => frameBounds(v, allBounds, ...size()));
      else setView((v) => ({ ...v, bev: true }));
    },
    frameSelection: () => {
      const b = selectedBox ? boxBounds([selectedBox]) : null;
      if (!b) return false;
      setView((v) => frameBounds(v, b, ...size(), 3)); // the box and what is around it
      return true;
    },
    zoom: (steps) => setView((v) => zoomAt({ ...v, bev: true }, steps, [0, 0], ...size())),
  };

  const onWheel = (e: React.WheelEvent) => {
    if (!view.bev) return;
    const r = sceneApi.current?.dom.getBoundingClientRect();
    if (!r) return;
    const cursor: [number, number] = [e.clientX - r.left - r.width / 2, e.clientY - r.top - r.height / 2];
    setView((v) => zoomAt(v, wheelSteps(e.deltaY, e.deltaMode), cursor, r.width, r.height));
  };

  const onPointer = (e: React.PointerEvent, phase: 'down' | 'move' | 'up', leftPans: boolean): boolean => {
    if (!view.bev) return false;
    const own = e.button === 1 || e.button === 2;
    if (phase === 'down' && (own || (e.button === 0 && leftPans))) {
      drag.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
      (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
      return own;
    }
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return false;
    if (phase === 'up') drag.current = null;
    const [dx, dy] = [e.clientX - d.x, e.clientY - d.y];
    if (dx || dy) {
      drag.current = phase === 'up' ? null : { ...d, x: e.clientX, y: e.clientY };
      setView((v) => panBy(v, dx, dy, ...size(), allBounds));
    }
    return own || e.buttons === 2 || e.buttons === 4;
  };

  return { view, commands, onWheel, onPointer };
}
