/**
 * 3D segment operations a 3D Slicer / ITK-SNAP user reaches for: region growing from a seed
 * within an intensity range, threshold inside a 3D box, remove small islands, keep the largest
 * component, fill holes, and smoothing. All work on the label map in the volume's voxel grid
 * (so SEG / NIfTI exports keep their geometry) with 6-connectivity (face neighbours), and return
 * the number of voxels changed so the editor can make each one undo step.
 */
import type { Labelmap } from './segmentation';
import type { Vec3, Volume } from './types';

type Intensities = Pick<Volume, 'data' | 'dims' | 'channels'>;

/** A growable FIFO of voxel offsets (a 512x512x300 flood never allocates a volume-sized queue up front). */
class OffsetQueue {
  private buf = new Int32Array(1 << 16);
  private head = 0;
  private tail = 0;
  push(o: number) {
    if (this.tail === this.buf.length) {
      const live = this.tail - this.head;
      const next = new Int32Array(live * 2 > this.buf.length ? this.buf.length * 2 : this.buf.length);
      next.set(this.buf.subarray(this.head, this.tail));
      this.buf = next;
      this.head = 0;
      this.tail = live;
    }
    this.buf[this.tail++] = o;
  }
  shift(): number {
    return this.buf[this.head++];
  }
  get size() {
    return this.tail - this.head;
  }
  reset() {
    this.head = this.tail = 0;
  }
}

/**
 * Breadth-first flood over face neighbours from `start`, visiting voxels for which `accept(o)`
 * holds and `seen[o]` is 0; marks them in `seen` and calls `visit(o)` on each. Returns the count.
 */
function flood(dims: Vec3, start: number, seen: Uint8Array, accept: (o: number) => boolean, visit: (o: number) => void, queue = new OffsetQueue()): number {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  if (seen[start] || !accept(start)) return 0;
  queue.reset();
  seen[start] = 1;
  queue.push(start);
  let n = 0;
  while (queue.size) {
    const o = queue.shift();
    visit(o);
    n++;
    const i = o % nx;
    const j = ((o - i) / nx) % ny;
    const k = (o - i - j * nx) / plane;
    const step = (p: number) => {
      if (!seen[p] && accept(p)) {
        seen[p] = 1;
        queue.push(p);
      }
    };
    if (i > 0) step(o - 1);
    if (i < nx - 1) step(o + 1);
    if (j > 0) step(o - nx);
    if (j < ny - 1) step(o + nx);
    if (k > 0) step(o - plane);
    if (k < nz - 1) step(o + plane);
  }
  return n;
}

const offsetOf = (dims: Vec3, v: Vec3) => (v[2] * dims[1] + v[1]) * dims[0] + v[0];

function checkSingleChannel(volume: Intensities) {
  if (volume.channels !== 1) throw new Error('this tool needs a single-channel volume');
}

/**
 * Region growing: every voxel connected to `seed` through voxels with intensity in [min, max]
 * gets `label`. Voxels of other segments stop the growth unless `overwrite`. Returns voxels changed
 * (0 when the seed itself is outside the range).
 */
export function regionGrow(map: Labelmap, volume: Intensities, seed: Vec3, min: number, max: number, label: number, overwrite = false): number {
  checkSingleChannel(volume);
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  const seen = new Uint8Array(map.data.length);
  const d = volume.data;
  let changed = 0;
  flood(
    map.dims,
    offsetOf(map.dims, seed),
    seen,
    (o) => d[o] >= lo && d[o] <= hi && (overwrite || map.data[o] === 0 || map.data[o] === label),
    (o) => {
      if (map.data[o] !== label) {
        map.data[o] = label;
        changed++;
      }
    },
  );
  return changed;
}

/** An axis-aligned box of voxels, inclusive corners (clamped to the volume). */
export interface VoxelBox {
  min: Vec3;
  max: Vec3;
}

/** Threshold within a 3D box: voxels in the box with intensity in [min, max] get `label` (background only unless `overwrite`). */
export function thresholdInBox(map: Labelmap, volume: Intensities, box: VoxelBox, min: number, max: number, label: number, overwrite = false): number {
  checkSingleChannel(volume);
  const [nx, ny, nz] = map.dims;
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  const a = box.min.map((v, i) => Math.max(0, Math.min(v, box.max[i])));
  const b = box.max.map((v, i) => Math.min([nx, ny, nz][i] - 1, Math.max(v, box.min[i])));
  let changed = 0;
  for (let k = a[2]; k <= b[2]; k++) {
    for (let j = a[1]; j <= b[1]; j++) {
      let o = (k * ny + j) * nx + a[0];
      for (let i = a[0]; i <= b[0]; i++, o++) {
        const v = volume.data[o];
        const old = map.data[o];
        if (v >= lo && v <= hi && old !== label && (overwrite || old === 0)) {
          map.data[o] = label;
          changed++;
        }
      }
    }
  }
  return changed;
}

/** The box of half-size `halfMm` (millimetres, per axis through the spacing) around voxel `center`. */
export function boxAround(dims: Vec3, spacing: Vec3, center: Vec3, halfMm: number): VoxelBox {
  // Whole voxels within halfMm of the centre along each axis (never a voxel beyond it).
  const half = spacing.map((s) => Math.max(0, Math.floor(halfMm / s + 1e-9)));
  return {
    min: center.map((c, i) => Math.max(0, c - half[i])) as Vec3,
    max: center.map((c, i) => Math.min(dims[i] - 1, c + half[i])) as Vec3,
  };
}

