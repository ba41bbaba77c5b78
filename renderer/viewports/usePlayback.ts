import { useEffect, useRef } from 'react';

/**
 * Frame stepping and playback shared by the frame-based editors: A / D and ← / → step frames
 * (registered once, reading the count from a ref so a key pressed right after the data arrives
 * never sees a stale count), and while `playing`, frames advance at `fps`, looping.
 */
export function usePlayback(count: number, setFrame: (update: (f: number) => number) => void, playing: boolean, fps: number): void {
  const countRef = useRef(0);
  countRef.current = count;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest?.('input[type=text], input[type=number], input:not([type]), textarea, select')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const n = countRef.current;
      if (!n) return;
      const k = e.key.toLowerCase();
      if (k === 'd' || e.key === 'ArrowRight') setFrame((f) => Math.min(n - 1, f + 1));
      else if (k === 'a' || e.key === 'ArrowLeft') setFrame((f) => Math.max(0, f - 1));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setFrame]);
  useEffect(() => {
    if (!playing || !count) return;
    const id = setInterval(() => setFrame((f) => (f + 1) % count), 1000 / fps);
    return () => clearInterval(id);
  }, [playing, count, fps, setFrame]);
}
