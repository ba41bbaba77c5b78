/**
 * Group DICOM files into studies, series and geometric stacks, order slices along the slice
 * normal and assemble a Volume. One bad file never stops the rest: it is reported by name.
 */
import { affineFromColumns, cross, dot, norm, scale, sub } from './affine';
import { imageFromDataSet, parseDataSet, hasPixelData, TAG, TRANSFER_SYNTAX, type DicomImageInfo, type ParsedDicom } from './dicom';
import { decodeFrame, uncompressedFrameBytes, type DecodedFrame } from './pixel-data';
import { VolumeFiller, fitsInt16InPlace, rescaleRawInPlace, rescaleToInt16, type RawLayout } from './volume-fill';
import { MedicalFormatError, type FileError, type Vec3, type Volume, type VoxelArray } from './types';
import { defaultWindow } from './window';
import { sliceSteps } from './slice-steps';

export interface DicomInput {
  /** Name used in messages (usually the path relative to the opened folder). */
  name: string;
  bytes: Uint8Array;
  /**
   * `bytes` is only the start of the file, up to at least the Pixel Data element's header: the
   * header is parsed and buildVolume reads the pixels through a PixelReader.
   */
  headerOnly?: boolean;
}

/**
 * File access for buildVolume on header-only inputs (core does no I/O; the host supplies it).
 * `readInto` reads bytes of a file at a position straight into the volume buffer and returns
 * how many it read; `readAll` gives a whole file for the paths that need the full data set
 * (compressed, big-endian, colour, Float32 volumes).
 */
export interface PixelReader {
  readInto(file: string, into: Uint8Array, position: number): Promise<number>;
  readAll(file: string): Promise<Uint8Array>;
  /** Fills grey Int16 volumes on other threads (the host's worker pool); absent: the calling thread does. */
  parallel?: ParallelSliceFiller;
}

/**
 * Work for one thread of a parallel fill: one raw frame (read into its slice, rescaled in place),
 * or the frames of one file that must be decoded (the file read whole and parsed once).
 */
export type SliceTask =
  | { kind: 'raw'; file: string; k: number; frame: number; syntax: string; position: number; layout: RawLayout }
  | { kind: 'decode'; file: string; info: DicomImageInfo; slices: { k: number; frame: number }[] };

/**
 * What became of slice k: its [lo, hi] once it holds its final Int16 values; the message the
 * calling thread would have reported for it; or `float` when its rescaled values leave Int16
 * (the volume must be Float32: buildVolume then builds on the calling thread).
 */
export type SliceOutcome = { k: number; range: [number, number] } | { k: number; error: string } | { k: number; float: true };

/**
 * Fills an Int16 volume backed by a SharedArrayBuffer, slice by slice, off the calling thread.
 * Each task is computed by `fillSliceTask` (below) with the loops the calling thread runs itself,
 * so both paths give the same voxels. `fill` reports every slice's outcome as it completes and
 * rejects only when a thread fails outright (the error names the file it was on): the load fails.
 */
export interface ParallelSliceFiller {
  /** Whether a stack of `slices` slices of `sliceVoxels` voxels is worth the threads (tiny series are not). */
  worthIt(sliceVoxels: number, slices: number): boolean;
  /** Resolves true when every slice has an outcome, false when the filler was closed (build here instead). */
  fill(tasks: SliceTask[], volume: Int16Array, nx: number, ny: number, onOutcome: (outcome: SliceOutcome) => void): Promise<boolean>;
}

/** buildVolume's options. */
export interface BuildOptions {
  /**
   * Called once per source slice index k (0-based, sorted stack order) when slice k holds its
   * final rescaled values in the output volume (completion order, on the calling thread).
   * `voxels`, for Int16 volumes, is that slice of the output volume (a view, not a copy): on the
   * worker-thread path no PixelReader.readInto sees the slice's bytes, so a consumer that streams
   * slices takes them from here. The view is of the volume as built so far: a slice left out later
   * compacts the volume into a copy, and a Float32 promotion replaces it.
   */
  onSliceReady?: (k: number, voxels?: Int16Array) => void;
}

/** Slices that share series, size and orientation: what one Volume can be built from. */
export interface DicomStack {
  images: ParsedDicom[];
  rows: number;
  columns: number;
  /** Unit normal of the slice planes (row cosines x column cosines), when orientation is known. */
  normal?: Vec3;
}

