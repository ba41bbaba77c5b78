/**
 * The indexer's DICOM pass: reads the headers of DICOM candidates (`.dcm`, `.dicom`, `.ima` and
 * files without an extension such as `IM000001`, kept only when they carry the `DICM` preamble)
 * and groups them by StudyInstanceUID / SeriesInstanceUID (core/medical/dicom-index.ts). Files
 * a DICOMDIR lists take their UIDs from its records, unread. Only the first HEAD_BYTES (16 KB, most headers are a few KB) of a
 * file are read (parsing stops at Pixel Data); a longer header falls back to the whole file.
 * Summaries are cached by path, size and mtime so a rescan reads only what changed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { groupIndexedDicom, isPart10, readDicomDir, summarizeHeader, type DicomHeaderSummary, type IndexedDicom } from '../../core/medical/dicom-index';

const HEAD_BYTES = 16 * 1024;
const CONCURRENCY = 16;
const CACHE_LIMIT = 200_000;

const cache = new Map<string, { size: number; mtime: number; summary: DicomHeaderSummary | null }>();

/** A file the DICOM pass should look at: DICOM extensions, or no extension at all. */
export function isDicomCandidate(name: string): boolean {
  if (/\.(dcm|dicom|ima)$/i.test(name)) return true;
  return !name.includes('.') && name !== 'DICOMDIR' && !name.startsWith('.');
}

async function readHead(abs: string, size: number): Promise<Uint8Array> {
  const fh = await fs.open(abs, 'r');
  try {
    const n = Math.min(size, HEAD_BYTES);
    const buf = new Uint8Array(n);
    await fh.read(buf, 0, n, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

/** Summary of one file, or null when it is not a readable Part 10 file. */
async function summarize(root: string, rel: string): Promise<DicomHeaderSummary | null> {
  const abs = path.join(root, rel);
  const st = await fs.stat(abs).catch(() => null);
  if (!st || !st.isFile()) return null;
  const hit = cache.get(abs);
  if (hit && hit.size === st.size && hit.mtime === st.mtimeMs) return hit.summary ? { ...hit.summary, file: rel } : null;
  let summary: DicomHeaderSummary | null = null;
  try {
    let bytes = await readHead(abs, st.size);
    if (isPart10(bytes)) {
      try {
        summary = summarizeHeader(bytes, rel);
        // A head cut exactly between two elements parses without error but without Pixel Data:
        // read the whole file before calling it a non-image object (those are small anyway).
        if (summary.frames === 0 && bytes.length < st.size) summary = summarizeHeader(new Uint8Array(await fs.readFile(abs)), rel);
      } catch {
        // The header runs past HEAD_BYTES (large private tags, deflated data set): read it all.
        if (bytes.length < st.size) {
          bytes = new Uint8Array(await fs.readFile(abs));
          summary = summarizeHeader(bytes, rel);
        }
      }
    }
  } catch {
    summary = null; // unreadable: the medical service reports it by name when the item opens
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(abs, { size: st.size, mtime: st.mtimeMs, summary });
  return summary;
}

/**
 * Entries (series and single files) for the DICOM candidates of one source. `dicomdirs` are the
 * relative paths of DICOMDIR files; `onProgress(read)` counts headers read or skipped.
 * `unreadable`: files with a DICOM extension whose header could not be read.
 */
export async function indexDicom(
  root: string,
  candidates: string[],
  dicomdirs: string[],
  onProgress: (read: number) => void,
  signal: AbortSignal,
): Promise<{ entries: IndexedDicom[]; unreadable: string[] }> {
  const summaries: DicomHeaderSummary[] = [];
  const known = new Set<string>();
  for (const dd of dicomdirs) {
    signal.throwIfAborted();
    let series;
    try {
      series = readDicomDir(new Uint8Array(await fs.readFile(path.join(root, dd))));
    } catch {
      continue; // a broken DICOMDIR: its files are still found by their headers
    }
    const base = dd.includes('/') ? dd.slice(0, dd.lastIndexOf('/')) : '';
    for (const s of series) {
      for (const f of s.files) {
        const rel = base ? `${base}/${f.file}` : f.file;
        known.add(rel.toLowerCase());
        const summary: DicomHeaderSummary = {
          file: rel,
          studyInstanceUid: s.studyInstanceUid,
          seriesInstanceUid: s.seriesInstanceUid,
          sopInstanceUid: f.sopInstanceUid || rel,
          sopClassUid: f.sopClassUid,
          modality: s.modality,
          kind: f.kind,
          frames: f.kind === 'image' ? 1 : 0,
        };
        if (s.seriesDescription) summary.seriesDescription = s.seriesDescription;
        if (s.seriesNumber !== undefined) summary.seriesNumber = s.seriesNumber;
        summaries.push(summary);
      }
    }
  }
  // DICOMDIR paths are upper case by the standard; the files on disk may differ in case.
  const onDisk = new Map(candidates.map((c) => [c.toLowerCase(), c]));
  for (const s of summaries) s.file = onDisk.get(s.file.toLowerCase()) ?? s.file;
  const listedFiles = summaries.filter((s) => onDisk.has(s.file.toLowerCase()));
  summaries.length = 0;
  summaries.push(...listedFiles);

  const todo = candidates.filter((c) => !known.has(c.toLowerCase()));
  const unreadable: string[] = [];
  let done = candidates.length - todo.length;
  onProgress(done);
  for (let i = 0; i < todo.length; i += CONCURRENCY) {
    signal.throwIfAborted();
    const rels = todo.slice(i, i + CONCURRENCY);
    const batch = await Promise.all(rels.map((rel) => summarize(root, rel)));
    batch.forEach((s, k) => {
      if (s) summaries.push(s);
      else if (/\.(dcm|dicom|ima)$/i.test(rels[k])) unreadable.push(rels[k]);
    });
    done += batch.length;
    if (i % (CONCURRENCY * 16) === 0) onProgress(done);
  }
  onProgress(done);
  return { entries: groupIndexedDicom(summaries), unreadable };
}

/**
 * The files of one series below `root` (relative paths, sorted): every DICOM candidate whose
 * header names `seriesInstanceUid`. Headers come from the summary cache the index pass filled.
 */
export async function seriesFiles(root: string, candidates: string[], seriesInstanceUid: string): Promise<string[]> {
  const out: string[] = [];
  const todo = candidates.filter((c) => isDicomCandidate(c.split('/').pop()!));
  for (let i = 0; i < todo.length; i += CONCURRENCY) {
    const batch = await Promise.all(todo.slice(i, i + CONCURRENCY).map((rel) => summarize(root, rel)));
    for (const s of batch) if (s && s.seriesInstanceUid === seriesInstanceUid) out.push(s.file);
  }
  return out.sort();
}
