/**
 * Writers that build small point-cloud files in memory for tests and benchmarks. They encode from
 * the specifications directly (not through the parsers) so round trips check the readers honestly.
 */
import { lzfCompress } from './lzfCompress';

export interface PcdColumnSpec {
  name: string;
  type: 'F' | 'I' | 'U';
  size: 1 | 2 | 4 | 8;
  count?: number;
}

export type PcdData = 'ascii' | 'binary' | 'binary_compressed';

function setScalar(view: DataView, pos: number, type: string, size: number, value: number, littleEndian = true): void {
  const key = `${type}${size}`;
  switch (key) {
    case 'F4': view.setFloat32(pos, value, littleEndian); break;
    case 'F8': view.setFloat64(pos, value, littleEndian); break;
    case 'I1': view.setInt8(pos, value); break;
    case 'I2': view.setInt16(pos, value, littleEndian); break;
    case 'I4': view.setInt32(pos, value, littleEndian); break;
    case 'U1': view.setUint8(pos, value); break;
    case 'U2': view.setUint16(pos, value, littleEndian); break;
    case 'U4': view.setUint32(pos, value, littleEndian); break;
    default: throw new Error(`cannot write ${key}`);
  }
}

/** `rows[i]` holds every value of point i in FIELDS order (COUNT values per field). */
export function writePcd(columns: PcdColumnSpec[], rows: number[][], data: PcdData, extra: { width?: number; height?: number; viewpoint?: string; version?: string } = {}): Uint8Array {
  const n = rows.length;
  const header = [
    '# .PCD v0.7 - Point Cloud Data file format',
    `VERSION ${extra.version ?? '0.7'}`,
    `FIELDS ${columns.map((c) => c.name).join(' ')}`,
    `SIZE ${columns.map((c) => c.size).join(' ')}`,
    `TYPE ${columns.map((c) => c.type).join(' ')}`,
    `COUNT ${columns.map((c) => c.count ?? 1).join(' ')}`,
    `WIDTH ${extra.width ?? n}`,
    `HEIGHT ${extra.height ?? 1}`,
    `VIEWPOINT ${extra.viewpoint ?? '0 0 0 1 0 0 0'}`,
    `POINTS ${n}`,
    `DATA ${data}`,
    '',
  ].join('\n');
  const head = new TextEncoder().encode(header);
  if (data === 'ascii') {
    const body = rows.map((r) => r.map((v) => (Number.isNaN(v) ? 'nan' : String(v))).join(' ')).join('\n') + '\n';
    return concat(head, new TextEncoder().encode(body));
  }
  const widths = columns.map((c) => c.size * (c.count ?? 1));
  const stride = widths.reduce((a, b) => a + b, 0);
  const body = new Uint8Array(n * stride);
  const view = new DataView(body.buffer);
  for (let i = 0; i < n; i++) {
    let value = 0;
    let colStart = 0;
    columns.forEach((c, ci) => {
      for (let k = 0; k < (c.count ?? 1); k++) {
        // binary: point-major records; binary_compressed: one block per field (column-major).
        const pos = data === 'binary' ? i * stride + colStart + k * c.size : colStart * n + i * widths[ci] + k * c.size;
        setScalar(view, pos, c.type, c.size, rows[i][value++]);
      }
      colStart += widths[ci];
    });
  }
  if (data === 'binary') return concat(head, body);
  const compressed = lzfCompress(body);
  const sizes = new Uint8Array(8);
  new DataView(sizes.buffer).setUint32(0, compressed.length, true);
  new DataView(sizes.buffer).setUint32(4, body.length, true);
  return concat(head, sizes, compressed);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Float bits of a packed 0x00RRGGBB colour, as PCL writes `rgb` with TYPE F. */
export function packedRgbFloat(r: number, g: number, b: number): number {
  const u = new Uint32Array([(r << 16) | (g << 8) | b]);
  return new Float32Array(u.buffer)[0];
}

export interface PlyPropertySpec {
  name: string;
  type: 'char' | 'uchar' | 'short' | 'ushort' | 'int' | 'uint' | 'float' | 'double';
}

const PLY_WRITE: Record<PlyPropertySpec['type'], [string, number]> = {
  char: ['I', 1], uchar: ['U', 1], short: ['I', 2], ushort: ['U', 2], int: ['I', 4], uint: ['U', 4], float: ['F', 4], double: ['F', 8],
};

/** A PLY with a `vertex` element and a `face` element (triangles), optionally preceded by a list element. */
export function writePly(properties: PlyPropertySpec[], rows: number[][], format: 'ascii' | 'binary_little_endian' | 'binary_big_endian', options: { faces?: number[][]; leadingListElement?: number[][] } = {}): Uint8Array {
  const faces = options.faces ?? [];
  const lead = options.leadingListElement;
  const header = [
    'ply',
    `format ${format} 1.0`,
    'comment written by tests',
    ...(lead ? [`element camera_rays ${lead.length}`, 'property list uchar int ids'] : []),
    `element vertex ${rows.length}`,
    ...properties.map((p) => `property ${p.type} ${p.name}`),
    `element face ${faces.length}`,
    'property list uchar int vertex_indices',
    'end_header',
    '',
  ].join('\n');
  const head = new TextEncoder().encode(header);
  if (format === 'ascii') {
    const lines = [
      ...(lead ?? []).map((l) => [l.length, ...l].join(' ')),
      ...rows.map((r) => r.join(' ')),
      ...faces.map((f) => [f.length, ...f].join(' ')),
    ];
    return concat(head, new TextEncoder().encode(lines.join('\n') + '\n'));
  }
  const le = format === 'binary_little_endian';
  const parts: Uint8Array[] = [head];
  const listBytes = (list: number[]) => {
    const b = new Uint8Array(1 + 4 * list.length);
    const v = new DataView(b.buffer);
    v.setUint8(0, list.length);
    list.forEach((x, k) => v.setInt32(1 + 4 * k, x, le));
    return b;
  };
  for (const l of lead ?? []) parts.push(listBytes(l));
  const stride = properties.reduce((s, p) => s + PLY_WRITE[p.type][1], 0);
  const body = new Uint8Array(rows.length * stride);
  const view = new DataView(body.buffer);
  rows.forEach((r, i) => {
    let at = i * stride;
    properties.forEach((p, k) => {
      const [t, size] = PLY_WRITE[p.type];
      setScalar(view, at, t, size, r[k], le);
      at += size;
    });
  });
  parts.push(body);
  for (const f of faces) parts.push(listBytes(f));
  return concat(...parts);
}

export interface LasPointSpec {
  x: number;
  y: number;
  z: number;
  intensity?: number;
  classification?: number;
  returnNumber?: number;
  numberOfReturns?: number;
  gpsTime?: number;
  rgb?: [number, number, number];
  /** Raw extra bytes appended to the record. */
  extra?: Uint8Array;
}

export interface LasExtraBytesSpec {
  name: string;
  dataType: number;
  options?: number;
  scale?: number;
  offset?: number;
}

const LAS_STANDARD_SIZE = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67];