export interface DicomSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  description?: string;
  seriesNumber?: number;
  /** Largest stack first. Series of mixed orientation (localisers) have several. */
  stacks: DicomStack[];
}

export interface DicomStudy {
  studyInstanceUid: string;
  series: DicomSeries[];
}

export interface GroupedDicom {
  studies: DicomStudy[];
  /** Files that could not be read as images, by name. */
  errors: FileError[];
  /** Files deliberately left out (DICOMDIR, non-DICOM, objects without pixels), with why. */
  skipped: FileError[];
}

const DICM_MAGIC = [0x44, 0x49, 0x43, 0x4d];

function hasPart10Magic(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && DICM_MAGIC.every((b, i) => bytes[128 + i] === b);
}

export const errorMessage = (e: unknown): string => (e instanceof MedicalFormatError ? e.reason : e instanceof Error ? e.message : String(e));

/** Orientation key rounded so that float noise in IOP does not split a stack. */
function stackKey(info: DicomImageInfo): string {
  const iop = [...(info.rowCosines ?? []), ...(info.columnCosines ?? [])].map((v) => v.toFixed(3)).join(',');
  return `${info.rows}x${info.columns}|${iop}`;
}

export function sliceNormal(info: Pick<DicomImageInfo, 'rowCosines' | 'columnCosines'>): Vec3 | undefined {
  if (!info.rowCosines || !info.columnCosines) return undefined;
  const n = cross(info.rowCosines, info.columnCosines);
  const len = norm(n);
  return len > 0 ? scale(n, 1 / len) : undefined;
}

/**
 * Order slices by their position along the normal (IPP . (row x col)), ascending. Images without
 * a position fall back to Instance Number, then name — never to name alone when geometry exists.
 */
export function sortSlices(images: ParsedDicom[], normal: Vec3 | undefined): ParsedDicom[] {
  const keyed = images.map((img) => ({
    img,
    along: normal && img.info.imagePosition ? dot(img.info.imagePosition, normal) : undefined,
  }));
  keyed.sort((a, b) => {
    if (a.along !== undefined && b.along !== undefined && a.along !== b.along) return a.along - b.along;
    const ia = a.img.info.instanceNumber ?? 0;
    const ib = b.img.info.instanceNumber ?? 0;
    return ia !== ib ? ia - ib : a.img.info.file.localeCompare(b.img.info.file);
  });
  return keyed.map((k) => k.img);
}

/** One input after parsing: an image, or why it is an error or left out (groupDicomFiles' first step). */
export type ParsedInput = { name: string; parsed: ParsedDicom } | { name: string; error: string } | { name: string; skipped: string };

/**
 * Parse one input's header (the first step of groupDicomFiles, exposed so a host can interleave
 * it with its file reads and yield between files: dicomFiles.ts groupDicomFolder).
 */
export function parseDicomInput({ name, bytes, headerOnly }: DicomInput): ParsedInput {
  const base = name.split(/[\\/]/).pop() ?? name;
  if (/^DICOMDIR/i.test(base)) return { name, skipped: 'DICOMDIR (directory index), not an image' };
  if (!hasPart10Magic(bytes)) return { name, skipped: 'not a DICOM Part 10 file (no DICM prefix)' };
  try {
    const ds = parseDataSet(bytes, name, { headerOnly });
    if (headerOnly && !hasPixelData(ds)) throw new MedicalFormatError(name, 'the header read did not reach Pixel Data');
    if (!hasPixelData(ds)) return { name, skipped: 'DICOM object without Pixel Data' };
    const parsed = imageFromDataSet(ds, name);
    if (headerOnly) parsed.headerOnly = true;
    return { name, parsed };
  } catch (e) {
    return { name, error: errorMessage(e) };
  }
}

/** Parse every input and group images into studies / series / stacks. */
export function groupDicomFiles(inputs: DicomInput[]): GroupedDicom {
  return groupParsedInputs(inputs.map(parseDicomInput));
}

