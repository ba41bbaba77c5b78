/**
 * One orthogonal view (axial, coronal or sagittal) on a 2D canvas: the windowed slice blended
 * with the label map, the synchronized crosshair, the brush outline, a polygon in progress and
 * a distance measurement. The slice <-> voxel mapping is the core's (slicing.ts), so what is
 * painted here shows up in the other two views. Pointer events go to the active tool (tools/),
 * whose commands this view applies; window, pan and zoom drags are the view's own.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { distanceMm, extractArraySlice, sliceGeometry, windowedSlice, type Orientation } from '../../../core/medical/slicing';
import type { Labelmap } from '../../../core/medical/segmentation';
import type { Vec3, Volume, WindowLevel } from '../../../core/medical/types';

import type { Tool } from './types';
import { cursorInSlice, displayFlip, sliceIndexOf, withSliceIndex, zoomAbout, type ViewXf } from './orientation';
import { blendLabels, drawOverlays } from './drawSlice';
import { useKeymap } from '../../keymap/useKeymap';
import { medicalPolygonKeys } from './keys';
import { applyLabelEdit, createMedicalTool, type MedicalCommand, type MedicalPreview, type MedicalToolContext, type SlicePointer } from './tools';
import { useViewBox } from './useViewBox';
import { paintLoading, sliceLoading } from './loadingMask';

export type { Tool };
// Pure helpers live in orientation.ts; re-exported for existing importers.
export { cursorInSlice, displayFlip, edgeLetters, sliceIndexOf, withSliceIndex } from './orientation';

export interface SliceViewProps {
  /** 'volume': one of three views; 'projection' / 'single': the only view of a 2D image. */
  mode?: 'volume' | 'projection' | 'single';
  /** Edge letters the file states (projection PatientOrientation); projections without them show none. */
  stated?: { left: string; right: string; top: string; bottom: string } | null;
  orientation: Orientation;
  volume: Volume;
  labelmap: Labelmap;
  /** 256 x RGB colours by label. */
  lut: Uint8Array;
  opacity: number;
  window: WindowLevel;
  invert: boolean;
  cursor: Vec3;
  tool: Tool;
  activeLabel: number;
  brushMm: number;
  revision: number;
  fitToken: number;
  active: boolean;
  onActivate(): void;
  onCursor(c: Vec3): void;
  onWindow(w: WindowLevel): void;
  onGestureStart(): void;
  onEdited(): void;
  onGestureEnd(): void;
  /** While the volume streams in: the planes present (volumeStream.ts); the rest is drawn as loading. */
  loading?: { axis: number; planes: Uint8Array } | null;
  /** Bumped when planes land, to redraw. */
  dataRevision?: number;
  /** Label edits are refused (the volume is not complete); `onLocked` says so. */
  locked?: boolean;
  onLocked?(): void;
}

/** A drag of the view itself (window, pan), or one the tool handles. */
type Drag = { kind: 'window'; x: number; y: number; w0: WindowLevel } | { kind: 'pan'; x: number; y: number; vx: number; vy: number } | { kind: 'tool' };

