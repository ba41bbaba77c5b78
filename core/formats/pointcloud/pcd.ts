/**
 * PCD reader (PCL's Point Cloud Data, versions 0.5 to 0.7): ascii, binary and binary_compressed;
 * any FIELDS / SIZE / TYPE / COUNT, `_` padding fields, rgb(a) packed as float or uint.
 */
import { lzfDecompress, lzfDecompressStream, lzfDecompressWindowed, LzfError } from './lzf';
import { createColumnScatter, type ScatterColumn } from './columnScatter';
import { createRecordDecoder, recenterFloat64, extractColumns, type CloudParts, type ColumnSource, type NamedColumn } from './columns';
import type { StreamPlan } from './types';
import { asciiRows, findHeaderEnd, latin1 } from './text';
import { createTypedArray, PointCloudError, type PointField, type ScalarType, type TypedArray } from './types';

/** A PCD header is a few hundred bytes; anything without DATA in the first 64 KiB is not a PCD. */
const HEADER_SCAN_LIMIT = 64 * 1024;
/** LZF cannot expand data by more than ~132x (a 3-byte back reference yields at most 264 bytes). */
const LZF_MAX_RATIO = 133;

export type PcdDataKind = 'ascii' | 'binary' | 'binary_compressed';

interface PcdColumn {
  name: string;
  type: ScalarType | null; // null only for padding, whose type does not matter
  size: number;
  count: number;
}

export interface PcdHeader {
  version?: string;
  columns: PcdColumn[];
  width: number;
  height: number;
  points: number;
  viewpoint?: number[];
  data: PcdDataKind;
  dataStart: number;
  warnings: string[];
}

function pcdType(fileName: string, name: string, type: string, size: number): ScalarType | null {
  const key = `${type}${size}`;
  const map: Record<string, ScalarType> = { F4: 'float32', F8: 'float64', I1: 'int8', I2: 'int16', I4: 'int32', U1: 'uint8', U2: 'uint16', U4: 'uint32' };
  const found = map[key];
  if (found) return found;
  if (name === '_') return null;
  if (!'FIU'.includes(type) || type.length !== 1) throw new PointCloudError(fileName, `field "${name}" has unknown TYPE "${type}" (expected F, I or U)`, 'unsupported');
  throw new PointCloudError(fileName, `field "${name}" has unsupported TYPE ${type} with SIZE ${size}`, 'unsupported');
}

function parseIntList(fileName: string, key: string, values: string[]): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new PointCloudError(fileName, `${key} has invalid value "${v}"`, 'bad-header');
    return n;
  });
}

export function parsePcdHeader(bytes: Uint8Array, fileName: string): PcdHeader {
  const found = findHeaderEnd(bytes, 'DATA', HEADER_SCAN_LIMIT);
  if (!found) throw new PointCloudError(fileName, 'missing PCD header: no DATA line found', 'missing-header');
  const warnings: string[] = [];
  const entries = new Map<string, string[]>();
  for (const raw of latin1(bytes, 0, found.dataStart).split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [key, ...values] = line.split(/\s+/);
    entries.set(key.toUpperCase(), values);
  }
  const fields = entries.get('FIELDS') ?? entries.get('COLUMNS');
  if (!fields || fields.length === 0) throw new PointCloudError(fileName, 'missing PCD header: no FIELDS line', 'missing-header');
  const dataKind = (entries.get('DATA')?.[0] ?? '').toLowerCase();
  if (dataKind !== 'ascii' && dataKind !== 'binary' && dataKind !== 'binary_compressed') {
    throw new PointCloudError(fileName, `unsupported DATA type "${dataKind}" (expected ascii, binary or binary_compressed)`, 'unsupported');
  }
  let sizeValues = entries.get('SIZE');
  let typeValues = entries.get('TYPE');
  if (!sizeValues || !typeValues) {
    if (dataKind !== 'ascii') throw new PointCloudError(fileName, `missing ${sizeValues ? 'TYPE' : 'SIZE'} line in a ${dataKind} PCD header`, 'bad-header');
    warnings.push(`${fileName}: no SIZE/TYPE in header; reading every ascii field as float32`);
    sizeValues = sizeValues ?? fields.map(() => '4');
    typeValues = typeValues ?? fields.map(() => 'F');
  }
  const sizes = parseIntList(fileName, 'SIZE', sizeValues);
  const counts = parseIntList(fileName, 'COUNT', entries.get('COUNT') ?? fields.map(() => '1'));
  for (const [key, list] of [['SIZE', sizes], ['TYPE', typeValues], ['COUNT', counts]] as const) {
    if (list.length !== fields.length) throw new PointCloudError(fileName, `FIELDS lists ${fields.length} names but ${key} lists ${list.length} values`, 'bad-header');
  }
  const columns: PcdColumn[] = fields.map((name, i) => ({
    name,
    size: sizes[i],
    count: counts[i],
    type: pcdType(fileName, name, typeValues![i].toUpperCase(), sizes[i]),
  }));

  const num = (key: string): number | undefined => {
    const v = entries.get(key)?.[0];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new PointCloudError(fileName, `${key} has invalid value "${v}"`, 'bad-header');
    return n;
  };
  let points = num('POINTS');
  let width = num('WIDTH');
  let height = num('HEIGHT') ?? 1;
  if (points === undefined && width === undefined) throw new PointCloudError(fileName, 'header has neither POINTS nor WIDTH', 'bad-header');
  if (points === undefined) points = width! * height;
  if (width === undefined) {
    width = points;
    height = 1;
  }
  if (width * height !== points) {
    warnings.push(`${fileName}: WIDTH x HEIGHT (${width} x ${height}) disagrees with POINTS ${points}; using POINTS, cloud treated as unorganized`);
    width = points;
    height = 1;
  }
  let viewpoint: number[] | undefined;
  const vp = entries.get('VIEWPOINT');
  if (vp) {
    const values = vp.map(Number);
    if (values.length === 7 && values.every(Number.isFinite)) viewpoint = values;
    else warnings.push(`${fileName}: ignoring malformed VIEWPOINT "${vp.join(' ')}"`);
  }
  return {
    version: entries.get('VERSION')?.[0],
    columns,
    width,
    height,
    points,
    viewpoint,
    data: dataKind,
    dataStart: found.dataStart,
    warnings,
  };
}

