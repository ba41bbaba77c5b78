import { useEffect, useRef } from 'react';
import { useKeymap } from '../keymap/useKeymap';
import { playbackKeys } from './keys';

/**
 * Frame stepping and playback shared by the frame-based editors: A / D and ← / → step frames
 * (registered once, reading the count from a ref so a key pressed right after the data arrives
 * never sees a stale count), and while `playing`, frames advance at `fps`, looping.
 */
export function usePlayback(count: number, setFrame: (update: (f: number) => number) => void, playing: boolean, fps: number): void {
  const countRef = useRef(0);
  countRef.current = count;
  useKeymap(playbackKeys, {
    step: (e) => {
      const n = countRef.current;
      if (!n) return false;
      const forward = e.key === 'ArrowRight' || e.key.toLowerCase() === 'd';
      setFrame((f) => (forward ? Math.min(n - 1, f + 1) : Math.max(0, f - 1)));
    },
  });
  useEffect(() => {
    if (!playing || !count) return;
    const id = setInterval(() => setFrame((f) => (f + 1) % count), 1000 / fps);
    return () => clearInterval(id);
  }, [playing, count, fps, setFrame]);
}
