/**
 * What a PACS browser needs from DICOM headers, without decoding pixels: a per-file summary
 * (study / series / instance UIDs, modality, object kind, size), DICOMDIR directory records, and
 * the grouping of summaries into series items. The host's indexer reads only the start of each
 * file (parsing stops at Pixel Data), so this module never sees pixel bytes.
 */
import type { DataSet } from 'dicom-parser';
import { inflateSync } from 'fflate';
import { dicomParser } from './dicom-parser-lib';
import { SOP_CLASS, TAG } from './dicom';

/** What kind of object a file holds, as a PACS lists it. */
export type DicomObjectKind = 'image' | 'SEG' | 'RTSTRUCT' | 'RTPLAN' | 'RTDOSE' | 'SR' | 'KO' | 'PR' | 'DICOMDIR' | 'other';

export interface DicomHeaderSummary {
  /** Name used for grouping and messages (path relative to the source). */
  file: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  modality: string;
  kind: DicomObjectKind;
  seriesDescription?: string;
  seriesNumber?: number;
  rows?: number;
  columns?: number;
  frames: number;
  /** RGB / YBR / palette colour: shown as 2D images (or frame sequences) with the image tools. */
  color?: boolean;
}

/** Non-image storage SOP classes by UID prefix (PS3.4 B.5): listed as objects, never as slices. */
const KIND_BY_SOP_CLASS: [string, DicomObjectKind][] = [
  [SOP_CLASS.segmentation, 'SEG'],
  ['1.2.840.10008.5.1.4.1.1.481.3', 'RTSTRUCT'],
  ['1.2.840.10008.5.1.4.1.1.481.5', 'RTPLAN'],
  ['1.2.840.10008.5.1.4.1.1.481.8', 'RTPLAN'], // RT Ion Plan
  ['1.2.840.10008.5.1.4.1.1.481.2', 'RTDOSE'],
  ['1.2.840.10008.5.1.4.1.1.88.', 'SR'],
  ['1.2.840.10008.5.1.4.1.1.88.59', 'KO'],
  ['1.2.840.10008.5.1.4.1.1.11.', 'PR'],
  [SOP_CLASS.mediaStorageDirectory, 'DICOMDIR'],
];

const KIND_BY_MODALITY: Record<string, DicomObjectKind> = { SEG: 'SEG', RTSTRUCT: 'RTSTRUCT', RTPLAN: 'RTPLAN', SR: 'SR', KO: 'KO', PR: 'PR' };

export function objectKind(sopClassUid: string, modality: string, hasPixels: boolean): DicomObjectKind {
  // Longest matching prefix wins (KO's UID starts with SR's prefix).
  let best: [string, DicomObjectKind] | undefined;
  for (const entry of KIND_BY_SOP_CLASS) {
    if ((sopClassUid === entry[0] || (entry[0].endsWith('.') && sopClassUid.startsWith(entry[0]))) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  if (best) return best[1];
  if (KIND_BY_MODALITY[modality]) return KIND_BY_MODALITY[modality];
  return hasPixels ? 'image' : 'other';
}

const DICM = [0x44, 0x49, 0x43, 0x4d];

/** A Part 10 file: 128-byte preamble then `DICM`. Files without an extension are found this way. */
export function isPart10(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && DICM.every((b, i) => bytes[128 + i] === b);
}

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position));
  out.set(inflated, position);
  return out;
}

/** Parse up to (not into) Pixel Data. Throws when the bytes end inside the header. */
export function parseHeader(bytes: Uint8Array): DataSet {
  return dicomParser.parseDicom(bytes, { untilTag: TAG.pixelData, inflater: inflater as never });
}

const int = (ds: DataSet, tag: string): number | undefined => {
  const s = ds.string(tag)?.trim();
  if (!s) return undefined;
  const v = Number.parseInt(s, 10);
  return Number.isFinite(v) ? v : undefined;
};

/**
 * Summary of a Part 10 header. `bytes` may be only the start of the file as long as it reaches
 * Pixel Data (or the end of the data set); throws (a string or Error from dicom-parser) otherwise.
 */
