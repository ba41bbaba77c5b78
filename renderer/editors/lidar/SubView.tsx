/**
 * One orthographic sub-view (top, side or front) of the selected cuboid, drawn on a 2D canvas in
 * the box's own frame: nearby points, the box outline, edge / corner handles, the rotate handle
 * (top view) and beside each face the number of points in the slab just inside it.
 *
 * Gestures (maths in subViewGeometry.ts, tested without a DOM): drag an edge or corner to move
 * faces (the opposite face stays; sizes in 1 cm steps), inside to move, the round handle to turn;
 * Ctrl while dragging a face, or a double-click on it, fits the face to the points
 * (core/lidar/faceCounts.ts `snapFaceToPoints`); the wheel zooms about the cursor, a drag outside
 * the box (or with the right / middle button) pans, a double-click outside resets. A drag is one
 * live gesture (one undo step); the view's scale and frame are frozen while it lasts and a
 * readout shows the size or offset to the cm. The canvas is drawn at the device's pixel ratio and
 * hit-tested in CSS pixels, so the tolerance is the same at every zoom and screen.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Cuboid3D } from '../../../core/document/schema';
import { toLocal } from '../../../core/editing/lidar/boxEdit';
import { faceIndex, snapFaceToPoints } from '../../../core/lidar/faceCounts';
import { AXES, cursorFor, dragBox, faceTo, hitTest, makeXf, readout, rotateHandlePx, toMetres, toPx, zoomAbout, type FaceRef, type Handle, type SubViewKind, type SubViewXf } from './subViewGeometry';

export type { SubViewKind };

interface Props {
  kind: SubViewKind;
  title: string;
  /** Which box is shown (the record key): zoom and pan reset when it changes. */
  boxKey: string | null;
  box: Cuboid3D | null;
  color: string;
  positions: Float32Array | null;
  /** Indices of points near the box, and how many. */
  near: Uint32Array | null;
  nearCount: number;
  /** Points in the slab inside each face (faceCounts order), or null. */
  counts: Uint32Array | null;
  onBegin(): void;
  onChange(box: Cuboid3D): void;
  onEnd(): void;
}

interface Drag {
  handle: Handle;
  start: Cuboid3D;
  xf: SubViewXf;
  a0: number;
  b0: number;
  px0: number;
  py0: number;
  /** A box gesture (begun with onBegin) rather than a pan. */
  edit: boolean;
  /** The start box with the dragged face fitted to the points (Ctrl), once worked out; null: too few points. */
  snap?: Cuboid3D | null;
}

const DEFAULT_SIZE = { w: 190, h: 127 };
const WHEEL_STEP = 1.25;

