/**
 * The DICOM header as a table (the tag viewer of the study browser and the medical editor):
 * every element of a Part 10 file in file order, sequences expanded with their items, values
 * formatted by VR, binary values summarised by length. The data dictionary (keyword and VR of a
 * tag) is passed in, so this module stays free of the dictionary's size; the host uses dcmjs's.
 *
 * Identifying attributes (the Basic Confidentiality Profile's rows other than UIDs and "keep") are
 * masked unless the caller asks for them: the dataset browser never shows names, IDs or dates,
 * and the viewer reveals them only on an explicit request.
 */
import type { DataSet, Element } from 'dicom-parser';
import { parseDataSet } from './dicom';
import { CONFIDENTIALITY_PROFILE } from './confidentiality';

export interface DictionaryEntry {
  name: string;
  vr: string;
}
export type TagDictionary = (tag: string) => DictionaryEntry | undefined;

export interface TagRow {
  /** "(GGGG,EEEE)", upper-case hex; item rows are "(FFFE,E000)". */
  tag: string;
  keyword: string;
  vr: string;
  /** Bytes of the value (undefined length sequences: the parsed length). */
  length: number;
  /** Formatted value, or a summary such as "<binary, 1024 bytes>"; "" when empty. */
  value: string;
  /** 0 for top-level elements, +1 per sequence item level. */
  depth: number;
  /** An identifying attribute (name, ID, date, ...); its value is "" unless revealed. */
  identifying: boolean;
}

export interface TagListing {
  rows: TagRow[];
  /** Rows left out beyond `maxRows` (huge sequences). */
  truncated: number;
}

const MAX_VALUE_CHARS = 256;
const MAX_NUMBERS = 16;
const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const NUMBER_READERS: Record<string, { size: number; read: (ds: DataSet, tag: string, i: number) => number | undefined }> = {
  US: { size: 2, read: (ds, t, i) => ds.uint16(t, i) },
  SS: { size: 2, read: (ds, t, i) => ds.int16(t, i) },
  UL: { size: 4, read: (ds, t, i) => ds.uint32(t, i) },
  SL: { size: 4, read: (ds, t, i) => ds.int32(t, i) },
  FL: { size: 4, read: (ds, t, i) => ds.float(t, i) },
  FD: { size: 8, read: (ds, t, i) => ds.double(t, i) },
};

/** Profile rows that identify a person or a place and time of care (UIDs are not masked). */
const IDENTIFYING = new Set(CONFIDENTIALITY_PROFILE.filter((r) => r.action !== 'K' && r.action !== 'U').map((r) => r.tag));

/** "x00100010" (dicom-parser's key) → "(0010,0010)". */
export function tagLabel(key: string): string {
  const hex = key.slice(1).toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4, 8)})`;
}

function clip(s: string): string {
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}

function formatValue(ds: DataSet, key: string, el: Element, vr: string): string {
  if (key === 'x7fe00010' || key === 'x7fe00008' || key === 'x7fe00009') {
    const frags = el.fragments?.length;
    return frags ? `<pixel data, ${frags} fragment${frags === 1 ? '' : 's'}, ${el.length} bytes>` : `<pixel data, ${el.length} bytes>`;
  }
  if (el.length === 0) return '';
  if (TEXT_VRS.has(vr)) {
    const s = vr === 'LT' || vr === 'ST' || vr === 'UT' ? ds.text(key) : ds.string(key);
    return clip(s ?? '');
  }
  const reader = NUMBER_READERS[vr];
  if (reader) {
    const n = Math.floor(el.length / reader.size);
    const values: string[] = [];
    for (let i = 0; i < Math.min(n, MAX_NUMBERS); i++) {
      const v = reader.read(ds, key, i);
      if (v !== undefined) values.push(String(v));
    }
    return values.join('\\') + (n > MAX_NUMBERS ? `\\… (${n} values)` : '');
  }
  if (vr === 'AT') {
    const values: string[] = [];
    for (let i = 0; i < Math.min(el.length / 4, MAX_NUMBERS); i++) {
      const g = ds.uint16(key, i * 2);
      const e = ds.uint16(key, i * 2 + 1);
      if (g !== undefined && e !== undefined) values.push(`(${g.toString(16).padStart(4, '0')},${e.toString(16).padStart(4, '0')})`.toUpperCase());
    }
    return values.join('\\');
  }
  if (BINARY_VRS.has(vr) || !vr) return `<binary, ${el.length} bytes>`;
  return `<${vr}, ${el.length} bytes>`;
}

/** Every element of `ds` (recursing into sequences), in tag order. */
export function listDataSetTags(ds: DataSet, dictionary: TagDictionary, opts: { reveal?: boolean; maxRows?: number } = {}): TagListing {
  const maxRows = opts.maxRows ?? 5000;
  const rows: TagRow[] = [];
  let truncated = 0;
  const walk = (set: DataSet, depth: number) => {
    for (const key of Object.keys(set.elements).sort()) {
      if (rows.length >= maxRows) {
        truncated++;
        continue;
      }
      const el = set.elements[key];
      const tag = tagLabel(key);
      const entry = dictionary(tag);
      const isPrivate = Number.parseInt(key.slice(1, 5), 16) % 2 === 1;
      const vr = el.vr ?? (el.items ? 'SQ' : entry?.vr && entry.vr.length === 2 ? entry.vr : 'UN');
      // Identifying wherever it appears: a referenced patient's name inside a sequence too.
      const identifying = IDENTIFYING.has(Number.parseInt(key.slice(1), 16));
      const keyword = entry?.name ?? (isPrivate ? '(private)' : key.slice(5) === '0000' ? '(group length)' : '(unknown)');
      if (el.items) {
        rows.push({ tag, keyword, vr: 'SQ', length: el.length, value: `${el.items.length} item${el.items.length === 1 ? '' : 's'}`, depth, identifying: false });
        el.items.forEach((item, i) => {
          if (rows.length >= maxRows) {
            truncated++;
            return;
          }
          rows.push({ tag: '(FFFE,E000)', keyword: `Item ${i + 1}`, vr: '', length: item.length, value: '', depth: depth + 1, identifying: false });
          if (item.dataSet) walk(item.dataSet, depth + 2);
        });
        continue;
      }
      const value = identifying && !opts.reveal ? '' : formatValue(set, key, el, vr);
      rows.push({ tag, keyword, vr, length: el.length, value, depth, identifying });
    }
  };
  walk(ds, 0);
  return { rows, truncated };
}

/** The header of a Part 10 file as rows; throws MedicalFormatError naming the file when unreadable. */
export function listDicomTags(bytes: Uint8Array, file: string, dictionary: TagDictionary, opts: { reveal?: boolean; maxRows?: number } = {}): TagListing {
  return listDataSetTags(parseDataSet(bytes, file), dictionary, opts);
}
