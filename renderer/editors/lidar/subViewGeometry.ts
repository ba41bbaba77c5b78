/**
 * The maths of one orthographic sub-view (top, side, front) of the selected cuboid, without a DOM:
 * the view transform (fit to the box, wheel zoom about the cursor, pan), hit-testing the edge,
 * corner, rotate and move handles with a tolerance in screen pixels, the cursor for each, the box
 * a drag gives (rounded to 1 cm / 0.1° so the readout is exactly what is saved) and the readout.
 *
 * The view's frame is the box's own: screen right / up are box axes `AXES[kind]` (0 forward, 1
 * left, 2 up), in metres from the box centre, so the box is always axis-aligned when not dragged.
 * During a drag the caller keeps the start box and the view frozen and feeds the metres of the
 * pointer in that frozen frame.
 */
import type { Cuboid3D } from '../../../core/document/schema';
import { dragFace, MIN_SIZE, moveLocal, rotate } from '../../../core/editing/lidar/boxEdit';
import { normalizeAngle } from '../../../core/geometry/angle';

export type SubViewKind = 'top' | 'side' | 'front';
export type Axis = 0 | 1 | 2;
export type Side = 1 | -1;

/** Screen right / screen up as box axes (0 forward, 1 left, 2 up). */
export const AXES: Record<SubViewKind, [Axis, Axis]> = { top: [0, 1], side: [0, 2], front: [1, 2] };
/** Hit tolerance of the handles, CSS pixels (what a mouse can aim at, independent of the zoom). */
export const HIT_PX = 8;
/** Distance of the rotate handle beyond the front face, CSS pixels. */
export const ROTATE_PX = 18;
/** Zoom range relative to the box-fitted scale. */
export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 40;
/** Grid a dragged size or offset is rounded to (metres), and an angle (radians, 0.1°). */
export const STEP_M = 0.01;
export const STEP_RAD = (0.1 * Math.PI) / 180;

export interface SubViewXf {
  /** Canvas size, CSS pixels. */
  w: number;
  h: number;
  /** CSS pixels per metre. */
  scale: number;
  /** The metres (along the view's right / up axes) at the canvas centre. */
  panA: number;
  panB: number;
}

/** Pixels per metre that fit the box with some room around it (zoom 1). */
export function fitScale(box: Cuboid3D, kind: SubViewKind, w: number, h: number): number {
  const [ax, bx] = AXES[kind];
  return Math.min(w / (box.size[ax] * 1.5 + 1.2), h / (box.size[bx] * 1.5 + 1.2));
}

export function makeXf(box: Cuboid3D, kind: SubViewKind, w: number, h: number, zoom = 1, panA = 0, panB = 0): SubViewXf {
  return { w, h, scale: fitScale(box, kind, w, h) * zoom, panA, panB };
}

export function toPx(v: SubViewXf, a: number, b: number): [number, number] {
  return [v.w / 2 + (a - v.panA) * v.scale, v.h / 2 - (b - v.panB) * v.scale];
}

export function toMetres(v: SubViewXf, px: number, py: number): [number, number] {
  return [v.panA + (px - v.w / 2) / v.scale, v.panB - (py - v.h / 2) / v.scale];
}

/**
 * Zoom by `factor` about the pixel (px, py): the point under the cursor stays under it. Returns
 * the new zoom and pan; `zoom` is the current zoom relative to `fitScale` (clamped to its range).
 */
export function zoomAbout(v: SubViewXf, zoom: number, factor: number, px: number, py: number): { zoom: number; panA: number; panB: number } {
  const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * factor));
  const [a, b] = toMetres(v, px, py);
  const scale = (v.scale / zoom) * next;
  return { zoom: next, panA: a - (px - v.w / 2) / scale, panB: b + (py - v.h / 2) / scale };
}

export interface FaceRef {
  axis: Axis;
  side: Side;
}

export type Handle =
  | { op: 'face'; face: FaceRef }
  | { op: 'corner'; faces: [FaceRef, FaceRef] }
  | { op: 'rotate' }
  | { op: 'move' }
  | { op: 'pan' };

/** Where the rotate handle is (top view only): beyond the front face's midpoint, CSS pixels. */
export function rotateHandlePx(v: SubViewXf, box: Cuboid3D): [number, number] {
  const [x, y] = toPx(v, box.size[0] / 2, 0);
  return [x + ROTATE_PX, y];
}

/**
 * The handle under pixel (px, py) for the (not dragged, so axis-aligned) box: rotate handle, then
 * corners, then edges (each within `tol` CSS pixels, however far the view is zoomed), then the
 * inside (move), else empty space (pan).
 */