/** Writes an uncompressed LAS file (1.2 header for formats 0-5, 1.4 header otherwise). */
export function writeLas(format: number, points: LasPointSpec[], scale: [number, number, number], offset: [number, number, number], extraBytes: LasExtraBytesSpec[] = [], extraSize = 0): Uint8Array {
  const v14 = format >= 6;
  const headerSize = v14 ? 375 : 227;
  const vlr = extraBytes.length ? 54 + 192 * extraBytes.length : 0;
  const recordLength = LAS_STANDARD_SIZE[format] + extraSize;
  const pointOffset = headerSize + vlr;
  const out = new Uint8Array(pointOffset + recordLength * points.length);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('LASF'), 0);
  v.setUint8(24, 1);
  v.setUint8(25, v14 ? 4 : 2);
  v.setUint16(94, headerSize, true);
  v.setUint32(96, pointOffset, true);
  v.setUint32(100, extraBytes.length ? 1 : 0, true);
  v.setUint8(104, format);
  v.setUint16(105, recordLength, true);
  v.setUint32(107, format >= 6 ? 0 : points.length, true);
  scale.forEach((s, a) => v.setFloat64(131 + a * 8, s, true));
  offset.forEach((o, a) => v.setFloat64(155 + a * 8, o, true));
  const axes = ['x', 'y', 'z'] as const;
  axes.forEach((ax, a) => {
    const values = points.map((p) => p[ax]);
    v.setFloat64(179 + a * 16, Math.max(...values), true);
    v.setFloat64(187 + a * 16, Math.min(...values), true);
  });
  if (v14) v.setUint32(247, points.length, true);
  if (extraBytes.length) {
    let p = headerSize;
    out.set(new TextEncoder().encode('LASF_Spec'), p + 2);
    v.setUint16(p + 18, 4, true);
    v.setUint16(p + 20, 192 * extraBytes.length, true);
    p += 54;
    for (const eb of extraBytes) {
      v.setUint8(p + 2, eb.dataType);
      v.setUint8(p + 3, (eb.options ?? 0) | (eb.scale !== undefined ? 8 : 0) | (eb.offset !== undefined ? 16 : 0));
      out.set(new TextEncoder().encode(eb.name), p + 4);
      if (eb.scale !== undefined) v.setFloat64(p + 112, eb.scale, true);
      if (eb.offset !== undefined) v.setFloat64(p + 136, eb.offset, true);
      p += 192;
    }
  }
  points.forEach((pt, i) => {
    const r = pointOffset + i * recordLength;
    axes.forEach((ax, a) => v.setInt32(r + a * 4, Math.round((pt[ax] - offset[a]) / scale[a]), true));
    v.setUint16(r + 12, pt.intensity ?? 0, true);
    const ret = pt.returnNumber ?? 1;
    const num = pt.numberOfReturns ?? 1;
    if (format <= 5) {
      v.setUint8(r + 14, ret | (num << 3));
      v.setUint8(r + 15, pt.classification ?? 0);
      if (format === 1 || format === 3) v.setFloat64(r + 20, pt.gpsTime ?? 0, true);
      const rgbAt = format === 2 ? 20 : format === 3 ? 28 : -1;
      if (rgbAt >= 0) (pt.rgb ?? [0, 0, 0]).forEach((c, k) => v.setUint16(r + rgbAt + k * 2, c, true));
    } else {
      v.setUint8(r + 14, ret | (num << 4));
      v.setUint8(r + 16, pt.classification ?? 0);
      v.setFloat64(r + 22, pt.gpsTime ?? 0, true);
      if (format === 7 || format === 8) (pt.rgb ?? [0, 0, 0]).forEach((c, k) => v.setUint16(r + 30 + k * 2, c, true));
    }
    if (pt.extra) out.set(pt.extra, r + LAS_STANDARD_SIZE[format]);
  });
  return out;
}
