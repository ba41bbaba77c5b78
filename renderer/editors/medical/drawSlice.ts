/**
 * Painting one medical view: the windowed slice blended with the label map (pure, on arrays), and
 * the overlays drawn on the view's canvas (crosshair, polygon in progress, measurement, brush).
 */
import type { Orientation } from '../../../core/medical/slicing';
import type { Tool } from './types';

/** Grey pixels blended with label colours (`lut`: 256 x RGB) at `opacity`, into RGBA `out`. */
export function blendLabels(pixels: ArrayLike<number>, labels: ArrayLike<number>, lut: Uint8Array, opacity: number, out: Uint8ClampedArray): void {
  const a = opacity;
  for (let i = 0, o = 0; i < pixels.length; i++, o += 4) {
    const g = pixels[i];
    const l = labels[i];
    if (l) {
      out[o] = g * (1 - a) + lut[l * 3] * a;
      out[o + 1] = g * (1 - a) + lut[l * 3 + 1] * a;
      out[o + 2] = g * (1 - a) + lut[l * 3 + 2] * a;
    } else {
      out[o] = out[o + 1] = out[o + 2] = g;
    }
    out[o + 3] = 255;
  }
}

export const CROSSHAIR_COLORS: Record<Orientation, string> = { axial: '#60a5fa', coronal: '#4ade80', sagittal: '#f472b6' };

export interface Overlays {
  size: { w: number; h: number };
  orientation: Orientation;
  /** Slice pixel -> screen point. */
  toScreen(x: number, y: number): [number, number];
  cursor: [number, number];
  polygon: number[];
  hover: [number, number] | null;
  measure: { a: [number, number]; b: [number, number]; label: string } | null;
  brush: { tool: Tool; radiusPx: number; color: string } | null;
}

/** Crosshair (with a gap so the anatomy under it stays visible), polygon, measurement, brush outline. */
export function drawOverlays(ctx: CanvasRenderingContext2D, o: Overlays): void {
  const { size, toScreen, polygon, hover } = o;
  const [cx, cy] = toScreen(...o.cursor);
  ctx.lineWidth = 1;
  ctx.strokeStyle = CROSSHAIR_COLORS[o.orientation];
  ctx.globalAlpha = 0.8;
  const gap = 10;
  ctx.beginPath();
  ctx.moveTo(0, cy);
  ctx.lineTo(cx - gap, cy);
  ctx.moveTo(cx + gap, cy);
  ctx.lineTo(size.w, cy);
  ctx.moveTo(cx, 0);
  ctx.lineTo(cx, cy - gap);
  ctx.moveTo(cx, cy + gap);
  ctx.lineTo(cx, size.h);
  ctx.stroke();
  ctx.globalAlpha = 1;

  if (polygon.length >= 2) {
    ctx.strokeStyle = '#fbbf24';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < polygon.length; i += 2) {
      const [sx, sy] = toScreen(polygon[i], polygon[i + 1]);
      if (i === 0) ctx.moveTo(sx, sy);
      else ctx.lineTo(sx, sy);
    }
    if (hover) ctx.lineTo(...toScreen(...hover));
    ctx.stroke();
    ctx.fillStyle = '#fbbf24';
    for (let i = 0; i < polygon.length; i += 2) {
      const [sx, sy] = toScreen(polygon[i], polygon[i + 1]);
      ctx.fillRect(sx - 2.5, sy - 2.5, 5, 5);
    }
  }

  if (o.measure) {
    const [ax, ay] = toScreen(...o.measure.a);
    const [bx, by] = toScreen(...o.measure.b);
    ctx.strokeStyle = '#facc15';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
    for (const [x, y] of [
      [ax, ay],
      [bx, by],
    ]) {
      ctx.beginPath();
      ctx.arc(x, y, 3, 0, Math.PI * 2);
      ctx.fillStyle = '#facc15';
      ctx.fill();
    }
    const label = o.measure.label;
    ctx.font = '600 12px Inter, system-ui, sans-serif';
    const tw = ctx.measureText(label).width;
    ctx.fillStyle = 'rgba(10,14,19,0.85)';
    ctx.fillRect(bx + 8, by - 9, tw + 10, 18);
    ctx.fillStyle = '#facc15';
    ctx.fillText(label, bx + 13, by + 4);
  }

  if (hover && o.brush) {
    const [hx, hy] = toScreen(...hover);
    ctx.strokeStyle = o.brush.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.ellipse(hx, hy, o.brush.radiusPx, o.brush.radiusPx, 0, 0, Math.PI * 2);
    ctx.stroke();
  }
}
