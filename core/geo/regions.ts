/**
 * Splitting a large scene into regions (windows of the parent image) that become items of their
 * own: each has its own annotation document, review status and assignee, and refers to the
 * parent's pixels (no copy). A region's labels are stored in the region's pixel space; its
 * offset (x, y) in the parent places them back on the scene and on the map.
 */
import type { GeoTransform } from './geotransform';

export type SplitSpec =
  /** cols × rows equal cells. */
  | { mode: 'grid'; cols: number; rows: number; overlap?: number }
  /** Cells of width × height pixels (the last row / column smaller). */
  | { mode: 'size'; width: number; height: number; overlap?: number };

export interface RegionWindow {
  row: number;
  col: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export const MAX_REGIONS = 10_000;

/** Cell edges along one axis: `n` cells of ~equal size, or cells of `size` px. */
function edges(total: number, n: number | null, size: number | null): number[] {
  const out = [0];
  if (n != null) for (let i = 1; i <= n; i++) out.push(Math.round((i * total) / n));
  else for (let e = size!; ; e += size!) {
    if (e >= total) {
      out.push(total);
      break;
    }
    out.push(e);
  }
  return out;
}

/**
 * Windows of a width × height image. `overlap` px is shared by neighbours: each interior edge of a
 * cell moves out by half of it (floor on the left / top, ceil on the right / bottom), so two
 * neighbouring regions share exactly `overlap` columns or rows and a label cut by a cell edge is
 * whole in one of them when it is no larger than the overlap.
 */
export function splitWindows(width: number, height: number, spec: SplitSpec): RegionWindow[] {
  const ov = Math.max(0, Math.round(spec.overlap ?? 0));
  let xs: number[], ys: number[];
  if (spec.mode === 'grid') {
    const cols = Math.max(1, Math.min(width, Math.round(spec.cols)));
    const rows = Math.max(1, Math.min(height, Math.round(spec.rows)));
    xs = edges(width, cols, null);
    ys = edges(height, rows, null);
  } else {
    const w = Math.max(1, Math.round(spec.width));
    const h = Math.max(1, Math.round(spec.height));
    xs = edges(width, null, w);
    ys = edges(height, null, h);
  }
  if ((xs.length - 1) * (ys.length - 1) > MAX_REGIONS) throw new Error(`a split into ${(xs.length - 1) * (ys.length - 1)} regions is more than ${MAX_REGIONS}`);
  const lo = Math.floor(ov / 2);
  const hi = ov - lo;
  const out: RegionWindow[] = [];
  for (let r = 0; r + 1 < ys.length; r++)
    for (let c = 0; c + 1 < xs.length; c++) {
      const x0 = Math.max(0, xs[c] - (c > 0 ? lo : 0));
      const x1 = Math.min(width, xs[c + 1] + (c + 2 < xs.length ? hi : 0));
      const y0 = Math.max(0, ys[r] - (r > 0 ? lo : 0));
      const y1 = Math.min(height, ys[r + 1] + (r + 2 < ys.length ? hi : 0));
      out.push({ row: r, col: c, x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    }
  return out;
}

/** The region's own geotransform: the parent's, moved to the region's top-left pixel. */
export function regionGeoTransform(gt: GeoTransform, x: number, y: number): GeoTransform {
  return [gt[0] + x * gt[1] + y * gt[2], gt[1], gt[2], gt[3] + x * gt[4] + y * gt[5], gt[4], gt[5]];
}

/** Region pixel (col, row) -> parent pixel. */
export function regionToParent(win: { x: number; y: number }, col: number, row: number): [number, number] {
  return [col + win.x, row + win.y];
}
