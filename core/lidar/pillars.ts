/**
 * Points -> pillars, the input of PointPillars-style LiDAR detectors, on typed arrays.
 *
 * Follows what OpenPCDet does at test time (mask_points_by_range, then the spconv voxel generator,
 * then PillarVFE's feature augmentation) so that a model trained there sees the same numbers:
 *  - a point belongs to voxel floor((p - rangeMin) / voxelSize) and is dropped when that index is
 *    outside the grid (so the range is [min, max) on every axis);
 *  - pillars are numbered in the order their first point appears in the cloud; once `maxPillars`
 *    exist, points of new pillars are dropped, and a pillar keeps its first `maxPointsPerPillar`
 *    points (no shuffling: OpenPCDet shuffles only when training);
 *  - the mean used by the cluster offsets (xc, yc, zc) is over the points the pillar kept;
 *  - rows past a pillar's point count stay all zero (PillarVFE multiplies them by its padding mask).
 * Pure: no Node, DOM or app imports; one Int32Array lookup table of the grid's size, no per-point
 * objects. Voxel indices are computed in float64 where spconv uses float32, so a point within
 * ~1e-6 m of a pillar border may land in the neighbouring pillar; nothing else differs.
 */

/**
 * Per-point features, in the order the model wants them:
 * x, y, z, intensity: the point itself (intensity times `intensityScale`);
 * xc, yc, zc: offset to the mean of the pillar's points (OpenPCDet's f_cluster);
 * xp, yp, zp: offset to the pillar's geometric centre (OpenPCDet's f_center);
 * distance: |xyz| (PillarVFE with_distance).
 */
export const PILLAR_FEATURES = ['x', 'y', 'z', 'intensity', 'xc', 'yc', 'zc', 'xp', 'yp', 'zp', 'distance'] as const;
export type PillarFeature = (typeof PILLAR_FEATURES)[number];

/** OpenPCDet PillarVFE with USE_ABSOLUTE_XYZ and without distance: 10 values per point. */
export const OPENPCDET_PILLAR_FEATURES: readonly PillarFeature[] = ['x', 'y', 'z', 'intensity', 'xc', 'yc', 'zc', 'xp', 'yp', 'zp'];
/** Raw points, for exports whose graph augments the features itself (mmdeploy). */
export const RAW_POINT_FEATURES: readonly PillarFeature[] = ['x', 'y', 'z', 'intensity'];

export interface PillarGrid {
  /** [xmin, ymin, zmin, xmax, ymax, zmax] (OpenPCDet POINT_CLOUD_RANGE). */
  range: readonly number[];
  /** [vx, vy, vz]; a pillar grid has vz = zmax - zmin. */
  voxelSize: readonly number[];
  maxPointsPerPillar: number;
  maxPillars: number;
}

export interface PillarOptions {
  features?: readonly PillarFeature[];
  /** Multiplies intensity (e.g. 1/255 for a model trained on 0..1 intensity fed 0..255 data). */
  intensityScale?: number;
  /**
   * Rows of the output (a model exported with a fixed pillar count takes exactly that many, the
   * unused rows zero). Defaults to the number of pillars found. Caps `maxPillars`.
   */
  capacity?: number;
}

export interface PillarCloud {
  /** x y z interleaved. */
  positions: Float32Array;
  count: number;
  /** Added to every position first (a parser's recentring, undone: detectors work in the sensor frame). */
  offset?: readonly number[];
  /** One value per point; zero when absent. */
  intensity?: ArrayLike<number>;
}

export interface Pillars {
  /** Pillars found (P), at most maxPillars and capacity. */
  count: number;
  /** Rows in the arrays below (>= count); rows past `count` are zero. */
  capacity: number;
  maxPointsPerPillar: number;
  featureCount: number;
  /** [capacity, maxPointsPerPillar, featureCount]. */
  features: Float32Array;
  /** [capacity, 4]: batch (0), z, y, x voxel indices, as OpenPCDet's voxel_coords and mmdet3d's coors. */
  coords: Int32Array;
  /** [capacity]: points kept in each pillar. */
  numPoints: Int32Array;
  /** Points inside the range. */
  inRange: number;
  /** Points inside the range that did not fit (pillar full, or no pillar left). */
  dropped: number;
}

