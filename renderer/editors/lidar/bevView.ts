/**
 * The bird's-eye view's maths, pure (no three.js, no DOM): the view state kept per item, range
 * presets, wheel zoom steps about the cursor, pan clamped to the scene, and framing bounds.
 *
 * Everything is in scene coordinates (the cloud's recentred frame, sceneFrame.ts), metres.
 * `range` is the half-extent shown across the canvas's shorter side, so the state does not depend
 * on the canvas size; the orthographic camera's zoom (pixels per metre) is derived from it.
 * Orientation: north-up puts the frame's +y up and +x right (for clouds in map coordinates, such as
 * UTM, that is north); heading-up puts the sensor's forward axis (+x) up and +y to the left.
 */
import type { Cuboid3D } from '../../../core/document/schema';

export type BevOrientation = 'north' | 'heading';
export interface LidarViewState {
  bev: boolean;
  orientation: BevOrientation;
  center: [number, number];
  range: number;
}
export interface Bounds2 {
  min: [number, number];
  max: [number, number];
}

export const RANGE_PRESETS = [20, 40, 80] as const;
export const MIN_RANGE = 2;
export const MAX_RANGE = 300;
/** One wheel notch scales the range by this factor: 20 m -> 101 m in 4 notches. */
export const WHEEL_FACTOR = 1.5;
export const DEFAULT_VIEW: LidarViewState = { bev: false, orientation: 'heading', center: [0, 0], range: 40 };

export const clampRange = (r: number): number => Math.min(MAX_RANGE, Math.max(MIN_RANGE, r));

/** Pixels per metre for a range on a canvas. */
export function zoomFor(range: number, width: number, height: number): number {
  return Math.max(1, Math.min(width, height)) / (2 * range);
}

/** A range preset: that many metres around the sensor (the scene origin), orientation kept. */
export function presetView(v: LidarViewState, range: number): LidarViewState {
  return { ...v, bev: true, center: [0, 0], range: clampRange(range) };
}

/** Wheel notches from a WheelEvent's deltaY / deltaMode (pixels: 100 per notch; lines: 3), at most ±3 per event. */
export function wheelSteps(deltaY: number, deltaMode = 0): number {
  const n = deltaMode === 1 ? deltaY / 3 : deltaMode === 2 ? deltaY * 3 : deltaY / 100;
  return Math.max(-3, Math.min(3, n));
}

/** A screen offset in pixels (x right, y down) as a scene offset in metres. */
export function screenToScene(o: BevOrientation, dx: number, dy: number, zoom: number): [number, number] {
  return o === 'north' ? [dx / zoom, -dy / zoom] : [-dy / zoom, -dx / zoom];
}

/** Zoom by `steps` notches (positive: out, as the wheel rolled towards the user) keeping the scene point under the cursor still; `cursor` is in pixels from the canvas centre. */
export function zoomAt(v: LidarViewState, steps: number, cursor: [number, number], width: number, height: number): LidarViewState {
  const range = clampRange(v.range * WHEEL_FACTOR ** steps);
  const z0 = zoomFor(v.range, width, height);
  const z1 = zoomFor(range, width, height);
  const a = screenToScene(v.orientation, cursor[0], cursor[1], z0);
  const b = screenToScene(v.orientation, cursor[0], cursor[1], z1);
  return { ...v, range, center: [v.center[0] + a[0] - b[0], v.center[1] + a[1] - b[1]] };
}

/** Drag by (dx, dy) pixels: the scene follows the pointer; the centre stays within `bounds` (the scene is never lost). */
export function panBy(v: LidarViewState, dx: number, dy: number, width: number, height: number, bounds: Bounds2 | null): LidarViewState {
  const d = screenToScene(v.orientation, dx, dy, zoomFor(v.range, width, height));
  return { ...v, center: clampCenter([v.center[0] - d[0], v.center[1] - d[1]], bounds) };
}

export function clampCenter(c: [number, number], b: Bounds2 | null): [number, number] {
  if (!b) return c;
  return [Math.min(b.max[0], Math.max(b.min[0], c[0])), Math.min(b.max[1], Math.max(b.min[1], c[1]))];
}

/** The view centred on `b` with the range that shows all of it (plus `margin`), orientation kept. */
export function frameBounds(v: LidarViewState, b: Bounds2, width: number, height: number, margin = 1.15): LidarViewState {
  const dx = Math.max(b.max[0] - b.min[0], 0.1) * margin;
  const dy = Math.max(b.max[1] - b.min[1], 0.1) * margin;
  const [sw, sh] = v.orientation === 'north' ? [dx, dy] : [dy, dx]; // scene extent along screen x / y
  const zoom = Math.min(width / sw, height / sh);
  const range = clampRange(Math.min(width, height) / (2 * zoom));
  return { ...v, bev: true, center: [(b.min[0] + b.max[0]) / 2, (b.min[1] + b.max[1]) / 2], range };
}

/** Bird's-eye bounds of the finite points (a sample of at most `sample` points), or null when none. */
export function pointBounds(positions: ArrayLike<number>, count: number, sample = 50_000): Bounds2 | null {
  const step = Math.max(1, Math.floor(count / sample));
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < count; i += step) {
    const x = positions[i * 3], y = positions[i * 3 + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x0 <= x1 ? { min: [x0, y0], max: [x1, y1] } : null;
}

/** Bird's-eye bounds of the cuboids' footprints (corners), or null when none. */
export function boxBounds(boxes: readonly Cuboid3D[]): Bounds2 | null {
  let b: Bounds2 | null = null;
  for (const box of boxes) {
    const c = Math.cos(box.yaw), s = Math.sin(box.yaw);
    const hl = box.size[0] / 2, hw = box.size[1] / 2;
    for (const [u, w] of [[hl, hw], [hl, -hw], [-hl, hw], [-hl, -hw]]) {
      const x = box.center[0] + u * c - w * s;
      const y = box.center[1] + u * s + w * c;
      b = b ? { min: [Math.min(b.min[0], x), Math.min(b.min[1], y)], max: [Math.max(b.max[0], x), Math.max(b.max[1], y)] } : { min: [x, y], max: [x, y] };
    }
  }
  return b;
}

export function unionBounds(a: Bounds2 | null, b: Bounds2 | null): Bounds2 | null {
  if (!a || !b) return a ?? b;
  return { min: [Math.min(a.min[0], b.min[0]), Math.min(a.min[1], b.min[1])], max: [Math.max(a.max[0], b.max[0]), Math.max(a.max[1], b.max[1])] };
}

/** The orthographic camera's pose: straight down over the centre, `up` = the screen's up in the scene. */
export function cameraPose(v: LidarViewState, height = 1000): { position: [number, number, number]; up: [number, number, number] } {
  return { position: [v.center[0], v.center[1], height], up: v.orientation === 'north' ? [0, 1, 0] : [1, 0, 0] };
}
