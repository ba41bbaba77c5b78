/**
 * Reading a DICOM folder for a volume without holding every file in memory: each file's header
 * is read from its first bytes (HEADER_BYTES, more when the header is longer), and buildVolume
 * later reads the pixel bytes of each frame from the file straight into their place in the
 * volume (core/medical/series.ts PixelReader). Peak memory is the volume plus the headers, and
 * the pixel bytes are read once and copied never.
 */
import { closeSync, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import path from 'node:path';
import { groupParsedInputs, parseDicomInput, type DicomInput, type GroupedDicom, type ParsedInput, type PixelReader } from '../../core/medical/series';
import { readIntoSync } from './medicalWorkers/fileIo';
import { MIN_PARALLEL_VOXELS, medicalWorkerPool, type MedicalWorkerPool } from './medicalWorkers/pool';

/** Enough for the header of a classic single-frame image (CT/MR headers are 1–10 KB). */
const HEADER_BYTES = 32 * 1024;
const DICM = [0x44, 0x49, 0x43, 0x4d];
const PIXEL_DATA_TAG = [0xe0, 0x7f, 0x10, 0x00]; // (7FE0,0010) little endian

/**
 * One input per file: the header prefix when the file is larger than HEADER_BYTES and its Pixel
 * Data element header lies inside the prefix, else the whole file.
 */
export interface ReadOptions {
  /** Prefix length (tests shrink it so small sample files take the header-only path too). */
  headerBytes?: number;
  /**
   * The worker pool the volume build will use (default the host's shared pool; null: none): its
   * threads are started while the headers are read when the folder is large enough to use them.
   */
  pool?: MedicalWorkerPool | null;
}

export async function readDicomInputs(root: string, files: string[], options: ReadOptions = {}): Promise<DicomInput[]> {
  const out: DicomInput[] = [];
  const pause = pauser();
  for (const name of files) {
    out.push(await readDicomInput(root, name, options.headerBytes ?? HEADER_BYTES));
    await pause();
  }
  return out;
}

/**
 * The reads and header parses are synchronous (see readDicomInput): let the host's event loop
 * (other requests, the worker threads' start-up messages) run every ~10 ms of that work instead of
 * once per folder.
 */
function pauser(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < 10) return;
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

/** Synchronous for the same reason as filePixelReader's reads (one small read per file). */
async function readDicomInput(root: string, name: string, headerBytes: number): Promise<DicomInput> {
  const abs = path.join(root, name);
  const fh = openSync(abs, 'r');
  try {
    const size = fstatSync(fh).size;
    if (size <= headerBytes) return { name, bytes: readFull(fh, size) };
    const head = new Uint8Array(headerBytes);
    const bytesRead = readSync(fh, head, 0, headerBytes, 0);
    // Only Part 10 files whose Pixel Data element header (tag + VR/length, 12 bytes) is in the
    // prefix are cut; the rest (and all non-DICOM files) are read whole and judged as before.
    if (bytesRead === headerBytes && DICM.every((b, i) => head[128 + i] === b) && pixelDataHeaderInside(head)) return { name, bytes: head, headerOnly: true };
    return { name, bytes: readFull(fh, size) };
  } finally {
    closeSync(fh);
  }
}

function readFull(fd: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, bytes, at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return at === size ? bytes : bytes.subarray(0, at);
}

/**
 * A (7FE0,0010) tag with room for its VR and length inside the prefix (files whose header is
 * longer, e.g. enhanced multi-frame functional groups, are read whole). A false hit (the bytes
 * inside a value, a nested icon image) only makes the header-only parse fail, and
 * groupDicomFolder then reads that file whole.
 */
function pixelDataHeaderInside(head: Uint8Array): boolean {
  for (let i = 132; i + 12 <= head.length; i += 2) {
    if (head[i] === PIXEL_DATA_TAG[0] && head[i + 1] === PIXEL_DATA_TAG[1] && head[i + 2] === PIXEL_DATA_TAG[2] && head[i + 3] === PIXEL_DATA_TAG[3]) return true;
  }
  return false;
}

/**
 * Read and group a folder's DICOM files by header. A header-only input that could not be parsed
 * (a header longer than the prefix, a (7FE0,0010) pattern inside an earlier value) is read whole
 * and parsed again, so the outcome is what reading every file whole gives.
 */
export async function groupDicomFolder(root: string, files: string[], options: ReadOptions = {}): Promise<GroupedDicom> {
  // A folder this large is about to be built into a volume by the worker threads: start them now
  // so their start-up overlaps the header reads (a 512 x 512 slice file is ~0.5 MB).
  const pool = options.pool === undefined ? medicalWorkerPool() : options.pool;
  if (pool && files.length * 512 * 512 >= MIN_PARALLEL_VOXELS) pool.warm();
  // Each file's header is parsed right after it is read (groupDicomFiles' two steps, split), so
  // the whole read + parse phase yields to the event loop as it goes.
  const parsed: ParsedInput[] = [];
  const partial = new Set<string>();
  const pause = pauser();
  for (const name of files) {
    const input = await readDicomInput(root, name, options.headerBytes ?? HEADER_BYTES);
    if (input.headerOnly) partial.add(name);
    parsed.push(parseDicomInput(input));
    await pause();
  }
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i];
    if (!partial.has(p.name) || !('error' in p || 'skipped' in p)) continue;
    parsed[i] = parseDicomInput({ name: p.name, bytes: new Uint8Array(await fs.readFile(path.join(root, p.name))) });
  }
  return groupParsedInputs(parsed);
}

export interface PixelReaderOptions {
  /**
   * Worker threads that fill grey volumes (medicalWorkers/pool.ts); default the host's shared
   * pool, null to fill on the calling thread.
   */
  pool?: MedicalWorkerPool | null;
}

/** PixelReader over files below `root` (names as in the inputs). */
export function filePixelReader(root: string, options: PixelReaderOptions = {}): PixelReader {
  const pool = options.pool === undefined ? medicalWorkerPool() : options.pool;
  return {
    // Synchronous reads (see readIntoSync); a frame is 0.5 MB.
    async readInto(file, into, position) {
      return readIntoSync(path.join(root, file), into, position);
    },
    async readAll(file) {
      return new Uint8Array(await fs.readFile(path.join(root, file)));
    },
    ...(pool ? { parallel: pool.forRoot(root) } : {}),
  };
}
