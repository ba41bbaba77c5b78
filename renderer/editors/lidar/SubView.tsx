/**
 * One orthographic sub-view (top, side or front) of the selected cuboid, drawn on a 2D canvas in
 * the box's own frame: nearby points, the box outline and drag handles. Dragging an edge moves
 * that face (the opposite face stays), dragging inside moves the box, and in the top view the
 * round handle in front of the box turns it. Redrawn only when its inputs change.
 */
import { useEffect, useRef } from 'react';
import type { Cuboid3D } from '../../../core/document/schema';
import { dragFace, moveLocal, rotate, toLocal } from '../../../core/editing/lidar/boxEdit';

export type SubViewKind = 'top' | 'side' | 'front';

/** Screen right / screen up as box axes (0 forward, 1 left, 2 up). */
const AXES: Record<SubViewKind, [0 | 1 | 2, 0 | 1 | 2]> = { top: [0, 1], side: [0, 2], front: [1, 2] };
const W = 300;
const H = 200;

interface Props {
  kind: SubViewKind;
  title: string;
  box: Cuboid3D | null;
  color: string;
  positions: Float32Array | null;
  /** Indices of points near the box, and how many. */
  near: Uint32Array | null;
  nearCount: number;
  onBegin(): void;
  onChange(box: Cuboid3D): void;
  onEnd(): void;
}

type Drag =
  | { op: 'face'; axis: 0 | 1 | 2; side: 1 | -1 }
  | { op: 'move'; a0: number; b0: number }
  | { op: 'rotate' };

export function SubView({ kind, title, box, color, positions, near, nearCount, onBegin, onChange, onEnd }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ d: Drag; start: Cuboid3D; scale: number } | null>(null);
  const [ax, bx] = AXES[kind];

  const scaleFor = (b: Cuboid3D) => Math.min(W / (b.size[ax] * 1.5 + 1.2), H / (b.size[bx] * 1.5 + 1.2));

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#0b0f14';
    ctx.fillRect(0, 0, W, H);
    if (!box) return;
    const ref = drag.current?.start ?? box;
    const s = drag.current?.scale ?? scaleFor(box);
    const X = (a: number) => W / 2 + a * s;
    const Y = (b: number) => H / 2 - b * s;
    // Points, in the frame of the reference box (the one at the start of a drag).
    if (positions && near) {
      const hl = box.size[0] / 2, hw = box.size[1] / 2, hh = box.size[2] / 2;
      for (let k = 0; k < nearCount; k++) {
        const i = near[k];
        const l = toLocal(ref, positions[i * 3], positions[i * 3 + 1], positions[i * 3 + 2]);
        const c = toLocal(box, positions[i * 3], positions[i * 3 + 1], positions[i * 3 + 2]);
        const inside = Math.abs(c[0]) <= hl && Math.abs(c[1]) <= hw && Math.abs(c[2]) <= hh;
        ctx.fillStyle = inside ? color : '#7d8b9c';
        ctx.fillRect(X(l[ax]) - 1, Y(l[bx]) - 1, 2, 2);
      }
    }
    // The box outline in the reference frame.
    const corners: [number, number][] = [];
    const centre = toLocal(ref, box.center[0], box.center[1], box.center[2]);
    const dyaw = box.yaw - ref.yaw;
    const c = Math.cos(dyaw), sn = Math.sin(dyaw);
    const ha = box.size[ax] / 2, hb = box.size[bx] / 2;
    for (const [sa, sb] of [[-1, -1], [1, -1], [1, 1], [-1, 1]]) {
      let a = sa * ha, b = sb * hb;
      if (kind === 'top') [a, b] = [a * c - b * sn, a * sn + b * c];
      corners.push([X(centre[ax] + a), Y(centre[bx] + b)]);
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    corners.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.stroke();
    // Edge handles.
    ctx.fillStyle = '#e6edf3';
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = corners[i], [x2, y2] = corners[(i + 1) % 4];
      ctx.fillRect((x1 + x2) / 2 - 4, (y1 + y2) / 2 - 4, 8, 8);
    }
    if (ax === 0) {
      // Heading: the front face is on the right.
      const fx = (corners[1][0] + corners[2][0]) / 2, fy = (corners[1][1] + corners[2][1]) / 2;
      ctx.strokeStyle = '#fbbf24';
      ctx.beginPath();
      ctx.moveTo(X(centre[0]), Y(centre[bx]));
      ctx.lineTo(fx, fy);
      ctx.stroke();
      if (kind === 'top') {
        ctx.beginPath();
        ctx.arc(fx + 18 * c, fy - 18 * sn, 6, 0, Math.PI * 2);
        ctx.fillStyle = '#fbbf24';
        ctx.fill();
      }
    }
    ctx.fillStyle = '#8b98a8';
    ctx.font = '11px system-ui';
    ctx.fillText(`${box.size[ax].toFixed(2)} × ${box.size[bx].toFixed(2)} m`, 8, H - 8);
  }, [box, positions, near, nearCount, color, kind, ax, bx]);

  const local = (e: React.PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * W;
    const py = ((e.clientY - r.top) / r.height) * H;
    return { px, py };
  };

  const onPointerDown = (e: React.PointerEvent) => {
    if (!box) return;
    const { px, py } = local(e);
    const s = scaleFor(box);
    const a = (px - W / 2) / s, b = (H / 2 - py) / s;
    const ha = box.size[ax] / 2, hb = box.size[bx] / 2;
    const tol = 7 / s;
    let d: Drag | null = null;
    if (kind === 'top' && Math.hypot(px - (W / 2 + ha * s + 18), py - H / 2) < 10) d = { op: 'rotate' };
    else if (Math.abs(Math.abs(a) - ha) < tol && Math.abs(b) < hb + tol) d = { op: 'face', axis: ax, side: a > 0 ? 1 : -1 };
    else if (Math.abs(Math.abs(b) - hb) < tol && Math.abs(a) < ha + tol) d = { op: 'face', axis: bx, side: b > 0 ? 1 : -1 };
    else if (Math.abs(a) < ha && Math.abs(b) < hb) d = { op: 'move', a0: a, b0: b };
    if (!d) return;
    e.preventDefault();
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { d, start: box, scale: s };
    onBegin();
  };

  const onPointerMove = (e: React.PointerEvent) => {
    const g = drag.current;
    if (!g) return;
    const { px, py } = local(e);
    const a = (px - W / 2) / g.scale, b = (H / 2 - py) / g.scale;
    const { d, start } = g;
    let next: Cuboid3D;
    if (d.op === 'face') next = dragFace(start, d.axis, d.side, d.axis === ax ? a : b);
    else if (d.op === 'rotate') next = rotate(start, Math.atan2(b, a));
    else {
      const delta = [0, 0, 0];
      delta[ax] = a - d.a0;
      delta[bx] = b - d.b0;
      next = moveLocal(start, delta[0], delta[1], delta[2]);
    }
    onChange(next);
  };

  const onPointerUp = () => {
    if (!drag.current) return;
    drag.current = null;
    onEnd();
  };

  return (
    <div className="lidar-subview">
      <div className="lidar-subview-title">{title}</div>
      <canvas
        ref={canvas}
        width={W}
        height={H}
        data-testid={`subview-${kind}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      />
    </div>
  );
}