/** Replaces packed rgb / rgba (4 bytes per point, float or int) with `rgb` uint8 x3 (+ `alpha`). */
function unpackColor(field: PointField, n: number): PointField[] {
  const bits = new Uint32Array(field.data.buffer, field.data.byteOffset, n);
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, d = 0; i < n; i++, d += 3) {
    const v = bits[i];
    rgb[d] = (v >>> 16) & 255;
    rgb[d + 1] = (v >>> 8) & 255;
    rgb[d + 2] = v & 255;
  }
  const out: PointField[] = [{ name: 'rgb', type: 'uint8', count: 3, data: rgb }];
  if (field.name === 'rgba') {
    const alpha = new Uint8Array(n);
    for (let i = 0; i < n; i++) alpha[i] = bits[i] >>> 24;
    out.push({ name: 'alpha', type: 'uint8', count: 1, data: alpha });
  }
  return out;
}

const isPackedColor = (c: PcdColumn) => (c.name === 'rgb' || c.name === 'rgba') && c.size === 4 && c.count === 1;

/** Makes names unique (a second `normal` becomes `normal_1`) and reports which columns hold x, y, z (any case). */
function planColumns(header: PcdHeader, fileName: string) {
  const seen = new Set<string>();
  const attributes: { index: number; name: string }[] = [];
  const axes: number[] = [-1, -1, -1];
  header.columns.forEach((c, index) => {
    if (c.name === '_' || c.count === 0) return;
    // Case-insensitive: PDAL writes `X Y Z`, PCL `x y z`; other names keep their spelling.
    const axis = ['x', 'y', 'z'].indexOf(c.name.toLowerCase());
    if (axis >= 0 && axes[axis] < 0) {
      if (c.count !== 1) throw new PointCloudError(fileName, `coordinate field "${c.name}" has COUNT ${c.count}, expected 1`, 'unsupported');
      axes[axis] = index;
      return;
    }
    let name = c.name;
    for (let k = 1; seen.has(name) || ['x', 'y', 'z'].includes(name.toLowerCase()); k++) name = `${c.name}_${k}`;
    if (name !== c.name) header.warnings.push(`${fileName}: duplicate field "${c.name}" renamed to "${name}"`);
    seen.add(name);
    attributes.push({ index, name });
  });
  const missing = ['x', 'y', 'z'].filter((_, a) => axes[a] < 0);
  if (missing.length) throw new PointCloudError(fileName, `no ${missing.join(', ')} field in FIELDS (${header.columns.map((c) => c.name).join(' ')})`, 'unsupported');
  return { axes: axes as [number, number, number], attributes };
}

