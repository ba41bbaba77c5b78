/**
 * One-time per-frame preprocessing shared by one-click fitting and proposals:
 *  1. a local ground height map (coarse grid of robust minimum z, spread by a min filter), and
 *  2. a fine bird's-eye grid that buckets only obstacle points (between minHeight and maxHeight
 *     above the local ground), sorted by cell so a cell's points are one contiguous run.
 * Everything lives in typed arrays; building it is O(points + cells).
 */

export interface FrameIndexOptions {
  /** Fine grid cell in metres (clustering resolution). */
  cellSize?: number;
  /** Ground grid cell in metres. */
  groundCellSize?: number;
  /** Radius, in ground cells, of the min filter that fills the ground under objects. */
  groundFilterRadius?: number;
  /** Points lower than this above the ground are ground (metres). */
  minHeight?: number;
  /** Points higher than this above the ground (canopies, overpasses) are ignored. */
  maxHeight?: number;
  /** Points farther than this from the sensor (in x or y) are left out of the grids. */
  maxRange?: number;
  /**
   * Only this bird's-eye window [x0, y0, x1, y1] is gridded (instead of +-maxRange around the
   * sensor): a fit far out (a bus at 110 m) gets a small index of its surroundings (fit.ts).
   */
  window?: readonly [number, number, number, number];
}

export interface FrameIndex {
  positions: Float32Array;
  count: number;
  cellSize: number;
  originX: number;
  originY: number;
  nx: number;
  ny: number;
  /** Obstacle points of fine cell c are sorted[cellStart[c] .. cellStart[c+1]). */
  cellStart: Uint32Array;
  sorted: Uint32Array;
  obstacleCount: number;
  /**
   * Highest obstacle point of each fine cell, in metres above the local ground (0 for empty
   * cells): lets a fit for a class of known height leave out walls, trucks and poles beside it.
   */
  cellTop: Float32Array;
  groundCellSize: number;
  groundNx: number;
  groundNy: number;
  groundZ: Float32Array;
  /** Reusable scratch for searches over the fine grid (see cluster.ts). */
  scratch: { visitStamp: Uint32Array; stamp: number; queue: Int32Array };
  /** The options the index was built with, so callers can tell whether it is still suitable. */
  options: typeof DEFAULT_FRAME_INDEX_OPTIONS;
}

export const DEFAULT_FRAME_INDEX_OPTIONS: Required<Omit<FrameIndexOptions, 'window'>> & Pick<FrameIndexOptions, 'window'> = {
  cellSize: 0.2,
  groundCellSize: 1,
  groundFilterRadius: 2,
  minHeight: 0.25,
  maxHeight: 3,
  maxRange: 100,
};

