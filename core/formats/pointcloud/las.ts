/**
 * LAS 1.0-1.4 reader (point data record formats 0-10, scale/offset, extra bytes) and LAZ through
 * laz-perf. LAZ is decompressed to plain LAS records first, then read by the same record reader.
 */
import type { CloudParts } from './columns';
import { createLasXyz } from './lasXyz';
import { createLasKernel, type LegacyColumns } from './wasm/lasKernel';
import type { StreamPlan } from './types';
import { latin1 } from './text';
import { createTypedArray, PointCloudError, type LazPerfModule, type PointField, type ScalarType, type TypedArray, type Vec3 } from './types';

/** Bytes of the standard part of each point data record format; the rest of a record is extra bytes. */
const STANDARD_RECORD_SIZE = [20, 28, 26, 34, 57, 63, 30, 36, 38, 59, 67];
const MIN_HEADER_SIZE = 227;
/** Decompressed LAZ larger than this is refused rather than risking an out-of-memory crash. */
const MAX_DECOMPRESSED_BYTES = 2 ** 31 - 1;

export interface ExtraBytesDescriptor {
  name: string;
  /** Raw storage type; null for undocumented bytes (kept as uint8 x size). */
  type: ScalarType | 'uint64' | 'int64' | null;
  count: number;
  size: number;
  scale?: number[];
  offset?: number[];
}

export interface LasHeader {
  version: string;
  headerSize: number;
  pointDataOffset: number;
  vlrCount: number;
  pointFormat: number;
  compressed: boolean;
  recordLength: number;
  pointCount: number;
  scale: Vec3;
  offset: Vec3;
  min: Vec3;
  max: Vec3;
  extraBytes: ExtraBytesDescriptor[];
  warnings: string[];
}

export function parseLasHeader(bytes: Uint8Array, fileName: string): LasHeader {
  if (bytes.length < 4 || latin1(bytes, 0, 4) !== 'LASF') throw new PointCloudError(fileName, 'missing LAS header: file does not start with "LASF"', 'missing-header');
  if (bytes.length < MIN_HEADER_SIZE) throw new PointCloudError(fileName, `truncated LAS header: ${bytes.length} bytes, need at least ${MIN_HEADER_SIZE}`, 'truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  const major = view.getUint8(24);
  const minor = view.getUint8(25);
  const headerSize = view.getUint16(94, true);
  const pointDataOffset = view.getUint32(96, true);
  const vlrCount = view.getUint32(100, true);
  const formatByte = view.getUint8(104);
  // LAZ marks compression with the top two bits of the format byte.
  const compressed = (formatByte & 0xc0) !== 0;
  const pointFormat = formatByte & 0x3f;
  const recordLength = view.getUint16(105, true);
  let pointCount = view.getUint32(107, true);
  if (headerSize >= 375 && bytes.length >= 255 && (major > 1 || minor >= 4)) {
    const count64 = view.getUint32(247, true) + view.getUint32(251, true) * 2 ** 32;
    if (count64 !== 0) {
      if (pointCount !== 0 && pointCount !== count64) warnings.push(`${fileName}: legacy point count ${pointCount} disagrees with 64-bit count ${count64}; using the 64-bit count`);
      pointCount = count64;
    }
  }
  if (headerSize < MIN_HEADER_SIZE) throw new PointCloudError(fileName, `LAS header size ${headerSize} is below the minimum ${MIN_HEADER_SIZE}`, 'bad-header');
  if (pointFormat > 10) throw new PointCloudError(fileName, `unsupported LAS point data record format ${pointFormat}`, 'unsupported');
  if (recordLength < STANDARD_RECORD_SIZE[pointFormat]) {
    throw new PointCloudError(fileName, `point record length ${recordLength} is shorter than format ${pointFormat} needs (${STANDARD_RECORD_SIZE[pointFormat]} bytes)`, 'bad-header');
  }
  const d = (pos: number) => view.getFloat64(pos, true);
  const scale: Vec3 = [d(131), d(139), d(147)];
  const offset: Vec3 = [d(155), d(163), d(171)];
  if (!scale.every((s) => Number.isFinite(s) && s !== 0) || !offset.every(Number.isFinite)) {
    throw new PointCloudError(fileName, `invalid scale (${scale.join(', ')}) or offset (${offset.join(', ')})`, 'bad-header');
  }
  const header: LasHeader = {
    version: `${major}.${minor}`,
    headerSize,
    pointDataOffset,
    vlrCount,
    pointFormat,
    compressed,
    recordLength,
    pointCount,
    scale,
    offset,
    max: [d(179), d(195), d(211)],
    min: [d(187), d(203), d(219)],
    extraBytes: [],
    warnings,
  };
  header.extraBytes = readExtraBytesVlr(bytes, view, header, fileName);
  return header;
}

const EXTRA_BYTES_TYPES: (ExtraBytesDescriptor['type'])[] = [null, 'uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64', 'float32', 'float64'];
const SIZE_OF: Record<string, number> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, uint64: 8, int64: 8, float32: 4, float64: 8 };