export function parsePcd(bytes: Uint8Array, fileName: string): CloudParts {
  const header = parsePcdHeader(bytes, fileName);
  const plan = planColumns(header, fileName);
  const n = header.points;
  const parts =
    header.data === 'ascii' ? readAscii(bytes, header, plan, fileName) : readBinary(bytes, header, plan, fileName);
  const organized = header.height > 1;
  return {
    ...parts,
    count: n,
    width: organized ? header.width : undefined,
    height: organized ? header.height : undefined,
    viewpoint: header.viewpoint,
    warnings: [...header.warnings, ...parts.warnings],
  };
}

/**
 * A binary PCD read record by record (see stream.ts), or null when the file must be parsed whole:
 * not binary, coordinates that are not float32, or a body whose size differs from the header's
 * (the whole-file path reports those). `head` holds at least the header.
 */
export function pcdStreamPlan(head: Uint8Array, fileSize: number, fileName: string): StreamPlan | null {
  const header = parsePcdHeader(head, fileName);
  if (header.data === 'binary_compressed') return compressedStreamPlan(header, head, fileSize, fileName);
  if (header.data !== 'binary') return null;
  const plan = planColumns(header, fileName);
  const n = header.points;
  const pointSize = header.columns.reduce((a, c) => a + c.size * c.count, 0);
  const expected = n * pointSize;
  const available = fileSize - header.dataStart;
  // Trailing bytes (SUSTech's exports have some) are looked at, like the whole-file path does; a
  // tail longer than a chunk is left to that path.
  if (pointSize === 0 || available < expected || available - expected > 1 << 20) return null;
  const warnings: string[] = [];
  const tailWarnings: string[] = [];
  const fieldOffsets = recordLayout(header.columns, pointSize, fileName, warnings);
  const columnAt = (i: number): ColumnSource => ({ start: fieldOffsets[i], stride: pointSize, type: header.columns[i].type!, count: header.columns[i].count });
  const attributes: NamedColumn[] = plan.attributes.map(({ index, name }) => ({ ...columnAt(index), name }));
  const decoder = createRecordDecoder(plan.axes.map(columnAt) as [ColumnSource, ColumnSource, ColumnSource], attributes, n);
  if (!decoder) return null;
  return {
    format: 'pcd',
    bodyStart: header.dataStart,
    recordSize: pointSize,
    count: n,
    decode: decoder.decode,
    trailer:
      available > expected
        ? {
            start: header.dataStart + expected,
            end: fileSize,
            inspect(bytes) {
              if (!isWhitespace(bytes, 0)) tailWarnings.push(`${fileName}: ${available - expected} bytes after the last point ignored`);
            },
          }
        : undefined,
    finish(): CloudParts {
      const { positions, offset, bounds, fields: extracted } = decoder.finish();
      const fields: PointField[] = [];
      extracted.forEach((field, k) => {
        fields.push(...(isPackedColor(header.columns[plan.attributes[k].index]) ? unpackColor(field, n) : [field]));
      });
      const organized = header.height > 1;
      return {
        positions,
        offset,
        bounds,
        fields,
        count: n,
        width: organized ? header.width : undefined,
        height: organized ? header.height : undefined,
        viewpoint: header.viewpoint,
        warnings: [...header.warnings, ...tailWarnings, ...warnings],
      };
    },
  };
}

/**
 * binary_compressed streamed: the compressed block is fed to the LZF decoder chunk by chunk as it
 * is read (recordSize 1: the "records" are bytes), so the file is never held whole. With float32
 * x y z the decoder runs through a small window and scatters into the columns as it goes
 * (windowedColumns); otherwise the columns are extracted from the decompressed block at the end.
 * Null when the size fields are not in `head`, disagree with the header or the file (the
 * whole-file path reports those), or there is no wasm.
 */
