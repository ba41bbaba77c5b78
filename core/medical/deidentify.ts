/**
 * De-identification for exported objects, after the Basic Application Level Confidentiality
 * Profile (PS3.15 Annex E): attributes that identify the patient or the visit are removed or
 * replaced with dummy values, and the de-identification is recorded in the object.
 * Datum's own exports copy only a fixed list of patient/study attributes, so for them this
 * list is complete. `deidentifyPart10` also rewrites existing files (top-level attributes).
 */
import { concat, el, type DicomElement } from './dicom-writer';
import { parseDataSet, TRANSFER_SYNTAX } from './dicom';
import { MedicalFormatError } from './types';
import { CONFIDENTIALITY_PROFILE } from './confidentiality';

type Action = 'remove' | 'empty' | 'dummy';

/**
 * The top-level, non-UID rows of the profile table (confidentiality.ts) as byte-splice actions
 * for `deidentifyPart10` (which cannot follow UIDs into sequences; see its limits).
 */
export const BASIC_PROFILE: Record<number, { name: string; action: Action; dummy?: string }> = Object.fromEntries(
  CONFIDENTIALITY_PROFILE.filter((r) => r.action !== 'U' && r.action !== 'K').map((r) => [
    r.tag,
    { name: r.name, action: r.action === 'X' ? 'remove' : r.dummy ? 'dummy' : 'empty', dummy: r.dummy },
  ]),
);

/** Apply the profile to a list of elements (top level; our exports keep PHI only there). */
export function deidentifyElements(elements: DicomElement[]): DicomElement[] {
  const out: DicomElement[] = [];
  for (const e of elements) {
    const rule = BASIC_PROFILE[e.tag];
    if (!rule) out.push(e);
    else if (rule.action === 'empty') out.push({ ...e, value: '' });
    else if (rule.action === 'dummy') out.push({ ...e, value: rule.dummy ?? '' });
  }
  const seen = new Set(out.map((e) => e.tag));
  // Patient Identity Removed / De-identification Method (PS3.3 C.7.1.1).
  if (!seen.has(0x00120062)) out.push(el(0x00120062, 'CS', 'YES'));
  if (!seen.has(0x00120063)) out.push(el(0x00120063, 'LO', 'Datum basic profile (PS3.15 E.1)'));
  return out;
}

const LONG_HEADER = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** Encode one string element in the file's own syntax (explicit or implicit VR little endian). */
function encodeString(tag: number, vr: string, value: string, explicit: boolean): Uint8Array {
  let bytes: Uint8Array = new TextEncoder().encode(value);
  if (bytes.length % 2) bytes = concat([bytes, new Uint8Array([0x20])]);
  const long = explicit && LONG_HEADER.has(vr);
  const header = new Uint8Array(explicit && !long ? 8 : 12 - (explicit ? 0 : 4));
  const v = new DataView(header.buffer);
  v.setUint16(0, tag >>> 16, true);
  v.setUint16(2, tag & 0xffff, true);
  if (!explicit) v.setUint32(4, bytes.length, true);
  else {
    header[4] = vr.charCodeAt(0);
    header[5] = vr.charCodeAt(1);
    if (long) v.setUint32(8, bytes.length, true);
    else v.setUint16(6, bytes.length, true);
  }
  return concat([header, bytes]);
}

/**
 * De-identify an existing Part 10 file (Implicit or Explicit VR Little Endian) by splicing its
 * bytes: top-level attributes of BASIC_PROFILE are removed, emptied or replaced; everything else
 * (pixel data included) is copied unchanged. Limits, by design of a byte-level rewrite: PHI inside
 * sequences, private attributes and UIDs are left as they are.
 */
export function deidentifyPart10(bytes: Uint8Array, file: string): Uint8Array {
  const ds = parseDataSet(bytes, file);
  const ts = ds.string('x00020010')?.trim();
  const explicit = ts !== TRANSFER_SYNTAX.implicitLittle;
  if (ts !== TRANSFER_SYNTAX.implicitLittle && ts !== TRANSFER_SYNTAX.explicitLittle) {
    throw new MedicalFormatError(file, `de-identification rewrites only Implicit/Explicit VR Little Endian files, not ${ts}`);
  }
  const edits: { start: number; end: number; replacement: Uint8Array }[] = [];
  for (const [key, element] of Object.entries(ds.elements)) {
    const tag = parseInt(key.slice(1), 16);
    // Retired group lengths (gggg,0000) outside the meta header would be wrong after editing.
    const isGroupLength = (tag & 0xffff) === 0 && tag >>> 16 !== 0x0002;
    const rule = isGroupLength ? { name: 'GroupLength', action: 'remove' as const } : BASIC_PROFILE[tag];
    if (!rule) continue;
    const vr = element.vr ?? 'LO';
    const headerLength = explicit ? (LONG_HEADER.has(vr) ? 12 : 8) : 8;
    const start = element.dataOffset - headerLength;
    const end = element.dataOffset + element.length;
    const replacement = rule.action === 'remove' ? new Uint8Array(0) : encodeString(tag, vr, rule.action === 'dummy' ? (rule.dummy ?? '') : '', explicit);
    edits.push({ start, end, replacement });
  }
  const marker = [encodeString(0x00120062, 'CS', 'YES', explicit), encodeString(0x00120063, 'LO', 'Datum basic profile (PS3.15 E.1)', explicit)];
  // Insert the de-identification markers before the first element with a larger tag.
  const after = Object.entries(ds.elements)
    .map(([key, element]) => ({ tag: parseInt(key.slice(1), 16), element }))
    .filter((e) => e.tag > 0x00120063)
    .sort((a, b) => a.tag - b.tag)[0];
  if (!ds.elements.x00120062 && after) {
    const at = after.element.dataOffset - (explicit ? (LONG_HEADER.has(after.element.vr ?? '') ? 12 : 8) : 8);
    edits.push({ start: at, end: at, replacement: concat(marker) });
  }
  // Insertions (start === end) before a removal at the same place.
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: Uint8Array[] = [];
  let cursor = 0;
  for (const e of edits) {
    parts.push(bytes.subarray(cursor, e.start), e.replacement);
    cursor = e.end;
  }
  parts.push(bytes.subarray(cursor));
  return concat(parts);
}