/** Group parsed inputs (parseDicomInput, in input order) into studies / series / stacks. */
export function groupParsedInputs(inputs: ParsedInput[]): GroupedDicom {
  const errors: FileError[] = [];
  const skipped: FileError[] = [];
  const bySeries = new Map<string, { series: DicomSeries; stacks: Map<string, ParsedDicom[]> }>();

  for (const input of inputs) {
    if ('skipped' in input) {
      skipped.push({ file: input.name, message: input.skipped });
      continue;
    }
    if ('error' in input) {
      errors.push({ file: input.name, message: input.error });
      continue;
    }
    const { parsed } = input;
    const info = parsed.info;
    const seriesKey = `${info.studyInstanceUid}|${info.seriesInstanceUid}`;
    let entry = bySeries.get(seriesKey);
    if (!entry) {
      entry = {
        series: {
          studyInstanceUid: info.studyInstanceUid,
          seriesInstanceUid: info.seriesInstanceUid,
          modality: info.modality,
          description: info.seriesDescription,
          seriesNumber: info.seriesNumber,
          stacks: [],
        },
        stacks: new Map(),
      };
      bySeries.set(seriesKey, entry);
    }
    const key = stackKey(info);
    const list = entry.stacks.get(key) ?? [];
    list.push(parsed);
    entry.stacks.set(key, list);
  }

  const studies = new Map<string, DicomStudy>();
  for (const { series, stacks } of bySeries.values()) {
    series.stacks = [...stacks.values()]
      .map((images) => {
        const normal = sliceNormal(images[0].info);
        return { images: sortSlices(images, normal), rows: images[0].info.rows, columns: images[0].info.columns, normal };
      })
      .sort((a, b) => sliceCount(b) - sliceCount(a));
    const study = studies.get(series.studyInstanceUid) ?? { studyInstanceUid: series.studyInstanceUid, series: [] };
    study.series.push(series);
    studies.set(series.studyInstanceUid, study);
  }
  for (const study of studies.values()) study.series.sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
  return { studies: [...studies.values()], errors, skipped };
}

/** Slices a stack contributes: frames of a multi-frame object count individually. */
export function sliceCount(stack: DicomStack): number {
  return stack.images.reduce((n, img) => n + img.info.numberOfFrames, 0);
}

interface SliceRef {
  image: ParsedDicom;
  frame: number;
  position?: Vec3;
  uid: string;
}

/** Flatten images/frames into slices ordered along the normal. */
function stackSlices(stack: DicomStack): SliceRef[] {
  const slices: SliceRef[] = [];
  for (const image of stack.images) {
    const { info } = image;
    for (let f = 0; f < info.numberOfFrames; f++) {
      const position = info.framePositions?.[f] ?? (f === 0 ? info.imagePosition : undefined);
      slices.push({ image, frame: f, position, uid: info.numberOfFrames > 1 ? `${info.sopInstanceUid}#${f + 1}` : info.sopInstanceUid });
    }
  }
  const normal = stack.normal;
  if (normal && slices.every((s) => s.position)) slices.sort((a, b) => dot(a.position!, normal) - dot(b.position!, normal));
  return slices;
}

export interface VolumeResult {
  volume: Volume;
  /** Slices that failed to decode (left out of the volume). */
  errors: FileError[];
  /** Non-fatal geometry notes, e.g. irregular slice spacing. */
  warnings: string[];
  /** [min, max] of the grey voxels, from the fill loop (no second scan); absent for colour. */
  range?: [number, number];
}

/**
 * Decode a stack into a Volume. Voxel k follows the sorted slice order; the affine's third
 * column is the mean step between first and last slice positions, so gantry tilt is kept.
 * `onSliceReady(k)` is called once per source slice index k (sorted stack order) when that slice
 * holds its final rescaled values in the output volume (the host streams it to the viewer).
 * With `reader.parallel` (the host's worker threads) large grey stacks are filled off this thread.
 */
export async function buildVolume(stack: DicomStack, reader?: PixelReader, options: BuildOptions = {}): Promise<VolumeResult> {
  const all = stackSlices(stack);
  const filled = (reader?.parallel && (await fillInParallel(all, reader.parallel, options))) || (await fillOnThisThread(all, reader, options));
  return assembleVolume(stack, all, filled);
}

