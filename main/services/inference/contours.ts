/**
 * Binary-image geometry used by the adapters: connected components, convex hull, minimum-area
 * rotated rectangle, outer-contour tracing and polygon simplification. Pure functions over
 * row-major Uint8Array bitmaps (non-zero = foreground); points are pixel centres.
 */

export interface Component {
  /** Pixel indices (y * width + x). */
  pixels: Int32Array;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** 8-connected components of the foreground, in raster order of their first pixel. */
export function connectedComponents(bin: Uint8Array, width: number, height: number, minPixels = 1): Component[] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const out: Component[] = [];
  const buf: number[] = [];
  for (let start = 0; start < bin.length; start++) {
    if (!bin[start] || seen[start]) continue;
    let sp = 0;
    stack[sp++] = start;
    seen[start] = 1;
    buf.length = 0;
    let minX = width, minY = height, maxX = -1, maxY = -1;
    while (sp > 0) {
      const p = stack[--sp];
      buf.push(p);
      const y = (p / width) | 0;
      const x = p - y * width;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (bin[q] && !seen[q]) {
            seen[q] = 1;
            stack[sp++] = q;
          }
        }
      }
    }
    if (buf.length >= minPixels) out.push({ pixels: Int32Array.from(buf), minX, minY, maxX, maxY });
  }
  return out;
}

/** Convex hull (Andrew's monotone chain) of flat [x, y, ...] points, counter-clockwise in y-up terms. */
export function convexHull(points: ArrayLike<number>): number[] {
  const n = points.length / 2;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => points[2 * a] - points[2 * b] || points[2 * a + 1] - points[2 * b + 1]);
  const cross = (o: number, a: number, b: number) =>
    (points[2 * a] - points[2 * o]) * (points[2 * b + 1] - points[2 * o + 1]) - (points[2 * a + 1] - points[2 * o + 1]) * (points[2 * b] - points[2 * o]);
  const lower: number[] = [];
  for (const i of idx) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], i) <= 0) lower.pop();
    lower.push(i);
  }
  const upper: number[] = [];
  for (let k = idx.length - 1; k >= 0; k--) {
    const i = idx[k];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], i) <= 0) upper.pop();
    upper.push(i);
  }
  const hull = lower.slice(0, -1).concat(upper.slice(0, -1));
  const out: number[] = [];
  for (const i of hull) out.push(points[2 * i], points[2 * i + 1]);
  return out;
}

/** Hull points of a component: the leftmost and rightmost pixel of each row are enough. */
export function componentHull(c: Component, width: number): number[] {
  const rows = c.maxY - c.minY + 1;
  const lo = new Int32Array(rows).fill(2 ** 30);
  const hi = new Int32Array(rows).fill(-1);
  for (const p of c.pixels) {
    const y = (p / width) | 0;
    const x = p - y * width;
    const r = y - c.minY;
    if (x < lo[r]) lo[r] = x;
    if (x > hi[r]) hi[r] = x;
  }
  const pts: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (hi[r] < 0) continue;
    pts.push(lo[r], r + c.minY);
    if (hi[r] !== lo[r]) pts.push(hi[r], r + c.minY);
  }
  return pts.length >= 6 ? convexHull(pts) : pts;
}

export interface RotatedRect {
  cx: number;
  cy: number;
  /** Side along `angle`. */
  width: number;
  height: number;
  /** Radians. */
  angle: number;
}

/** Minimum-area enclosing rectangle of a convex polygon (flat points), by trying each edge direction. */
export function minAreaRect(hull: number[]): RotatedRect {
  const n = hull.length / 2;
  if (n === 0) return { cx: 0, cy: 0, width: 0, height: 0, angle: 0 };
  if (n === 1) return { cx: hull[0], cy: hull[1], width: 0, height: 0, angle: 0 };
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const ex = hull[2 * j] - hull[2 * i];
    const ey = hull[2 * j + 1] - hull[2 * i + 1];
    const len = Math.hypot(ex, ey);
    if (len === 0) continue;
    const ux = ex / len, uy = ey / len;
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (let k = 0; k < n; k++) {
      const px = hull[2 * k], py = hull[2 * k + 1];
      const u = px * ux + py * uy;
      const v = -px * uy + py * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2, cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, angle: Math.atan2(uy, ux) };
    }
  }
  return best ?? { cx: hull[0], cy: hull[1], width: 0, height: 0, angle: 0 };
}

