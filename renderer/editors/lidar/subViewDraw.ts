/**
 * Draws one sub-view (SubView.tsx) on its 2D canvas: the points near the box, the box outline,
 * edge / corner / rotate handles (the active one lit), the heading, the points per face beside
 * each face and the size. No state: everything comes in `o`; coordinates are CSS pixels (the
 * caller has scaled the context to the device pixel ratio).
 */
import type { Cuboid3D } from '../../../core/document/schema';
import { toLocal } from '../../../core/editing/lidar/boxEdit';
import { faceIndex } from '../../../core/lidar/faceCounts';
import { AXES, ROTATE_PX, rotateHandlePx, toPx, type FaceRef, type Handle, type SubViewKind, type SubViewXf } from './subViewGeometry';

export interface SubViewDrawing {
  kind: SubViewKind;
  w: number;
  h: number;
  /** The box as it is now, and the box whose frame the view is drawn in (the one at a drag's start). */
  box: Cuboid3D;
  ref: Cuboid3D;
  xf: SubViewXf;
  dragging: boolean;
  /** The handle under the cursor or being dragged. */
  active: Handle | null;
  color: string;
  positions: Float32Array | null;
  near: Uint32Array | null;
  nearCount: number;
  counts: Uint32Array | null;
  zoom: number;
}

export function drawSubView(ctx: CanvasRenderingContext2D, o: SubViewDrawing): void {
  const { kind, box, ref, xf: v, active, color, positions, near, nearCount, counts } = o;
  const [ax, bx] = AXES[kind];
  const P = (a: number, b: number) => toPx(v, a, b);
  // Points, in the reference frame; those inside the current box in the label colour. The two
  // frame changes are inlined (no tuple per point: this runs over thousands of points per move).
  if (positions && near) {
    const hl = box.size[0] / 2, hw = box.size[1] / 2, hh = box.size[2] / 2;
    const rc = Math.cos(ref.yaw), rs = Math.sin(ref.yaw), bc = Math.cos(box.yaw), bs = Math.sin(box.yaw);
    const local = [0, 0, 0];
    for (let k = 0; k < nearCount; k++) {
      const i = near[k];
      const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
      let dx = x - ref.center[0], dy = y - ref.center[1];
      local[0] = dx * rc + dy * rs;
      local[1] = -dx * rs + dy * rc;
      local[2] = z - ref.center[2];
      dx = x - box.center[0];
      dy = y - box.center[1];
      const inside = Math.abs(dx * bc + dy * bs) <= hl && Math.abs(-dx * bs + dy * bc) <= hw && Math.abs(z - box.center[2]) <= hh;
      ctx.fillStyle = inside ? color : '#7d8b9c';
      ctx.fillRect(v.w / 2 + (local[ax] - v.panA) * v.scale - 1, v.h / 2 - (local[bx] - v.panB) * v.scale - 1, 2, 2);
    }
  }
  // The box outline in the reference frame (turned in the top view while a turn is dragged).
  const centre = toLocal(ref, box.center[0], box.center[1], box.center[2]);
  const dyaw = box.yaw - ref.yaw;
  const c = Math.cos(dyaw), sn = Math.sin(dyaw);
  const ha = box.size[ax] / 2, hb = box.size[bx] / 2;
  // Corners in screen order: bottom-left, bottom-right, top-right, top-left.
  const corners = ([[-1, -1], [1, -1], [1, 1], [-1, 1]] as const).map(([sa, sb]) => {
    let a = sa * ha, b = sb * hb;
    if (kind === 'top') [a, b] = [a * c - b * sn, a * sn + b * c];
    return P(centre[ax] + a, centre[bx] + b);
  });
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  corners.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.closePath();
  ctx.stroke();
  // Edge handles (midpoints) and corner handles; the one under the cursor (or dragged) is lit.
    const lit = (f: FaceRef) =>
    (active?.op === 'face' && active.face.axis === f.axis && active.face.side === f.side) ||
    (active?.op === 'corner' && active.faces.some((x) => x.axis === f.axis && x.side === f.side));
  // Edges in screen order: bottom (bx -), right (ax +), top (bx +), left (ax -).
  const edges: FaceRef[] = [{ axis: bx, side: -1 }, { axis: ax, side: 1 }, { axis: bx, side: 1 }, { axis: ax, side: -1 }];
  for (let i = 0; i < 4; i++) {
    const [x1, y1] = corners[i], [x2, y2] = corners[(i + 1) % 4];
    const on = lit(edges[i]);
    if (on) {
      ctx.strokeStyle = '#fbbf24';
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.stroke();
    }
    ctx.fillStyle = on ? '#fbbf24' : '#e6edf3';
    ctx.fillRect((x1 + x2) / 2 - 3.5, (y1 + y2) / 2 - 3.5, 7, 7);
    ctx.fillStyle = '#e6edf3';
    ctx.fillRect(x1 - 2.5, y1 - 2.5, 5, 5);
  }
  if (ax === 0) {
    // Heading: the front face is on the right.
    const fx = (corners[1][0] + corners[2][0]) / 2, fy = (corners[1][1] + corners[2][1]) / 2;
    const [cx, cy] = P(centre[0], centre[bx]);
    ctx.strokeStyle = '#fbbf24';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(cx, cy);
    ctx.lineTo(fx, fy);
    ctx.stroke();
    if (kind === 'top') {
      const [rx, ry] = o.dragging ? [fx + ROTATE_PX * c, fy - ROTATE_PX * sn] : rotateHandlePx(v, box);
      ctx.beginPath();
      ctx.arc(rx, ry, 5, 0, Math.PI * 2);
      ctx.fillStyle = active?.op === 'rotate' ? '#fde68a' : '#fbbf24';
      ctx.fill();
    }
  }
  // Points per face, beside each edge outside the box: green where the face sits on points.
  if (counts) {
    ctx.font = '10px ui-monospace, monospace';
    ctx.textBaseline = 'top';
    for (let i = 0; i < 4; i++) {
      const f = edges[i];
      const n = counts[faceIndex(f.axis, f.side)];
      const [x1, y1] = corners[i], [x2, y2] = corners[(i + 1) % 4];
      const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
      // Beside the edge's midpoint handle, never on it: top / bottom counts to the right of the
      // handle, left / right counts outside the edge (in the top view the right one below the
      // rotate handle).
      const below = i === 1 && kind === 'top';
      const tw = ctx.measureText(String(n)).width;
      // Top-left of the number, kept on the canvas when the face is near or beyond its border.
      const tx = i === 3 ? mx - 7 - tw : mx + (i === 1 ? 7 : 9);
      const ty = i === 0 ? my + 2 : i === 2 ? my - 12 : below ? my + 7 : my - 5;
      const left = Math.min(o.w - 2 - tw, Math.max(2, tx));
      const top = Math.min(o.h - 12, Math.max(2, ty));
      // A dark plate behind the number keeps it readable over the points around the box.
      ctx.fillStyle = 'rgba(11, 15, 20, 0.8)';
      ctx.fillRect(left - 1.5, top - 0.5, tw + 3, 11);
      ctx.fillStyle = n > 0 ? '#4ade80' : '#f59e0b';
      ctx.fillText(String(n), left, top);
    }
    ctx.textBaseline = 'alphabetic';
  }
  ctx.fillStyle = '#8b98a8';
  ctx.font = '10px system-ui';
  ctx.fillText(`${box.size[ax].toFixed(2)} × ${box.size[bx].toFixed(2)} m${o.zoom !== 1 ? `  ×${o.zoom.toFixed(1)}` : ''}`, 6, o.h - 6);
}