export function buildFrameIndex(positions: Float32Array, count: number, options: FrameIndexOptions = {}): FrameIndex {
  const o = { ...DEFAULT_FRAME_INDEX_OPTIONS, ...options };
  // Grid bounds from the data, clamped to maxRange so a few stray far points cannot blow up memory.
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    const x = positions[i * 3], y = positions[i * 3 + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (count === 0) minX = minY = maxX = maxY = 0;
  const [wx0, wy0, wx1, wy1] = o.window ?? [-o.maxRange, -o.maxRange, o.maxRange, o.maxRange];
  minX = Math.max(minX, wx0);
  minY = Math.max(minY, wy0);
  maxX = Math.min(maxX, wx1);
  maxY = Math.min(maxY, wy1);
  if (minX > maxX || minY > maxY) minX = maxX = minY = maxY = 0;

  const ground = buildGroundMap(positions, count, minX, minY, maxX, maxY, o);

  const cs = o.cellSize;
  const inv = 1 / cs;
  const nx = Math.max(1, Math.ceil((maxX - minX) / cs) + 1);
  const ny = Math.max(1, Math.ceil((maxY - minY) / cs) + 1);
  const cells = nx * ny;
  // Counting sort of obstacle points by fine cell. cellOf holds each point's cell or -1.
  const cellOf = new Int32Array(count);
  const cellStart = new Uint32Array(cells + 1);
  const cellTop = new Float32Array(cells);
  let obstacles = 0;
  for (let i = 0; i < count; i++) {
    const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
    cellOf[i] = -1;
    if (x < minX || x > maxX || y < minY || y > maxY) continue;
    const h = z - groundAt(ground, x, y);
    if (h < o.minHeight || h > o.maxHeight) continue;
    const c = Math.floor((x - minX) * inv) + Math.floor((y - minY) * inv) * nx;
    cellOf[i] = c;
    cellStart[c + 1]++;
    if (h > cellTop[c]) cellTop[c] = h;
    obstacles++;
  }
  for (let c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c];
  const fill = cellStart.slice(0, cells);
  const sorted = new Uint32Array(obstacles);
  for (let i = 0; i < count; i++) if (cellOf[i] >= 0) sorted[fill[cellOf[i]]++] = i;

  return {
    positions, count, cellSize: cs, originX: minX, originY: minY, nx, ny, cellStart, sorted,
    obstacleCount: obstacles,
    cellTop,
    groundCellSize: ground.groundCellSize, groundNx: ground.groundNx, groundNy: ground.groundNy, groundZ: ground.groundZ,
    scratch: { visitStamp: new Uint32Array(cells), stamp: 0, queue: new Int32Array(1024) },
    options: o,
  };
}

/** The ground grid shares the fine grid's origin (originX, originY). */
type GroundMap = Pick<FrameIndex, 'groundCellSize' | 'groundNx' | 'groundNy' | 'groundZ' | 'originX' | 'originY'>;

/**
 * Ground height per coarse cell. Per cell we keep the second-lowest z (one stray below-ground
 * return cannot pull the ground down), then take the minimum over a neighbourhood so that cells
 * fully covered by a car get the ground seen around it, and finally use the cell's own value where
 * it is close to that minimum (keeps slopes). Cells with no data take the nearest known ground
 * (far away the road often rises or falls by a metre; a global default would be wrong there).
 */
function buildGroundMap(
  positions: Float32Array, count: number, minX: number, minY: number, maxX: number, maxY: number,
  o: typeof DEFAULT_FRAME_INDEX_OPTIONS,
): GroundMap {
  const gs = o.groundCellSize;
  const gnx = Math.max(1, Math.ceil((maxX - minX) / gs) + 1);
  const gny = Math.max(1, Math.ceil((maxY - minY) / gs) + 1);
  const n = gnx * gny;
  const low1 = new Float32Array(n).fill(Infinity);
  const low2 = new Float32Array(n).fill(Infinity);
  const inv = 1 / gs;
  for (let i = 0; i < count; i++) {
    const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
    if (x < minX || x > maxX || y < minY || y > maxY) continue;
    const c = Math.floor((x - minX) * inv) + Math.floor((y - minY) * inv) * gnx;
    if (z < low1[c]) {
      low2[c] = low1[c];
      low1[c] = z;
    } else if (z < low2[c]) low2[c] = z;
  }
  const robust = new Float32Array(n);
  for (let c = 0; c < n; c++) robust[c] = low2[c] !== Infinity ? low2[c] : low1[c];
  dropSunkenCells(robust, gnx, gny);
  const filtered = minFilter2D(robust, gnx, gny, o.groundFilterRadius);
  const groundZ = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    const local = filtered[c];
    groundZ[c] = local === Infinity ? Infinity : robust[c] - local < o.minHeight ? robust[c] : local;
  }
  fillUnknownFromNearest(groundZ, gnx, gny);
  return { groundCellSize: gs, groundNx: gnx, groundNy: gny, groundZ, originX: minX, originY: minY };
}

/**
 * Returns below the road (reflections off wet asphalt or glass: KITTI drives show clusters of
 * them metres under the street) would become the ground under a whole neighbourhood through the
 * min filter, and everything standing on the real road would then count as obstacle, merging
 * parked cars with the road between them. A cell far below most of its neighbours (more than
 * SUNKEN_M under their lower quartile) is such an artefact: it takes that quartile instead. Real
 * ground does not drop that much within two metres; a kerb is 0.15 m.
 */