/** Finds the LASF_Spec record 4 among the VLRs and decodes its 192-byte descriptors. */
function readExtraBytesVlr(bytes: Uint8Array, view: DataView, header: LasHeader, fileName: string): ExtraBytesDescriptor[] {
  let pos = header.headerSize;
  for (let i = 0; i < header.vlrCount; i++) {
    if (pos + 54 > bytes.length) {
      header.warnings.push(`${fileName}: header announces ${header.vlrCount} VLRs but only ${i} fit in the file`);
      return [];
    }
    const userId = latin1(bytes, pos + 2, pos + 18).replace(/\0.*$/s, '');
    const recordId = view.getUint16(pos + 18, true);
    const length = view.getUint16(pos + 20, true);
    const body = pos + 54;
    if (userId === 'LASF_Spec' && recordId === 4 && body + length <= bytes.length) {
      const descriptors: ExtraBytesDescriptor[] = [];
      for (let p = body; p + 192 <= body + length; p += 192) {
        const dataType = view.getUint8(p + 2);
        const options = view.getUint8(p + 3);
        const name = latin1(bytes, p + 4, p + 36).replace(/\0.*$/s, '').trim() || `extra_${descriptors.length}`;
        let type: ExtraBytesDescriptor['type'];
        let count = 1;
        if (dataType === 0) type = null;
        else if (dataType <= 10) type = EXTRA_BYTES_TYPES[dataType];
        else if (dataType <= 30) {
          // Deprecated tuple types: 11-20 are pairs, 21-30 triples of types 1-10.
          type = EXTRA_BYTES_TYPES[((dataType - 1) % 10) + 1];
          count = dataType <= 20 ? 2 : 3;
        } else {
          header.warnings.push(`${fileName}: extra bytes "${name}" has unknown data type ${dataType}; its bytes are skipped`);
          return descriptors;
        }
        const size = type === null ? Math.max(1, options) : SIZE_OF[type] * count;
        const triple = (at: number) => [0, 1, 2].slice(0, count).map((k) => view.getFloat64(at + k * 8, true));
        descriptors.push({
          name,
          type,
          count: type === null ? size : count,
          size,
          scale: options & 8 ? triple(p + 112) : undefined,
          offset: options & 16 ? triple(p + 136) : undefined,
        });
      }
      return descriptors;
    }
    pos = body + length;
  }
  return [];
}

/** Reads uncompressed LAS point records (from a .las file or from LAZ decompression). */
export function readLasRecords(records: Uint8Array, header: LasHeader, count: number, fileName: string): CloudParts {
  const decoder = lasRecordDecoder(header, count, fileName);
  decoder.decode(records, 0, count);
  const parts = decoder.finish();
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  parts.fields.push(...readExtraBytes(view, header, count, parts.warnings, fileName));
  return parts;
}