/** What the fill loop leaves: the voxels (grey filler or RGB bytes) and which slices failed. */
interface Filled {
  decoded: { ref: SliceRef }[];
  failed: number[];
  errors: FileError[];
  filler: VolumeFiller | null;
  rgbData: Uint8Array | null;
  nx: number;
  ny: number;
}

/**
 * The parallel path (reader.parallel: the host's worker threads), or null when this stack is not
 * for it: grey stacks whose every slice rescales by integers into an Int16 volume read from
 * files, large enough to be worth the threads. Slices go to the threads as raw frames (read and
 * rescaled in place) or as files to decode; the volume is one SharedArrayBuffer they all write.
 * If a slice's values leave Int16 the volume must be Float32: null, and the calling thread builds.
 */
async function fillInParallel(all: SliceRef[], parallel: ParallelSliceFiller, options: BuildOptions): Promise<Filled | null> {
  const head = all[0]?.image.info;
  if (!head || head.samplesPerPixel !== 1 || (head.photometric !== 'MONOCHROME1' && head.photometric !== 'MONOCHROME2')) return null;
  if (all.some((ref) => !Number.isInteger(ref.image.info.rescaleSlope) || !Number.isInteger(ref.image.info.rescaleIntercept))) return null;
  const nx = head.columns;
  const ny = head.rows;
  if (!parallel.worthIt(nx * ny, all.length)) return null;
  const tasks: SliceTask[] = [];
  type DecodeTask = Extract<SliceTask, { kind: 'decode' }>;
  let decodeTask = null as DecodeTask | null;
  for (let k = 0; k < all.length; k++) {
    const { image, frame } = all[k];
    const raw = rawFrame(image, frame, nx, ny);
    if (raw) {
      tasks.push({ kind: 'raw', file: image.info.file, k, frame, syntax: image.info.transferSyntaxUid, position: raw.position, layout: raw.layout });
      continue;
    }
    // Frames of one file that follow each other share one read and parse (FullFileCache's rule).
    if (!decodeTask || decodeTask.file !== image.info.file) {
      decodeTask = { kind: 'decode', file: image.info.file, info: image.info, slices: [] };
      tasks.push(decodeTask);
    }
    decodeTask.slices.push({ k, frame });
  }
  const filler = new VolumeFiller(nx * ny, all.length, true);
  const outcomes: (SliceOutcome | undefined)[] = new Array(all.length);
  let float = false;
  const done = await parallel.fill(tasks, filler.data as Int16Array, nx, ny, (o) => {
    outcomes[o.k] = o;
    if ('range' in o) {
      filler.track(o.range[0], o.range[1]);
      options.onSliceReady?.(o.k, (filler.data as Int16Array).subarray(o.k * nx * ny, (o.k + 1) * nx * ny));
    } else if ('float' in o) float = true;
  });
  if (float || !done) return null;
  const decoded: { ref: SliceRef }[] = [];
  const failed: number[] = [];
  const errors: FileError[] = [];
  for (let k = 0; k < all.length; k++) {
    const o = outcomes[k];
    if (o && 'range' in o) decoded.push({ ref: all[k] });
    else {
      failed.push(k);
      errors.push({ file: all[k].image.info.file, message: o && 'error' in o ? o.error : 'no outcome from the decoding threads' });
    }
  }
  return { decoded, failed, errors, filler, rgbData: null, nx, ny };
}