export function hitTest(box: Cuboid3D, kind: SubViewKind, v: SubViewXf, px: number, py: number, tol = HIT_PX): Handle {
  const [ax, bx] = AXES[kind];
  if (kind === 'top') {
    const [rx, ry] = rotateHandlePx(v, box);
    if (Math.hypot(px - rx, py - ry) <= tol + 2) return { op: 'rotate' };
  }
  const [left, top] = toPx(v, -box.size[ax] / 2, box.size[bx] / 2);
  const [right, bottom] = toPx(v, box.size[ax] / 2, -box.size[bx] / 2);
  const nearX = Math.abs(px - left) <= tol ? -1 : Math.abs(px - right) <= tol ? 1 : 0;
  const nearY = Math.abs(py - top) <= tol ? 1 : Math.abs(py - bottom) <= tol ? -1 : 0;
  const withinX = px >= left - tol && px <= right + tol;
  const withinY = py >= top - tol && py <= bottom + tol;
  if (nearX && nearY) return { op: 'corner', faces: [{ axis: ax, side: nearX as Side }, { axis: bx, side: nearY as Side }] };
  if (nearX && withinY) return { op: 'face', face: { axis: ax, side: nearX as Side } };
  if (nearY && withinX) return { op: 'face', face: { axis: bx, side: nearY as Side } };
  if (px > left && px < right && py > top && py < bottom) return { op: 'move' };
  return { op: 'pan' };
}

/** The CSS cursor that says what a press there does. */
export function cursorFor(h: Handle, kind: SubViewKind): string {
  if (h.op === 'face') return h.face.axis === AXES[kind][0] ? 'ew-resize' : 'ns-resize';
  if (h.op === 'corner') return h.faces[0].side === h.faces[1].side ? 'nesw-resize' : 'nwse-resize';
  if (h.op === 'rotate') return 'grab';
  if (h.op === 'move') return 'move';
  return 'default';
}

const roundTo = (x: number, step: number) => Math.round(x / step) * step;

/**
 * The face (axis, side) of `start` moved by `delta` metres along the axis (positive = towards
 * +axis), the opposite face kept, the new size rounded to 1 cm (at least MIN_SIZE, 5 cm).
 */
export function moveFace(start: Cuboid3D, f: FaceRef, delta: number): Cuboid3D {
  const h = start.size[f.axis] / 2;
  const size = Math.max(MIN_SIZE, roundTo(start.size[f.axis] + f.side * delta, STEP_M));
  // dragFace keeps the face opposite to `side` at -side*h and puts this one at side*(size - h).
  return dragFace(start, f.axis, f.side, f.side * (size - h));
}

/** The face (axis, side) of `start` put at box-local coordinate `to` (a snap), size rounded to 1 cm. */
export function faceTo(start: Cuboid3D, f: FaceRef, to: number): Cuboid3D {
  return moveFace(start, f, to - (f.side * start.size[f.axis]) / 2);
}

/**
 * The box a drag gives: `handle` pressed at (a0, b0) metres and now at (a, b), both in the frozen
 * view frame of `start`. Faces follow the pointer's displacement (grabbing an edge a few pixels off
 * does not make it jump), moves are rounded to 1 cm, turns to 0.1°.
 */
export function dragBox(start: Cuboid3D, kind: SubViewKind, handle: Handle, a0: number, b0: number, a: number, b: number): Cuboid3D {
  const [ax, bx] = AXES[kind];
  const d = (axis: Axis) => (axis === ax ? a - a0 : b - b0);
  if (handle.op === 'face') return moveFace(start, handle.face, d(handle.face.axis));
  if (handle.op === 'corner') {
    const [f1, f2] = handle.faces;
    return moveFace(moveFace(start, f1, d(f1.axis)), f2, d(f2.axis));
  }
  if (handle.op === 'rotate') return rotate(start, roundTo(normalizeAngle(Math.atan2(b, a) - Math.atan2(b0, a0)), STEP_RAD));
  if (handle.op === 'move') {
    const delta = [0, 0, 0];
    delta[ax] = roundTo(a - a0, STEP_M);
    delta[bx] = roundTo(b - b0, STEP_M);
    return moveLocal(start, delta[0], delta[1], delta[2]);
  }
  return start;
}

const DIM = ['L', 'W', 'H'] as const;
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/**
 * The live numbers of a drag: sizes with their change for faces and corners, the offset along the
 * view's two axes for a move (box frame at the start: L forward, W left, H up), the yaw change for
 * a turn. Metres to the cm, degrees to 0.1°.
 */
export function readout(start: Cuboid3D, next: Cuboid3D, kind: SubViewKind, handle: Handle): string {
  const size = (axis: Axis) => `${DIM[axis]} ${next.size[axis].toFixed(2)} m (${signed(next.size[axis] - start.size[axis], 2)})`;
  if (handle.op === 'face') return size(handle.face.axis);
  if (handle.op === 'corner') return `${size(handle.faces[0].axis)}  ${size(handle.faces[1].axis)}`;
  if (handle.op === 'rotate') return `yaw ${((next.yaw * 180) / Math.PI).toFixed(1)}° (${signed((normalizeAngle(next.yaw - start.yaw) * 180) / Math.PI, 1)}°)`;
  if (handle.op === 'move') {
    const c = Math.cos(start.yaw), s = Math.sin(start.yaw);
    const dx = next.center[0] - start.center[0], dy = next.center[1] - start.center[1];
    const local = [dx * c + dy * s, -dx * s + dy * c, next.center[2] - start.center[2]];
    return AXES[kind].map((axis) => `Δ${DIM[axis]} ${signed(local[axis], 2)} m`).join('  ');
  }
  return '';
}