export function summarizeHeader(bytes: Uint8Array, file: string): DicomHeaderSummary {
  const ds = parseHeader(bytes);
  const str = (tag: string) => ds.string(tag)?.trim() || undefined;
  const sopClassUid = str('x00020002') ?? str('x00080016') ?? '';
  const modality = str('x00080060') ?? '';
  const hasPixels = !!ds.elements[TAG.pixelData] || !!ds.elements['x7fe00008'] || !!ds.elements['x7fe00009'];
  const rows = ds.uint16('x00280010');
  const columns = ds.uint16('x00280011');
  const out: DicomHeaderSummary = {
    file,
    studyInstanceUid: str('x0020000d') ?? '',
    seriesInstanceUid: str('x0020000e') ?? '',
    sopInstanceUid: str('x00020003') ?? str('x00080018') ?? '',
    sopClassUid,
    modality,
    kind: objectKind(sopClassUid, modality, hasPixels),
    frames: int(ds, 'x00280008') ?? (hasPixels ? 1 : 0),
  };
  const description = str('x0008103e');
  if (description) out.seriesDescription = description;
  const seriesNumber = int(ds, 'x00200011');
  if (seriesNumber !== undefined) out.seriesNumber = seriesNumber;
  if (rows) out.rows = rows;
  if (columns) out.columns = columns;
  const photometric = str('x00280004') ?? '';
  if (hasPixels && ((ds.uint16('x00280002') ?? 1) === 3 || photometric === 'PALETTE COLOR')) out.color = true;
  return out;
}

/** One series as a DICOMDIR lists it; `files` are relative to the DICOMDIR's folder, `/`-separated. */
export interface DicomDirSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  seriesDescription?: string;
  seriesNumber?: number;
  files: { file: string; kind: DicomObjectKind; sopInstanceUid: string; sopClassUid: string }[];
}

/**
 * Read a DICOMDIR's Directory Record Sequence (0004,1220). Records are flat, in depth-first
 * order (PATIENT, STUDY, SERIES, then IMAGE / RT STRUCTURE SET / SR DOCUMENT ...), so the last
 * STUDY and SERIES seen are the parents of the leaf records that follow.
 */
export function readDicomDir(bytes: Uint8Array): DicomDirSeries[] {
  const ds = dicomParser.parseDicom(bytes);
  const records = ds.elements['x00041220']?.items ?? [];
  const out: DicomDirSeries[] = [];
  let study = '';
  let series: DicomDirSeries | undefined;
  for (const item of records) {
    const r = item.dataSet;
    if (!r) continue;
    const type = r.string('x00041430')?.trim() ?? '';
    if (type === 'STUDY') {
      study = r.string('x0020000d')?.trim() ?? '';
      series = undefined;
    } else if (type === 'SERIES') {
      series = { studyInstanceUid: study, seriesInstanceUid: r.string('x0020000e')?.trim() ?? '', modality: r.string('x00080060')?.trim() ?? '', files: [] };
      const d = r.string('x0008103e')?.trim();
      if (d) series.seriesDescription = d;
      const n = int(r, 'x00200011');
      if (n !== undefined) series.seriesNumber = n;
      out.push(series);
    } else if (series) {
      const fileId = r.string('x00041500');
      if (!fileId) continue;
      const sopClassUid = r.string('x00041510')?.trim() ?? '';
      const leafKind = objectKind(sopClassUid, type === 'IMAGE' ? '' : type.replace(/ /g, ''), type === 'IMAGE');
      series.files.push({
        file: fileId.trim().split('\\').filter(Boolean).join('/'),
        kind: type === 'RT STRUCTURE SET' ? 'RTSTRUCT' : type === 'RT PLAN' ? 'RTPLAN' : type === 'RT DOSE' ? 'RTDOSE' : type === 'SR DOCUMENT' ? 'SR' : leafKind,
        sopInstanceUid: r.string('x00041511')?.trim() ?? '',
        sopClassUid,
      });
    }
  }
  return out;
}