/** The calling thread's fill loop: every frame decoded (or read raw) and rescaled in turn. */
async function fillOnThisThread(all: SliceRef[], reader: PixelReader | undefined, options: BuildOptions): Promise<Filled> {
  const errors: FileError[] = [];
  const fullFiles = new FullFileCache(reader);
  // Each frame is decoded and written straight into its place in one volume buffer (rescale
  // fused with the min/max scan, volume-fill.ts); the decoded frame is dropped at once.
  const decoded: { ref: SliceRef }[] = [];
  const failed: number[] = [];
  let filler: VolumeFiller | null = null;
  let rgbData: Uint8Array | null = null;
  let nx = 0;
  let ny = 0;
  const head = all[0]?.image.info;
  if (head && rawFrame(all[0].image, all[0].frame, head.columns, head.rows)) {
    // The first slice takes the raw path: size the volume from its header.
    nx = head.columns;
    ny = head.rows;
    filler = new VolumeFiller(nx * ny, all.length);
  }
  for (let k = 0; k < all.length; k++) {
    const ref = all[k];
    try {
      // Fast path: raw 16-bit little-endian samples read from the file into their place, then
      // masked and rescaled in place (one read, no copy, no per-frame garbage).
      const raw = filler ? rawFrame(ref.image, ref.frame, nx, ny) : null;
      const into = raw ? filler!.sliceBytes(k) : null;
      if (raw && into) {
        const { file } = ref.image.info;
        let got: number;
        if (ref.image.headerOnly) {
          if (!reader) throw new MedicalFormatError(file, 'only the header was read and no file reader was given');
          got = await reader.readInto(file, into, raw.position);
        } else {
          const src = ref.image.dataSet.byteArray.subarray(raw.position, raw.position + into.length);
          into.set(src);
          got = src.length;
        }
        if (got < into.length) throw shortFrame(file, ref.image.info.transferSyntaxUid, got, ref.frame, into.length);
        filler!.rescaleInPlace(k, raw.layout);
        decoded.push({ ref });
        options.onSliceReady?.(k, sliceView(filler!, k, nx * ny));
        continue;
      }
      const frame = await decodeFrame(await fullFiles.image(ref.image), ref.frame);
      if (!filler && !rgbData) {
        nx = frame.width;
        ny = frame.height;
        if (frame.rgb) rgbData = new Uint8Array(nx * ny * all.length * 3);
        else filler = new VolumeFiller(nx * ny, all.length);
      }
      checkFrameFits(frame, nx, ny, !!rgbData);
      if (rgbData) rgbData.set(frame.pixels as Uint8Array, k * nx * ny * 3);
      else filler!.put(k, frame.pixels, ref.image.info.rescaleSlope, ref.image.info.rescaleIntercept);
      decoded.push({ ref });
      options.onSliceReady?.(k, filler ? sliceView(filler, k, nx * ny) : undefined);
    } catch (e) {
      failed.push(k);
      errors.push({ file: ref.image.info.file, message: errorMessage(e) });
    }
  }
  return { decoded, failed, errors, filler, rgbData, nx, ny };
}

/** Slice k of an Int16 volume being filled (onSliceReady's `voxels`), or undefined once it is Float32. */
function sliceView(filler: VolumeFiller, k: number, n: number): Int16Array | undefined {
  return filler.data instanceof Int16Array ? filler.data.subarray(k * n, (k + 1) * n) : undefined;
}

/** A decoded frame must match the stack's size and kind (the first slice's). */
function checkFrameFits(frame: DecodedFrame, nx: number, ny: number, rgb: boolean): void {
  if (frame.width !== nx || frame.height !== ny || frame.rgb !== rgb) throw new Error(`frame is ${frame.width}x${frame.height}${frame.rgb ? ' colour' : ''}, the stack ${nx}x${ny}${rgb ? ' colour' : ''}`);
}

/** File access inside a worker thread (synchronous or not). */
export interface TaskIo {
  readInto(file: string, into: Uint8Array, position: number): number | Promise<number>;
  readAll(file: string): Uint8Array | Promise<Uint8Array>;
}

const shortFrame = (file: string, syntax: string, got: number, frame: number, need: number) =>
  new MedicalFormatError(file, `cannot decode pixel data (${syntax}): Pixel Data holds ${got} bytes from frame ${frame}, the frame needs ${need}`);

/**
 * One SliceTask on a worker thread: the raw frame read from its file into its slice of the shared
 * Int16 volume and rescaled in place (rescaleRawInPlace), or the file read whole, parsed once and
 * each frame decoded and rescaled into its slice (rescaleToInt16, put()'s loop). The outcomes
 * carry the messages the calling thread's loop would report for the same slices.
 */
