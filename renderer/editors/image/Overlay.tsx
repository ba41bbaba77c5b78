/**
 * The SVG drawn over the image: objects in paint order, the tool's preview, handles of the
 * selected shape and the brush cursor. Coordinates inside the <g> are image pixels; strokes do
 * not scale with zoom.
 */
import { memo, useMemo } from 'react';
import { CanvasLayer, CANVAS_THRESHOLD, onCanvas } from './CanvasLayer';
import type { AnnotationObject, Geometry, LabelSpec } from '../../../core/document/schema';
import { rotatedBoxCorners } from '../../../core/geometry/shapes';
import type { ViewTransform } from '../../viewports/ImageViewer';
import { extent, handles, maskPixels, paintOrder } from '../../../core/editing/image/geometry';
import type { Preview } from './tools';
import { ROTATE_HANDLE_SCREEN_PX } from './tools/select';

type Mask = Extract<Geometry, { kind: 'mask' }>;

const maskUrls = new WeakMap<Mask, Map<string, string>>();
function maskUrl(g: Mask, color: string): string {
  let byColor = maskUrls.get(g);
  if (!byColor) maskUrls.set(g, (byColor = new Map()));
  const cached = byColor.get(color);
  if (cached) return cached;
  const [h, w] = g.size;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  const bits = maskPixels(g);
  const r = parseInt(color.slice(1, 3), 16), gg = parseInt(color.slice(3, 5), 16), b = parseInt(color.slice(5, 7), 16);
  for (let i = 0; i < bits.length; i++) {
    if (!bits[i]) continue;
    img.data[4 * i] = r;
    img.data[4 * i + 1] = gg;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const url = canvas.toDataURL();
  byColor.set(color, url);
  return url;
}

const flat = (p: readonly number[]) => {
  let s = '';
  for (let i = 0; i + 1 < p.length; i += 2) s += `${p[i]},${p[i + 1]} `;
  return s;
};

function Shape({ g, color, selected, scale, dashed, edges }: { g: Geometry; color: string; selected: boolean; scale: number; dashed?: boolean; edges?: readonly (readonly [number, number])[] }) {
  const common = {
    stroke: color,
    strokeWidth: selected ? 2.5 : 1.6,
    vectorEffect: 'non-scaling-stroke' as const,
    strokeDasharray: dashed ? '6 4' : undefined,
    fill: color,
    fillOpacity: selected ? 0.28 : 0.12,
  };
  switch (g.kind) {
    case 'box2d':
      return <rect x={Math.min(g.x1, g.x2)} y={Math.min(g.y1, g.y2)} width={Math.abs(g.x2 - g.x1)} height={Math.abs(g.y2 - g.y1)} {...common} />;
    case 'rotatedBox': {
      const c = rotatedBoxCorners(g);
      return (
        <g>
          <polygon points={flat(c)} {...common} />
          <line x1={c[0]} y1={c[1]} x2={c[2]} y2={c[3]} stroke={color} strokeWidth={3.5} vectorEffect="non-scaling-stroke" />
        </g>
      );
    }
    case 'polygon':
      return <polygon points={flat(g.points)} {...common} />;
    case 'polyline':
      return <polyline points={flat(g.points)} {...common} fill="none" strokeWidth={selected ? 3 : 2} />;
    case 'skeleton': {
      // edges between placed keypoints, then the keypoints (occluded ones hollow; skipped ones not drawn)
      const r = (selected ? 5 : 4) / scale;
      const p = g.points, v = g.visibility;
      let d = '';
      for (const [a, b] of edges ?? []) if ((v[a] ?? 0) > 0 && (v[b] ?? 0) > 0) d += `M${p[2 * a]} ${p[2 * a + 1]}L${p[2 * b]} ${p[2 * b + 1]}`;
      const out = [];
      for (let i = 0; 2 * i + 1 < p.length; i++)
        if ((v[i] ?? 0) > 0)
          out.push(<circle key={i} cx={p[2 * i]} cy={p[2 * i + 1]} r={r} fill={v[i] === 1 ? 'none' : color} stroke={v[i] === 1 ? color : '#0b0f14'} strokeWidth={1.5} vectorEffect="non-scaling-stroke" data-testid="keypoint" />);
      return (
        <g>
          {d ? <path d={d} stroke={color} strokeWidth={selected ? 2.5 : 2} strokeDasharray={dashed ? '6 4' : undefined} fill="none" vectorEffect="non-scaling-stroke" /> : null}
          {out}
        </g>
      );
    }
    case 'points': {
      const r = (selected ? 5 : 4) / scale;
      const out = [];
      for (let i = 0; i + 1 < g.points.length; i += 2)
        out.push(<circle key={i} cx={g.points[i]} cy={g.points[i + 1]} r={r} fill={color} stroke="#0b0f14" strokeWidth={1.2} vectorEffect="non-scaling-stroke" />);
      return <g>{out}</g>;
    }
    case 'mask': {
      const [h, w] = g.size;
      return <image href={maskUrl(g, color)} x={0} y={0} width={w} height={h} opacity={selected ? 0.6 : 0.42} style={{ imageRendering: 'pixelated' }} preserveAspectRatio="none" />;
    }
    default:
      return null;
  }
}

const ObjectShape = memo(function ObjectShape({ o, color, name, selected, scale, edges }: { o: AnnotationObject; color: string; name: string; selected: boolean; scale: number; edges?: [number, number][] }) {
  const e = extent(o.geometry);
  return (
    <g data-testid="shape" data-kind={o.geometry.kind} data-id={o.id} opacity={o.locked ? 0.85 : 1}>
      <Shape g={o.geometry} color={color} selected={selected} scale={scale} edges={edges} />
      {e ? (
        <text x={e[0]} y={e[1] - 4 / scale} fontSize={11 / scale} fill={color} stroke="#0b0f14" strokeWidth={3 / scale} paintOrder="stroke" className="ie-caption">
          {name}
        </text>
      ) : null}
    </g>
  );
});

export function Overlay(props: {
  view: ViewTransform;
  size: { w: number; h: number };
  objects: AnnotationObject[];
  labels: Map<string, LabelSpec>;
  selection: string[];
  preview: Preview | null;
  drawColor: string;
  /** Skeleton edges of the label being drawn. */
  drawEdges?: [number, number][];
  cursor: { x: number; y: number } | null;
  brushRadius: number | null;
  handlers: React.SVGProps<SVGSVGElement>;
  cursorStyle: string;
}) {
  const { view, objects, labels, selection, preview } = props;
  const s = view.scale;
  const replaced = preview?.type === 'shape' ? preview.replaces : undefined;
  const visible = useMemo(() => paintOrder(objects.filter((o) => !o.hidden && o.geometry.kind !== 'tag')), [objects]);
  // thousands of objects: the unselected boxes and polygons go on one canvas (./CanvasLayer)
  const canvasObjects = useMemo(
    () => (visible.length > CANVAS_THRESHOLD ? visible.filter((o) => onCanvas(o.geometry) && o.id !== replaced && !selection.includes(o.id)) : null),
    [visible, replaced, selection],
  );
  const onCanvasIds = useMemo(() => new Set(canvasObjects?.map((o) => o.id)), [canvasObjects]);
  const sel = selection.length === 1 ? objects.find((o) => o.id === selection[0] && !o.hidden) : undefined;
  const selGeometry = sel ? (replaced === sel.id && preview?.type === 'shape' ? preview.geometry : sel.geometry) : undefined;
  const hs = 4.5 / s;
  return (
    <>
    {canvasObjects ? <CanvasLayer view={view} objects={canvasObjects} labels={labels} /> : null}
    {/* No native drag: Chromium could start one on a press (a text selection elsewhere on the page) and
        cancel the pointer stream mid-gesture, losing the box being drawn (found by tests/bench/efficiency). */}
    <svg className="ie-overlay" data-testid="editor-overlay" style={{ cursor: props.cursorStyle }} onDragStart={(e) => e.preventDefault()} {...props.handlers}>
      <g transform={`translate(${view.x} ${view.y}) scale(${s})`}>
        {visible.map((o) =>
          o.id === replaced || onCanvasIds.has(o.id) ? null : (
            <ObjectShape key={o.id} o={o} color={labels.get(o.label)?.color ?? '#cccccc'} name={labels.get(o.label)?.name ?? o.label} selected={selection.includes(o.id)} scale={s} edges={labels.get(o.label)?.skeleton?.edges} />
          ),
        )}
        {preview?.type === 'shape' ? (
          <g data-testid="preview">
            <Shape g={preview.geometry} color={replaced ? labels.get(sel?.label ?? '')?.color ?? props.drawColor : props.drawColor} selected dashed={!replaced} scale={s} edges={replaced ? labels.get(sel?.label ?? '')?.skeleton?.edges : props.drawEdges} />
            {preview.note ? (
              <text x={preview.note.x + 10 / s} y={preview.note.y - 10 / s} fontSize={12 / s} fill="#fff" stroke="#0b0f14" strokeWidth={3 / s} paintOrder="stroke" data-testid="keypoint-next">
                {preview.note.text}
              </text>
            ) : null}
            {preview.closable && preview.geometry.kind === 'polyline' ? (
              <circle cx={preview.geometry.points[0]} cy={preview.geometry.points[1]} r={7 / s} fill="none" stroke="#fff" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
            ) : null}
          </g>
        ) : null}
        {preview?.type === 'stroke' ? (
          <polyline
            points={flat(preview.points)}
            fill="none"
            stroke={preview.erase ? '#ffffff' : props.drawColor}
            strokeOpacity={0.55}
            strokeWidth={preview.radius * 2}
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        ) : null}
        {selGeometry && !sel?.locked
          ? handles(selGeometry, ROTATE_HANDLE_SCREEN_PX / s).map((h) =>
              h.kind === 'midpoint' ? (
                <circle key={h.id} cx={h.x} cy={h.y} r={hs * 0.8} className="ie-handle mid" vectorEffect="non-scaling-stroke" />
              ) : h.kind === 'rotate' ? (
                <circle key={h.id} cx={h.x} cy={h.y} r={hs * 1.2} className="ie-handle rot" vectorEffect="non-scaling-stroke" />
              ) : (
                <rect key={h.id} x={h.x - hs} y={h.y - hs} width={hs * 2} height={hs * 2} className="ie-handle" vectorEffect="non-scaling-stroke" />
              ),
            )
          : null}
        {props.cursor && props.brushRadius ? (
          <circle cx={props.cursor.x} cy={props.cursor.y} r={props.brushRadius} fill="none" stroke="#fff" strokeWidth={1} vectorEffect="non-scaling-stroke" strokeDasharray="3 3" />
        ) : null}
      </g>
    </svg>
    </>
  );
}