/** One entry of the browser: a series of several instances, or one file. */
export interface IndexedDicom {
  /** `series`: a folder (`rel`) whose files of `seriesInstanceUid` make one item; `file`: one file. */
  type: 'series' | 'file';
  rel: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  kind: DicomObjectKind;
  description?: string;
  seriesNumber?: number;
  /** Instances (files) in the item. */
  instances: number;
  /** Frames in all: slices of a series, frames of a multi-frame file. */
  frames: number;
  rows?: number;
  columns?: number;
  color?: boolean;
}

const dirOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');

function commonDir(files: string[]): string {
  let parts = dirOf(files[0]).split('/').filter(Boolean);
  for (const f of files.slice(1)) {
    const q = dirOf(f).split('/').filter(Boolean);
    let n = 0;
    while (n < parts.length && n < q.length && parts[n] === q[n]) n++;
    parts = parts.slice(0, n);
  }
  return parts.join('/');
}

/**
 * Group file summaries into browser entries by StudyInstanceUID / SeriesInstanceUID, never by
 * names. A series of two or more distinct image instances is one `series` entry rooted at its
 * files' common folder (a scout of another series in that folder stays a separate entry and does
 * not split it). Everything else is a `file` entry: a series of one instance (a multi-frame file
 * included), non-image objects (SEG, RTSTRUCT, SR, RT Plan: listed with their kind), and copies
 * of one instance (the same SOP Instance UID in several files, e.g. one image in several transfer
 * syntaxes): merging those would stack an image onto itself.
 */
export function groupIndexedDicom(summaries: DicomHeaderSummary[]): IndexedDicom[] {
  const bySeries = new Map<string, DicomHeaderSummary[]>();
  const out: IndexedDicom[] = [];
  const asFile = (s: DicomHeaderSummary): IndexedDicom => {
    const e: IndexedDicom = { type: 'file', rel: s.file, studyInstanceUid: s.studyInstanceUid, seriesInstanceUid: s.seriesInstanceUid, modality: s.modality, kind: s.kind, instances: 1, frames: s.frames };
    if (s.seriesDescription) e.description = s.seriesDescription;
    if (s.seriesNumber !== undefined) e.seriesNumber = s.seriesNumber;
    if (s.rows) e.rows = s.rows;
    if (s.columns) e.columns = s.columns;
    if (s.color) e.color = true;
    return e;
  };
  for (const s of summaries) {
    // Colour images are 2D pictures (ultrasound, endoscopy, photos): one item per file, opened
    // with the image tools rather than stacked into a volume.
    if (s.kind !== 'image' || !s.seriesInstanceUid || s.color) {
      if (s.kind !== 'DICOMDIR') out.push(asFile(s));
      continue;
    }
    const key = `${s.studyInstanceUid}|${s.seriesInstanceUid}`;
    let list = bySeries.get(key);
    if (!list) bySeries.set(key, (list = []));
    list.push(s);
  }
  for (const list of bySeries.values()) {
    const uids = new Set(list.map((s) => s.sopInstanceUid));
    if (list.length < 2 || uids.size < list.length) {
      for (const s of list) out.push(asFile(s));
      continue;
    }
    // Size of the series: the most common rows x columns (a scout of another size is a minority).
    const sizes = new Map<string, number>();
    for (const s of list) sizes.set(`${s.rows}x${s.columns}`, (sizes.get(`${s.rows}x${s.columns}`) ?? 0) + 1);
    const [rows, columns] = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0][0].split('x').map(Number);
    const first = list[0];
    const e: IndexedDicom = {
      type: 'series',
      rel: commonDir(list.map((s) => s.file)),
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      modality: first.modality,
      kind: 'image',
      instances: list.length,
      frames: list.reduce((n, s) => n + s.frames, 0),
    };
    const description = list.find((s) => s.seriesDescription)?.seriesDescription;
    if (description) e.description = description;
    if (first.seriesNumber !== undefined) e.seriesNumber = first.seriesNumber;
    if (rows) e.rows = rows;
    if (columns) e.columns = columns;
    out.push(e);
  }
  return out;
}
