/**
 * Many objects (thousands of boxes and polygons): the ones that are not selected are drawn on one
 * canvas under the SVG, one path per label colour, culled to the viewport, captions only when few
 * are in view. SVG keeps the selected object, handles and previews. Hit testing never used the
 * DOM (tools test geometry), so nothing else changes.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { AnnotationObject, Geometry, LabelSpec } from '../../../core/document/schema';
import { rotatedBoxCorners } from '../../../core/geometry/shapes';
import type { ViewTransform } from '../../viewports/ImageViewer';
import { extent } from '../../../core/editing/image/geometry';

/** Above this many visible objects the overlay draws the unselected ones on canvas. */
export const CANVAS_THRESHOLD = 300;
const CANVAS_KINDS = new Set<Geometry['kind']>(['box2d', 'rotatedBox', 'polygon', 'polyline']);
export const onCanvas = (g: Geometry) => CANVAS_KINDS.has(g.kind);

const extents = new WeakMap<Geometry, [number, number, number, number] | null>();
function cachedExtent(g: Geometry) {
  let e = extents.get(g);
  if (e === undefined) extents.set(g, (e = extent(g)));
  return e;
}

function trace(ctx: CanvasRenderingContext2D, g: Geometry) {
  switch (g.kind) {
    case 'box2d':
      ctx.rect(Math.min(g.x1, g.x2), Math.min(g.y1, g.y2), Math.abs(g.x2 - g.x1), Math.abs(g.y2 - g.y1));
      return;
    case 'rotatedBox':
    case 'polygon':
    case 'polyline': {
      const p = g.kind === 'rotatedBox' ? rotatedBoxCorners(g) : g.points;
      if (p.length < 2) return;
      ctx.moveTo(p[0], p[1]);
      for (let i = 2; i + 1 < p.length; i += 2) ctx.lineTo(p[i], p[i + 1]);
      if (g.kind !== 'polyline') ctx.closePath();
      return;
    }
  }
}

/** The canvas reaches this far past each side of the viewer, so a pan can just move it. */
const MARGIN = 256;

export function CanvasLayer({ view, objects, labels }: { view: ViewTransform; objects: readonly AnnotationObject[]; labels: Map<string, LabelSpec> }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawn = useRef<{ x: number; y: number; scale: number; objects: readonly AnnotationObject[]; labels: Map<string, LabelSpec> } | null>(null);
  const timer = useRef<number>(0);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  useLayoutEffect(() => {
    const c = ref.current;
    if (!c) return;
    const d = drawn.current;
    const dx = d ? view.x - d.x : 0, dy = d ? view.y - d.y : 0;
    // a pan (same zoom, same objects, still inside the margin): move the drawn canvas, redraw once it rests
    if (d && d.scale === view.scale && d.objects === objects && d.labels === labels && Math.abs(dx) < MARGIN * 0.75 && Math.abs(dy) < MARGIN * 0.75) {
      c.style.transform = `translate(${dx}px, ${dy}px)`;
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => draw(c, view, objects, labels, drawn), 120);
      return;
    }
    window.clearTimeout(timer.current);
    draw(c, view, objects, labels, drawn);
  }, [view, objects, labels]);
  return (
    <canvas
      ref={ref}
      className="ie-overlay-canvas"
      data-testid="overlay-canvas"
      data-count={objects.length}
      style={{ position: 'absolute', left: -MARGIN, top: -MARGIN, width: `calc(100% + ${2 * MARGIN}px)`, height: `calc(100% + ${2 * MARGIN}px)`, pointerEvents: 'none' }}
    />
  );
}

function draw(
  c: HTMLCanvasElement,
  view: ViewTransform,
  objects: readonly AnnotationObject[],
  labels: Map<string, LabelSpec>,
  drawn: { current: { x: number; y: number; scale: number; objects: readonly AnnotationObject[]; labels: Map<string, LabelSpec> } | null },
) {
  drawn.current = { x: view.x, y: view.y, scale: view.scale, objects, labels };
  c.style.transform = '';
  const dpr = window.devicePixelRatio || 1;
  const cw = c.clientWidth, ch = c.clientHeight;
  if (c.width !== Math.round(cw * dpr) || c.height !== Math.round(ch * dpr)) {
    c.width = Math.round(cw * dpr);
    c.height = Math.round(ch * dpr);
  }
  // a CPU (Skia) canvas: thousands of small paths raster faster there than through a GPU
  // command buffer, and far faster on software GL (SwiftShader)
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, c.width, c.height);
  const s = view.scale;
  const ox = view.x + MARGIN, oy = view.y + MARGIN;
  // the canvas area in image pixels, for culling
  const x0 = -ox / s, y0 = -oy / s, x1 = (cw - ox) / s, y1 = (ch - oy) / s;
  const byColor = new Map<string, AnnotationObject[]>();
  const inView: AnnotationObject[] = [];
  for (const o of objects) {
    const e = cachedExtent(o.geometry);
    if (!e || e[2] < x0 || e[0] > x1 || e[3] < y0 || e[1] > y1) continue;
    const color = labels.get(o.label)?.color ?? '#cccccc';
    let list = byColor.get(color);
    if (!list) byColor.set(color, (list = []));
    list.push(o);
    inView.push(o);
  }
  ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * ox, dpr * oy);
  ctx.lineWidth = 1.6 / s;
  ctx.lineJoin = 'round';
  for (const [color, list] of byColor) {
    ctx.beginPath();
    for (const o of list) if (o.geometry.kind !== 'polyline') trace(ctx, o.geometry);
    ctx.fillStyle = color;
    ctx.globalAlpha = 0.12;
    ctx.fill();
    ctx.globalAlpha = 1;
    for (const o of list) if (o.geometry.kind === 'polyline') trace(ctx, o.geometry);
    ctx.strokeStyle = color;
    ctx.stroke();
  }
  if (inView.length <= CANVAS_THRESHOLD) {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#0b0f14';
    for (const o of inView) {
      const e = cachedExtent(o.geometry)!;
      const label = labels.get(o.label);
      const x = ox + e[0] * s, y = oy + e[1] * s - 4;
      ctx.strokeText(label?.name ?? o.label, x, y);
      ctx.fillStyle = label?.color ?? '#cccccc';
      ctx.fillText(label?.name ?? o.label, x, y);
    }
  }
}