export async function fillSliceTask(task: SliceTask, volume: Int16Array, nx: number, ny: number, io: TaskIo): Promise<SliceOutcome[]> {
  const n = nx * ny;
  if (task.kind === 'raw') {
    const { k } = task;
    try {
      const into = new Uint8Array(volume.buffer, volume.byteOffset + k * n * 2, n * 2);
      const got = await io.readInto(task.file, into, task.position);
      if (got < into.length) throw shortFrame(task.file, task.syntax, got, task.frame, into.length);
      return [{ k, range: rescaleRawInPlace(volume, k * n, n, task.layout) }];
    } catch (e) {
      return [{ k, error: errorMessage(e) }];
    }
  }
  let image: ParsedDicom;
  try {
    image = { info: task.info, dataSet: parseDataSet(await io.readAll(task.file), task.file) };
  } catch (e) {
    return task.slices.map(({ k }) => ({ k, error: errorMessage(e) }));
  }
  const out: SliceOutcome[] = [];
  for (const { k, frame } of task.slices) {
    try {
      const decoded = await decodeFrame(image, frame);
      checkFrameFits(decoded, nx, ny, false);
      const range = rescaleToInt16(volume, k * n, n, decoded.pixels, task.info.rescaleSlope, task.info.rescaleIntercept);
      out.push(range ? { k, range } : { k, float: true });
    } catch (e) {
      out.push({ k, error: errorMessage(e) });
    }
  }
  return out;
}

/** The volume, geometry and warnings from the filled slices. */
function assembleVolume(stack: DicomStack, all: SliceRef[], { decoded, failed, errors, filler, rgbData, nx, ny }: Filled): VolumeResult {
  if (decoded.length === 0) throw new MedicalFormatError(all[0]?.image.info.file ?? '(empty stack)', `no slice could be decoded${errors.length ? `: ${errors[0].message}` : ''}`);

  const first = decoded[0].ref.image.info;
  const nz = decoded.length;
  const rgb = !!rgbData;
  let data: VoxelArray;
  if (rgbData) {
    const sliceBytes = nx * ny * 3;
    let to = 0;
    for (let k = 0; k < all.length; k++) if (!failed.includes(k)) rgbData.copyWithin(to++ * sliceBytes, k * sliceBytes, (k + 1) * sliceBytes);
    data = failed.length ? rgbData.slice(0, nz * sliceBytes) : rgbData;
  } else data = filler!.compact(failed, all.length);

  const ps = first.pixelSpacing ?? [1, 1];
  const rowDir = first.rowCosines ?? [1, 0, 0];
  const colDir = first.columnCosines ?? [0, 1, 0];
  const normal = stack.normal ?? [0, 0, 1];
  const origin = decoded[0].ref.position ?? [0, 0, 0];
  const { sliceStep, dz, warnings } = sliceSteps(decoded.map((d) => d.ref.position), normal, first.spacingBetweenSlices ?? first.sliceThickness ?? 1);
  const volume: Volume = {
    dims: [nx, ny, nz],
    spacing: [ps[1], ps[0], dz],
    data,
    channels: rgb ? 3 : 1,
    affine: affineFromColumns(scale(rowDir, ps[1]), scale(colDir, ps[0]), sliceStep, origin),
    modality: first.modality,
    window: { center: 0, width: 1 },
    sliceUids: decoded.map((d) => d.ref.uid),
    slicePositions: decoded.every((d) => d.ref.position) ? decoded.map((d) => d.ref.position!) : undefined,
    source: {
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      frameOfReferenceUid: first.frameOfReferenceUid,
      sopClassUid: first.sopClassUid,
      patient: patientAttributes(decoded[0].ref.image),
    },
  };
  if (first.photometric === 'MONOCHROME1') volume.invertDisplay = true;
  volume.window = defaultWindow(volume, first.windowCenter, first.windowWidth);
  const range: [number, number] | undefined = filler && Number.isFinite(filler.min) ? [filler.min, filler.max] : undefined;
  return { volume, errors, warnings, ...(range ? { range } : {}) };
}

const RAW_SYNTAXES = new Set<string>([TRANSFER_SYNTAX.implicitLittle, TRANSFER_SYNTAX.explicitLittle]);

/**
 * Where frame `frame` of a header-only image lies in its file, when its samples can be used as
 * they are stored: uncompressed little endian, one 16-bit grey sample per pixel, the stack's
 * size, and a rescale that keeps every value exact in Int16. Anything else returns null and goes
 * through decodeFrame on the whole file.
 */