/**
 * The standard part of LAS point records, decoded chunk by chunk into arrays allocated once: one
 * pass over the records fills every column (a closure per column made each value a call, 8.5x the
 * cost of reading the file, issue #19). x y z are scaled as they are read, with the recentring
 * offset the header predicts (lasXyz.ts; fixed up at the end when the header was wrong), so a
 * streamed file is read once and the positions are written once. Formats 0-5 run in a wasm
 * kernel (wasm/lasKernel.ts), 6-10 in the JavaScript loops below. Extra bytes are not decoded
 * here (readLasRecords does them over the whole body; the streamed path is not used when a record
 * has them).
 */
export function lasRecordDecoder(header: LasHeader, count: number, fileName: string): { decode(src: Uint8Array, first: number, n: number): void; finish(): CloudParts } {
  const fmt = header.pointFormat;
  const len = header.recordLength;
  const legacy = fmt <= 5;
  const xyz = createLasXyz(header, count);
  const intensity = new Uint16Array(count);
  const returnNumber = new Uint8Array(count);
  const numberOfReturns = new Uint8Array(count);
  const classification = new Uint8Array(count);
  const classificationFlags = new Uint8Array(count);
  const scannerChannel = legacy ? null : new Uint8Array(count);
  const userData = new Uint8Array(count);
  const scanAngle8 = legacy ? new Int8Array(count) : null;
  const scanAngle16 = legacy ? null : new Int16Array(count);
  const pointSourceId = new Uint16Array(count);
  const hasGps = fmt === 1 || fmt >= 3;
  const gpsTime = hasGps ? new Float64Array(count) : null;
  const gpsAt = legacy ? 20 : 22;
  const rgbAt = fmt === 2 ? 20 : fmt === 3 || fmt === 5 ? 28 : fmt === 7 || fmt === 8 || fmt === 10 ? 30 : -1;
  const rgb16 = rgbAt >= 0 ? new Uint16Array(count * 3) : null;
  const nir = fmt === 8 || fmt === 10 ? new Uint16Array(count) : null;

  // Formats 0-5 through the wasm kernel where it runs (no JIT warm-up on a cold open).
  const kernel = legacy && HOST_LITTLE_ENDIAN ? createLasKernel(len, header.scale, xyz.shift, hasGps ? gpsAt : -1, rgbAt) : null;
  const columns: LegacyColumns | null = kernel
    ? { intensity, returnNumber, numberOfReturns, classification, classificationFlags, scanAngle: scanAngle8!, userData, pointSourceId, gpsTime, rgb16 }
    : null;
  const onBlock = (first: number, n: number, min: Int32Array, max: Int32Array, records: Uint8Array) => xyz.accept(records, first, n, len, min, max);

  function decode(src: Uint8Array, first: number, n: number): void {
    if (kernel && columns) {
      kernel.decode(src, first, n, xyz.positions, columns, onBlock);
      return;
    }
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    // Records that start 4-byte aligned (the host's chunk buffer, LAZ output; not a whole file
    // whose header has an odd length) are read through typed views: ~2x the DataView loop.
    const aligned4 = HOST_LITTLE_ENDIAN && src.byteOffset % 4 === 0 && len % 4 === 0;
    xyz.decode(src, first, n, len);
    if (legacy && HOST_LITTLE_ENDIAN && src.byteOffset % 2 === 0 && len % 2 === 0) {
      decodeLegacyTyped(src, new Uint16Array(src.buffer, src.byteOffset, (n * len) >> 1), n, first, len, intensity, returnNumber, numberOfReturns, classification, classificationFlags, scanAngle8!, userData, pointSourceId);
    } else if (legacy) decodeLegacy(view, n, first, len, intensity, returnNumber, numberOfReturns, classification, classificationFlags, scanAngle8!, userData, pointSourceId);
    else decodeV14(view, n, first, len, intensity, returnNumber, numberOfReturns, classification, classificationFlags, scannerChannel!, scanAngle16!, userData, pointSourceId);
    if (gpsTime && aligned4 && gpsAt % 4 === 0) copyFloat64Bits(new Uint32Array(src.buffer, src.byteOffset, (n * len) >> 2), n, first, len >> 2, gpsAt >> 2, new Uint32Array(gpsTime.buffer));
    else if (gpsTime) decodeFloat64(view, n, first, len, gpsAt, gpsTime);
    if (rgb16) decodeRgb16(view, n, first, len, rgbAt, rgb16);
    if (nir) decodeUint16(view, n, first, len, 36, nir);
  }

  function finish(): CloudParts {
    const warnings = [...header.warnings];
    const { center, realMin, realMax, bounds } = xyz.finish();
    if (count > 0 && [0, 1, 2].some((a) => realMin[a] < header.min[a] - Math.abs(header.scale[a]) || realMax[a] > header.max[a] + Math.abs(header.scale[a]))) {
      warnings.push(`${fileName}: header bounds do not contain all points; bounds computed from the points`);
    }
    const field = (name: string, type: ScalarType, data: TypedArray): PointField => ({ name, type, count: 1, data });
    const fields: PointField[] = legacy
      ? [
          field('intensity', 'uint16', intensity),
          field('return_number', 'uint8', returnNumber),
          field('number_of_returns', 'uint8', numberOfReturns),
          field('classification', 'uint8', classification),
          field('classification_flags', 'uint8', classificationFlags),
          field('scan_angle', 'int8', scanAngle8!),
          field('user_data', 'uint8', userData),
          field('point_source_id', 'uint16', pointSourceId),
        ]
      : [
          field('intensity', 'uint16', intensity),
          field('return_number', 'uint8', returnNumber),
          field('number_of_returns', 'uint8', numberOfReturns),
          field('classification_flags', 'uint8', classificationFlags),
          field('scanner_channel', 'uint8', scannerChannel!),
          field('classification', 'uint8', classification),
          field('user_data', 'uint8', userData),
          // Units of 0.006 degrees, kept raw.
          field('scan_angle', 'int16', scanAngle16!),
          field('point_source_id', 'uint16', pointSourceId),
        ];
    if (gpsTime) fields.push(field('gps_time', 'float64', gpsTime));
    if (rgb16) fields.push(rgbToUint8(rgb16));
    if (nir) fields.push(field('nir', 'uint16', nir));
    return { count, positions: xyz.positions, offset: center, fields, warnings, bounds };
  }

  return { decode, finish };
}

