/**
 * One view resliced on a plane in patient space (core/medical/reslice.ts): the "true planes"
 * mode of oblique acquisitions and the rotatable crosshair. The picture is trilinear, the label
 * overlay nearest; painting writes, for each brush pixel, the one voxel `planePixelToVoxel` says
 * that pixel shows — the label map stays on the volume's own grid (and so on the source grid the
 * host stores and exports). Reslicing runs only when the plane (frame, normal offset) or the
 * voxels change; moving the crosshair within the plane only redraws the overlay.
 *
 * Gestures: click sets the crosshair centre; Ctrl+drag (or dragging the round handle on a
 * crosshair line) rotates the crosshair about this view's normal, reslicing the other two views;
 * wheel moves along the normal; right-drag window; Shift/middle-drag pan; Ctrl+wheel zoom.
 * Brush and eraser paint; the other tools act as the crosshair tool in this mode.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Labelmap } from '../../../core/medical/segmentation';
import type { Vec3, Volume, WindowLevel } from '../../../core/medical/types';
import { applyWindow } from '../../../core/medical/window';
import { crosshairDirection, planePixelToVoxel, planeToPatient, resliceNearest, resliceTrilinear, rotateFrame, viewPlane, voxelPlane, type Frame, type ViewName } from '../../../core/medical/reslice';
import { blendLabels, CROSSHAIR_COLORS } from './drawSlice';
import type { Tool } from './types';
import { zoomAbout, type ViewXf } from './orientation';
import { useViewBox } from './useViewBox';

export interface ObliqueViewProps {
  view: ViewName;
  volume: Volume;
  labelmap: Labelmap;
  lut: Uint8Array;
  opacity: number;
  window: WindowLevel;
  invert: boolean;
  frame: Frame;
  /** Crosshair centre, patient mm (LPS). */
  centre: Vec3;
  tool: Tool;
  activeLabel: number;
  brushMm: number;
  revision: number;
  fitToken: number;
  active: boolean;
  onActivate(): void;
  onCentre(c: Vec3): void;
  onFrame(f: Frame): void;
  onWindow(w: WindowLevel): void;
  onGestureStart(): void;
  onEdited(): void;
  onGestureEnd(): void;
}

/** Patient letter of a direction (LPS): its dominant component's sign. */
function letterOf(d: Vec3): string {
  const a = [Math.abs(d[0]), Math.abs(d[1]), Math.abs(d[2])];
  const k = a[0] >= a[1] && a[0] >= a[2] ? 0 : a[1] >= a[2] ? 1 : 2;
  return d[k] >= 0 ? 'LPS'[k] : 'RAI'[k];
}

const OTHERS: Record<ViewName, [ViewName, ViewName]> = { axial: ['coronal', 'sagittal'], coronal: ['axial', 'sagittal'], sagittal: ['axial', 'coronal'] };
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

type Drag =
  | { kind: 'rotate'; a0: number; frame: Frame; sign: number }
  | { kind: 'paint' }
  | { kind: 'centre' }
  | { kind: 'window'; x: number; y: number; w0: WindowLevel }
  | { kind: 'pan'; x: number; y: number; vx: number; vy: number };