/** Connected components (face neighbours) of `label`, as lists of offsets. Calls `each(offsets)` per component. */
function components(map: Labelmap, label: number, each: (voxels: Int32Array) => void): void {
  const seen = new Uint8Array(map.data.length);
  const queue = new OffsetQueue();
  let buf = new Int32Array(1 << 12);
  for (let o = 0; o < map.data.length; o++) {
    if (seen[o] || map.data[o] !== label) continue;
    let n = 0;
    flood(
      map.dims,
      o,
      seen,
      (p) => map.data[p] === label,
      (p) => {
        if (n === buf.length) {
          const next = new Int32Array(buf.length * 2);
          next.set(buf);
          buf = next;
        }
        buf[n++] = p;
      },
      queue,
    );
    each(buf.subarray(0, n));
  }
}

/** Remove islands of `label` smaller than `minVoxels` voxels. Returns voxels cleared. */
export function removeSmallIslands(map: Labelmap, label: number, minVoxels: number): number {
  let cleared = 0;
  components(map, label, (voxels) => {
    if (voxels.length >= minVoxels) return;
    for (const o of voxels) map.data[o] = 0;
    cleared += voxels.length;
  });
  return cleared;
}

/** Keep only the largest connected component of `label` (ties: the first found). Returns voxels cleared. */
export function keepLargestComponent(map: Labelmap, label: number): number {
  let largest = 0;
  components(map, label, (v) => {
    largest = Math.max(largest, v.length);
  });
  let kept = false;
  let cleared = 0;
  components(map, label, (voxels) => {
    if (!kept && voxels.length === largest) {
      kept = true;
      return;
    }
    for (const o of voxels) map.data[o] = 0;
    cleared += voxels.length;
  });
  return cleared;
}

/**
 * Fill holes of `label`: background voxels enclosed by the segment in 3D (their background
 * region, over face neighbours, touches neither the volume's border nor another segment) become
 * `label`. Returns voxels filled.
 */
export function fillHoles(map: Labelmap, label: number): number {
  const [nx, ny, nz] = map.dims;
  const seen = new Uint8Array(map.data.length);
  const queue = new OffsetQueue();
  const background = (o: number) => map.data[o] === 0;
  // Mark every background region that touches the border: those are outside.
  const fromBorder = (o: number) => flood(map.dims, o, seen, background, () => {}, queue);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) fromBorder((k * ny + j) * nx + i);
        else if (i === 1 && nx > 2) i = nx - 2; // jump to the far face of this row
      }
    }
  }
  // Remaining background regions are enclosed; fill those bounded only by `label`.
  let filled = 0;
  const region = new OffsetQueue();
  for (let o = 0; o < map.data.length; o++) {
    if (seen[o] || map.data[o] !== 0) continue;
    region.reset();
    let touchesOther = false;
    flood(
      map.dims,
      o,
      seen,
      (p) => {
        const v = map.data[p];
        if (v !== 0 && v !== label) touchesOther = true;
        return v === 0;
      },
      (p) => region.push(p),
      queue,
    );
    if (touchesOther) continue;
    while (region.size) {
      map.data[region.shift()] = label;
      filled++;
    }
  }
  return filled;
}

/** Running box sum along one axis (radius r, clamped at the edges), in place from `src` to `dst`. */
function boxSumAxis(src: Uint16Array, dst: Uint16Array, dims: Vec3, axis: 0 | 1 | 2, r: number): void {
  const [nx, ny, nz] = dims;
  const n = [nx, ny, nz][axis];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const lines = (nx * ny * nz) / n;
  for (let line = 0; line < lines; line++) {
    // The first voxel of this line: enumerate the other two axes.
    let base: number;
    if (axis === 0) base = line * nx;
    else if (axis === 1) base = (Math.floor(line / nx) * ny) * nx + (line % nx);
    else base = line;
    let sum = 0;
    for (let t = 0; t <= Math.min(r, n - 1); t++) sum += src[base + t * stride];
    for (let t = 0; t < n; t++) {
      dst[base + t * stride] = sum;
      const add = t + r + 1;
      const drop = t - r;
      if (add < n) sum += src[base + add * stride];
      if (drop >= 0) sum -= src[base + drop * stride];
    }
  }
}

/**
 * Median smoothing of `label` (3D Slicer's "Median" smoothing of a binary segment): a voxel is
 * in the segment when more than half of the (2r+1)^3 box around it is (the box is cut at the
 * volume's edges). Removes spikes and fills notches smaller than the box; only voxels that are
 * background or `label` change. Returns voxels changed.
 */
export function smoothSegment(map: Labelmap, label: number, radius = 1): number {
  const size = map.data.length;
  const a = new Uint16Array(size);
  const b = new Uint16Array(size);
  for (let o = 0; o < size; o++) a[o] = map.data[o] === label ? 1 : 0;
  boxSumAxis(a, b, map.dims, 0, radius);
  boxSumAxis(b, a, map.dims, 1, radius);
  boxSumAxis(a, b, map.dims, 2, radius);
  // Neighbourhood size per voxel, also cut at the edges: count ones the same way.
  const ones = new Uint16Array(size).fill(1);
  const tmp = new Uint16Array(size);
  boxSumAxis(ones, tmp, map.dims, 0, radius);
  boxSumAxis(tmp, ones, map.dims, 1, radius);
  boxSumAxis(ones, tmp, map.dims, 2, radius);
  let changed = 0;
  for (let o = 0; o < size; o++) {
    const old = map.data[o];
    if (old !== 0 && old !== label) continue;
    const inside = b[o] * 2 > tmp[o];
    const next = inside ? label : 0;
    if (next !== old) {
      map.data[o] = next;
      changed++;
    }
  }
  return changed;
}
