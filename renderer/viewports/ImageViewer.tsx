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
import type { TiledImage, Compare } from './tiledImage';
import { ScaleBar } from './ScaleBar';
import { visibleTiles } from './visibleTiles';
import type { Affine } from '../../core/geo/compare';
import { useApp } from '../state/appStore';
import { displayKey, effectiveDisplay } from '../../core/geo/display';
import type { MethodOutput } from '../../preload/contract';


export type { TiledImage, Compare } from './tiledImage';

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
  /** A before / after image drawn over this one (swipe) or beside it (side by side), linked to this view. */
  const [compare, setCompare] = useState<Compare | null>(null);
  const [swipe, setSwipe] = useState(0.5);
  useEffect(() => setCompare(null), [tiles?.itemId]);
  const compareQuery = compare?.tiles.geo ? `?d=${displayKey(effectiveDisplay(rasterDisplay, compare.tiles.geo.bands))}` : '';
  const vw = box.current?.clientWidth ?? 1600;
  const vh = box.current?.clientHeight ?? 1000;
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
        size ? (
          compare?.mode === 'side' ? (
            // side by side: this image in the left half, the compared one in the right half, linked
            <div className="compare-clip" style={{ position: 'absolute', inset: 0, clipPath: 'inset(0 50% 0 0)' }}>
              <TileLayer tiles={tiles} query={geoQuery} t={viewAffine(view)} vw={vw / 2} vh={vh} />
            </div>
          ) : (
            <TileLayer tiles={tiles} query={geoQuery} t={viewAffine(view)} vw={vw} vh={vh} />
          )
        ) : null
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
      {compare && size ? (
        <CompareView part="layer" compare={compare} query={compareQuery} view={view} vw={vw} vh={vh} swipe={swipe} onSwipe={setSwipe} />
      ) : null}
      {overlay && size ? (
        compare?.mode === 'side' ? (
          // labels are drawn and edited on the primary image only (left half)
          <div className="compare-clip" style={{ position: 'absolute', inset: 0, clipPath: 'inset(0 50% 0 0)' }}>
            {overlay(view, size)}
          </div>
        ) : (
          overlay(view, size)
        )
      ) : null}
      {compare && size ? <CompareView part="handle" compare={compare} query={compareQuery} view={view} vw={vw} vh={vh} swipe={swipe} onSwipe={setSwipe} /> : null}
      {tiles?.geo && size ? <ScaleBar gt={tiles.geo.geotransform} epsg={tiles.geo.epsg} view={view} vw={compare?.mode === 'side' ? vw / 2 : vw} vh={vh} /> : null}
      {tiles?.geo ? <GeoReadout itemId={tiles.itemId} geo={tiles.geo} region={tiles.region} cursor={cursor} compare={compare} onCompare={setCompare} /> : null}
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
 * `t` maps image pixels to screen pixels (an affine: the view, or for a compared image the view
 * after its grid's mapping onto the primary image), so only tiles inside the viewer are asked.
 */
function TileLayer({ tiles, query, t, vw, vh, testId = 'tile-layer', tileTestId = 'tile' }: { tiles: TiledImage; query: string; t: Affine; vw: number; vh: number; testId?: string; tileTestId?: string }) {
  const { width, height, tileSize: T, itemId } = tiles;
  const { level, scale, tiles: refs } = visibleTiles(tiles, t, vw, vh);
  const out: ReactNode[] = refs.map(({ level: l, x: tx, y: ty }) => {
    const span = T * 2 ** l;
    const cols = Math.ceil(width / span);
    const rows = Math.ceil(height / span);
    const left = tx * span, top = ty * span;
    // a hair of overlap hides seams between neighbouring tiles at fractional zoom
    const pad = 0.5 / scale;
    return (
      <img
        key={`${l}/${tx}/${ty}${query}`}
        src={`/blob/tile/${encodeURIComponent(itemId)}/${l}/${tx}/${ty}${query}`}
        alt=""
        draggable={false}
        decoding="async"
        data-level={l}
        data-testid={l === level ? tileTestId : undefined}
        onLoad={(e) => e.currentTarget.setAttribute('data-loaded', '1')}
        style={{ left, top, width: Math.min(span, width - left) + (tx < cols - 1 ? pad : 0), height: Math.min(span, height - top) + (ty < rows - 1 ? pad : 0) }}
      />
    );
  });
  return (
    <div
      className="tile-layer"
      data-testid={testId}
      data-level={level}
      style={{
        position: 'absolute',
        left: 0,
        top: 0,
        width,
        height,
        transformOrigin: '0 0',
        transform: `matrix(${t[1]}, ${t[4]}, ${t[2]}, ${t[5]}, ${t[0]}, ${t[3]})`,
        imageRendering: scale > 2 ? 'pixelated' : 'auto',
      }}
    >
      {out}
    </div>
  );
}

/** view ∘ m: image pixels of a compared image -> primary pixels (m) -> screen (view). */
function viewAffine(view: ViewTransform, m: Affine = [0, 1, 0, 0, 0, 1]): Affine {
  const s = view.scale;
  return [view.x + s * m[0], s * m[1], s * m[2], view.y + s * m[3], s * m[4], s * m[5]];
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

/**
 * The compared image. Swipe: drawn over the primary one right of a draggable handle (labels stay
 * on top, on the primary image). Side by side: in the right half, the same ground under the same
 * place of each half (linked pan and zoom).
 */
function CompareView({ part, compare, query, view, vw, vh, swipe, onSwipe }: { part: 'layer' | 'handle'; compare: Compare; query: string; view: ViewTransform; vw: number; vh: number; swipe: number; onSwipe(f: number): void }) {
  const side = compare.mode === 'side';
  const t = viewAffine(view, compare.toPrimary);
  const cut = Math.round(swipe * vw);
  // the layer goes under the editor's labels, the handle / divider over them (it must take the drag)
  if (part === 'layer')
    return (
      <div
        className="compare-layer"
        data-testid="compare-layer"
        data-mode={compare.mode}
        style={side ? { position: 'absolute', top: 0, bottom: 0, left: vw / 2, width: vw / 2, overflow: 'hidden' } : { position: 'absolute', inset: 0, clipPath: `inset(0 0 0 ${cut}px)` }}
      >
        <TileLayer tiles={compare.tiles} query={query} t={t} vw={side ? vw / 2 : vw} vh={vh} testId="compare-tile-layer" tileTestId="compare-tile" />
      </div>
    );
  return (
    <>
      {side ? (
        <div className="compare-divider" style={{ left: vw / 2 }} />
      ) : (
        <div
          className="swipe-handle"
          data-testid="swipe-handle"
          style={{ left: cut }}
          onPointerDown={(e) => {
            e.stopPropagation();
            (e.target as HTMLElement).setPointerCapture(e.pointerId);
          }}
          onPointerMove={(e) => {
            if (!(e.buttons & 1)) return;
            e.stopPropagation();
            const r = (e.currentTarget.parentElement as HTMLElement).getBoundingClientRect();
            onSwipe(Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)));
          }}
        />
      )}
    </>
  );
}
