/**
 * A slice view's container: its size, tracked as it resizes, and a non-passive wheel listener
 * that stops page zoom (Ctrl+wheel) and scrolling — React's own wheel listener is passive.
 */
import { useEffect, useState, type RefObject } from 'react';

export function useViewBox(box: RefObject<HTMLDivElement | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    const stop = (e: WheelEvent) => e.preventDefault();
    el.addEventListener('wheel', stop, { passive: false });
    return () => {
      ro.disconnect();
      el.removeEventListener('wheel', stop);
    };
  }, [box]);
  return size;
}