// The loops below are top-level functions over their arguments (not closures over the decoder's
// state): every array is a local, so V8 keeps the backing stores in registers. As one closure
// reading captured arrays this cost 3-4x more per point.


const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;


/** decodeLegacy through byte and uint16 views over 2-byte aligned records. */
function decodeLegacyTyped(u8: Uint8Array, u16: Uint16Array, n: number, first: number, len: number, intensity: Uint16Array, ret: Uint8Array, nret: Uint8Array, cls: Uint8Array, flags: Uint8Array, angle: Int8Array, user: Uint8Array, source: Uint16Array): void {
  const half = len >> 1;
  for (let i = 0, p = 0, h = 0, o = first; i < n; i++, p += len, h += half, o++) {
    intensity[o] = u16[h + 6];
    const b14 = u8[p + 14];
    const b15 = u8[p + 15];
    ret[o] = b14 & 7;
    nret[o] = (b14 >> 3) & 7;
    cls[o] = b15 & 31;
    flags[o] = b15 >> 5;
    angle[o] = (u8[p + 16] << 24) >> 24;
    user[o] = u8[p + 17];
    source[o] = u16[h + 9];
  }
}

/** Formats 0-5: bytes 12-19 of each record. */
function decodeLegacy(view: DataView, n: number, first: number, len: number, intensity: Uint16Array, ret: Uint8Array, nret: Uint8Array, cls: Uint8Array, flags: Uint8Array, angle: Int8Array, user: Uint8Array, source: Uint16Array): void {
  for (let i = 0, p = 0, o = first; i < n; i++, p += len, o++) {
    intensity[o] = view.getUint16(p + 12, true);
    const b14 = view.getUint8(p + 14);
    const b15 = view.getUint8(p + 15);
    ret[o] = b14 & 7;
    nret[o] = (b14 >> 3) & 7;
    cls[o] = b15 & 31;
    flags[o] = b15 >> 5;
    angle[o] = view.getInt8(p + 16);
    user[o] = view.getUint8(p + 17);
    source[o] = view.getUint16(p + 18, true);
  }
}