export interface GridSize {
  nx: number;
  ny: number;
  nz: number;
}

/** Grid cells per axis, rounded like OpenPCDet (`np.round((max - min) / size)`). */
export function gridSize(grid: Pick<PillarGrid, 'range' | 'voxelSize'>): GridSize {
  const [x0, y0, z0, x1, y1, z1] = grid.range;
  const [vx, vy, vz] = grid.voxelSize;
  return { nx: Math.round((x1 - x0) / vx), ny: Math.round((y1 - y0) / vy), nz: Math.round((z1 - z0) / vz) };
}

/** Problems with a grid (empty when it is usable); messages name the field. */
export function checkPillarGrid(grid: PillarGrid): string[] {
  const problems: string[] = [];
  if (grid.range.length !== 6 || !grid.range.every(Number.isFinite)) problems.push('pointCloudRange must be 6 finite numbers [xmin, ymin, zmin, xmax, ymax, zmax]');
  if (grid.voxelSize.length !== 3 || !grid.voxelSize.every((v) => Number.isFinite(v) && v > 0)) problems.push('voxelSize must be 3 positive numbers');
  if (problems.length) return problems;
  for (let a = 0; a < 3; a++) if (!(grid.range[a + 3] > grid.range[a])) problems.push(`pointCloudRange max ${'xyz'[a]} must be above its min`);
  if (problems.length) return problems; // the grid size means nothing for an inverted range
  const { nx, ny, nz } = gridSize(grid);
  if (nx < 1 || ny < 1 || nz < 1) problems.push('voxelSize is larger than the range');
  else if (nx * ny * nz > 64_000_000) problems.push(`the grid has ${nx} x ${ny} x ${nz} cells; more than 64 million is not supported`);
  if (!Number.isInteger(grid.maxPointsPerPillar) || grid.maxPointsPerPillar < 1) problems.push('maxPointsPerVoxel must be a positive integer');
  if (!Number.isInteger(grid.maxPillars) || grid.maxPillars < 1) problems.push('maxVoxels must be a positive integer');
  return problems;
}

const FEATURE_CODE: Record<PillarFeature, number> = { x: 0, y: 1, z: 2, intensity: 3, xc: 4, yc: 5, zc: 6, xp: 7, yp: 8, zp: 9, distance: 10 };

