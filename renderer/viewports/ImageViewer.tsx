import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ViewTransform {
  /** Screen pixels per image pixel. */
  scale: number;
  /** Image origin in the viewer, in screen pixels. */
  x: number;
  y: number;
}
import { useTranslation } from 'react-i18next';

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
}: {
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

  const fit = useCallback(() => {
    const el = box.current;
    if (!el || !size) return;
    const scale = Math.min(el.clientWidth / size.w, el.clientHeight / size.h) * 0.96;
    setView({ scale, x: (el.clientWidth - size.w * scale) / 2, y: (el.clientHeight - size.h * scale) / 2 });
  }, [size]);

  useEffect(fit, [fit]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, select')) return;
      if (e.key === 'f' || e.key === 'F') fit();
      if (e.key === oneToOneKey && !e.ctrlKey && !e.metaKey && !e.altKey) oneToOne();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [fit, size, oneToOneKey]);

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
        const d = drag.current;
        if (d) setView((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
      }}
      onPointerUp={() => (drag.current = null)}
      data-testid="image-viewer"
    >
      {bitmap !== undefined ? (
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