/** Formats 6-10: bytes 12-21 of each record. */
function decodeV14(view: DataView, n: number, first: number, len: number, intensity: Uint16Array, ret: Uint8Array, nret: Uint8Array, cls: Uint8Array, flags: Uint8Array, channel: Uint8Array, angle: Int16Array, user: Uint8Array, source: Uint16Array): void {
  for (let i = 0, p = 0, o = first; i < n; i++, p += len, o++) {
    intensity[o] = view.getUint16(p + 12, true);
    const b14 = view.getUint8(p + 14);
    const b15 = view.getUint8(p + 15);
    ret[o] = b14 & 15;
    nret[o] = b14 >> 4;
    flags[o] = b15 & 15;
    channel[o] = (b15 >> 4) & 3;
    cls[o] = view.getUint8(p + 16);
    user[o] = view.getUint8(p + 17);
    angle[o] = view.getInt16(p + 18, true);
    source[o] = view.getUint16(p + 20, true);
  }
}


/** A float64 column copied as its two 32-bit words (aligned records: no DataView, no float conversion). */
function copyFloat64Bits(u32: Uint32Array, n: number, first: number, words: number, at: number, out: Uint32Array): void {
  for (let i = 0, p = at, o = first * 2; i < n; i++, p += words, o += 2) {
    out[o] = u32[p];
    out[o + 1] = u32[p + 1];
  }
}

function decodeFloat64(view: DataView, n: number, first: number, len: number, at: number, out: Float64Array): void {
  for (let i = 0, p = at, o = first; i < n; i++, p += len, o++) out[o] = view.getFloat64(p, true);
}

function decodeUint16(view: DataView, n: number, first: number, len: number, at: number, out: Uint16Array): void {
  for (let i = 0, p = at, o = first; i < n; i++, p += len, o++) out[o] = view.getUint16(p, true);
}

function decodeRgb16(view: DataView, n: number, first: number, len: number, at: number, out: Uint16Array): void {
  for (let i = 0, p = at, o = first * 3; i < n; i++, p += len, o += 3) {
    out[o] = view.getUint16(p, true);
    out[o + 1] = view.getUint16(p + 2, true);
    out[o + 2] = view.getUint16(p + 4, true);
  }
}

/** LAS colours are 16-bit; they become `rgb` uint8 x3 (high byte), unless the file stores 8-bit values. */
function rgbToUint8(rgb16: Uint16Array): PointField {
  let maxValue = 0;
  for (let i = 0; i < rgb16.length; i++) if (rgb16[i] > maxValue) maxValue = rgb16[i];
  const shift = maxValue > 255 ? 8 : 0;
  const rgb = new Uint8Array(rgb16.length);
  for (let i = 0; i < rgb16.length; i++) rgb[i] = rgb16[i] >> shift;
  return { name: 'rgb', type: 'uint8', count: 3, data: rgb };
}

function readExtraBytes(view: DataView, header: LasHeader, count: number, warnings: string[], fileName: string): PointField[] {
  const standard = STANDARD_RECORD_SIZE[header.pointFormat];
  const available = header.recordLength - standard;
  if (available === 0) return [];
  const fields: PointField[] = [];
  let at = standard;
  for (const desc of header.extraBytes) {
    if (at + desc.size > header.recordLength) {
      warnings.push(`${fileName}: extra bytes descriptors describe more bytes than the ${available} in each record; "${desc.name}" and later ones skipped`);
      return fields;
    }
    fields.push(readExtraField(view, desc, at, header.recordLength, count));
    at += desc.size;
  }
  if (at < header.recordLength) {
    // Undocumented extra bytes: keep them raw so nothing is silently lost.
    const size = header.recordLength - at;
    const data = new Uint8Array(count * size);
    const src = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < count; i++) data.set(src.subarray(i * header.recordLength + at, i * header.recordLength + at + size), i * size);
    fields.push({ name: 'extra_bytes', type: 'uint8', count: size, data });
  }
  return fields;
}

