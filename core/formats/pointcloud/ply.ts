/**
 * PLY reader (ascii, binary_little_endian, binary_big_endian). Only the `vertex` element is read;
 * faces and other elements are skipped. red/green/blue uchar properties become one `rgb` field.
 */
import { recenterFloat64, extractColumns, type CloudParts, type ColumnSource } from './columns';
import { asciiRows, findHeaderEnd, latin1 } from './text';
import { BYTES_PER_ELEMENT, createTypedArray, PointCloudError, type PointField, type ScalarType } from './types';

const HEADER_SCAN_LIMIT = 64 * 1024;

const PLY_TYPES: Record<string, ScalarType> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64',
};

interface PlyProperty {
  name: string;
  type: ScalarType;
  /** For `property list <countType> <type> name`. */
  listCountType?: ScalarType;
}

interface PlyElement {
  name: string;
  count: number;
  properties: PlyProperty[];
}

type PlyEncoding = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

function plyType(fileName: string, t: string): ScalarType {
  const type = PLY_TYPES[t];
  if (!type) throw new PointCloudError(fileName, `unknown PLY property type "${t}"`, 'unsupported');
  return type;
}

function parsePlyHeader(bytes: Uint8Array, fileName: string) {
  const found = findHeaderEnd(bytes, 'end_header', HEADER_SCAN_LIMIT);
  if (latin1(bytes, 0, Math.min(3, bytes.length)) !== 'ply' || !found) {
    throw new PointCloudError(fileName, 'missing PLY header: expected "ply" ... "end_header"', 'missing-header');
  }
  let encoding: PlyEncoding | undefined;
  const elements: PlyElement[] = [];
  for (const raw of latin1(bytes, 0, found.lineStart).split('\n')) {
    const [keyword, ...rest] = raw.trim().split(/\s+/);
    if (keyword === 'format') {
      if (rest[0] !== 'ascii' && rest[0] !== 'binary_little_endian' && rest[0] !== 'binary_big_endian') {
        throw new PointCloudError(fileName, `unsupported PLY format "${rest[0]}"`, 'unsupported');
      }
      encoding = rest[0];
    } else if (keyword === 'element') {
      const count = Number(rest[1]);
      if (!rest[0] || !Number.isInteger(count) || count < 0) throw new PointCloudError(fileName, `malformed PLY element line "${raw.trim()}"`, 'bad-header');
      elements.push({ name: rest[0], count, properties: [] });
    } else if (keyword === 'property') {
      const element = elements[elements.length - 1];
      if (!element) throw new PointCloudError(fileName, 'PLY property declared before any element', 'bad-header');
      if (rest[0] === 'list') {
        if (rest.length < 4) throw new PointCloudError(fileName, `malformed PLY list property "${raw.trim()}"`, 'bad-header');
        element.properties.push({ name: rest[3], listCountType: plyType(fileName, rest[1]), type: plyType(fileName, rest[2]) });
      } else {
        if (rest.length < 2) throw new PointCloudError(fileName, `malformed PLY property "${raw.trim()}"`, 'bad-header');
        element.properties.push({ name: rest[1], type: plyType(fileName, rest[0]) });
      }
    }
  }
  if (!encoding) throw new PointCloudError(fileName, 'PLY header has no format line', 'bad-header');
  return { encoding, elements, dataStart: found.dataStart };
}

const COLOR_NAMES = [
  ['red', 'green', 'blue'],
  ['diffuse_red', 'diffuse_green', 'diffuse_blue'],
];

export function parsePly(bytes: Uint8Array, fileName: string): CloudParts {
  const { encoding, elements, dataStart } = parsePlyHeader(bytes, fileName);
  const vertexIndex = elements.findIndex((e) => e.name === 'vertex');
  if (vertexIndex < 0) throw new PointCloudError(fileName, 'PLY file has no vertex element', 'unsupported');
  const vertex = elements[vertexIndex];
  if (vertex.properties.some((p) => p.listCountType)) throw new PointCloudError(fileName, 'list properties in the vertex element are not supported', 'unsupported');
  for (const axis of ['x', 'y', 'z']) {
    if (!vertex.properties.some((p) => p.name === axis)) throw new PointCloudError(fileName, `PLY vertex element has no "${axis}" property`, 'unsupported');
  }
  const parts = encoding === 'ascii'
    ? readAscii(bytes, dataStart, elements.slice(0, vertexIndex), vertex, fileName)
    : readBinary(bytes, dataStart, elements.slice(0, vertexIndex), vertex, encoding === 'binary_little_endian', fileName);
  parts.fields = mergeColors(parts.fields, parts.count);
  return parts;
}

