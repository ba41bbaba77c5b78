/**
 * Where the scripted annotator clicks with Segment (AI) (issue #16, the mask arm's SAM policy):
 * the first object point inside the target outline, and then one corrective point in the largest
 * region the mask gets wrong. Pure functions on flat [x, y, ...] outlines in image pixels,
 * rasterised on the 1-px grid (pixel centres, even-odd).
 */

export interface Prompt {
  x: number;
  y: number;
  /** 1: object point (click), 0: background point (Shift+click). */
  label: 0 | 1;
  /** Pixels in the region the point was put in. */
  area: number;
}

function inside(flat: readonly number[], x: number, y: number): boolean {
  let c = false;
  const n = flat.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = flat[2 * i], yi = flat[2 * i + 1], xj = flat[2 * j], yj = flat[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

interface Grid {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/** The grid over the outlines' bounding box with a 1-px empty border (so its edge is outside). */
function gridOver(...rings: (readonly number[])[]): Grid {
  const xs = rings.flatMap((r) => r.filter((_, i) => i % 2 === 0)), ys = rings.flatMap((r) => r.filter((_, i) => i % 2 === 1));
  const x0 = Math.floor(Math.min(...xs)) - 1, y0 = Math.floor(Math.min(...ys)) - 1;
  return { x0, y0, w: Math.ceil(Math.max(...xs)) + 2 - x0, h: Math.ceil(Math.max(...ys)) + 2 - y0 };
}

function raster(flat: readonly number[], g: Grid): Uint8Array {
  const m = new Uint8Array(g.w * g.h);
  if (flat.length < 6) return m;
  for (let j = 0; j < g.h; j++) for (let i = 0; i < g.w; i++) m[j * g.w + i] = inside(flat, g.x0 + i + 0.5, g.y0 + j + 0.5) ? 1 : 0;
  return m;
}

/** Chamfer distance (1, √2) of every set pixel to the nearest unset one. */
function depth(m: Uint8Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h);
  const D = Math.SQRT2;
  for (let k = 0; k < d.length; k++) d[k] = m[k] ? Infinity : 0;
  const at = (i: number, j: number) => (i < 0 || j < 0 || i >= w || j >= h ? 0 : d[j * w + i]);
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) if (m[j * w + i]) d[j * w + i] = Math.min(d[j * w + i], at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + D, at(i + 1, j - 1) + D);
  for (let j = h - 1; j >= 0; j--)
    for (let i = w - 1; i >= 0; i--) if (m[j * w + i]) d[j * w + i] = Math.min(d[j * w + i], at(i + 1, j) + 1, at(i, j + 1) + 1, at(i + 1, j + 1) + D, at(i - 1, j + 1) + D);
  return d;
}

/** The deepest set pixel's centre (the raster pole of inaccessibility) and its depth. */
function deepest(m: Uint8Array, g: Grid): { x: number; y: number; depth: number } | null {
  const d = depth(m, g.w, g.h);
  let best = -1;
  for (let k = 0; k < d.length; k++) if (m[k] && (best < 0 || d[k] > d[best])) best = k;
  return best < 0 ? null : { x: g.x0 + (best % g.w) + 0.5, y: g.y0 + Math.floor(best / g.w) + 0.5, depth: d[best] };
}

/** Area centroid of a ring (shoelace). */
export function centroid(flat: readonly number[]): [number, number] {
  let a = 0, cx = 0, cy = 0;
  const n = flat.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const c = flat[2 * j] * flat[2 * i + 1] - flat[2 * i] * flat[2 * j + 1];
    a += c;
    cx += (flat[2 * j] + flat[2 * i]) * c;
    cy += (flat[2 * j + 1] + flat[2 * i + 1]) * c;
  }
  if (a === 0) return [flat[0], flat[1]];
  return [cx / (3 * a), cy / (3 * a)];
}

/**
 * The first object point: the centroid when it lies inside the outline at least half as deep as
 * the deepest point (what an annotator aims for: the middle of the object, away from its edge),
 * else the pole of inaccessibility (a C shape, a thin diagonal object whose centroid is outside
 * or near an edge).
 */
export function interiorPoint(flat: readonly number[]): [number, number] {
  const g = gridOver(flat);
  const m = raster(flat, g);
  const pole = deepest(m, g);
  if (!pole) return centroid(flat);
  const [cx, cy] = centroid(flat);
  const i = Math.floor(cx) - g.x0, j = Math.floor(cy) - g.y0;
  if (i >= 0 && j >= 0 && i < g.w && j < g.h && m[j * g.w + i] && inside(flat, cx, cy)) {
    const d = depth(m, g.w, g.h)[j * g.w + i];
    if (d >= pole.depth / 2) return [cx, cy];
  }
  return [pole.x, pole.y];
}

/** 4-connected components of a mask, largest first: [pixel indices]. */
function largestComponent(m: Uint8Array, w: number, h: number): Uint8Array | null {
  const seen = new Uint8Array(m.length);
  let best: number[] = [];
  for (let s = 0; s < m.length; s++) {
    if (!m[s] || seen[s]) continue;
    const comp: number[] = [];
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const k = stack.pop()!;
      comp.push(k);
      const i = k % w, j = (k - i) / w;
      for (const [a, b] of [[i - 1, j], [i + 1, j], [i, j - 1], [i, j + 1]]) {
        if (a < 0 || b < 0 || a >= w || b >= h) continue;
        const q = b * w + a;
        if (m[q] && !seen[q]) (seen[q] = 1), stack.push(q);
      }
    }
    if (comp.length > best.length) best = comp;
  }
  if (!best.length) return null;
  const out = new Uint8Array(m.length);
  for (const k of best) out[k] = 1;
  return out;
}

/**
 * The corrective point after a mask `pred` (null: no mask) for the target outline `gt`: an
 * object point at the deepest pixel of the largest missed region (in the target, not in the
 * mask), or a background point at the deepest pixel of the largest wrong region (in the mask,
 * not in the target), whichever region is larger. Null when the two agree on every pixel.
 */
export function nextPrompt(gt: readonly number[], pred: readonly number[] | null): Prompt | null {
  const g = pred && pred.length >= 6 ? gridOver(gt, pred) : gridOver(gt);
  const a = raster(gt, g), b = pred ? raster(pred, g) : new Uint8Array(a.length);
  const missed = new Uint8Array(a.length), wrong = new Uint8Array(a.length);
  for (let k = 0; k < a.length; k++) (missed[k] = a[k] & (b[k] ^ 1)), (wrong[k] = b[k] & (a[k] ^ 1));
  const cm = largestComponent(missed, g.w, g.h), cw = largestComponent(wrong, g.w, g.h);
  const count = (c: Uint8Array | null) => (c ? c.reduce((s, v) => s + v, 0) : 0);
  const nm = count(cm), nw = count(cw);
  if (!nm && !nw) return null;
  const positive = nm >= nw;
  const p = deepest((positive ? cm : cw)!, g)!;
  return { x: p.x, y: p.y, label: positive ? 1 : 0, area: positive ? nm : nw };
}