/** Group a cloud into pillars and compute each kept point's features. */
export function pillarize(cloud: PillarCloud, grid: PillarGrid, options: PillarOptions = {}): Pillars {
  const problems = checkPillarGrid(grid);
  if (problems.length) throw new Error(`pillar grid: ${problems.join('; ')}`);
  const features = options.features ?? OPENPCDET_PILLAR_FEATURES;
  const codes = Int8Array.from(features, (f) => FEATURE_CODE[f]);
  const wantDistance = features.includes('distance');
  const F = codes.length;
  const M = grid.maxPointsPerPillar;
  const maxPillars = options.capacity !== undefined ? Math.min(grid.maxPillars, options.capacity) : grid.maxPillars;
  const iScale = options.intensityScale ?? 1;
  const { nx, ny, nz } = gridSize(grid);
  const [x0, y0, z0] = grid.range;
  const [vx, vy, vz] = grid.voxelSize;
  const [ox, oy, oz] = cloud.offset ?? [0, 0, 0];
  const pos = cloud.positions;
  const n = cloud.count;
  if (pos.length < n * 3) throw new Error(`pillarize: positions hold ${Math.floor(pos.length / 3)} points, count says ${n}`);
  const intensity = cloud.intensity;
  if (intensity && intensity.length < n) throw new Error(`pillarize: intensity holds ${intensity.length} values for ${n} points`);

  // Pass 1: voxel of every point, pillar ids in order of first appearance, point slots, sums.
  const cellToPillar = new Int32Array(nx * ny * nz).fill(-1);
  const slot = new Int32Array(n);
  const pillarCoords = new Int32Array(maxPillars * 4);
  const kept = new Int32Array(maxPillars);
  const sums = new Float64Array(maxPillars * 3);
  let count = 0;
  let inRange = 0;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    slot[i] = -1;
    const x = pos[i * 3] + ox;
    const y = pos[i * 3 + 1] + oy;
    const z = pos[i * 3 + 2] + oz;
    const cx = Math.floor((x - x0) / vx);
    const cy = Math.floor((y - y0) / vy);
    const cz = Math.floor((z - z0) / vz);
    // NaN fails every comparison, so non-finite points are outside too
    if (!(cx >= 0 && cx < nx && cy >= 0 && cy < ny && cz >= 0 && cz < nz)) continue;
    inRange++;
    const cell = (cz * ny + cy) * nx + cx;
    let p = cellToPillar[cell];
    if (p < 0) {
      if (count >= maxPillars) {
        dropped++;
        continue;
      }
      p = count++;
      cellToPillar[cell] = p;
      pillarCoords[p * 4 + 1] = cz;
      pillarCoords[p * 4 + 2] = cy;
      pillarCoords[p * 4 + 3] = cx;
    }
    const k = kept[p];
    if (k >= M) {
      dropped++;
      continue;
    }
    kept[p] = k + 1;
    slot[i] = p * M + k;
    sums[p * 3] += x;
    sums[p * 3 + 1] += y;
    sums[p * 3 + 2] += z;
  }

  const capacity = Math.max(options.capacity ?? count, count);
  const out = new Float32Array(capacity * M * F);
  const coords = new Int32Array(capacity * 4);
  coords.set(pillarCoords.subarray(0, count * 4));
  const numPoints = new Int32Array(capacity);
  numPoints.set(kept.subarray(0, count));
  // Pillar means and centres once per pillar (centre = index * size + size / 2 + min, as PillarVFE).
  const mean = new Float64Array(count * 3);
  const centre = new Float64Array(count * 3);
  for (let p = 0; p < count; p++) {
    const k = kept[p];
    mean[p * 3] = sums[p * 3] / k;
    mean[p * 3 + 1] = sums[p * 3 + 1] / k;
    mean[p * 3 + 2] = sums[p * 3 + 2] / k;
    centre[p * 3] = pillarCoords[p * 4 + 3] * vx + vx / 2 + x0;
    centre[p * 3 + 1] = pillarCoords[p * 4 + 2] * vy + vy / 2 + y0;
    centre[p * 3 + 2] = pillarCoords[p * 4 + 1] * vz + vz / 2 + z0;
  }

  // Pass 2: features of every kept point, written straight into its row. All candidate values
  // are computed into a small scratch array and picked by code: cheaper than a switch per value.
  const v = new Float64Array(11);
  const hasI = intensity !== undefined;
  for (let i = 0; i < n; i++) {
    const s = slot[i];
    if (s < 0) continue;
    const p3 = ((s / M) | 0) * 3;
    const x = pos[i * 3] + ox;
    const y = pos[i * 3 + 1] + oy;
    const z = pos[i * 3 + 2] + oz;
    v[0] = x;
    v[1] = y;
    v[2] = z;
    v[3] = hasI ? intensity[i] * iScale : 0;
    v[4] = x - mean[p3];
    v[5] = y - mean[p3 + 1];
    v[6] = z - mean[p3 + 2];
    v[7] = x - centre[p3];
    v[8] = y - centre[p3 + 1];
    v[9] = z - centre[p3 + 2];
    if (wantDistance) v[10] = Math.sqrt(x * x + y * y + z * z);
    const base = s * F;
    for (let f = 0; f < F; f++) out[base + f] = v[codes[f]];
  }
  return { count, capacity, maxPointsPerPillar: M, featureCount: F, features: out, coords, numPoints, inRange, dropped };
}
