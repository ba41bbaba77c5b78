import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ViewTransform {
  /** Screen pixels per image pixel. */
  scale: number;
  /** Image origin in the viewer, in screen pixels. */
  x: number;
  y: number;
}
import { useTranslation } from 'react-i18next';
import { useKeymap } from '../keymap/useKeymap';
import { parseChord } from '../keymap/keymap';
import { revealRect, type Rect } from './reveal';
import { viewerKeys } from './keys';
import { GeoReadout } from './GeoReadout';
import { useApp } from '../state/appStore';
import { displayKey, effectiveDisplay } from '../../core/geo/display';
import type { MethodOutput } from '../../preload/contract';

type ImageInfoGeo = NonNullable<MethodOutput<'image.info'>['geo']>;

/** A host tile pyramid (image.info): level 0 full resolution, each next level half the size. */
export interface TiledImage {
  itemId: string;
  width: number;
  height: number;
  levels: number;
  tileSize: number;
  /** A GeoTIFF's georeferencing and bands (image.info): shows the map readout. */
  geo?: ImageInfoGeo;
}

/** Images larger than this on a side are shown as a tiled pyramid instead of one <img>. */
export const TILE_THRESHOLD = 4096;

/**
 * Zoom (wheel, about the cursor), pan (drag), fit (F) and 1:1 (1). Pixel-exact rendering when
 * zoomed in. The transform lives in one state object; nothing is re-decoded on zoom.
 */