export function ObliqueView(p: ObliqueViewProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const size = useViewBox(box);
  const [xf, setXf] = useState<ViewXf>({ scale: 1, x: 0, y: 0 });
  const [hover, setHover] = useState<[number, number] | null>(null);
  const drag = useRef<Drag | null>(null);
  const { volume, labelmap, view, frame } = p;
  const pixelMm = Math.min(...volume.spacing);


  // The plane depends on the centre only through its offset along the normal: in-plane moves of
  // the crosshair must not reslice. Rounded to 1 µm so float noise does not either.
  const normal = useMemo(() => viewPlane(frame, view, [0, 0, 0], volume.affine, volume.dims, pixelMm).normal, [frame, view, volume.affine, volume.dims, pixelMm]);
  const offset = Math.round(dot(p.centre, normal) * 1000) / 1000;
  const plane = useMemo(
    () => viewPlane(frame, view, [normal[0] * offset, normal[1] * offset, normal[2] * offset], volume.affine, volume.dims, pixelMm),
    [frame, view, normal, offset, volume.affine, volume.dims, pixelMm],
  );
  const vp = useMemo(() => voxelPlane(plane, volume.affine), [plane, volume.affine]);
  const values = useMemo(() => resliceTrilinear(volume.data, volume.dims, vp, plane.width, plane.height, -Infinity), [volume.data, volume.dims, vp, plane]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const labels = useMemo(() => resliceNearest(labelmap.data, labelmap.dims, vp, plane.width, plane.height), [labelmap, vp, plane, p.revision]);
  const composed = useMemo(() => {
    const off = document.createElement('canvas');
    off.width = plane.width;
    off.height = plane.height;
    const ctx = off.getContext('2d')!;
    const img = ctx.createImageData(plane.width, plane.height);
    const grey = applyWindow(values, p.window, p.invert);
    // Outside the volume stays black whatever the window (fill was -Infinity).
    for (let i = 0; i < values.length; i++) if (values[i] === -Infinity) grey[i] = 0;
    blendLabels(grey, labels, p.lut, p.opacity, img.data);
    ctx.putImageData(img, 0, 0);
    return off;
  }, [values, labels, plane, p.window, p.invert, p.lut, p.opacity]);

  // Fit the volume's extent (the plane is its diagonal, so fit ~70 % of it).
  useEffect(() => {
    if (!size.w || !size.h) return;
    const mm = plane.width * pixelMm * 0.72;
    const scale = Math.min(size.w, size.h) / mm;
    setXf({ scale, x: size.w / 2 - (plane.width / 2) * pixelMm * scale, y: size.h / 2 - (plane.height / 2) * pixelMm * scale });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [size.w, size.h, plane.width, p.fitToken]);

  const toScreen = (x: number, y: number): [number, number] => [xf.x + (x + 0.5) * pixelMm * xf.scale, xf.y + (y + 0.5) * pixelMm * xf.scale];
  const toPlane = (e: { clientX: number; clientY: number }): [number, number] => {
    const r = canvas.current!.getBoundingClientRect();
    return [(e.clientX - r.left - xf.x) / (pixelMm * xf.scale) - 0.5, (e.clientY - r.top - xf.y) / (pixelMm * xf.scale) - 0.5];
  };
  // Crosshair centre in plane pixels.
  const rel: Vec3 = [p.centre[0] - plane.origin[0], p.centre[1] - plane.origin[1], p.centre[2] - plane.origin[2]];
  const cx = dot(rel, plane.u) / (pixelMm * pixelMm);
  const cy = dot(rel, plane.v) / (pixelMm * pixelMm);
  const lines = OTHERS[view].map((o) => ({ other: o, dir: crosshairDirection(frame, view, o) }));
  const HANDLE = 60; // screen px from the centre

  useEffect(() => {
    const c = canvas.current;
    if (!c || !size.w) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(size.w * dpr) || c.height !== Math.round(size.h * dpr)) {
      c.width = Math.round(size.w * dpr);
      c.height = Math.round(size.h * dpr);
    }
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#05070a';
    ctx.fillRect(0, 0, size.w, size.h);
    ctx.imageSmoothingEnabled = xf.scale * pixelMm < 2;
    ctx.drawImage(composed, xf.x, xf.y, plane.width * pixelMm * xf.scale, plane.height * pixelMm * xf.scale);
    const [sx, sy] = toScreen(cx, cy);
    const far = Math.hypot(size.w, size.h);
    for (const { other, dir } of lines) {
      const l = Math.hypot(dir[0], dir[1]) || 1;
      const dx = dir[0] / l;
      const dy = dir[1] / l;
      ctx.strokeStyle = CROSSHAIR_COLORS[other];
      ctx.globalAlpha = 0.85;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(sx - dx * far, sy - dy * far);
      ctx.lineTo(sx - dx * 10, sy - dy * 10);
      ctx.moveTo(sx + dx * 10, sy + dy * 10);
      ctx.lineTo(sx + dx * far, sy + dy * far);
      ctx.stroke();
      // Rotation handle on the line.
      ctx.globalAlpha = 1;
      ctx.fillStyle = CROSSHAIR_COLORS[other];
      ctx.beginPath();
      ctx.arc(sx + dx * HANDLE, sy + dy * HANDLE, 4, 0, Math.PI * 2);
      ctx.fill();
    }
    if (hover && (p.tool === 'brush' || p.tool === 'eraser')) {
      const [hx, hy] = toScreen(...hover);
      ctx.strokeStyle = p.tool === 'eraser' ? '#f87171' : `rgb(${p.lut[p.activeLabel * 3]},${p.lut[p.activeLabel * 3 + 1]},${p.lut[p.activeLabel * 3 + 2]})`;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(hx, hy, p.brushMm * xf.scale, 0, Math.PI * 2);
      ctx.stroke();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [composed, size, xf, cx, cy, hover, p.tool, p.brushMm, p.activeLabel, p.lut, frame]);

  /** Paint a disk of brushMm at plane pixel (x, y): each pixel writes the voxel it shows. */
  const paint = (x: number, y: number) => {
    const r = p.brushMm / pixelMm;
    const value = p.tool === 'eraser' ? 0 : p.activeLabel;
    const [nx, ny] = labelmap.dims;
    let changed = false;
    for (let py = Math.ceil(y - r); py <= Math.floor(y + r); py++)
      for (let px = Math.ceil(x - r); px <= Math.floor(x + r); px++) {
        if (px < 0 || py < 0 || px >= plane.width || py >= plane.height || Math.hypot(px - x, py - y) > r) continue;
        const v = planePixelToVoxel(vp, labelmap.dims, px, py);
        if (!v) continue;
        const at = (v[2] * ny + v[1]) * nx + v[0];
        if (labelmap.data[at] !== value) {
          labelmap.data[at] = value;
          changed = true;
        }
      }
    if (changed) p.onEdited();
  };

  const angleAt = (e: { clientX: number; clientY: number }) => {
    const r = canvas.current!.getBoundingClientRect();
    const [sx, sy] = toScreen(cx, cy);
    return Math.atan2(e.clientY - r.top - sy, e.clientX - r.left - sx);
  };
  const nearHandle = (e: { clientX: number; clientY: number }) => {
    const r = canvas.current!.getBoundingClientRect();
    const [sx, sy] = toScreen(cx, cy);
    return lines.some(({ dir }) => {
      const l = Math.hypot(dir[0], dir[1]) || 1;
      return Math.hypot(e.clientX - r.left - (sx + (dir[0] / l) * HANDLE), e.clientY - r.top - (sy + (dir[1] / l) * HANDLE)) < 8;
    });
  };

  const onPointerDown = (e: React.PointerEvent) => {
    p.onActivate();
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    if (e.button === 0 && (e.ctrlKey || e.metaKey || nearHandle(e))) {
      // Screen y points down: a positive screen angle turns x towards y; about the normal that is
      // +angle when normal × x = y, else −angle.
      const n = plane.normal;
      const ux = plane.u;
      const cr: Vec3 = [n[1] * ux[2] - n[2] * ux[1], n[2] * ux[0] - n[0] * ux[2], n[0] * ux[1] - n[1] * ux[0]];
      drag.current = { kind: 'rotate', a0: angleAt(e), frame, sign: dot(cr, plane.v) > 0 ? 1 : -1 };
    } else if (e.button === 2) {
      drag.current = { kind: 'window', x: e.clientX, y: e.clientY, w0: p.window };
    } else if (e.button === 1 || (e.button === 0 && (e.shiftKey || p.tool === 'pan'))) {
      drag.current = { kind: 'pan', x: e.clientX, y: e.clientY, vx: xf.x, vy: xf.y };
    } else if (e.button === 0 && (p.tool === 'brush' || p.tool === 'eraser')) {
      drag.current = { kind: 'paint' };
      p.onGestureStart();
      paint(...toPlane(e));
    } else if (e.button === 0) {
      drag.current = { kind: 'centre' };
      p.onCentre(planeToPatient(plane, ...toPlane(e)));
    }
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const at = toPlane(e);
    setHover(at);
    const d = drag.current;
    if (!d) return;
    if (d.kind === 'rotate') p.onFrame(rotateFrame(d.frame, plane.normal, d.sign * (angleAt(e) - d.a0)));
    else if (d.kind === 'paint') paint(...at);
    else if (d.kind === 'centre') p.onCentre(planeToPatient(plane, ...at));
    else if (d.kind === 'window') {
      const k = Math.max(0.5, Math.max(1, p.window.width) / 300);
      p.onWindow({ width: Math.max(1, d.w0.width + (e.clientX - d.x) * k), center: d.w0.center - (e.clientY - d.y) * k });
    } else if (d.kind === 'pan') setXf((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
  };
  const onPointerUp = () => {
    if (drag.current?.kind === 'paint') p.onGestureEnd();
    drag.current = null;
  };
  const onWheel = (e: React.WheelEvent) => {
    if (e.ctrlKey || e.metaKey) {
      const r = canvas.current!.getBoundingClientRect();
      const mx = e.clientX - r.left;
      const my = e.clientY - r.top;
      setXf((v) => zoomAbout(v, mx, my, e.deltaY));
      return;
    }
    const step = (e.deltaY > 0 ? 1 : -1) * Math.min(...volume.spacing);
    p.onCentre([p.centre[0] + plane.normal[0] * step, p.centre[1] + plane.normal[1] * step, p.centre[2] + plane.normal[2] * step]);
  };

  return (
    <div
      className={`mv-view mv-${view}${p.active ? ' active' : ''}`}
      ref={box}
      data-testid={`view-${view}`}
      // Screen position (px in the canvas) of the crosshair centre and of each rotation handle: tests drag them.
      data-centre={toScreen(cx, cy).map((v) => v.toFixed(1)).join(',')}
      data-handles={lines
        .map(({ dir }) => {
          const l = Math.hypot(dir[0], dir[1]) || 1;
          const [sx, sy] = toScreen(cx, cy);
          return `${(sx + (dir[0] / l) * HANDLE).toFixed(1)},${(sy + (dir[1] / l) * HANDLE).toFixed(1)}`;
        })
        .join(';')}
      onPointerEnter={p.onActivate}
      onContextMenu={(e) => e.preventDefault()}
    >
      <canvas
        ref={canvas}
        data-testid={`oblique-canvas-${view}`}
        style={{ width: size.w, height: size.h, cursor: p.tool === 'brush' || p.tool === 'eraser' ? 'none' : 'crosshair' }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onPointerLeave={() => setHover(null)}
        onWheel={onWheel}
      />
      <div className="mv-corner tl" data-testid={`view-title-${view}`} data-resliced="true" title={t('medical.resliced')}>
        <span className={`mv-dot ${view}`} />
        {t(`medical.views.${view}`)}
      </div>
      <div className="mv-corner tr mono" data-testid={`plane-label-${view}`} title={t('medical.planeOffsetHint')}>
        {t('medical.planeOffset', { mm: offset.toFixed(1) })}
      </div>
      {(() => {
        // Edge letters of the resliced plane: the dominant patient direction of each screen edge.
        const u = plane.u;
        const v = plane.v;
        const neg = (a: Vec3): Vec3 => [-a[0], -a[1], -a[2]];
        return (
          <>
            <div className="mv-edge left" data-testid={`edge-left-${view}`}>{letterOf(neg(u))}</div>
            <div className="mv-edge right" data-testid={`edge-right-${view}`}>{letterOf(u)}</div>
            <div className="mv-edge top" data-testid={`edge-top-${view}`}>{letterOf(neg(v))}</div>
            <div className="mv-edge bottom" data-testid={`edge-bottom-${view}`}>{letterOf(v)}</div>
          </>
        );
      })()}
      <div className="mv-corner bl mono" data-testid={`wl-${view}`}>
        {t('medical.wl', { width: Math.round(p.window.width), center: Math.round(p.window.center) })}
      </div>
    </div>
  );
}