function compressedStreamPlan(header: PcdHeader, head: Uint8Array, fileSize: number, fileName: string): StreamPlan | null {
  const start = header.dataStart;
  if (head.length < start + 8) return null;
  const plan = planColumns(header, fileName);
  const n = header.points;
  const widths = header.columns.map((c) => c.size * c.count);
  const expected = n * widths.reduce((a, b) => a + b, 0);
  const view = new DataView(head.buffer, head.byteOffset + start, 8);
  const compressedSize = view.getUint32(0, true);
  const uncompressedSize = view.getUint32(4, true);
  if (compressedSize > fileSize - start - 8 || uncompressedSize !== expected || uncompressedSize > compressedSize * LZF_MAX_RATIO + 64) return null;
  const corruptLzf = (e: unknown) => (e instanceof LzfError ? new PointCloudError(fileName, `corrupt LZF data: ${e.message}`, 'corrupt') : e);
  const windowed = windowedColumns(header, plan);
  if (windowed) {
    return {
      format: 'pcd',
      bodyStart: start + 8,
      recordSize: 1,
      count: compressedSize,
      decode(bytes) {
        try {
          windowed.write(bytes);
        } catch (e) {
          throw corruptLzf(e);
        }
      },
      finish(): CloudParts {
        let parts: ReturnType<typeof windowed.finish>;
        try {
          parts = windowed.finish();
        } catch (e) {
          throw corruptLzf(e);
        }
        const organized = header.height > 1;
        return {
          ...parts,
          warnings: [...header.warnings],
          count: n,
          width: organized ? header.width : undefined,
          height: organized ? header.height : undefined,
          viewpoint: header.viewpoint,
        };
      },
    };
  }
  const stream = lzfDecompressStream(uncompressedSize);
  if (!stream) return null;
  return {
    format: 'pcd',
    bodyStart: start + 8,
    recordSize: 1,
    count: compressedSize,
    decode(bytes) {
      try {
        stream.write(bytes);
      } catch (e) {
        throw corruptLzf(e);
      }
    },
    finish(): CloudParts {
      let body: Uint8Array;
      try {
        body = stream.end();
      } catch (e) {
        throw corruptLzf(e);
      }
      const fieldOffsets = offsetsOf(widths.map((w) => w * n));
      const columnAt = (i: number): ColumnSource => ({ start: fieldOffsets[i], stride: widths[i], type: header.columns[i].type!, count: header.columns[i].count });
      const parts = columnsOf(body, header, plan, columnAt);
      const organized = header.height > 1;
      return {
        ...parts,
        warnings: [...header.warnings],
        count: n,
        width: organized ? header.width : undefined,
        height: organized ? header.height : undefined,
        viewpoint: header.viewpoint,
      };
    },
  };
}

type Plan = ReturnType<typeof planColumns>;
type BodyParts = Pick<CloudParts, 'positions' | 'offset' | 'fields' | 'warnings' | 'bounds'>;

function readBinary(bytes: Uint8Array, header: PcdHeader, plan: Plan, fileName: string): BodyParts {
  const n = header.points;
  const widths = header.columns.map((c) => c.size * c.count);
  const pointSize = widths.reduce((a, b) => a + b, 0);
  const expected = n * pointSize;
  const warnings: string[] = [];
  let body: Uint8Array;
  let columnAt: (i: number) => ColumnSource;

  if (header.data === 'binary') {
    const available = bytes.length - header.dataStart;
    if (available < expected) {
      throw new PointCloudError(fileName, `truncated DATA section: header says ${n} points (${expected} bytes), file has ${available} bytes`, 'truncated');
    }
    if (available > expected && !isWhitespace(bytes, header.dataStart + expected)) {
      warnings.push(`${fileName}: ${available - expected} bytes after the last point ignored`);
    }
    body = bytes.subarray(header.dataStart, header.dataStart + expected);
    const fieldOffsets = recordLayout(header.columns, pointSize, fileName, warnings);
    columnAt = (i) => ({ start: fieldOffsets[i], stride: pointSize, type: header.columns[i].type!, count: header.columns[i].count });
  } else {
    const compressed = compressedBlock(bytes, header, expected, fileName);
    const windowed = windowedColumns(header, plan);
    if (windowed) {
      try {
        windowed.write(compressed);
        return { ...windowed.finish(), warnings };
      } catch (e) {
        if (e instanceof LzfError) throw new PointCloudError(fileName, `corrupt LZF data: ${e.message}`, 'corrupt');
        throw e;
      }
    }
    body = decompressBody(compressed, expected, fileName);
    // binary_compressed stores each field's values for all points contiguously (column-major).
    const fieldOffsets = offsetsOf(widths.map((w) => w * n));
    columnAt = (i) => ({ start: fieldOffsets[i], stride: widths[i], type: header.columns[i].type!, count: header.columns[i].count });
  }

  return { ...columnsOf(body, header, plan, columnAt), warnings };
}