export function ImageViewer({
  src,
  bitmap,
  onLoad,
  overlay,
  oneToOneKey = '1',
  tiles,
  reveal,
}: {
  /** Bring this image region into view (reveal.ts) whenever a new request (a new object) comes. */
  reveal?: { rect: Rect; seq: number } | null;
  /** Show a host tile pyramid (only visible tiles, at the level matching the zoom) instead of src. */
  tiles?: TiledImage | null;
  src?: string;
  /** A decoded frame (video) drawn on a canvas instead of an <img>. */
  bitmap?: ImageBitmap | null;
  onLoad?: (w: number, h: number) => void;
  /**
   * Drawn over the image (an editor's SVG). Pointer events it stops keep the viewer from panning;
   * the ones it lets through (middle button, Space+drag) pan.
   */
  overlay?: (view: ViewTransform, size: { w: number; h: number }) => ReactNode;
  /** The key for 1:1 zoom ('1' by default; editors that use digits for labels pass another). */
  oneToOneKey?: string;
}) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [view, setView] = useState({ scale: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; vx: number; vy: number } | null>(null);
  // GeoTIFF tiles are drawn with the project's band / stretch choice: its key in the URL refetches them on a change
  const rasterDisplay = useApp((s) => s.project?.settings.rasterDisplay);
  const geoQuery = tiles?.geo ? `?d=${displayKey(effectiveDisplay(rasterDisplay, tiles.geo.bands))}` : '';
  /** The cursor in image pixels, tracked only for georeferenced images (the map readout). */
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);

  useEffect(() => {
    if (!tiles) return;
    setSize({ w: tiles.width, h: tiles.height });
    onLoad?.(tiles.width, tiles.height);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tiles]);

  const fit = useCallback(() => {
    const el = box.current;
    if (!el || !size) return;
    const scale = Math.min(el.clientWidth / size.w, el.clientHeight / size.h) * 0.96;
    setView({ scale, x: (el.clientWidth - size.w * scale) / 2, y: (el.clientHeight - size.h * scale) / 2 });
  }, [size]);

  useEffect(fit, [fit]);
  const revealSeq = reveal?.seq;
  useEffect(() => {
    const el = box.current;
    if (!reveal || !el || !size) return;
    setView((v) => revealRect(v, { w: el.clientWidth, h: el.clientHeight }, reveal.rect));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revealSeq, size]);
  // The table declares 1 for 1:1; an editor that uses digits for labels passes another key,
  // handled as a dynamic key (its own table lists it).
  const customOneToOne = oneToOneKey !== '1' ? parseChord(oneToOneKey) : null;
  useKeymap(
    viewerKeys,
    { fit, oneToOne: () => (customOneToOne ? false : oneToOne()) },
    { fallback: (_e, chord) => chord === customOneToOne && (oneToOne(), true) },
  );

  function oneToOne() {
    if (box.current && size) setView({ scale: 1, x: Math.round((box.current.clientWidth - size.w) / 2), y: Math.round((box.current.clientHeight - size.h) / 2) });
  }

  const onWheel = (e: React.WheelEvent) => {
    const rect = box.current!.getBoundingClientRect();
    const mx = e.clientX - rect.left;
    const my = e.clientY - rect.top;
    setView((v) => {
      const scale = Math.min(64, Math.max(0.02, v.scale * Math.exp(-e.deltaY * 0.0015)));
      const k = scale / v.scale;
      return { scale, x: mx - (mx - v.x) * k, y: my - (my - v.y) * k };
    });
  };

  return (
    <div
      className="image-viewer"
      ref={box}
      onWheel={onWheel}
      onPointerDown={(e) => {
        (e.target as HTMLElement).setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
      }}
      onPointerMove={(e) => {
        if (tiles?.geo && box.current) {
          const r = box.current.getBoundingClientRect();
          setCursor({ x: (e.clientX - r.left - view.x) / view.scale, y: (e.clientY - r.top - view.y) / view.scale });
        }
        const d = drag.current;
        if (d) setView((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
      }}
      onPointerUp={() => (drag.current = null)}
      data-testid="image-viewer"
    >
      {tiles ? (
        size ? <TileLayer tiles={tiles} query={geoQuery} view={view} vw={box.current?.clientWidth ?? 1600} vh={box.current?.clientHeight ?? 1000} /> : null
      ) : bitmap !== undefined ? (
        <BitmapCanvas
          bitmap={bitmap}
          onSize={(w, h) => {
            if (!size || size.w !== w || size.h !== h) {
              setSize({ w, h });
              onLoad?.(w, h);
            }
          }}
          style={{
            transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
            imageRendering: view.scale > 2 ? 'pixelated' : 'auto',
            visibility: size ? 'visible' : 'hidden',
          }}
        />
      ) : (
      <img
        src={src}
        alt=""
        draggable={false}
        onLoad={(e) => {
          const img = e.currentTarget;
          setSize({ w: img.naturalWidth, h: img.naturalHeight });
          onLoad?.(img.naturalWidth, img.naturalHeight);
        }}
        style={{
          transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
          imageRendering: view.scale > 2 ? 'pixelated' : 'auto',
          visibility: size ? 'visible' : 'hidden',
        }}
      />
      )}
      {overlay && size ? overlay(view, size) : null}
      {tiles?.geo ? <GeoReadout itemId={tiles.itemId} geo={tiles.geo} cursor={cursor} /> : null}
      <div className="viewer-hud" onPointerDown={(e) => e.stopPropagation()}>
        <button className="ghost small" onClick={fit}>
          {t('viewer.fit')}
        </button>
        <button className="ghost small" onClick={oneToOne} title={oneToOneKey}>
          1:1
        </button>
        <span className="muted small">
          {size ? `${size.w}×${size.h}` : ''} · {Math.round(view.scale * 100)}%
        </span>
      </div>
    </div>
  );
}

/**
 * The visible tiles of the level whose pixels are closest to (not smaller than half) a screen
 * pixel, over the next coarser level's tiles (shown while the finer ones load) and the one-tile
 * coarsest level. Tiles sit in image pixels inside one transformed box, like the <img>.
 */
function TileLayer({ tiles, query, view, vw, vh }: { tiles: TiledImage; query: string; view: ViewTransform; vw: number; vh: number }) {
  const { width, height, levels, tileSize: T, itemId } = tiles;
  const level = Math.max(0, Math.min(levels - 1, Math.floor(Math.log2(1 / view.scale))));
  const x0 = -view.x / view.scale;
  const y0 = -view.y / view.scale;
  const x1 = (vw - view.x) / view.scale;
  const y1 = (vh - view.y) / view.scale;
  const out: ReactNode[] = [];
  const shown = new Set([levels - 1, Math.min(levels - 1, level + 1), level]);
  for (const l of [...shown].sort((a, b) => b - a)) {
    const span = T * 2 ** l;
    const cols = Math.ceil(width / span);
    const rows = Math.ceil(height / span);
    const cx0 = Math.max(0, Math.floor(x0 / span)), cx1 = Math.min(cols - 1, Math.floor(x1 / span));
    const cy0 = Math.max(0, Math.floor(y0 / span)), cy1 = Math.min(rows - 1, Math.floor(y1 / span));
    for (let ty = cy0; ty <= cy1; ty++)
      for (let tx = cx0; tx <= cx1; tx++) {
        const left = tx * span, top = ty * span;
        // a hair of overlap hides seams between neighbouring tiles at fractional zoom
        const pad = 0.5 / view.scale;
        out.push(
          <img
            key={`${l}/${tx}/${ty}${query}`}
            src={`/blob/tile/${encodeURIComponent(itemId)}/${l}/${tx}/${ty}${query}`}
            alt=""
            draggable={false}
            decoding="async"
            data-level={l}
            data-testid={l === level ? 'tile' : undefined}
            onLoad={(e) => e.currentTarget.setAttribute('data-loaded', '1')}
            style={{ left, top, width: Math.min(span, width - left) + (tx < cols - 1 ? pad : 0), height: Math.min(span, height - top) + (ty < rows - 1 ? pad : 0) }}
          />,
        );
      }
  }
  return (
    <div
      className="tile-layer"
      data-testid="tile-layer"
      data-level={level}
      style={{
        position: 'absolute',
        left: 0,
        top: 0,
        width,
        height,
        transformOrigin: '0 0',
        transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
        imageRendering: view.scale > 2 ? 'pixelated' : 'auto',
      }}
    >
      {out}
    </div>
  );
}

function BitmapCanvas({ bitmap, onSize, style }: { bitmap: ImageBitmap | null; onSize(w: number, h: number): void; style: React.CSSProperties }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    if (!c || !bitmap) return;
    if (c.width !== bitmap.width || c.height !== bitmap.height) {
      c.width = bitmap.width;
      c.height = bitmap.height;
    }
    c.getContext('2d')!.drawImage(bitmap, 0, 0);
    onSize(bitmap.width, bitmap.height);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bitmap]);
  return <canvas ref={canvas} className="frame-canvas" style={style} data-testid="frame-canvas" />;
}
