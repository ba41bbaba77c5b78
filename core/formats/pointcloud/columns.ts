/**
 * Column extraction shared by the record-oriented formats (PCD, PLY, headerless .bin, LAS).
 *
 * Speed: every column is read with one monomorphic DataView loop per element size, storing raw
 * integers (bit-exact, byte-swapped for big-endian sources) into the output typed array. TurboFan
 * inlines DataView accessors, so this matches typed-array views without requiring aligned input
 * (file headers have arbitrary lengths, and aligning by copying would cost a full memcpy and memory).
 * float32 x y z take a single fused pass that also computes the bounds: the wasm SIMD kernel
 * (wasm/xyzKernel.ts) when they are consecutive in the record, else the typed-view or DataView loops
 * below, which give identical results.
 */
import { BYTES_PER_ELEMENT, createTypedArray, type PointCloud, type PointField, type ScalarType, type TypedArray, type Vec3 } from './types';
import { packXyzWasm } from './wasm/xyzKernel';

/** Where one column lives: component 0 of point i starts at byte `start + i * stride` of the source. */
export interface ColumnSource {
  start: number;
  stride: number;
  type: ScalarType;
  count: number;
}

export interface NamedColumn extends ColumnSource {
  name: string;
}

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

/**
 * What a format parser hands to parsePointCloud: the cloud without its format (known by the
 * caller) and with bounds optional (given when the parser already computed them in its main pass).
 */
export type CloudParts = Omit<PointCloud, 'format' | 'bounds' | 'decode'> & { bounds?: Bounds };

const viewOf = (src: Uint8Array) => new DataView(src.buffer, src.byteOffset, src.byteLength);

/**
 * Copies `count` scalars of `elemSize` bytes per point (from `src`, every `stride` bytes from
 * `start`) into `dst`, packed. Values keep their exact bits; big-endian sources are swapped.
 */
export function copyColumn(src: Uint8Array, start: number, stride: number, n: number, elemSize: number, count: number, dst: TypedArray, littleEndian = true): void {
  if (n === 0) return;
  const view = viewOf(src);
  const length = n * count;
  switch (elemSize) {
    case 1: return copy8(view, start, stride, n, count, new Uint8Array(dst.buffer, dst.byteOffset, length));
    case 2: return copy16(view, start, stride, n, count, new Uint16Array(dst.buffer, dst.byteOffset, length), littleEndian);
    case 4: return copy32(view, start, stride, n, count, new Uint32Array(dst.buffer, dst.byteOffset, length), littleEndian);
    case 8: return copy64(view, start, stride, n, count, new Float64Array(dst.buffer, dst.byteOffset, length), littleEndian);
    default: throw new Error(`unsupported element size ${elemSize}`);
  }
}

function copy8(view: DataView, start: number, stride: number, n: number, count: number, out: Uint8Array): void {
  for (let i = 0, p = start, d = 0; i < n; i++, p += stride) {
    for (let k = 0; k < count; k++) out[d++] = view.getUint8(p + k);
  }
}

function copy16(view: DataView, start: number, stride: number, n: number, count: number, out: Uint16Array, le: boolean): void {
  for (let i = 0, p = start, d = 0; i < n; i++, p += stride) {
    for (let k = 0; k < count; k++) out[d++] = view.getUint16(p + 2 * k, le);
  }
}

function copy32(view: DataView, start: number, stride: number, n: number, count: number, out: Uint32Array, le: boolean): void {
  if (count === 1) {
    // The hot path: one 4-byte scalar per record, e.g. intensity in a 16-byte KITTI record.
    for (let i = 0, p = start; i < n; i++, p += stride) out[i] = view.getUint32(p, le);
    return;
  }
  for (let i = 0, p = start, d = 0; i < n; i++, p += stride) {
    for (let k = 0; k < count; k++) out[d++] = view.getUint32(p + 4 * k, le);
  }
}

