/** Label points (P): a lasso in canvas pixels; on release its points get the active class (Shift: erased). */
import type { LidarTool } from './types';

export function createLassoTool(): LidarTool {
  let path: number[] | null = null;
  let erase = false;
  return {
    name: 'lasso',
    orbits: false,
    down(p) {
      path = [p.x, p.y];
      erase = !!p.shift;
      return [];
    },
    move(p) {
      if (path) path = [...path, p.x, p.y];
      return [];
    },
    up() {
      const poly = path;
      path = null;
      return poly && poly.length >= 6 ? [{ type: 'lasso', polygon: poly, erase }] : [];
    },
    preview: () => (path ? { type: 'lasso', points: path } : null),
    busy: () => path !== null,
    cancel() {
      path = null;
    },
  };
}
