/**
 * Minimal DICOM Part 10 writer: Explicit VR Little Endian, sequences and items with defined
 * lengths (computed bottom-up), so any conformant reader (dicom-parser included) can read it.
 * Used for DICOM SEG export and for generating test/bench series.
 */
import { deflateSync } from 'fflate';
import { TRANSFER_SYNTAX } from './dicom';

export type VR =
  | 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'ST' | 'TM' | 'UI' | 'UT'
  | 'US' | 'SS' | 'UL' | 'SL' | 'FL' | 'FD' | 'OB' | 'OW' | 'SQ' | 'AT';

export type DicomItem = DicomElement[];

export interface DicomElement {
  /** (group << 16) | element, e.g. 0x00100010 for PatientName. */
  tag: number;
  vr: VR;
  /** Strings (multi-values joined by "\\"), numbers, bytes, items for SQ, or compressed frames. */
  value: string | number | number[] | Uint8Array | DicomItem[] | EncapsulatedFrames;
}

/** Compressed Pixel Data: one fragment per frame, written with an empty Basic Offset Table. */
export interface EncapsulatedFrames {
  encapsulated: Uint8Array[];
}

/** Build an element; a helper that keeps call sites short. */
export const el = (tag: number, vr: VR, value: DicomElement['value']): DicomElement => ({ tag, vr, value });

const LONG_HEADER_VRS = new Set<VR>(['OB', 'OW', 'SQ', 'UT']);
const encoder = new TextEncoder();

/** Decimal String: at most 16 characters, so shorten the precision until it fits. */
export function formatDS(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`DS value ${n} is not finite`);
  let s = String(n);
  for (let p = 15; s.length > 16 && p > 0; p--) s = Number(n.toPrecision(p)).toString();
  return s;
}

function stringValue(vr: VR, value: DicomElement['value']): string {
  if (typeof value === 'string') return value;
  const values = Array.isArray(value) ? (value as number[]) : [value as number];
  return values.map((v) => (vr === 'DS' ? formatDS(v) : vr === 'IS' ? String(Math.round(v)) : String(v))).join('\\');
}

function binaryValue(vr: VR, value: DicomElement['value']): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const values = Array.isArray(value) ? (value as number[]) : [value as number];
  const size = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, OB: 1, OW: 2, AT: 4 }[vr as 'US'] ?? 1;
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    const o = i * size;
    if (vr === 'US' || vr === 'OW') v.setUint16(o, x, true);
    else if (vr === 'SS') v.setInt16(o, x, true);
    else if (vr === 'UL') v.setUint32(o, x, true);
    else if (vr === 'SL') v.setInt32(o, x, true);
    else if (vr === 'FL') v.setFloat32(o, x, true);
    else if (vr === 'FD') v.setFloat64(o, x, true);
    else if (vr === 'AT') {
      // Attribute Tag: group then element, each a little-endian 16-bit word.
      v.setUint16(o, x >>> 16, true);
      v.setUint16(o + 2, x & 0xffff, true);
    }
    else out[o] = x;
  });
  return out;
}

