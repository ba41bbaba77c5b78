/**
 * Column extraction shared by the record-oriented formats (PCD, PLY, headerless .bin, LAS).
 *
 * Speed comes from copying raw bits through the widest unsigned typed-array view that the
 * alignment allows (one Uint32 load/store per float32 value), instead of DataView getters and
 * number conversions. Only byte-swapped (big-endian) or non-float32 positions take the slow path.
 */
import { BYTES_PER_ELEMENT, createTypedArray, type PointField, type ScalarType, type TypedArray, type Vec3 } from './types';

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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

/** What a format parser hands to `finishCloud`. */
export interface CloudParts {
  count: number;
  positions: Float32Array;
  offset: Vec3;
  fields: PointField[];
  width?: number;
  height?: number;
  viewpoint?: number[];
  warnings: string[];
}

type BitView = Uint8Array | Uint16Array | Uint32Array;

function bitView(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, word: number): BitView {
  if (word === 4) return new Uint32Array(buffer, byteOffset, byteLength >>> 2);
  if (word === 2) return new Uint16Array(buffer, byteOffset, byteLength >>> 1);
  return new Uint8Array(buffer, byteOffset, byteLength);
}

/** Largest word size (4, 2 or 1 bytes) that divides every given offset and stride. */
function widestWord(...values: number[]): number {
  let bits = 0;
  for (const v of values) bits |= v;
  if ((bits & 3) === 0) return 4;
  if ((bits & 1) === 0) return 2;
  return 1;
}

/**
 * Copies `n` records of `width` bytes (from `src`, every `srcStride` bytes from `srcStart`) into
 * `dst` every `dstStride` bytes from `dstStart`. `elemSize` is the scalar size, used only to swap
 * bytes when the source is big-endian.
 */
export function copyStridedBits(
  src: Uint8Array, srcStart: number, srcStride: number,
  dst: TypedArray, dstStart: number, dstStride: number,
  n: number, width: number, elemSize: number, littleEndian = true,
): void {
  if (n === 0) return;
  if (!littleEndian !== !HOST_IS_LITTLE_ENDIAN && elemSize > 1) {
    swappedCopy(src, srcStart, srcStride, dst, dstStart, dstStride, n, width, elemSize);
    return;
  }
  const srcBase = src.byteOffset + srcStart;
  const dstBase = dst.byteOffset + dstStart;
  const word = widestWord(srcBase, srcStride, dstBase, dstStride, width);
  const srcView = bitView(src.buffer, srcBase, (n - 1) * srcStride + width, word);
  const dstView = bitView(dst.buffer, dstBase, (n - 1) * dstStride + width, word);
  const sStep = srcStride / word;
  const dStep = dstStride / word;
  const words = width / word;
  if (words === 1) {
    // The hot path: one scalar per record, e.g. a float32 x out of a 16-byte x y z intensity record.
    for (let i = 0, s = 0, d = 0; i < n; i++, s += sStep, d += dStep) dstView[d] = srcView[s];
    return;
  }
  for (let i = 0, s = 0, d = 0; i < n; i++, s += sStep, d += dStep) {
    for (let k = 0; k < words; k++) dstView[d + k] = srcView[s + k];
  }
}

function swappedCopy(
  src: Uint8Array, srcStart: number, srcStride: number,
  dst: TypedArray, dstStart: number, dstStride: number,
  n: number, width: number, elemSize: number,
): void {
  const out = new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
  for (let i = 0; i < n; i++) {
    const s = srcStart + i * srcStride;
    const d = dstStart + i * dstStride;
    for (let e = 0; e < width; e += elemSize) {
      for (let b = 0; b < elemSize; b++) out[d + e + b] = src[s + e + elemSize - 1 - b];
    }
  }
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
 * Fills `positions` from x, y, z columns. float32 columns are copied bit for bit; any other type is
 * read as float64, and then recentred when the coordinates are large (see `chooseOffset`).
 */
export function extractPositions(src: Uint8Array, xyz: [ColumnSource, ColumnSource, ColumnSource], n: number, littleEndian = true): { positions: Float32Array; offset: Vec3 } {
  const positions = new Float32Array(n * 3);
  if (xyz.every((c) => c.type === 'float32')) {
    xyz.forEach((c, axis) => copyStridedBits(src, c.start, c.stride, positions, axis * 4, 12, n, 4, 4, littleEndian));
    return { positions, offset: [0, 0, 0] };
  }
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
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
  const size = BYTES_PER_ELEMENT[column.type];
  const width = size * column.count;
  const data = createTypedArray(column.type, n * column.count);
  copyStridedBits(src, column.start, column.stride, data, 0, width, n, width, size, littleEndian);
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
  const { width: _w, height: _h, ...rest } = parts;
  return { ...rest, count: kept, positions: compactPositions, fields };
}