function rawFrame(image: ParsedDicom, frame: number, nx: number, ny: number): { position: number; layout: RawLayout } | null {
  const { info, dataSet } = image;
  if (!dataSet.byteArray || !RAW_SYNTAXES.has(info.transferSyntaxUid)) return null;
  if (info.bitsAllocated !== 16 || info.samplesPerPixel !== 1 || info.columns !== nx || info.rows !== ny) return null;
  if (info.photometric !== 'MONOCHROME1' && info.photometric !== 'MONOCHROME2') return null;
  const el = dataSet.elements[TAG.pixelData];
  if (!el || el.hadUndefinedLength) return null;
  const frameBytes = uncompressedFrameBytes(info);
  // A Pixel Data element shorter than the frame is reported by decodeFrame's own check.
  if ((frame + 1) * frameBytes > el.length) return null;
  const layout: RawLayout = { bitsStored: info.bitsStored || 16, signed: info.pixelRepresentation === 1, m: info.rescaleSlope, b: info.rescaleIntercept };
  return fitsInt16InPlace(layout) ? { position: el.dataOffset + frame * frameBytes, layout } : null;
}

/**
 * Header-only images re-parsed from their whole file when a slice needs decodeFrame. The last
 * one is kept: the frames of a multi-frame file follow each other in the stack.
 */
class FullFileCache {
  private last: { from: ParsedDicom; full: ParsedDicom } | null = null;

  constructor(private readonly reader?: PixelReader) {}

  async image(image: ParsedDicom): Promise<ParsedDicom> {
    if (!image.headerOnly) return image;
    if (this.last?.from === image) return this.last.full;
    if (!this.reader) throw new MedicalFormatError(image.info.file, 'only the header was read and no file reader was given');
    const bytes = await this.reader.readAll(image.info.file);
    const full = { info: image.info, dataSet: parseDataSet(bytes, image.info.file) };
    this.last = { from: image, full };
    return full;
  }
}

/** Patient/study attributes that derived objects (SEG) must repeat; keyed by dicom-parser tag. */
export const PATIENT_STUDY_TAGS = {
  x00100010: 'PN', // PatientName
  x00100020: 'LO', // PatientID
  x00100030: 'DA', // PatientBirthDate
  x00100040: 'CS', // PatientSex
  x00080020: 'DA', // StudyDate
  x00080030: 'TM', // StudyTime
  x00080050: 'SH', // AccessionNumber
  x00080090: 'PN', // ReferringPhysicianName
  x00200010: 'SH', // StudyID
} as const;

function patientAttributes(image: ParsedDicom): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of Object.keys(PATIENT_STUDY_TAGS)) {
    const v = image.dataSet.string(tag);
    if (v !== undefined) out[tag] = v;
  }
  return out;
}

/** Convenience: group inputs and open the largest stack of the largest series. */
export async function loadDicomVolume(inputs: DicomInput[]): Promise<VolumeResult & { grouped: GroupedDicom }> {
  const grouped = groupDicomFiles(inputs);
  const stacks = grouped.studies.flatMap((s) => s.series.flatMap((se) => se.stacks));
  if (stacks.length === 0) {
    const why = grouped.errors[0] ? `${grouped.errors[0].file}: ${grouped.errors[0].message}` : 'no DICOM images found';
    throw new MedicalFormatError(inputs.length === 1 ? inputs[0].name : '(input)', why);
  }
  const best = stacks.reduce((a, b) => (sliceCount(b) > sliceCount(a) ? b : a));
  const result = await buildVolume(best);
  return { ...result, errors: [...grouped.errors, ...result.errors], grouped };
}

/**
 * Decode one frame to modality values (rescale applied) without building a volume: what a
 * viewer needs to show the first image while the rest of the series loads.
 */
export async function rescaledFrame(image: ParsedDicom, frame = 0): Promise<{ width: number; height: number; values: Float32Array }> {
  const decoded = await decodeFrame(image, frame);
  if (decoded.rgb) throw new MedicalFormatError(image.info.file, 'rescaledFrame expects a grey image');
  const { rescaleSlope: m, rescaleIntercept: b } = image.info;
  const values = new Float32Array(decoded.pixels.length);
  for (let i = 0; i < values.length; i++) values[i] = decoded.pixels[i] * m + b;
  return { width: decoded.width, height: decoded.height, values };
}