export function SliceView(p: SliceViewProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const composed = useRef<HTMLCanvasElement | null>(null);
  const size = useViewBox(box);
  const [xf, setXf] = useState<ViewXf>({ scale: 1, x: 0, y: 0 });
  const [hover, setHover] = useState<[number, number] | null>(null);
  const [measure, setMeasure] = useState<{ a: [number, number]; b: [number, number]; index: number } | null>(null);
  const tool = useMemo(() => createMedicalTool(p.tool), [p.tool]);
  const [preview, setPreview] = useState<MedicalPreview | null>(null);
  const drag = useRef<Drag | null>(null);
  /** A gesture (`begin` .. `end`) is open: one undo step. */
  const gesture = useRef(false);
  const [composeTick, setComposeTick] = useState(0);
  /** Share of the shown slice that is loaded (1 once the volume is complete). */
  const [loadedShare, setLoadedShare] = useState(1);

  const { orientation, volume, labelmap } = p;
  const geom = sliceGeometry(volume.dims, volume.spacing, orientation);
  const [psx, psy] = geom.pixelSpacing;
  const index = sliceIndexOf(orientation, p.cursor);


  const fit = useCallback(() => {
    if (!size.w || !size.h) return;
    const wmm = geom.width * psx;
    const hmm = geom.height * psy;
    const scale = Math.min(size.w / wmm, size.h / hmm) * 0.94;
    setXf({ scale, x: (size.w - wmm * scale) / 2, y: (size.h - hmm * scale) / 2 });
  }, [size.w, size.h, geom.width, geom.height, psx, psy]);
  useEffect(fit, [fit, p.fitToken]);

  // Compose the slice + label overlay into an offscreen canvas at native resolution.
  useEffect(() => {
    const { width, height, pixels } = windowedSlice(volume, orientation, index, p.window, p.invert);
    const labels = extractArraySlice(labelmap.data, labelmap.dims, labelmap.spacing, orientation, index).data;
    const off = composed.current ?? document.createElement('canvas');
    composed.current = off;
    if (off.width !== width || off.height !== height) {
      off.width = width;
      off.height = height;
    }
    const ctx = off.getContext('2d')!;
    const img = ctx.createImageData(width, height);
    blendLabels(pixels, labels, p.lut, p.opacity, img.data);
    // Not yet streamed: stripes, never black (which would read as data).
    setLoadedShare(p.loading ? paintLoading(img.data, width, height, sliceLoading(orientation, index, volume.dims, p.loading.axis, p.loading.planes)) : 1);
    ctx.putImageData(img, 0, 0);
    setComposeTick((n) => n + 1);
  }, [volume, labelmap, orientation, index, p.window, p.invert, p.opacity, p.lut, p.revision, p.loading, p.dataRevision]);

  const mode = p.mode ?? 'volume';
  // A projection has no patient axes to flip to: shown as stored, letters only where the file states them.
  const flip = mode === 'projection' ? { flipX: false, flipY: false, letters: p.stated ?? null } : displayFlip(volume.affine, orientation);
  const { flipX, flipY } = flip;
  const toScreen = useCallback(
    (x: number, y: number): [number, number] => {
      const dx = flipX ? geom.width - 1 - x : x;
      const dy = flipY ? geom.height - 1 - y : y;
      return [xf.x + (dx + 0.5) * psx * xf.scale, xf.y + (dy + 0.5) * psy * xf.scale];
    },
    [xf, psx, psy, flipX, flipY, geom.width, geom.height],
  );

  // Draw: composed slice, crosshair, polygon, measurement, brush outline.
  useEffect(() => {
    const c = canvas.current;
    const off = composed.current;
    if (!c || !off || !size.w) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(size.w * dpr) || c.height !== Math.round(size.h * dpr)) {
      c.width = Math.round(size.w * dpr);
      c.height = Math.round(size.h * dpr);
    }
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#05070a';
    ctx.fillRect(0, 0, size.w, size.h);
    ctx.imageSmoothingEnabled = xf.scale * Math.min(psx, psy) < 2;
    const W = geom.width * psx * xf.scale;
    const H = geom.height * psy * xf.scale;
    ctx.save();
    ctx.translate(xf.x + (flipX ? W : 0), xf.y + (flipY ? H : 0));
    ctx.scale(flipX ? -1 : 1, flipY ? -1 : 1);
    ctx.drawImage(off, 0, 0, W, H);
    ctx.restore();

    const shownMeasure = measure && measure.index === index ? measure : null;
    drawOverlays(ctx, {
      size,
      orientation,
      toScreen,
      cursor: cursorInSlice(orientation, volume.dims, p.cursor),
      polygon: preview?.type === 'polygon' ? preview.points : [],
      hover,
      measure: shownMeasure && { a: shownMeasure.a, b: shownMeasure.b, label: t('medical.distance', { mm: distanceMm(geom, shownMeasure.a, shownMeasure.b).toFixed(1) }) },
      brush:
        p.tool === 'brush' || p.tool === 'eraser'
          ? { tool: p.tool, radiusPx: p.brushMm * xf.scale, color: p.tool === 'eraser' ? '#f87171' : `rgb(${p.lut[p.activeLabel * 3]},${p.lut[p.activeLabel * 3 + 1]},${p.lut[p.activeLabel * 3 + 2]})` }
          : null,
    });
  }, [composeTick, size, xf, hover, preview, measure, p.cursor, p.tool, p.brushMm, p.activeLabel, p.lut, orientation, volume.dims, geom, psx, psy, index, toScreen, t, flipX, flipY]);

  const toSlice = (e: { clientX: number; clientY: number }): [number, number] => {
    const r = canvas.current!.getBoundingClientRect();
    const dx = (e.clientX - r.left - xf.x) / (psx * xf.scale) - 0.5;
    const dy = (e.clientY - r.top - xf.y) / (psy * xf.scale) - 0.5;
    return [flipX ? geom.width - 1 - dx : dx, flipY ? geom.height - 1 - dy : dy];
  };
  const pointer = (e: React.PointerEvent | React.MouseEvent): SlicePointer => {
    const [x, y] = toSlice(e);
    return { x, y, shift: e.shiftKey, alt: e.altKey, ctrl: e.ctrlKey || e.metaKey };
  };
  const toolCtx = (): MedicalToolContext => ({
    plane: { orientation, index },
    dims: volume.dims,
    width: geom.width,
    height: geom.height,
    pixelSpacing: [psx, psy],
    brushMm: p.brushMm,
    label: p.activeLabel,
  });

  /** Applies a tool's commands: label map edits (one undo step per gesture), crosshair, measurement. */
  const run = (cmds: MedicalCommand[] | null) => {
    if (p.locked && cmds?.some((c) => c.type !== 'cursor' && c.type !== 'measure' && c.type !== 'begin' && c.type !== 'end')) p.onLocked?.();
    for (const c of cmds ?? []) {
      // Until the volume is complete only navigation and measuring work.
      if (p.locked && c.type !== 'cursor' && c.type !== 'measure') continue;
      if (c.type === 'begin') {
        gesture.current = true;
        p.onGestureStart();
      } else if (c.type === 'end') {
        if (gesture.current) p.onGestureEnd();
        gesture.current = false;
      } else if (c.type === 'cursor') p.onCursor(c.voxel);
      else if (c.type === 'measure') setMeasure({ a: c.a, b: c.b, index });
      else if (applyLabelEdit(labelmap, volume, c)) p.onEdited();
    }
    setPreview(tool.preview());
    return !!cmds;
  };

  // Enter closes / Escape cancels a polygon of this view (the tool layer: before the editor or ItemView sees Escape).
  useKeymap(medicalPolygonKeys, { close: () => run(tool.key('Enter', toolCtx())), cancel: () => run(tool.key('Escape', toolCtx())) }, { enabled: preview?.type === 'polygon' });
  useEffect(() => {
    if (drag.current?.kind === 'tool') return;
    tool.cancel();
    setPreview(null);
  }, [index, tool]);

  const onPointerDown = (e: React.PointerEvent) => {
    p.onActivate();
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    if (e.button === 2 || (e.button === 0 && (e.ctrlKey || e.metaKey))) {
      drag.current = { kind: 'window', x: e.clientX, y: e.clientY, w0: p.window };
    } else if (e.button === 1 || (e.button === 0 && (e.shiftKey || p.tool === 'pan'))) {
      drag.current = { kind: 'pan', x: e.clientX, y: e.clientY, vx: xf.x, vy: xf.y };
    } else if (e.button === 0) {
      drag.current = { kind: 'tool' };
      run(tool.down(pointer(e), toolCtx()));
    }
  };

  const onPointerMove = (e: React.PointerEvent) => {
    setHover(toSlice(e));
    const d = drag.current;
    if (!d) return;
    if (d.kind === 'window') {
      const span = Math.max(1, p.window.width);
      const k = Math.max(0.5, span / 300);
      p.onWindow({ width: Math.max(1, d.w0.width + (e.clientX - d.x) * k), center: d.w0.center - (e.clientY - d.y) * k });
    } else if (d.kind === 'pan') {
      setXf((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
    } else run(tool.move(pointer(e), toolCtx()));
  };

  const onPointerUp = (e: React.PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (d?.kind === 'tool') run(tool.up(pointer(e), toolCtx()));
    // A gesture begun by a tool that was switched mid-drag still ends here.
    if (gesture.current) run([{ type: 'end' }]);
  };

  const onWheel = (e: React.WheelEvent) => {
    if (e.ctrlKey || e.metaKey) {
      const r = canvas.current!.getBoundingClientRect();
      const mx = e.clientX - r.left;
      const my = e.clientY - r.top;
      setXf((v) => zoomAbout(v, mx, my, e.deltaY));
      return;
    }
    const next = Math.min(geom.count - 1, Math.max(0, index + (e.deltaY > 0 ? 1 : -1)));
    if (next !== index) p.onCursor(withSliceIndex(orientation, p.cursor, next));
  };

  return (
    <div
      className={`mv-view mv-${orientation}${p.active ? ' active' : ''}`}
      ref={box}
      data-testid={`view-${orientation}`}
      data-slice-state={loadedShare >= 1 ? 'loaded' : loadedShare > 0 ? 'partial' : 'loading'}
      onPointerEnter={p.onActivate}
      onContextMenu={(e) => e.preventDefault()}
    >
      <canvas
        ref={canvas}
        style={{ width: size.w, height: size.h, cursor: p.tool === 'pan' ? 'grab' : p.tool === 'navigate' ? 'crosshair' : 'none' }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onPointerLeave={() => setHover(null)}
        onWheel={onWheel}
        onDoubleClick={(e) => run(tool.dblclick(pointer(e), toolCtx()))}
      />
      {loadedShare < 1 ? (
        <div className="mv-loading-tag" data-testid={`slice-loading-${orientation}`}>
          {loadedShare > 0 ? t('medical.stream.partial') : t('medical.stream.sliceLoading')}
        </div>
      ) : null}
      <div className="mv-corner tl" data-testid={`view-title-${orientation}`}>
        <span className={`mv-dot ${orientation}`} />
        {mode === 'volume' ? t(`medical.views.${orientation}`) : t('medical.image')}
      </div>
      {mode === 'volume' || geom.count > 1 ? (
        <div className="mv-corner tr mono" data-testid={`slice-label-${orientation}`}>
          {mode === 'projection' ? t('medical.frame', { n: index + 1, count: geom.count }) : t('medical.slice', { n: index + 1, count: geom.count })}
        </div>
      ) : null}
      <div className="mv-corner bl mono" data-testid={`wl-${orientation}`}>
        {t('medical.wl', { width: Math.round(p.window.width), center: Math.round(p.window.center) })}
      </div>
      {(() => {
        const e = flip.letters;
        if (!e)
          return (
            <div className="mv-corner br small muted" data-testid={`no-letters-${orientation}`}>
              {t('medical.noLetters')}
            </div>
          );
        return (
          <>
            <div className="mv-edge left" data-testid={`edge-left-${orientation}`}>{e.left}</div>
            <div className="mv-edge right" data-testid={`edge-right-${orientation}`}>{e.right}</div>
            <div className="mv-edge top" data-testid={`edge-top-${orientation}`}>{e.top}</div>
            <div className="mv-edge bottom" data-testid={`edge-bottom-${orientation}`}>{e.bottom}</div>
          </>
        );
      })()}
      {measure && measure.index === index ? (
        <div className="mv-corner br mono" data-testid={`measure-${orientation}`}>
          {t('medical.distance', { mm: distanceMm(geom, measure.a, measure.b).toFixed(1) })}
        </div>
      ) : null}
    </div>
  );
}