/** Positions and attribute fields (packed colour unpacked) from a body laid out as `columnAt` says. */
function columnsOf(body: Uint8Array, header: PcdHeader, plan: Plan, columnAt: (i: number) => ColumnSource): Pick<CloudParts, 'positions' | 'offset' | 'fields' | 'bounds'> {
  const n = header.points;
  const attributes: NamedColumn[] = plan.attributes.map(({ index, name }) => ({ ...columnAt(index), name }));
  const extracted = extractColumns(body, plan.axes.map(columnAt) as [ColumnSource, ColumnSource, ColumnSource], attributes, n);
  const { positions, offset, bounds } = extracted;
  const fields: PointField[] = [];
  extracted.fields.forEach((field, k) => {
    fields.push(...(isPackedColor(header.columns[plan.attributes[k].index]) ? unpackColor(field, n) : [field]));
  });
  return { positions, offset, fields, bounds };
}

/**
 * binary_compressed decoded straight into the cloud's arrays (columnScatter.ts) while the LZF
 * stream is decoded through a small window: no block of the decompressed size is made. Null when
 * x y z are not float32 (they are recentred from the whole block) or the wasm kernel is missing.
 * `write` takes the compressed block in pieces of any size; both throw LzfError on corrupt data.
 */
function windowedColumns(header: PcdHeader, plan: Plan): { write(bytes: Uint8Array): void; finish(): Pick<CloudParts, 'positions' | 'offset' | 'fields' | 'bounds'> } | null {
  const n = header.points;
  const widths = header.columns.map((c) => c.size * c.count);
  const fieldOffsets = offsetsOf(widths.map((w) => w * n));
  const columnAt = (i: number): ScatterColumn => ({ start: fieldOffsets[i], type: header.columns[i].type!, count: header.columns[i].count });
  const scatter = createColumnScatter(plan.axes.map(columnAt) as [ScatterColumn, ScatterColumn, ScatterColumn], plan.attributes.map(({ index }) => columnAt(index)), n);
  if (!scatter) return null;
  const stream = lzfDecompressWindowed(widths.reduce((a, b) => a + b, 0) * n, scatter.sink);
  if (!stream) return null;
  return {
    write: (bytes) => stream.write(bytes),
    finish() {
      stream.end();
      const { positions, bounds, datas } = scatter.finish();
      const fields: PointField[] = [];
      plan.attributes.forEach(({ index, name }, k) => {
        const c = header.columns[index];
        const field: PointField = { name, type: c.type!, count: c.count, data: datas[k] };
        fields.push(...(isPackedColor(c) ? unpackColor(field, n) : [field]));
      });
      return { positions, offset: [0, 0, 0], bounds, fields };
    },
  };
}