function copy64(view: DataView, start: number, stride: number, n: number, count: number, out: Float64Array, le: boolean): void {
  for (let i = 0, p = start, d = 0; i < n; i++, p += stride) {
    for (let k = 0; k < count; k++) out[d++] = view.getFloat64(p + 8 * k, le);
  }
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/*
 * One pass over little-endian float32 x, y, z columns that share a stride: copies them interleaved
 * and tracks the bounds (NaN-safe: NaN fails every comparison). `extra` optionally rides along
 * (one 4-byte scalar per point, e.g. intensity) so the records are read once instead of twice.
 * Kept deliberately simple (one induction variable, constant offsets) so TurboFan emits a tight loop.
 */

/** Records per block when an unaligned body is staged through a small aligned scratch buffer. */
const BLOCK_RECORDS = 4096;

/**
 * x, y, z (and optionally one 4-byte attribute) from little-endian float32 records through
 * typed-array views. An unaligned body is staged block by block through a small aligned scratch
 * buffer that stays in cache, instead of one full copy (which would cost a memcpy of the file).
 * Returns null when the record layout itself is not 4-byte aligned (the DataView path handles it).
 */
function fusedAligned(
  src: Uint8Array,
  offsets: [number, number, number],
  stride: number,
  n: number,
  positions: Float32Array,
  extraOffset: number,
  extra: Uint32Array | null,
): RawBounds | null {
  const all = extra ? [...offsets, extraOffset] : offsets;
  if (!HOST_LITTLE_ENDIAN || stride % 4 !== 0 || all.some((o) => o % 4 !== 0)) return null;
  const acc = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  const sw = stride >> 2;
  if (src.byteOffset % 4 === 0) {
    fusedTyped(new Float32Array(src.buffer, src.byteOffset, src.byteLength >> 2), offsets, sw, n, positions, 0, extraOffset, extra, acc);
  } else {
    // Block staging copies whole records, so every field must lie inside its record (row-major).
    if (all.some((o) => o + 4 > stride)) return null;
    const scratch = new Uint8Array(Math.min(n, BLOCK_RECORDS) * stride);
    const f32 = new Float32Array(scratch.buffer);
    for (let first = 0; first < n; first += BLOCK_RECORDS) {
      const count = Math.min(BLOCK_RECORDS, n - first);
      scratch.set(src.subarray(first * stride, (first + count) * stride));
      fusedTyped(f32, offsets, sw, count, positions, first, extraOffset, extra, acc);
    }
  }
  return acc;
}

/**
 * The typed-view loops over `count` records into positions (and extra) starting at record
 * `first`. Two specialised copies, with and without the extra attribute, so neither carries a
 * per-point branch (this loop is the whole cost of parsing a binary cloud).
 */
function fusedTyped(
  f32: Float32Array,
  offsets: [number, number, number],
  strideWords: number,
  count: number,
  positions: Float32Array,
  first: number,
  extraOffset: number,
  extra: Uint32Array | null,
  acc: number[],
): void {
  if (extra) fusedTypedExtra(f32, offsets, strideWords, count, positions, first, extraOffset >> 2, extra, acc);
  else fusedTypedXyz(f32, offsets, strideWords, count, positions, first, acc);
}

function fusedTypedXyz(f32: Float32Array, offsets: [number, number, number], sw: number, count: number, positions: Float32Array, first: number, acc: number[]): void {
  const ox = offsets[0] >> 2;
  const oy = offsets[1] >> 2;
  const oz = offsets[2] >> 2;
  let x0 = acc[0], y0 = acc[1], z0 = acc[2], x1 = acc[3], y1 = acc[4], z1 = acc[5];
  const end = count * sw;
  for (let p = 0, d = first * 3; p < end; p += sw, d += 3) {
    const x = f32[p + ox];
    const y = f32[p + oy];
    const z = f32[p + oz];
    positions[d] = x;
    positions[d + 1] = y;
    positions[d + 2] = z;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  acc[0] = x0; acc[1] = y0; acc[2] = z0; acc[3] = x1; acc[4] = y1; acc[5] = z1;
}

function fusedTypedExtra(f32: Float32Array, offsets: [number, number, number], sw: number, count: number, positions: Float32Array, first: number, oe: number, extra: Uint32Array, acc: number[]): void {
  const u32 = new Uint32Array(f32.buffer, f32.byteOffset, f32.length);
  const ox = offsets[0] >> 2;
  const oy = offsets[1] >> 2;
  const oz = offsets[2] >> 2;
  let x0 = acc[0], y0 = acc[1], z0 = acc[2], x1 = acc[3], y1 = acc[4], z1 = acc[5];
  const end = count * sw;
  for (let p = 0, d = first * 3, e = first; p < end; p += sw, d += 3, e++) {
    const x = f32[p + ox];
    const y = f32[p + oy];
    const z = f32[p + oz];
    positions[d] = x;
    positions[d + 1] = y;
    positions[d + 2] = z;
    extra[e] = u32[p + oe];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  acc[0] = x0; acc[1] = y0; acc[2] = z0; acc[3] = x1; acc[4] = y1; acc[5] = z1;
}

/**
 * The wasm SIMD kernel (wasm/xyzKernel.ts) when x y z are consecutive in each record, which is
 * how every sensor pipeline we know writes them; null when it does not apply.
 */
function fusedWasm(src: Uint8Array, offsets: [number, number, number], stride: number, n: number, positions: Float32Array, extraOffset: number, extra: Uint32Array | null): RawBounds | null {
  if (!HOST_LITTLE_ENDIAN || offsets[1] !== offsets[0] + 4 || offsets[2] !== offsets[0] + 8) return null;
  const raw = packXyzWasm(src, offsets[0], stride, n, positions, extraOffset, extra);
  return raw && [raw.min[0], raw.min[1], raw.min[2], raw.max[0], raw.max[1], raw.max[2]];
}

/** min x y z, max x y z as folded (Infinity / -Infinity when no point was finite). */
export type RawBounds = number[];

/** The cloud's bounds from folded extremes (all zero when no point was finite), as every path reports them. */
export const toBounds = (r: RawBounds): Bounds => finiteBounds(r[0], r[1], r[2], r[3], r[4], r[5]);

function fusedFloat32Positions(src: Uint8Array, offsets: [number, number, number], stride: number, n: number, positions: Float32Array): Bounds {
  return toBounds(fusedRaw(src, offsets, -1, stride, n, positions, null));
}

/**
 * Same as fusedFloat32Positions, plus one 4-byte attribute copied bit for bit into `extra`.
 * DataView fallback for layouts that are not 4-byte aligned (extra may be null).
 */
function fusedFloat32PositionsWithExtra(src: Uint8Array, offsets: [number, number, number], extraOffset: number, stride: number, n: number, positions: Float32Array, extra: Uint32Array | null): Bounds {
  return toBounds(fusedRaw(src, offsets, extraOffset, stride, n, positions, extra));
}

/** The fused x y z (+ one 4-byte attribute) pass, with its bounds unfiltered so chunks can be merged. */
function fusedRaw(src: Uint8Array, offsets: [number, number, number], extraOffset: number, stride: number, n: number, positions: Float32Array, extra: Uint32Array | null): RawBounds {
  const fast = fusedWasm(src, offsets, stride, n, positions, extraOffset, extra) ?? fusedAligned(src, offsets, stride, n, positions, extraOffset, extra);
  if (fast) return fast;
  const view = viewOf(src);
  const [ox, oy, oz] = offsets;
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let i = 0, p = 0, d = 0; i < n; i++, p += stride, d += 3) {
    const x = view.getFloat32(p + ox, true);
    const y = view.getFloat32(p + oy, true);
    const z = view.getFloat32(p + oz, true);
    positions[d] = x;
    positions[d + 1] = y;
    positions[d + 2] = z;
    if (extra) extra[i] = view.getUint32(p + extraOffset, true);
    // NaN fails every comparison, so it never widens the bounds.
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  return [x0, y0, z0, x1, y1, z1];
}

function finiteBounds(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): Bounds {
  if (!(x0 <= x1 && y0 <= y1 && z0 <= z1)) return { min: [0, 0, 0], max: [0, 0, 0] };
  // `+ 0` turns -0 into 0, as the offset addition does on the other paths.
  return { min: [x0 + 0, y0 + 0, z0 + 0], max: [x1 + 0, y1 + 0, z1 + 0] };
}

/** x, y, z can take the fused path: float32, little-endian, one shared stride. */
function fusable(xyz: [ColumnSource, ColumnSource, ColumnSource], littleEndian: boolean): boolean {
  return littleEndian && xyz.every((c) => c.type === 'float32' && c.stride === xyz[0].stride);
}

/**
 * Extracts positions and attribute columns (in the given order) from records. The common lidar
 * case, float32 x y z plus one 4-byte attribute, is done in a single pass.
 */
export function extractColumns(
  src: Uint8Array, xyz: [ColumnSource, ColumnSource, ColumnSource], attributes: NamedColumn[], n: number, littleEndian = true,
): { positions: Float32Array; offset: Vec3; bounds?: Bounds; fields: PointField[] } {
  const stride = xyz[0].stride;
  const riderIndex = fusable(xyz, littleEndian) && n > 0
    ? attributes.findIndex((a) => a.count === 1 && BYTES_PER_ELEMENT[a.type] === 4 && a.stride === stride)
    : -1;
  if (riderIndex < 0) {
    const { positions, offset, bounds } = extractPositions(src, xyz, n, littleEndian);
    return { positions, offset, bounds, fields: attributes.map((a) => extractField(src, a, n, littleEndian)) };
  }
  const rider = attributes[riderIndex];
  const riderData = createTypedArray(rider.type, n);
  const positions = new Float32Array(n * 3);
  const starts = xyz.map((c) => c.start) as [number, number, number];
  const bounds = fusedFloat32PositionsWithExtra(src, starts, rider.start, stride, n, positions, new Uint32Array(riderData.buffer));
  const fields = attributes.map((a, i) =>
    i === riderIndex ? { name: a.name, type: a.type, count: 1, data: riderData } : extractField(src, a, n, littleEndian));
  return { positions, offset: [0, 0, 0], bounds, fields };
}

/**
 * Decodes a record-major body chunk by chunk into output arrays allocated once, for readers that
 * stream a file through a small reused buffer instead of holding it whole (the host's
 * readCloudFile): every byte of the file is read once into cache-warm memory and written once into
 * the outputs, so fresh memory is touched once (issue #19). Same results as extractColumns over the
 * whole body. Null when x y z are not little-endian float32 with one stride (those need the bounds
 * before the first value is stored, to recentre: the caller parses the whole file instead).
 */
export interface RecordDecoder {
  /** Decodes `count` whole records (`src` starts at a record) as records first .. first + count - 1. */
  decode(src: Uint8Array, first: number, count: number): void;
  finish(): { positions: Float32Array; offset: Vec3; bounds: Bounds; fields: PointField[] };
}

export function createRecordDecoder(xyz: [ColumnSource, ColumnSource, ColumnSource], attributes: NamedColumn[], n: number): RecordDecoder | null {
  if (!fusable(xyz, true)) return null;
  const stride = xyz[0].stride;
  const riderIndex = attributes.findIndex((a) => a.count === 1 && BYTES_PER_ELEMENT[a.type] === 4 && a.stride === stride);
  const positions = new Float32Array(n * 3);
  const datas = attributes.map((a) => createTypedArray(a.type, n * a.count));
  const rider = riderIndex >= 0 ? new Uint32Array(datas[riderIndex].buffer) : null;
  const starts = xyz.map((c) => c.start) as [number, number, number];
  const acc: RawBounds = [Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity];
  return {
    decode(src, first, count) {
      if (count <= 0) return;
      const raw = fusedRaw(src, starts, rider ? attributes[riderIndex].start : -1, stride, count, positions.subarray(first * 3, (first + count) * 3), rider ? rider.subarray(first, first + count) : null);
      for (let a = 0; a < 3; a++) {
        if (raw[a] < acc[a]) acc[a] = raw[a];
        if (raw[a + 3] > acc[a + 3]) acc[a + 3] = raw[a + 3];
      }
      attributes.forEach((c, i) => {
        if (i === riderIndex) return;
        const size = BYTES_PER_ELEMENT[c.type];
        copyColumn(src, c.start, c.stride, count, size, c.count, datas[i].subarray(first * c.count, (first + count) * c.count));
      });
    },
    finish: () => ({
      positions,
      offset: [0, 0, 0],
      bounds: toBounds(acc),
      fields: attributes.map((a, i) => ({ name: a.name, type: a.type, count: a.count, data: datas[i] })),
    }),
  };
}

export type ScalarGetter = (view: DataView, pos: number) => number;

export function scalarGetter(type: ScalarType, littleEndian = true): ScalarGetter {
  switch (type) {
    case 'float32': return (v, p) => v.getFloat32(p, littleEndian);
    case 'float64': return (v, p) => v.getFloat64(p, littleEndian);
    case 'int8': return (v, p) => v.getInt8(p);
    case 'uint8': return (v, p) => v.getUint8(p);
    case 'int16': return (v, p) => v.getInt16(p, littleEndian);
    case 'uint16': return (v, p) => v.getUint16(p, littleEndian);
    case 'int32': return (v, p) => v.getInt32(p, littleEndian);
    case 'uint32': return (v, p) => v.getUint32(p, littleEndian);
  }
}

/** Coordinates beyond this magnitude lose millimetres in float32, so the cloud gets recentred. */
const RECENTER_ABOVE = 1e4;

/** Offset that keeps float32 precision: the rounded centre of the bounds, or 0 for small clouds. */
export function chooseOffset(min: Vec3, max: Vec3): Vec3 {
  const offset: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    if (!Number.isFinite(min[a]) || !Number.isFinite(max[a])) continue;
    if (Math.max(Math.abs(min[a]), Math.abs(max[a])) >= RECENTER_ABOVE) offset[a] = Math.round((min[a] + max[a]) / 2);
  }
  return offset;
}

/**
 * Fills `positions` from x, y, z columns. float32 columns are copied as they are; any other type is
 * read as float64, and then recentred when the coordinates are large (see `chooseOffset`).
 */
export function extractPositions(src: Uint8Array, xyz: [ColumnSource, ColumnSource, ColumnSource], n: number, littleEndian = true): { positions: Float32Array; offset: Vec3; bounds?: Bounds } {
  const positions = new Float32Array(n * 3);
  if (fusable(xyz, littleEndian)) {
    return { positions, offset: [0, 0, 0], bounds: fusedFloat32Positions(src, xyz.map((c) => c.start) as [number, number, number], xyz[0].stride, n, positions) };
  }
  const view = viewOf(src);
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const getters = xyz.map((c) => scalarGetter(c.type, littleEndian));
  for (let axis = 0; axis < 3; axis++) {
    const { start, stride } = xyz[axis];
    const get = getters[axis];
    let lo = Infinity, hi = -Infinity;
    for (let i = 0, p = start; i < n; i++, p += stride) {
      const v = get(view, p);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[axis] = lo;
    max[axis] = hi;
  }
  const offset = chooseOffset(min, max);
  for (let axis = 0; axis < 3; axis++) {
    const { start, stride } = xyz[axis];
    const get = getters[axis];
    const o = offset[axis];
    for (let i = 0, p = start, d = axis; i < n; i++, p += stride, d += 3) positions[d] = get(view, p) - o;
  }
  return { positions, offset };
}

/** Copies one attribute column into its own packed typed array (count components per point). */
export function extractField(src: Uint8Array, column: NamedColumn, n: number, littleEndian = true): PointField {
  const data = createTypedArray(column.type, n * column.count);
  copyColumn(src, column.start, column.stride, n, BYTES_PER_ELEMENT[column.type], column.count, data, littleEndian);
  return { name: column.name, type: column.type, count: column.count, data };
}

/** Bounds of finite points, in original coordinates. */
export function computeBounds(positions: Float32Array, offset: Vec3): { min: Vec3; max: Vec3 } {
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  for (let i = 0; i < positions.length; i += 3) {
    const x = positions[i], y = positions[i + 1], z = positions[i + 2];
    // One comparison chain per point; NaN fails every comparison so it never widens the bounds.
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  if (x0 > x1 || y0 > y1 || z0 > z1) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min: [x0 + offset[0], y0 + offset[1], z0 + offset[2]], max: [x1 + offset[0], y1 + offset[1], z1 + offset[2]] };
}

/** Removes points whose x, y or z is not finite; returns compacted copies (so transfers stay small). */
export function dropNonFinite(parts: CloudParts): CloudParts {
  const { positions, count } = parts;
  const keep = new Uint32Array(count);
  let kept = 0;
  for (let i = 0; i < count; i++) {
    if (Number.isFinite(positions[i * 3]) && Number.isFinite(positions[i * 3 + 1]) && Number.isFinite(positions[i * 3 + 2])) keep[kept++] = i;
  }
  if (kept === count) return parts;
  const compactPositions = new Float32Array(kept * 3);
  for (let k = 0; k < kept; k++) {
    const i = keep[k] * 3;
    compactPositions[k * 3] = positions[i];
    compactPositions[k * 3 + 1] = positions[i + 1];
    compactPositions[k * 3 + 2] = positions[i + 2];
  }
  const fields = parts.fields.map((f) => {
    const data = createTypedArray(f.type, kept * f.count);
    for (let k = 0; k < kept; k++) {
      const from = keep[k] * f.count;
      for (let c = 0; c < f.count; c++) data[k * f.count + c] = f.data[from + c];
    }
    return { ...f, data };
  });
  const { width: _w, height: _h, bounds: _b, ...rest } = parts;
  return { ...rest, count: kept, positions: compactPositions, fields };
}

/**
 * float64 coordinates (from ascii readers) to Float32 positions, recentred by `chooseOffset` so
 * large coordinates (UTM) keep their precision; the offset is returned with them.
 */
export function recenterFloat64(xyz: Float64Array, n: number): { positions: Float32Array; offset: Vec3 } {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xyz.length; i++) {
    const a = i % 3;
    if (xyz[i] < min[a]) min[a] = xyz[i];
    if (xyz[i] > max[a]) max[a] = xyz[i];
  }
  const offset = chooseOffset(min, max);
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < xyz.length; i++) positions[i] = xyz[i] - offset[i % 3];
  return { positions, offset };
}