const SUNKEN_M = 0.6;
function dropSunkenCells(z: Float32Array, nx: number, ny: number): void {
  const fixed: Array<[number, number]> = [];
  const around: number[] = [];
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      const c = x + y * nx;
      if (z[c] === Infinity) continue;
      around.length = 0;
      for (let yy = Math.max(0, y - 2); yy <= Math.min(ny - 1, y + 2); yy++)
        for (let xx = Math.max(0, x - 2); xx <= Math.min(nx - 1, x + 2); xx++) {
          const v = z[xx + yy * nx];
          if ((xx !== x || yy !== y) && v !== Infinity) around.push(v);
        }
      if (around.length < 6) continue;
      around.sort((a, b) => a - b);
      const q1 = around[Math.floor(around.length / 4)];
      if (z[c] < q1 - SUNKEN_M) fixed.push([c, q1]);
    }
  for (const [c, v] of fixed) z[c] = v;
}

/** Breadth-first fill of Infinity cells from their nearest known neighbour (4-connected). */
function fillUnknownFromNearest(z: Float32Array, nx: number, ny: number): void {
  const queue = new Int32Array(z.length);
  let tail = 0;
  for (let c = 0; c < z.length; c++) if (z[c] !== Infinity) queue[tail++] = c;
  if (tail === 0) {
    z.fill(0);
    return;
  }
  // Neighbour offsets are checked inline (no per-cell closure: this runs on every frame).
  for (let head = 0; head < tail; head++) {
    const c = queue[head];
    const x = c % nx;
    const y = (c - x) / nx;
    for (let k = 0; k < 4; k++) {
      const n = k === 0 ? (x > 0 ? c - 1 : -1) : k === 1 ? (x < nx - 1 ? c + 1 : -1) : k === 2 ? (y > 0 ? c - nx : -1) : y < ny - 1 ? c + nx : -1;
      if (n >= 0 && z[n] === Infinity) {
        z[n] = z[c];
        queue[tail++] = n;
      }
    }
  }
}

/** Separable square min filter (rows then columns), O(n * r). */
function minFilter2D(src: Float32Array, nx: number, ny: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      let m = Infinity;
      for (let k = Math.max(0, x - r); k <= Math.min(nx - 1, x + r); k++) m = Math.min(m, src[y * nx + k]);
      tmp[y * nx + x] = m;
    }
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      let m = Infinity;
      for (let k = Math.max(0, y - r); k <= Math.min(ny - 1, y + r); k++) m = Math.min(m, tmp[k * nx + x]);
      out[y * nx + x] = m;
    }
  return out;
}

function groundAt(g: GroundMap, x: number, y: number): number {
  const gx = Math.min(g.groundNx - 1, Math.max(0, Math.floor((x - g.originX) / g.groundCellSize)));
  const gy = Math.min(g.groundNy - 1, Math.max(0, Math.floor((y - g.originY) / g.groundCellSize)));
  return g.groundZ[gx + gy * g.groundNx];
}

/** Local ground height (metres, LiDAR z) under (x, y). */
export function groundHeight(index: FrameIndex, x: number, y: number): number {
  return groundAt(index, x, y);
}

/** Fine cell containing (x, y), or -1 outside the grid. */
export function cellAt(index: FrameIndex, x: number, y: number): number {
  const cx = Math.floor((x - index.originX) / index.cellSize);
  const cy = Math.floor((y - index.originY) / index.cellSize);
  if (cx < 0 || cy < 0 || cx >= index.nx || cy >= index.ny) return -1;
  return cx + cy * index.nx;
}

const cache = new WeakMap<Float32Array, FrameIndex>();

/**
 * The frame index for a positions array, built on first use and cached per array (weakly, so it
 * goes away with the cloud). Call again with different options to rebuild.
 */
export function frameIndexFor(positions: Float32Array, count: number, options: FrameIndexOptions = {}): FrameIndex {
  const hit = cache.get(positions);
  const wanted = { ...DEFAULT_FRAME_INDEX_OPTIONS, ...options };
  if (hit && hit.count === count && (Object.keys(wanted) as Array<keyof FrameIndexOptions>).every((k) => hit.options[k] === wanted[k]))
    return hit;
  const built = buildFrameIndex(positions, count, options);
  cache.set(positions, built);
  return built;
}