function valueBytes(e: DicomElement): Uint8Array {
  if (e.vr === 'SQ') {
    const items = e.value as DicomItem[];
    const parts = items.map((item) => {
      const body = encodeDataSet(item);
      const header = new Uint8Array(8);
      const v = new DataView(header.buffer);
      v.setUint16(0, 0xfffe, true);
      v.setUint16(2, 0xe000, true);
      v.setUint32(4, body.length, true);
      return concat([header, body]);
    });
    return concat(parts);
  }
  const isText = !['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'OB', 'OW', 'AT'].includes(e.vr);
  let bytes = isText ? encoder.encode(stringValue(e.vr, e.value)) : binaryValue(e.vr, e.value);
  if (bytes.length % 2 === 1) {
    // Values have even length: UI and binary pad with NUL, text with a space.
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    padded[bytes.length] = isText && e.vr !== 'UI' ? 0x20 : 0;
    bytes = padded;
  }
  return bytes;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const itemHeader = (group: number, element: number, length: number): Uint8Array => {
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  v.setUint16(0, group, true);
  v.setUint16(2, element, true);
  v.setUint32(4, length, true);
  return h;
};

/** Undefined-length OB: empty offset table item, one item per frame, sequence delimiter. */
function encodeEncapsulated(tag: number, frames: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(12);
  const v = new DataView(header.buffer);
  v.setUint16(0, tag >>> 16, true);
  v.setUint16(2, tag & 0xffff, true);
  header.set([0x4f, 0x42], 4); // "OB"
  v.setUint32(8, 0xffffffff, true);
  const items = frames.flatMap((f) => {
    const even = f.length % 2 ? concat([f, new Uint8Array(1)]) : f;
    return [itemHeader(0xfffe, 0xe000, even.length), even];
  });
  return concat([header, itemHeader(0xfffe, 0xe000, 0), ...items, itemHeader(0xfffe, 0xe0dd, 0)]);
}

function encodeElement(e: DicomElement): Uint8Array {
  if (typeof e.value === 'object' && 'encapsulated' in e.value) return encodeEncapsulated(e.tag, e.value.encapsulated);
  const value = valueBytes(e);
  const long = LONG_HEADER_VRS.has(e.vr);
  const header = new Uint8Array(long ? 12 : 8);
  const v = new DataView(header.buffer);
  v.setUint16(0, e.tag >>> 16, true);
  v.setUint16(2, e.tag & 0xffff, true);
  header[4] = e.vr.charCodeAt(0);
  header[5] = e.vr.charCodeAt(1);
  if (long) v.setUint32(8, value.length, true);
  else {
    if (value.length > 0xffff) throw new Error(`value of ${e.tag.toString(16)} (${e.vr}) too long for a 16-bit length`);
    v.setUint16(6, value.length, true);
  }
  return concat([header, value]);
}

/** Encode elements in ascending tag order (as the standard requires). */
export function encodeDataSet(elements: DicomElement[]): Uint8Array {
  return concat([...elements].sort((a, b) => a.tag - b.tag).map(encodeElement));
}

/** A complete Part 10 file: 128-byte preamble, "DICM", group 0002 meta header, data set. */
export function writePart10(elements: DicomElement[], sopClassUid: string, sopInstanceUid: string, options: { deflate?: boolean; transferSyntaxUid?: string } = {}): Uint8Array {
  const metaBody = encodeDataSet([
    el(0x00020001, 'OB', new Uint8Array([0, 1])),
    el(0x00020002, 'UI', sopClassUid),
    el(0x00020003, 'UI', sopInstanceUid),
    // Encapsulated syntaxes keep Explicit VR Little Endian for the data set itself.
    el(0x00020010, 'UI', options.transferSyntaxUid ?? (options.deflate ? TRANSFER_SYNTAX.deflatedExplicitLittle : TRANSFER_SYNTAX.explicitLittle)),
    el(0x00020012, 'UI', DATUM_IMPLEMENTATION_UID),
    el(0x00020013, 'SH', 'DATUM_0_1'),
  ]);
  const groupLength = encodeElement(el(0x00020000, 'UL', metaBody.length));
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  const body = encodeDataSet(elements.filter((e) => e.tag >>> 16 !== 0x0002));
  // Deflated syntax: the data set after the meta header is raw DEFLATE (no zlib header).
  return concat([preamble, groupLength, metaBody, options.deflate ? deflateSync(body, { level: 6 }) : body]);
}

/** UUID-derived UID root (2.25.x) identifying files written by Datum. */
export const DATUM_IMPLEMENTATION_UID = '2.25.307419850254913178212096219634409474821';

/** A fresh globally unique UID: "2.25." + a random 128-bit integer in decimal (PS3.5 B.2). */
export function newUid(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return `2.25.${n.toString()}`;
}