/** Corners of a rotated rectangle, flat [x, y] x 4, clockwise on screen starting top-left-ish. */
export function rectCorners(r: RotatedRect): number[] {
  const c = Math.cos(r.angle), s = Math.sin(r.angle);
  const hw = r.width / 2, hh = r.height / 2;
  const pts: [number, number][] = [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ].map(([u, v]) => [r.cx + u * c - v * s, r.cy + u * s + v * c]);
  // start at the corner with the smallest x + y, keep the (screen) clockwise order
  let first = 0;
  for (let i = 1; i < 4; i++) if (pts[i][0] + pts[i][1] < pts[first][0] + pts[first][1]) first = i;
  const ordered = [0, 1, 2, 3].map((k) => pts[(first + k) % 4]);
  const area = ordered.reduce((a, p, i) => a + p[0] * ordered[(i + 1) % 4][1] - ordered[(i + 1) % 4][0] * p[1], 0);
  if (area < 0) ordered.splice(1, 3, ordered[3], ordered[2], ordered[1]);
  return ordered.flat();
}

// 8 directions, clockwise on screen (y down): W, NW, N, NE, E, SE, S, SW
const DX = [-1, -1, 0, 1, 1, 1, 0, -1];
const DY = [0, -1, -1, -1, 0, 1, 1, 1];

/**
 * Outer boundary of the 8-connected region containing the first foreground pixel at or after
 * `startIndex` in raster order (Moore-neighbour tracing, Jacob's stopping criterion). Flat points.
 */
export function traceOuterContour(bin: Uint8Array, width: number, height: number, startIndex = 0): number[] {
  let s = -1;
  for (let i = startIndex; i < bin.length; i++) if (bin[i]) { s = i; break; }
  if (s < 0) return [];
  const sy = (s / width) | 0, sx = s - sy * width;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && bin[y * width + x] !== 0;
  const pts = [sx, sy];
  let x = sx, y = sy, b = 0, firstDir = -1;
  const limit = 4 * bin.length + 8;
  for (let iter = 0; iter < limit; iter++) {
    let d = -1;
    for (let k = 1; k <= 8; k++) {
      const dd = (b + k) % 8;
      if (inside(x + DX[dd], y + DY[dd])) { d = dd; break; }
    }
    if (d < 0) break; // isolated pixel
    if (x === sx && y === sy) {
      if (firstDir < 0) firstDir = d;
      else if (d === firstDir) break;
    }
    x += DX[d];
    y += DY[d];
    b = (d + 6 - (d & 1)) % 8;
    if (!(x === sx && y === sy)) pts.push(x, y);
    else if (firstDir >= 0) {
      // back at start: Jacob's criterion is checked on the next step
    }
  }
  return pts;
}

/** Douglas-Peucker simplification of a closed polygon (flat points). */
export function simplifyPolygon(pts: number[], epsilon: number): number[] {
  const n = pts.length / 2;
  if (n <= 4) return pts.slice();
  // split the ring at the point farthest from the first one
  let far = 0, farD = -1;
  for (let i = 1; i < n; i++) {
    const d = (pts[2 * i] - pts[0]) ** 2 + (pts[2 * i + 1] - pts[1]) ** 2;
    if (d > farD) { farD = d; far = i; }
  }
  const keep = new Uint8Array(n + 1);
  keep[0] = keep[far] = keep[n] = 1;
  const at = (i: number) => (i % n) * 2;
  const rec = (a: number, z: number) => {
    if (z - a < 2) return;
    const ax = pts[at(a)], ay = pts[at(a) + 1], zx = pts[at(z)], zy = pts[at(z) + 1];
    const len = Math.hypot(zx - ax, zy - ay);
    let best = -1, bestD = -1;
    for (let i = a + 1; i < z; i++) {
      const px = pts[at(i)], py = pts[at(i) + 1];
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((zx - ax) * (ay - py) - (ax - px) * (zy - ay)) / len;
      if (d > bestD) { bestD = d; best = i; }
    }
    if (bestD > epsilon) {
      keep[best] = 1;
      rec(a, best);
      rec(best, z);
    }
  };
  rec(0, far);
  rec(far, n);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(pts[2 * i], pts[2 * i + 1]);
  return out;
}

export function polygonArea(pts: number[]): number {
  let a = 0;
  const n = pts.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    a += pts[2 * i] * pts[2 * j + 1] - pts[2 * j] * pts[2 * i + 1];
  }
  return Math.abs(a) / 2;
}

/** Largest 8-connected region's simplified outer contour, or [] for an empty mask. */
export function maskToPolygon(mask: Uint8Array, width: number, height: number, epsilon = 1): number[] {
  const comps = connectedComponents(mask, width, height);
  if (comps.length === 0) return [];
  let big = comps[0];
  for (const c of comps) if (c.pixels.length > big.pixels.length) big = c;
  const first = big.pixels.reduce((m, p) => Math.min(m, p), Infinity);
  // trace on a bitmap of just that component so neighbours don't merge in
  const only = new Uint8Array(mask.length);
  for (const p of big.pixels) only[p] = 1;
  return simplifyPolygon(traceOuterContour(only, width, height, first), epsilon);
}
