/**
 * Which pyramid tiles the viewer asks for (pure, shared with the remote-sensing bench): the level
 * whose pixels are closest to (not smaller than half) a screen pixel, the next coarser level
 * (shown while the finer tiles load) and the one-tile coarsest level, each limited to the tiles
 * inside the viewer. `t` maps image pixels to screen pixels: x' = t0 + t1·x + t2·y, y' = t3 + t4·x + t5·y.
 */
export type Affine6 = [number, number, number, number, number, number];

export interface TileRef {
  level: number;
  x: number;
  y: number;
}

export function tileLevel(t: Affine6, levels: number): { level: number; scale: number } {
  const scale = Math.sqrt(Math.abs(t[1] * t[5] - t[2] * t[4])) || 1e-9;
  return { level: Math.max(0, Math.min(levels - 1, Math.floor(Math.log2(1 / scale)))), scale };
}

export function visibleTiles(img: { width: number; height: number; levels: number; tileSize: number }, t: Affine6, vw: number, vh: number): { level: number; scale: number; tiles: TileRef[] } {
  const { width, height, levels, tileSize: T } = img;
  const det = t[1] * t[5] - t[2] * t[4];
  const { level, scale } = tileLevel(t, levels);
  // the viewer's corners in image pixels (inverse affine)
  const inv = (sx: number, sy: number) => {
    const x = sx - t[0];
    const y = sy - t[3];
    return [(x * t[5] - y * t[2]) / det, (y * t[1] - x * t[4]) / det];
  };
  const cs = [inv(0, 0), inv(vw, 0), inv(0, vh), inv(vw, vh)];
  const x0 = Math.min(...cs.map((c) => c[0])), x1 = Math.max(...cs.map((c) => c[0]));
  const y0 = Math.min(...cs.map((c) => c[1])), y1 = Math.max(...cs.map((c) => c[1]));
  const tiles: TileRef[] = [];
  const shown = new Set([levels - 1, Math.min(levels - 1, level + 1), level]);
  for (const l of [...shown].sort((a, b) => b - a)) {
    const span = T * 2 ** l;
    const cols = Math.ceil(width / span);
    const rows = Math.ceil(height / span);
    const cx0 = Math.max(0, Math.floor(x0 / span)), cx1 = Math.min(cols - 1, Math.floor(x1 / span));
    const cy0 = Math.max(0, Math.floor(y0 / span)), cy1 = Math.min(rows - 1, Math.floor(y1 / span));
    for (let ty = cy0; ty <= cy1; ty++) for (let tx = cx0; tx <= cx1; tx++) tiles.push({ level: l, x: tx, y: ty });
  }
  return { level, scale, tiles };
}