export function SubView({ kind, title, boxKey, box, color, positions, near, nearCount, counts, onBegin, onChange, onEnd }: Props) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<Drag | null>(null);
  const [size, setSize] = useState(DEFAULT_SIZE);
  const [view, setView] = useState({ zoom: 1, panA: 0, panB: 0 });
  const [hover, setHover] = useState<Handle | null>(null);
  const [live, setLive] = useState<string | null>(null);
  /** A short message over the view (a face that has too few points to fit to), cleared after a moment. */
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (!note) return;
    const id = setTimeout(() => setNote(null), 2000);
    return () => clearTimeout(id);
  }, [note]);
  const [ax, bx] = AXES[kind];
  const xf = box ? makeXf(box, kind, size.w, size.h, view.zoom, view.panA, view.panB) : null;

  // Another box: back to the fitted view.
  useEffect(() => setView({ zoom: 1, panA: 0, panB: 0 }), [boxKey]);

  // The canvas follows its CSS size (drawn at the device pixel ratio).
  useEffect(() => {
    const el = canvas.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) setSize((s) => (Math.abs(s.w - r.width) < 0.5 && Math.abs(s.h - r.height) < 0.5 ? s : { w: r.width, h: r.height }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The wheel zooms about the cursor; a non-passive listener so the side panel does not scroll too.
  const wheelRef = useRef<(e: WheelEvent) => void>(() => {});
  wheelRef.current = (e: WheelEvent) => {
    if (!xf || drag.current) return;
    e.preventDefault();
    const { px, py } = cssPoint(e);
    const z = zoomAbout(xf, view.zoom, e.deltaY < 0 ? WHEEL_STEP : 1 / WHEEL_STEP, px, py);
    setView(z);
  };
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const h = (e: WheelEvent) => wheelRef.current(e);
    el.addEventListener('wheel', h, { passive: false });
    return () => el.removeEventListener('wheel', h);
  }, []);

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const wPx = Math.round(size.w * dpr), hPx = Math.round(size.h * dpr);
    if (el.width !== wPx || el.height !== hPx) {
      el.width = wPx;
      el.height = hPx;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#0b0f14';
    ctx.fillRect(0, 0, size.w, size.h);
    if (!box || !xf) return;
    // During a drag: the frame of the box at its start and the view as it was.
    const g = drag.current;
    const ref = g?.start ?? box;
    const v = g?.xf ?? xf;
    const P = (a: number, b: number) => toPx(v, a, b);
    // Points, in the reference frame; those inside the current box in the label colour.
    if (positions && near) {
      const hl = box.size[0] / 2, hw = box.size[1] / 2, hh = box.size[2] / 2;
      for (let k = 0; k < nearCount; k++) {
        const i = near[k];
        const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
        const l = toLocal(ref, x, y, z);
        const c = ref === box ? l : toLocal(box, x, y, z);
        const inside = Math.abs(c[0]) <= hl && Math.abs(c[1]) <= hw && Math.abs(c[2]) <= hh;
        ctx.fillStyle = inside ? color : '#7d8b9c';
        const [px, py] = P(l[ax], l[bx]);
        ctx.fillRect(px - 1, py - 1, 2, 2);
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
    const active = g?.handle ?? hover;
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
        const [rx, ry] = g ? [fx + 18 * c, fy - 18 * sn] : rotateHandlePx(v, box);
        ctx.beginPath();
        ctx.arc(rx, ry, 5, 0, Math.PI * 2);
        ctx.fillStyle = active?.op === 'rotate' ? '#fde68a' : '#fbbf24';
        ctx.fill();
      }
    }
    // Points per face, beside each edge outside the box: green where the face sits on points.
    if (counts) {
      ctx.font = '10px ui-monospace, monospace';
      for (let i = 0; i < 4; i++) {
        const f = edges[i];
        const n = counts[faceIndex(f.axis, f.side)];
        const [x1, y1] = corners[i], [x2, y2] = corners[(i + 1) % 4];
        const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
        ctx.fillStyle = n > 0 ? '#4ade80' : '#f59e0b';
        // Beside the edge's midpoint handle, never on it: top / bottom counts to the right of the
        // handle, left / right counts outside the edge (in the top view the right one below the
        // rotate handle).
        const below = i === 1 && kind === 'top';
        ctx.textAlign = i === 3 ? 'right' : 'left';
        ctx.textBaseline = i === 0 || below ? 'top' : i === 2 ? 'bottom' : 'middle';
        const tx = i === 3 ? mx - 7 : i === 1 ? mx + 7 : mx + 6;
        const ty = i === 0 ? my + 2 : i === 2 ? my - 2 : below ? my + 7 : my;
        ctx.fillText(String(n), Math.min(size.w - 2, Math.max(2, tx)), Math.min(size.h - 2, Math.max(2, ty)));
      }
      ctx.textAlign = 'left';
      ctx.textBaseline = 'alphabetic';
    }
    ctx.fillStyle = '#8b98a8';
    ctx.font = '10px system-ui';
    ctx.fillText(`${box.size[ax].toFixed(2)} × ${box.size[bx].toFixed(2)} m${view.zoom !== 1 ? `  ×${view.zoom.toFixed(1)}` : ''}`, 6, size.h - 6);
  }, [box, xf?.scale, xf?.panA, xf?.panB, positions, near, nearCount, counts, color, kind, ax, bx, size, hover, view.zoom, live]);

  function cssPoint(e: { clientX: number; clientY: number }) {
    const r = canvas.current!.getBoundingClientRect();
    return { px: ((e.clientX - r.left) / r.width) * size.w, py: ((e.clientY - r.top) / r.height) * size.h };
  }

  /** The box with face `f` fitted to the points, or null when too few points support it. */
  const snapped = (start: Cuboid3D, f: FaceRef): Cuboid3D | null => {
    const to = positions && near ? snapFaceToPoints(positions, start, f.axis, f.side, near, nearCount) : null;
    if (to === null) setNote(t('subview.noSnap'));
    return to === null ? null : faceTo(start, f, to);
  };

  const onPointerDown = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!box || !xf) return;
    const { px, py } = cssPoint(e);
    const hit = e.button === 0 ? hitTest(box, kind, xf, px, py) : { op: 'pan' as const };
    const [a0, b0] = toMetres(xf, px, py);
    e.preventDefault();
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const edit = hit.op !== 'pan';
    drag.current = { handle: hit, start: box, xf, a0, b0, px0: px, py0: py, edit };
    if (!edit) return;
    onBegin();
    if (e.ctrlKey && hit.op === 'face') {
      const s = (drag.current.snap = snapped(box, hit.face));
      if (s) {
        onChange(s);
        setLive(readout(box, s, kind, hit));
      }
    } else setLive(readout(box, box, kind, hit));
  };

  const onPointerMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const g = drag.current;
    const { px, py } = cssPoint(e);
    if (!g) {
      if (!box || !xf) return;
      const h = hitTest(box, kind, xf, px, py);
      e.currentTarget.style.cursor = cursorFor(h, kind);
      setHover((old) => (JSON.stringify(old) === JSON.stringify(h) ? old : h));
      return;
    }
    if (!g.edit) {
      // Pan: the metres under the pointer stay under it.
      setView((v) => ({ ...v, panA: g.xf.panA - (px - g.px0) / g.xf.scale, panB: g.xf.panB + (py - g.py0) / g.xf.scale }));
      return;
    }
    const [a, b] = toMetres(g.xf, px, py);
    if (e.ctrlKey && g.handle.op === 'face' && g.snap === undefined) g.snap = snapped(g.start, g.handle.face);
    const next = (e.ctrlKey && g.snap) || dragBox(g.start, kind, g.handle, g.a0, g.b0, a, b);
    onChange(next);
    setLive(readout(g.start, next, kind, g.handle));
  };

  const onPointerUp = () => {
    const g = drag.current;
    if (!g) return;
    drag.current = null;
    setLive(null);
    if (g.edit) onEnd();
  };

  // Double-click on an edge or corner: fit those faces to the points (one undo step); outside the box: reset the view.
  const onDoubleClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!box || !xf) return;
    const { px, py } = cssPoint(e);
    const hit = hitTest(box, kind, xf, px, py);
    if (hit.op === 'pan') return setView({ zoom: 1, panA: 0, panB: 0 });
    const faces = hit.op === 'face' ? [hit.face] : hit.op === 'corner' ? hit.faces : [];
    let next: Cuboid3D = box;
    for (const f of faces) next = snapped(next, f) ?? next;
    if (next === box) return;
    onBegin();
    onChange(next);
    onEnd();
  };

  const faceText = counts ? Array.from(counts).join(',') : '';
  const [front, back, left, right, top, bottom] = counts ? Array.from(counts) : [];
  return (
    <div className="lidar-subview">
      <div className="lidar-subview-title">{title}</div>
      <div className="lidar-subview-canvas">
        <canvas
          ref={canvas}
          data-testid={`subview-${kind}`}
          data-scale={xf ? xf.scale.toFixed(4) : ''}
          data-zoom={view.zoom.toFixed(3)}
          data-pan={`${view.panA.toFixed(4)},${view.panB.toFixed(4)}`}
          data-face-counts={faceText}
          aria-label={counts ? t('subview.faceCounts', { front, back, left, right, top, bottom }) : title}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onPointerLeave={() => !drag.current && setHover(null)}
          onDoubleClick={onDoubleClick}
          onContextMenu={(e) => e.preventDefault()}
        />
        {live ? (
          <div className="lidar-subview-readout mono" data-testid={`subview-readout-${kind}`}>
            {live}
          </div>
        ) : note ? (
          <div className="lidar-subview-readout" data-testid={`subview-note-${kind}`}>
            {note}
          </div>
        ) : null}
      </div>
    </div>
  );
}