/** Timepoints of a multi-volume stack and how they were told apart (for the header / docs). */
export interface StackTimepoints {
  stacks: DicomStack[];
  /** Which attribute ordered the volumes: shown in warnings so a wrong split is visible. */
  orderedBy: 'TemporalPositionIdentifier' | 'AcquisitionNumber' | 'TriggerTime' | 'AcquisitionTime' | 'InstanceNumber';
}

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === '') return undefined;
  const v = Number(s.trim());
  return Number.isFinite(v) ? v : undefined;
};
/** DICOM TM (HHMMSS.FFFFFF, colons tolerated) → seconds, so times order numerically. */
const tmSeconds = (s: string | undefined): number | undefined => {
  const t = s?.trim().replace(/:/g, '');
  if (!t || !/^\d{2,6}(\.\d+)?$/.test(t)) return undefined;
  const hh = Number(t.slice(0, 2));
  const mm = t.length >= 4 ? Number(t.slice(2, 4)) : 0;
  const ss = t.length >= 6 ? Number(t.slice(4)) : 0;
  return hh * 3600 + mm * 60 + ss;
};

/**
 * Split a stack that holds several volumes at the same slice positions (dynamic / repeated
 * acquisitions) into one stack per timepoint, or null when it is one volume. Only single-frame
 * images with positions qualify, and only when every position holds the same number n > 1 of
 * images: anything less regular stays one stack (with the "duplicate slice positions" warning),
 * because guessing would mix volumes silently. Volumes are told apart by TemporalPositionIdentifier
 * (0020,0100) when it has exactly n values, else each position's images are ranked by the first of
 * AcquisitionNumber, TriggerTime, AcquisitionTime, InstanceNumber that differs within every position.
 * Kept apart from buildVolume: each timepoint stack is then decoded by buildVolume unchanged.
 */
export function splitTimepoints(stack: DicomStack): StackTimepoints | null {
  const { images, normal } = stack;
  if (images.length < 2 || !normal) return null;
  if (images.some((img) => img.info.numberOfFrames !== 1 || !img.info.imagePosition)) return null;
  // Positions within 1 µm are one slice position (float noise in IPP).
  const byPos = new Map<string, ParsedDicom[]>();
  for (const img of images) {
    const key = dot(img.info.imagePosition!, normal).toFixed(3);
    const list = byPos.get(key) ?? [];
    list.push(img);
    byPos.set(key, list);
  }
  const groups = [...byPos.values()];
  const n = groups[0].length;
  if (n < 2 || groups.some((g) => g.length !== n)) return null;

  const make = (volumes: ParsedDicom[][], orderedBy: StackTimepoints['orderedBy']): StackTimepoints => ({
    stacks: volumes.map((v) => ({ ...stack, images: sortSlices(v, normal) })),
    orderedBy,
  });

  const tpi = images.map((img) => num(img.dataSet.string('x00200100')));
  if (tpi.every((v) => v !== undefined)) {
    const values = [...new Set(tpi as number[])].sort((a, b) => a - b);
    if (values.length === n) {
      const volumes = values.map(() => [] as ParsedDicom[]);
      images.forEach((img, i) => volumes[values.indexOf(tpi[i]!)].push(img));
      if (volumes.every((v) => v.length === groups.length)) return make(volumes, 'TemporalPositionIdentifier');
    }
  }
  const keys: [StackTimepoints['orderedBy'], (img: ParsedDicom) => number | undefined][] = [
    ['AcquisitionNumber', (img) => num(img.dataSet.string('x00200012'))],
    ['TriggerTime', (img) => num(img.dataSet.string('x00181060'))],
    ['AcquisitionTime', (img) => tmSeconds(img.dataSet.string('x00080032'))],
    ['InstanceNumber', (img) => img.info.instanceNumber],
  ];
  for (const [name, key] of keys) {
    // Usable only when it is present and distinct within every position (else ranks are ties).
    const ok = groups.every((g) => {
      const vs = g.map(key);
      return vs.every((v) => v !== undefined) && new Set(vs).size === g.length;
    });
    if (!ok) continue;
    const volumes = Array.from({ length: n }, () => [] as ParsedDicom[]);
    for (const g of groups) [...g].sort((a, b) => key(a)! - key(b)!).forEach((img, t) => volumes[t].push(img));
    return make(volumes, name);
  }
  return null;
}
