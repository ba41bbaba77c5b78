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
import { snapFaceToPoints } from '../../../core/lidar/faceCounts';
import { drawSubView } from './subViewDraw';
import { cursorFor, dragBox, faceTo, hitTest, makeXf, readout, toMetres, zoomAbout, type FaceRef, type Handle, type SubViewKind, type SubViewXf } from './subViewGeometry';

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
    drawSubView(ctx, { kind, w: size.w, h: size.h, box, ref: g?.start ?? box, xf: g?.xf ?? xf, dragging: !!g, active: g?.handle ?? hover, color, positions, near, nearCount, counts, zoom: view.zoom });
  }, [box, xf?.scale, xf?.panA, xf?.panB, positions, near, nearCount, counts, color, kind, size, hover, view.zoom, live]);

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
