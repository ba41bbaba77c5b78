/** Small geometry helpers shared by the checks. */
import type { Box2D, Cuboid3D, Geometry } from '../../document/schema';
import { bevIoU, iou3d } from '../../lidar/iou';

export function iou2d(a: Box2D, b: Box2D): number {
  const ax1 = Math.min(a.x1, a.x2), ax2 = Math.max(a.x1, a.x2), ay1 = Math.min(a.y1, a.y2), ay2 = Math.max(a.y1, a.y2);
  const bx1 = Math.min(b.x1, b.x2), bx2 = Math.max(b.x1, b.x2), by1 = Math.min(b.y1, b.y2), by2 = Math.max(b.y1, b.y2);
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

export function cuboidIoU(a: Cuboid3D, b: Cuboid3D, metric: 'bev' | '3d'): number {
  return metric === 'bev' ? bevIoU(a, b) : iou3d(a, b);
}

/** IoU of two shapes of the same kind (box2d or cuboid3d), else null. */
export function shapeIoU(a: Geometry, b: Geometry, metric: 'bev' | '3d'): number | null {
  if (a.kind === 'box2d' && b.kind === 'box2d') return iou2d(a, b);
  if (a.kind === 'cuboid3d' && b.kind === 'cuboid3d') return cuboidIoU(a, b, metric);
  return null;
}

/** Centre and a size scale of a shape for proximity tests: [x, y, radius]. */
export function roughExtent(g: Geometry): [number, number, number] | null {
  if (g.kind === 'box2d') return [(g.x1 + g.x2) / 2, (g.y1 + g.y2) / 2, Math.hypot(g.x2 - g.x1, g.y2 - g.y1) / 2];
  if (g.kind === 'cuboid3d') return [g.center[0], g.center[1], Math.hypot(g.size[0], g.size[1]) / 2];
  return null;
}

/** Bounds [minX, minY, maxX, maxY] of a 2D shape in pixels, or null for 3D/tag/mask. */
export function bounds2d(g: Geometry): [number, number, number, number] | null {
  switch (g.kind) {
    case 'box2d':
      return [Math.min(g.x1, g.x2), Math.min(g.y1, g.y2), Math.max(g.x1, g.x2), Math.max(g.y1, g.y2)];
    case 'rotatedBox': {
      const c = Math.abs(Math.cos(g.angle)), s = Math.abs(Math.sin(g.angle));
      const hx = (g.w * c + g.h * s) / 2, hy = (g.w * s + g.h * c) / 2;
      return [g.cx - hx, g.cy - hy, g.cx + hx, g.cy + hy];
    }
    case 'polygon':
    case 'polyline':
    case 'points':
    case 'skeleton': {
      if (g.points.length < 2) return null;
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let i = 0; i + 1 < g.points.length; i += 2) {
        if (g.kind === 'skeleton' && g.visibility[i / 2] === 0) continue;
        x0 = Math.min(x0, g.points[i]); x1 = Math.max(x1, g.points[i]);
        y0 = Math.min(y0, g.points[i + 1]); y1 = Math.max(y1, g.points[i + 1]);
      }
      return x0 <= x1 ? [x0, y0, x1, y1] : null;
    }
    default:
      return null;
  }
}
