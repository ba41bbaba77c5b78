import { useEffect } from 'react';

/** A / D and ← / → step through frames (the common convention in CVAT and Xtreme1). */
export function useFrameKeys(count: number, frame: number, setFrame: (f: number) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input[type=text], input:not([type]), textarea, select')) return;
      const k = e.key.toLowerCase();
      if (k === 'd' || e.key === 'ArrowRight') setFrame(Math.min(count - 1, frame + 1));
      else if (k === 'a' || e.key === 'ArrowLeft') setFrame(Math.max(0, frame - 1));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count, frame, setFrame]);
}