function readExtraField(view: DataView, desc: ExtraBytesDescriptor, at: number, len: number, count: number): PointField {
  if (desc.type === null) {
    const data = new Uint8Array(count * desc.size);
    for (let i = 0; i < count; i++) for (let k = 0; k < desc.size; k++) data[i * desc.size + k] = view.getUint8(i * len + at + k);
    return { name: desc.name, type: 'uint8', count: desc.size, data };
  }
  const elem = SIZE_OF[desc.type];
  const wide = desc.type === 'uint64' || desc.type === 'int64';
  const scaled = !!(desc.scale || desc.offset);
  // 64-bit integers and scaled values do not fit their raw type: they become float64.
  const outType: ScalarType = wide || scaled ? 'float64' : (desc.type as ScalarType);
  const read = rawReader(view, desc.type);
  const data: TypedArray = createTypedArray(outType, count * desc.count);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < desc.count; k++) {
      let v = read(i * len + at + k * elem);
      if (desc.scale) v *= desc.scale[k];
      if (desc.offset) v += desc.offset[k];
      data[i * desc.count + k] = v;
    }
  }
  return { name: desc.name, type: outType, count: desc.count, data };
}

function rawReader(view: DataView, type: NonNullable<ExtraBytesDescriptor['type']>): (p: number) => number {
  switch (type) {
    case 'uint8': return (p) => view.getUint8(p);
    case 'int8': return (p) => view.getInt8(p);
    case 'uint16': return (p) => view.getUint16(p, true);
    case 'int16': return (p) => view.getInt16(p, true);
    case 'uint32': return (p) => view.getUint32(p, true);
    case 'int32': return (p) => view.getInt32(p, true);
    case 'uint64': return (p) => Number(view.getBigUint64(p, true));
    case 'int64': return (p) => Number(view.getBigInt64(p, true));
    case 'float32': return (p) => view.getFloat32(p, true);
    case 'float64': return (p) => view.getFloat64(p, true);
  }
}

/**
 * An uncompressed LAS read record by record (see stream.ts); null when the file must be parsed
 * whole: LAZ, records with extra bytes, a header (with its VLRs) longer than `head`, or a size the
 * header disagrees with (the whole-file path reports those).
 */
export function lasStreamPlan(head: Uint8Array, fileSize: number, fileName: string): StreamPlan | null {
  const header = parseLasHeader(head, fileName);
  if (header.compressed || header.pointDataOffset > head.length || header.pointDataOffset < header.headerSize) return null;
  if (header.recordLength !== STANDARD_RECORD_SIZE[header.pointFormat] || header.extraBytes.length) return null;
  if (fileSize - header.pointDataOffset < header.pointCount * header.recordLength) return null;
  const decoder = lasRecordDecoder(header, header.pointCount, fileName);
  return { format: 'las', bodyStart: header.pointDataOffset, recordSize: header.recordLength, count: header.pointCount, decode: decoder.decode, finish: decoder.finish };
}

export function parseLas(bytes: Uint8Array, fileName: string): CloudParts {
  const header = parseLasHeader(bytes, fileName);
  if (header.compressed) throw new PointCloudError(fileName, 'LAS file is LAZ-compressed; use the async LAZ reader', 'unsupported');
  const needed = header.pointCount * header.recordLength;
  const available = bytes.length - header.pointDataOffset;
  if (header.pointDataOffset < header.headerSize || available < needed) {
    throw new PointCloudError(fileName, `truncated point data: header says ${header.pointCount} points (${needed} bytes) from byte ${header.pointDataOffset}, file has ${Math.max(0, available)} bytes there`, 'truncated');
  }
  return readLasRecords(bytes.subarray(header.pointDataOffset, header.pointDataOffset + needed), header, header.pointCount, fileName);
}