/** The compressed block of a binary_compressed body, after checking its size fields against the header and the file. */
function compressedBlock(bytes: Uint8Array, header: PcdHeader, expected: number, fileName: string): Uint8Array {
  const start = header.dataStart;
  if (bytes.length - start < 8) throw new PointCloudError(fileName, 'truncated DATA section: binary_compressed size fields missing', 'truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, 8);
  const compressedSize = view.getUint32(0, true);
  const uncompressedSize = view.getUint32(4, true);
  const available = bytes.length - start - 8;
  if (compressedSize > available) {
    throw new PointCloudError(fileName, `truncated DATA section: compressed size is ${compressedSize} bytes, file has ${available}`, 'truncated');
  }
  if (uncompressedSize !== expected) {
    throw new PointCloudError(fileName, `header says ${header.points} points (${expected} bytes uncompressed) but the compressed block holds ${uncompressedSize} bytes`, 'corrupt');
  }
  if (uncompressedSize > compressedSize * LZF_MAX_RATIO + 64) {
    throw new PointCloudError(fileName, `corrupt LZF block: ${compressedSize} compressed bytes cannot expand to ${uncompressedSize}`, 'corrupt');
  }
  return bytes.subarray(start + 8, start + 8 + compressedSize);
}

/** The whole decompressed block (for x y z that are not float32, or without the wasm kernel). */
function decompressBody(compressed: Uint8Array, expected: number, fileName: string): Uint8Array {
  try {
    return lzfDecompress(compressed, expected);
  } catch (e) {
    if (e instanceof LzfError) throw new PointCloudError(fileName, `corrupt LZF data: ${e.message}`, 'corrupt');
    throw e;
  }
}

function readAscii(bytes: Uint8Array, header: PcdHeader, plan: Plan, fileName: string): BodyParts {
  const n = header.points;
  const warnings: string[] = [];
  const available = bytes.length - header.dataStart;
  if (n > available) {
    throw new PointCloudError(fileName, `truncated DATA section: header says ${n} points, only ${available} bytes of ascii data`, 'truncated');
  }
  const columnStarts = offsetsOf(header.columns.map((c) => c.count));
  const valuesPerRow = columnStarts[columnStarts.length - 1] + header.columns[header.columns.length - 1].count;
  const xyz = new Float64Array(n * 3);
  const targets = plan.attributes.map(({ index, name }) => {
    const c = header.columns[index];
    return { index, name, column: c, data: createTypedArray(c.type!, n * c.count) as TypedArray };
  });
  let row = 0;
  let extraValues = false;
  for (const tokens of asciiRows(latin1(bytes, header.dataStart))) {
    if (row === n) {
      warnings.push(`${fileName}: ascii data has more rows than the ${n} points in the header; extra rows ignored`);
      break;
    }
    if (tokens.length < valuesPerRow) {
      throw new PointCloudError(fileName, `ascii row ${row + 1} has ${tokens.length} values, FIELDS/COUNT need ${valuesPerRow}`, 'corrupt');
    }
    if (tokens.length > valuesPerRow) extraValues = true;
    for (let a = 0; a < 3; a++) xyz[row * 3 + a] = Number(tokens[columnStarts[plan.axes[a]]]);
    for (const t of targets) {
      const first = columnStarts[t.index];
      for (let k = 0; k < t.column.count; k++) t.data[row * t.column.count + k] = Number(tokens[first + k]);
    }
    row++;
  }
  if (row < n) throw new PointCloudError(fileName, `truncated DATA section: header says ${n} points, ascii data has ${row} rows`, 'truncated');
  if (extraValues) warnings.push(`${fileName}: some ascii rows have more values than FIELDS/COUNT describe; extras ignored`);

  const { positions, offset } = recenterFloat64(xyz, n);

  const fields: PointField[] = [];
  for (const t of targets) {
    const field: PointField = { name: t.name, type: t.column.type!, count: t.column.count, data: t.data };
    // An ascii float rgb is the float whose bits are the packed colour; the Float32Array holds those bits.
    fields.push(...(isPackedColor(t.column) ? unpackColor(field, n) : [field]));
  }
  return { positions, offset, fields, warnings };
}

/**
 * Byte offset of each field inside a binary record. Normally the running sum of SIZE x COUNT. Some
 * writers (seen in ROS / SUSTech exports) emit `_` padding in the wrong places, which leaves a
 * multi-byte field misaligned, e.g. a float64 at byte 20. Such records were C structs, so from the
 * first misaligned field on, fields are placed at their natural alignment and the remaining padding
 * is assumed to sit at the end of the record; the change is reported as a warning.
 */
function recordLayout(columns: PcdColumn[], pointSize: number, fileName: string, warnings: string[]): number[] {
  const declared = offsetsOf(columns.map((c) => c.size * c.count));
  const firstMisaligned = columns.findIndex((c, i) => c.name !== '_' && c.count > 0 && c.size > 1 && declared[i] % c.size !== 0);
  if (firstMisaligned < 0 || pointSize % 4 !== 0) return declared;
  const repaired = declared.slice();
  let at = declared[firstMisaligned];
  for (let i = firstMisaligned; i < columns.length; i++) {
    const c = columns[i];
    if (c.name === '_') {
      repaired[i] = at; // zero-width from here on: its bytes are assumed to trail the record
      continue;
    }
    at = Math.ceil(at / c.size) * c.size;
    repaired[i] = at;
    at += c.size * c.count;
  }
  if (at > pointSize) {
    warnings.push(`${fileName}: field "${columns[firstMisaligned].name}" sits at byte ${declared[firstMisaligned]}, misaligned for its ${columns[firstMisaligned].size}-byte type; its values may be garbage`);
    return declared;
  }
  const moved = columns
    .map((c, i) => (c.name !== '_' && repaired[i] !== declared[i] ? `${c.name} ${declared[i]}->${repaired[i]}` : null))
    .filter(Boolean);
  warnings.push(`${fileName}: header padding leaves "${columns[firstMisaligned].name}" misaligned; fields re-laid with natural alignment (${moved.join(', ')})`);
  return repaired;
}

function offsetsOf(widths: number[]): number[] {
  const out: number[] = [];
  let acc = 0;
  for (const w of widths) {
    out.push(acc);
    acc += w;
  }
  return out;
}

function isWhitespace(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 10 && b !== 13 && b !== 32 && b !== 9) return false;
  }
  return true;
}