/** Byte length of the elements before the vertex data (walking list items, which vary in size). */
function skipBinaryElements(bytes: Uint8Array, start: number, elements: PlyElement[], littleEndian: boolean, fileName: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  for (const element of elements) {
    const fixed = element.properties.every((p) => !p.listCountType);
    if (fixed) {
      pos += element.count * element.properties.reduce((s, p) => s + BYTES_PER_ELEMENT[p.type], 0);
      continue;
    }
    for (let i = 0; i < element.count; i++) {
      for (const p of element.properties) {
        if (!p.listCountType) {
          pos += BYTES_PER_ELEMENT[p.type];
          continue;
        }
        const countSize = BYTES_PER_ELEMENT[p.listCountType];
        if (pos + countSize > bytes.length) throw new PointCloudError(fileName, `truncated PLY data in element "${element.name}"`, 'truncated');
        const items = readUnsigned(view, pos, p.listCountType, littleEndian);
        pos += countSize + items * BYTES_PER_ELEMENT[p.type];
      }
      // Checked per item so a corrupt element count cannot make us walk far past the file.
      if (pos > bytes.length) throw new PointCloudError(fileName, `truncated PLY data in element "${element.name}" (item ${i + 1} of ${element.count})`, 'truncated');
    }
  }
  return pos;
}

function readUnsigned(view: DataView, pos: number, type: ScalarType, le: boolean): number {
  switch (BYTES_PER_ELEMENT[type]) {
    case 1: return view.getUint8(pos);
    case 2: return view.getUint16(pos, le);
    default: return view.getUint32(pos, le);
  }
}

function readBinary(bytes: Uint8Array, dataStart: number, before: PlyElement[], vertex: PlyElement, littleEndian: boolean, fileName: string): CloudParts {
  const start = skipBinaryElements(bytes, dataStart, before, littleEndian, fileName);
  const n = vertex.count;
  const sizes = vertex.properties.map((p) => BYTES_PER_ELEMENT[p.type]);
  const stride = sizes.reduce((a, b) => a + b, 0);
  const available = bytes.length - start;
  if (available < n * stride) {
    throw new PointCloudError(fileName, `truncated vertex data: header says ${n} vertices (${n * stride} bytes), file has ${Math.max(0, available)} bytes`, 'truncated');
  }
  const body = bytes.subarray(start, start + n * stride);
  const offsets: number[] = [];
  sizes.reduce((acc, s) => (offsets.push(acc), acc + s), 0);
  const column = (i: number): ColumnSource => ({ start: offsets[i], stride, type: vertex.properties[i].type, count: 1 });
  const index = (name: string) => vertex.properties.findIndex((p) => p.name === name);
  const attributes = vertex.properties
    .map((p, i) => ({ ...column(i), name: p.name }))
    .filter((c) => !['x', 'y', 'z'].includes(c.name));
  const { positions, offset, bounds, fields } = extractColumns(body, [column(index('x')), column(index('y')), column(index('z'))], attributes, n, littleEndian);
  return { count: n, positions, offset, fields, warnings: [], bounds };
}

function readAscii(bytes: Uint8Array, dataStart: number, before: PlyElement[], vertex: PlyElement, fileName: string): CloudParts {
  const n = vertex.count;
  const skipRows = before.reduce((s, e) => s + e.count, 0);
  const props = vertex.properties;
  if (n > bytes.length - dataStart) throw new PointCloudError(fileName, `truncated vertex data: header says ${n} vertices, only ${bytes.length - dataStart} bytes follow`, 'truncated');
  const xyz = new Float64Array(n * 3);
  const axisOf = props.map((p) => ['x', 'y', 'z'].indexOf(p.name));
  const data = props.map((p, i) => (axisOf[i] >= 0 ? null : createTypedArray(p.type, n)));
  let row = -skipRows;
  for (const tokens of asciiRows(latin1(bytes, dataStart))) {
    if (row >= n) break;
    if (row >= 0) {
      if (tokens.length < props.length) throw new PointCloudError(fileName, `ascii vertex ${row + 1} has ${tokens.length} values, expected ${props.length}`, 'corrupt');
      for (let i = 0; i < props.length; i++) {
        const a = axisOf[i];
        if (a >= 0) xyz[row * 3 + a] = Number(tokens[i]);
        else data[i]![row] = Number(tokens[i]);
      }
    }
    row++;
  }
  if (row < n) throw new PointCloudError(fileName, `truncated vertex data: header says ${n} vertices, file has ${Math.max(0, row)}`, 'truncated');
  const { positions, offset } = recenterFloat64(xyz, n);
  const fields: PointField[] = [];
  props.forEach((p, i) => {
    if (data[i]) fields.push({ name: p.name, type: p.type, count: 1, data: data[i]! });
  });
  return { count: n, positions, offset, fields, warnings: [] };
}

/** Interleaves uchar red/green/blue into one `rgb` uint8 x3 field (the renderer's colour layout). */
function mergeColors(fields: PointField[], n: number): PointField[] {
  for (const names of COLOR_NAMES) {
    const channels = names.map((name) => fields.find((f) => f.name === name));
    if (!channels.every((c) => c && c.type === 'uint8')) continue;
    const rgb = new Uint8Array(n * 3);
    channels.forEach((c, k) => {
      const src = c!.data;
      for (let i = 0; i < n; i++) rgb[i * 3 + k] = src[i];
    });
    const rest = fields.filter((f) => !names.includes(f.name)).map((f) => (f.name === 'diffuse_alpha' ? { ...f, name: 'alpha' } : f));
    return [{ name: 'rgb', type: 'uint8', count: 3, data: rgb }, ...rest];
  }
  return fields;
}