const WAVEFORM_FORMATS = new Set([4, 5, 9, 10]);

let lazPerfPromise: Promise<LazPerfModule> | null = null;

async function defaultLazPerf(): Promise<LazPerfModule> {
  // laz-perf ships CommonJS; its factory may sit on the namespace or on `default` depending on the loader.
  const mod = (await import('laz-perf')) as unknown as { createLazPerf?: () => Promise<LazPerfModule>; default?: { createLazPerf?: () => Promise<LazPerfModule> } };
  const create = mod.createLazPerf ?? mod.default?.createLazPerf;
  if (!create) throw new Error('laz-perf module has no createLazPerf export');
  return create();
}

/** Decompresses a LAZ file with laz-perf (WASM, initialised once per worker) and reads its records. */
export async function parseLaz(bytes: Uint8Array, fileName: string, factory?: () => Promise<LazPerfModule>): Promise<CloudParts> {
  const header = parseLasHeader(bytes, fileName);
  const needed = header.pointCount * header.recordLength;
  if (needed > MAX_DECOMPRESSED_BYTES) throw new PointCloudError(fileName, `header says ${header.pointCount} points (${needed} bytes decompressed), more than this reader supports`, 'unsupported');
  if (WAVEFORM_FORMATS.has(header.pointFormat)) {
    // laz-perf decodes formats 0-3 and 6-8 only; on waveform formats it reads out of bounds.
    throw new PointCloudError(fileName, `LAZ point format ${header.pointFormat} (with waveform packets) is not supported by the LAZ decoder (laz-perf)`, 'unsupported');
  }
  if (header.pointDataOffset < header.headerSize || header.pointDataOffset >= bytes.length) {
    throw new PointCloudError(fileName, `point data offset ${header.pointDataOffset} lies outside the file`, 'truncated');
  }
  let lazPerf: LazPerfModule;
  try {
    lazPerf = await (factory ? factory() : (lazPerfPromise ??= defaultLazPerf()));
  } catch (e) {
    lazPerfPromise = null;
    throw new PointCloudError(fileName, `cannot initialise the LAZ decoder (laz-perf): ${(e as Error).message}`, 'unsupported');
  }
  const records = new Uint8Array(needed);
  let filePtr = 0;
  let pointPtr = 0;
  let reader: InstanceType<LazPerfModule['LASZip']> | null = null;
  try {
    filePtr = lazPerf._malloc(bytes.length);
    lazPerf.HEAPU8.set(bytes, filePtr);
    reader = new lazPerf.LASZip();
    reader.open(filePtr, bytes.length);
    const length = reader.getPointLength();
    if (reader.getCount() !== header.pointCount || length !== header.recordLength) {
      throw new Error(`decoder sees ${reader.getCount()} points of ${length} bytes, header says ${header.pointCount} of ${header.recordLength}`);
    }
    pointPtr = lazPerf._malloc(length);
    for (let i = 0; i < header.pointCount; i++) {
      reader.getPoint(pointPtr);
      // HEAPU8 is re-read each time: WASM memory growth replaces the view.
      records.set(lazPerf.HEAPU8.subarray(pointPtr, pointPtr + length), i * length);
    }
  } catch (e) {
    // A WASM abort can leave the module unusable: start from a fresh instance next time.
    if (!factory) lazPerfPromise = null;
    throw new PointCloudError(fileName, `corrupt LAZ data: ${errorText(e)}`, 'corrupt');
  } finally {
    try {
      reader?.delete();
      if (pointPtr) lazPerf._free(pointPtr);
      if (filePtr) lazPerf._free(filePtr);
    } catch {
      lazPerfPromise = null;
    }
  }
  return readLasRecords(records, header, header.pointCount, fileName);
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  // Emscripten throws raw numbers (C++ exception pointers) for decoder errors.
  return typeof e === 'number' ? `decoder exception ${e}` : String(e);
}
