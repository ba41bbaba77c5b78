/**
 * Medical volumes on the host: decode DICOM series / NIfTI with the (pure) medical core, cache
 * the voxels under `.datum/volumes/<itemId>.raw` for `/blob/volume/<itemId>`, keep label maps in
 * `annotations/<itemId>.labelmap.json`, export DICOM SEG / NIfTI into `exports/` and import
 * SEG / NIfTI label volumes. Decoding here (not in the renderer) keeps the WASM codecs in Node.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LabelmapPayload, MedicalSegment, VolumeHeader } from '../../preload/contract';
import { DatumError } from '../rpc/errors';
import { atomicWrite, atomicWriteJson } from './atomicWrite';
import { recordProjectExport } from './exchange/run';
import type { ProjectService } from './projectService';
import { readNifti } from '../../core/medical/nifti';
import { writeLabelmapNifti } from '../../core/medical/nifti-writer';
import { buildVolume, sliceCount, splitTimepoints, type DicomStack, type PixelReader } from '../../core/medical/series';
import type { ParsedDicom } from '../../core/medical/dicom';
import { uncompressedFrameBytes } from '../../core/medical/pixel-data';
import { orderedSlices, provisionalVolume } from '../../core/medical/stack-geometry';
import { BuildCancelled, middleSourceSlice, VolumeStream } from './medicalStream';
import type { Readable } from 'node:stream';
import { filePixelReader, groupDicomFolder } from './dicomFiles';
import { readDicomSeg, writeDicomSeg } from '../../core/medical/seg';
import { decodeLabelRuns, encodeLabelRuns, labelRunsLength } from '../../core/medical/labelmap-rle';
import { MedicalFormatError, type FileError, type Volume, type VoxelArray } from '../../core/medical/types';
import { canonicalOrientation, reorientArray, type Reorientation } from '../../core/medical/reorient';
import { checkGeometry, classifyAcquisition, patientOrientationLetters, type GeometryHints, type ViewMode } from '../../core/medical/geometry';
import { SEGMENT_COLORS } from '../../core/medical/segmentation';
import { registerHostCodecs } from './medicalCodecs';

// 12-bit JPEG and other host-only decoders for core/medical (see medicalCodecs.ts).
registerHostCodecs();

export const VOLUME_DIR = '.datum/volumes';
/** Idle time after the last autosave before a display-grid label map is moved to the source grid. */
export const SOURCE_GRID_DELAY_MS = 1500;

/** annotations/<itemId>.labelmap.json. version 1: runs on the source grid; version 2 (autosave
 * of a reoriented volume): runs on the display grid named by `reorient`. */
interface LabelmapDoc {
  version?: number;
  itemId?: string;
  dims?: number[];
  grid?: 'display' | 'source';
  reorient?: { perm: number[]; flip: boolean[] };
  segments: MedicalSegment[];
  runs: string | null;
  savedAt?: number;
}
export const EXPORT_DIR = 'exports';
const MAX_FOLDER_FILES = 4000;
const CACHE_SIZE = 2;

interface OpenVolume {
  /** The volume in its source voxel grid: label maps are stored and exported on this grid. */
  volume: Volume;
  header: VolumeHeader;
  /** Source grid -> the canonical (LPS-ordered) grid the editor shows (reorient.ts). */
  reorient: Reorientation;
  /** Voxels on the canonical grid, every timepoint contiguous: what /blob/volume serves. */
  display: VoxelArray;
  /** The .raw file was written from this decode. */
  rawWritten?: boolean;
  /** Source-grid voxels, every timepoint contiguous. */
  source: VoxelArray;
}

/** The MedicalService of a project service, for the blob route (one per host). */
const services = new WeakMap<ProjectService, MedicalService>();
export function medicalServiceOf(projects: ProjectService): MedicalService | undefined {
  return services.get(projects);
}

/** The grid mapping of a volume shown as stored (projection and single images). */
function identityReorientation(v: Volume): Reorientation {
  return { perm: [0, 1, 2], flip: [false, false, false], dims: [...v.dims], spacing: [...v.spacing], affine: [...v.affine], obliqueDeg: 0, identity: true };
}

const runsToBase64 = (data: Uint8Array) => Buffer.from(encodeLabelRuns(data)).toString('base64');

export const DEFAULT_COLORS = SEGMENT_COLORS;

const ID_RE = /^[0-9a-f]{16}$/;

export function volumeFile(projectDir: string, itemId: string): string {
  if (!ID_RE.test(itemId)) throw new DatumError('BAD_REQUEST', `invalid item id "${itemId}"`);
  return path.join(projectDir, VOLUME_DIR, `${itemId}.raw`);
}

const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class MedicalService {
  private cache = new Map<string, OpenVolume>();
  /** Streamed builds under way, by cache key. */
  private builds = new Map<string, LiveBuild>();
  /** Finished streams of cached volumes, for a viewer that asks after the end. */
  private streams = new Map<string, VolumeStream>();

  private readonly streaming: boolean;
  private readonly readerFor: (root: string) => PixelReader;

  /**
   * `streaming: false` opens every volume whole (as before streaming; the bench's baseline);
   * `reader` replaces the file reader (tests hold reads back to watch a stream).
   */
  constructor(
    private readonly projects: ProjectService,
    options: { streaming?: boolean; reader?: (root: string) => PixelReader } = {},
  ) {
    this.streaming = options.streaming ?? true;
    this.readerFor = options.reader ?? filePixelReader;
    services.set(projects, this);
  }

  /**
   * The header of the item's volume. A DICOM volume not decoded yet is streamed: the header comes
   * as soon as the files' headers are parsed and sorted (`loading: true`, range not known yet) and
   * the voxels follow on `/blob/volume-stream/<itemId>` as slices land (medicalStream.ts).
   * Anything else is decoded whole and its voxels written for `/blob/volume/<itemId>`, as before.
   */
  async open(itemId: string): Promise<VolumeHeader> {
    const item = this.projects.getItem(itemId);
    const key = this.cacheKey(itemId);
    if (!this.cache.has(key) && this.streaming && (item.modality === 'dicom' || item.modality === 'dicom-series')) {
      let live = this.builds.get(key);
      if (live?.stream.cancelled) {
        await live.done.catch(() => undefined); // a cancelled build drains quickly
        live = this.builds.get(key);
      }
      if (live && !live.stream.cancelled) return live.header;
      const started = await this.startStream(itemId, key);
      if (started) return started.header;
    }
    const { header } = await this.load(itemId, true);
    return header;
  }

  /** The final header once the whole volume is decoded and written for `/blob/volume` (what `open` answered before streaming). */
  async openComplete(itemId: string): Promise<VolumeHeader> {
    return (await this.load(itemId, true)).header;
  }

  /** The saved label map on the editor's (canonical) grid. */
  async loadLabelmap(itemId: string): Promise<LabelmapPayload> {
    const doc = await this.readLabelmapDoc(itemId);
    if (!doc.runs) return { segments: doc.segments, runs: null };
    const open = await this.load(itemId, false);
    // An autosave not yet moved to the source grid is already on the editor's grid.
    if (doc.grid === 'display' && this.sameDisplayGrid(open, doc)) return { segments: doc.segments, runs: doc.runs };
    return { segments: doc.segments, runs: this.runsToDisplay(open, this.sourceRuns(open, doc)) };
  }

  /** Source-grid runs (base64) -> canonical-grid runs, for the editor. */
  private runsToDisplay(open: OpenVolume, runs: string): string {
    if (open.reorient.identity) return runs;
    const [nx, ny, nz] = open.volume.dims;
    const src = decodeLabelRuns(new Uint8Array(Buffer.from(runs, 'base64')), nx * ny * nz);
    return runsToBase64(reorientArray(src, open.reorient, 'toCanonical'));
  }

  /** The label map on the source voxel grid (moving an autosave's display-grid runs there). */
  private async readSavedLabelmap(itemId: string): Promise<LabelmapPayload> {
    const doc = await this.readLabelmapDoc(itemId);
    if (!doc.runs || doc.grid !== 'display') return { segments: doc.segments, runs: doc.runs };
    return { segments: doc.segments, runs: this.sourceRuns(await this.load(itemId, false), doc) };
  }

  private sameDisplayGrid(open: OpenVolume, doc: LabelmapDoc): boolean {
    const r = open.reorient;
    return !!doc.reorient && doc.reorient.perm.every((p, i) => p === r.perm[i]) && doc.reorient.flip.every((f, i) => f === r.flip[i]);
  }

  /** Source-grid runs of a saved doc (display-grid docs are reoriented here). */
  private sourceRuns(open: OpenVolume, doc: LabelmapDoc): string {
    if (doc.grid !== 'display' || open.reorient.identity) return doc.runs!;
    if (!this.sameDisplayGrid(open, doc)) throw new DatumError('BAD_FILE', `${open.header.itemId}: the autosaved label map was made for another orientation of this volume`);
    const [nx, ny, nz] = open.volume.dims;
    const shown = decodeLabelRuns(new Uint8Array(Buffer.from(doc.runs!, 'base64')), nx * ny * nz);
    return runsToBase64(reorientArray(shown, open.reorient, 'toSource'));
  }

  /** The saved document as it is on disk. */
  private async readLabelmapDoc(itemId: string): Promise<LabelmapDoc> {
    const file = this.labelmapFile(itemId);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { segments: [], runs: null };
      throw e;
    }
    let doc: Partial<LabelmapDoc>;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new DatumError('BAD_FILE', `${path.basename(file)}: the saved label map is not valid JSON (${errMsg(e)})`);
    }
    return { ...doc, segments: doc.segments ?? [], runs: doc.runs ?? null };
  }

  /**
   * `runs` are on the editor's (canonical) grid; they are stored on the source grid. An autosave
   * of a reoriented (e.g. sagittal) volume is written as it came, marked `grid: 'display'`
   * (reorienting every voxel cost ~1 s per save), and moved to the source grid once the editor
   * has stopped saving for SOURCE_GRID_DELAY_MS; every reader converts such a file itself.
   */
  async saveLabelmap(itemId: string, segments: MedicalSegment[], runs: string): Promise<number> {
    const open = await this.load(itemId, false);
    const { volume } = open;
    const [nx, ny, nz] = volume.dims;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(Buffer.from(runs, 'base64'));
      const held = labelRunsLength(bytes); // validate before writing, without expanding the voxels
      if (held !== nx * ny * nz) throw new Error(`label runs hold ${held} voxels, expected ${nx * ny * nz}`);
    } catch (e) {
      throw new DatumError('BAD_REQUEST', `label map does not fit the volume: ${errMsg(e)}`);
    }
    const savedAt = Date.now();
    const file = this.labelmapFile(itemId);
    if (open.reorient.identity) {
      await atomicWriteJson(file, { version: 1, itemId, dims: volume.dims, segments, runs, savedAt });
      return savedAt;
    }
    const doc: LabelmapDoc = { version: 2, itemId, dims: volume.dims, grid: 'display', reorient: { perm: [...open.reorient.perm], flip: [...open.reorient.flip] }, segments, runs, savedAt };
    await atomicWriteJson(file, doc);
    this.scheduleSourceGrid(itemId, file, savedAt);
    return savedAt;
  }

  private sourceGridTimers = new Map<string, NodeJS.Timeout>();

  /** Rewrite the last autosave on the source grid when no newer save came in meanwhile. */
  private scheduleSourceGrid(itemId: string, file: string, savedAt: number): void {
    clearTimeout(this.sourceGridTimers.get(file));
    const timer = setTimeout(() => {
      this.sourceGridTimers.delete(file);
      void this.moveToSourceGrid(itemId, file, savedAt).catch(() => {
        // Left on the display grid: every reader converts it, so nothing is lost.
      });
    }, SOURCE_GRID_DELAY_MS);
    timer.unref();
    this.sourceGridTimers.set(file, timer);
  }

  private async moveToSourceGrid(itemId: string, file: string, savedAt: number): Promise<void> {
    const doc = await this.readLabelmapDoc(itemId);
    if (doc.grid !== 'display' || doc.savedAt !== savedAt || !doc.runs) return;
    const runs = this.sourceRuns(await this.load(itemId, false), doc);
    const again = await this.readLabelmapDoc(itemId);
    if (again.savedAt !== savedAt) return; // a newer autosave landed while converting
    await atomicWriteJson(file, { version: 1, itemId, dims: doc.dims, segments: doc.segments, runs, savedAt });
  }

  async exportSeg(itemId: string, deidentify: boolean, retainUids = false): Promise<{ path: string; relPath: string; bytes: number }> {
    const { volume, header } = await this.load(itemId, false);
    if (!header.canExportSeg) throw new DatumError('UNSUPPORTED', 'DICOM SEG export needs a DICOM source; export this label map as NIfTI');
    const { map, segments } = await this.savedMap(itemId, volume);
    const present = new Set(map.data);
    const used = segments.filter((s) => present.has(s.number));
    if (used.length === 0) throw new DatumError('BAD_REQUEST', 'the label map is empty: paint a segment first');
    const bytes = writeDicomSeg(map, volume, used.map((s) => ({ number: s.number, label: s.label, color: s.color })), { deidentify, retainUids });
    return this.writeExport(itemId, deidentify ? 'seg-deid.dcm' : 'seg.dcm', bytes);
  }

  async exportRtstruct(itemId: string, deidentify: boolean, retainUids = false): Promise<{ path: string; relPath: string; bytes: number }> {
    const { volume, header } = await this.load(itemId, false);
    if (!header.canExportSeg) throw new DatumError('UNSUPPORTED', 'RTSTRUCT export needs a DICOM source; export this label map as NIfTI');
    const { map, segments } = await this.savedMap(itemId, volume);
    const present = new Set(map.data);
    const used = segments.filter((s) => present.has(s.number));
    if (used.length === 0) throw new DatumError('BAD_REQUEST', 'the label map is empty: paint a segment first');
    const { writeRtStruct } = await import('../../core/medical/rtstruct');
    const bytes = writeRtStruct(map, volume, used.map((s) => ({ number: s.number, label: s.label, color: s.color })), { deidentify, retainUids });
    return this.writeExport(itemId, deidentify ? 'rtstruct-deid.dcm' : 'rtstruct.dcm', bytes);
  }

  async importRtstruct(itemId: string, p: string): Promise<LabelmapPayload & { warnings: string[] }> {
    const open = await this.load(itemId, false);
    const { volume } = open;
    const file = this.projectPath(p);
    const { readRtStruct } = await import('../../core/medical/rtstruct');
    let rs;
    try {
      rs = readRtStruct(new Uint8Array(await fs.readFile(file)), path.basename(file), volume);
    } catch (e) {
      throw new DatumError('BAD_FILE', errMsg(e));
    }
    const warnings = [...rs.warnings];
    const series = volume.source?.seriesInstanceUid;
    if (rs.referencedSeriesInstanceUid && series && rs.referencedSeriesInstanceUid !== series) {
      warnings.push(`${path.basename(file)} was drawn on another series (${rs.referencedSeriesInstanceUid}); its contours were placed by patient coordinates`);
    }
    const data = new Uint8Array(volume.dims[0] * volume.dims[1] * volume.dims[2]);
    const segments: MedicalSegment[] = [];
    let overlap = false;
    for (const roi of rs.rois) {
      const mask = rs.masks.get(roi.number);
      if (!mask) continue;
      if (segments.length === 255) {
        warnings.push('only the first 255 ROIs were imported');
        break;
      }
      const n = segments.length + 1;
      for (let i = 0; i < mask.length; i++) {
        if (!mask[i]) continue;
        if (data[i]) overlap = true;
        data[i] = n;
      }
      segments.push({ number: n, label: roi.name, color: roi.color ?? DEFAULT_COLORS[(n - 1) % DEFAULT_COLORS.length] });
    }
    if (overlap) warnings.push('overlapping ROIs are flattened; later ROIs win where they overlap');
    return { segments, runs: this.runsToDisplay(open, runsToBase64(data)), warnings };
  }

  async exportNifti(itemId: string): Promise<{ path: string; relPath: string; bytes: number }> {
    const { volume } = await this.load(itemId, false);
    const { map } = await this.savedMap(itemId, volume);
    return this.writeExport(itemId, 'labels.nii.gz', writeLabelmapNifti(map, volume));
  }

  async importSeg(itemId: string, p: string): Promise<LabelmapPayload & { warnings: string[] }> {
    const open = await this.load(itemId, false);
    const { volume } = open;
    const file = this.projectPath(p);
    const seg = await readDicomSeg(new Uint8Array(await fs.readFile(file)), path.basename(file), volume).catch((e) => {
      throw new DatumError('BAD_FILE', errMsg(e));
    });
    const data = new Uint8Array(volume.dims[0] * volume.dims[1] * volume.dims[2]);
    const segments: MedicalSegment[] = [];
    let n = 0;
    for (const s of seg.segments) {
      const mask = seg.masks.get(s.number);
      if (!mask) continue;
      n++;
      if (n > 255) break;
      for (let i = 0; i < mask.length; i++) if (mask[i]) data[i] = n;
      segments.push({ number: n, label: s.label || `Segment ${s.number}`, color: s.color ?? DEFAULT_COLORS[(n - 1) % DEFAULT_COLORS.length] });
    }
    const warnings = [...seg.warnings];
    if (seg.segments.length > 1) warnings.push('overlapping segments are flattened; later segments win where they overlap');
    return { segments, runs: this.runsToDisplay(open, runsToBase64(data)), warnings };
  }

  async importNifti(itemId: string, p: string): Promise<LabelmapPayload & { warnings: string[] }> {
    const open = await this.load(itemId, false);
    const { volume } = open;
    const file = this.projectPath(p);
    let v: Volume;
    try {
      v = readNifti(new Uint8Array(await fs.readFile(file)), path.basename(file));
    } catch (e) {
      throw new DatumError('BAD_FILE', errMsg(e));
    }
    const same = v.dims.every((d, i) => d === volume.dims[i]);
    if (!same) throw new DatumError('BAD_FILE', `${path.basename(file)}: dims ${v.dims.join('x')} differ from the volume's ${volume.dims.join('x')}`);
    const warnings: string[] = [];
    const maxDiff = Math.max(...v.affine.map((a, i) => Math.abs(a - volume.affine[i])));
    if (maxDiff > 1e-2) warnings.push(`${path.basename(file)}: its affine differs from the volume's (max difference ${maxDiff.toFixed(3)}); voxels are matched by index`);
    const data = new Uint8Array(v.data.length);
    const values = new Set<number>();
    let clipped = false;
    for (let i = 0; i < data.length; i++) {
      const x = Math.round(v.data[i]);
      if (x <= 0) continue;
      if (x > 255) {
        clipped = true;
        continue;
      }
      data[i] = x;
      values.add(x);
    }
    if (clipped) warnings.push('labels above 255 were left out');
    const segments = [...values].sort((a, b) => a - b).map((n) => ({ number: n, label: `${path.basename(file).replace(/\.nii(\.gz)?$/i, '')} ${n}`, color: DEFAULT_COLORS[(n - 1) % DEFAULT_COLORS.length] }));
    return { segments, runs: this.runsToDisplay(open, runsToBase64(data)), warnings };
  }

  // ---------------------------------------------------------------------------------------

  private labelmapFile(itemId: string): string {
    const p = this.projects.requireProject();
    this.projects.getItem(itemId);
    if (!ID_RE.test(itemId)) throw new DatumError('BAD_REQUEST', `invalid item id "${itemId}"`);
    return path.join(p.dir, 'annotations', `${itemId}.labelmap.json`);
  }

  private projectPath(p: string): string {
    const dir = this.projects.requireProject().dir;
    return this.projects.guard.check(p, dir);
  }

  /**
   * The header of one file of a DICOM item as rows (core/medical/tags.ts) with dcmjs's data
   * dictionary for keywords and implicit-VR types (loaded only when the viewer asks).
   */
  async tags(itemId: string, index: number, reveal: boolean) {
    const item = this.projects.getItem(itemId);
    if (item.modality !== 'dicom' && item.modality !== 'dicom-series') throw new DatumError('BAD_REQUEST', `${item.name} is not a DICOM item`);
    const abs = this.projects.itemPath(itemId);
    let files = [path.basename(abs)];
    if (item.modality === 'dicom-series') {
      const all = (await listFiles(abs, true)).filter((f) => !SKIPPED_IN_SERIES.test(f));
      // Only this series' files: a scout or an RTSTRUCT beside it is an item of its own.
      const uid = item.dicom?.seriesInstanceUid;
      files = uid ? await (await import('./dicomIndex')).seriesFiles(abs, all, uid) : all;
    }
    if (files.length === 0) throw new DatumError('NOT_FOUND', `${item.name}: no files`);
    if (index >= files.length) throw new DatumError('BAD_REQUEST', `${item.name} has ${files.length} file(s); there is no file ${index + 1}`);
    const file = item.modality === 'dicom-series' ? this.projects.itemPath(itemId, files[index]) : abs;
    const [{ listDicomTags }, dcmjs] = await Promise.all([import('../../core/medical/tags'), import('dcmjs')]);
    const dict = dcmjs.data ?? dcmjs.default.data; // ESM named export, or the CommonJS default
    let listing;
    try {
      listing = listDicomTags(new Uint8Array(await fs.readFile(file)), files[index], (tag) => dict.DicomMetaDictionary.dictionary[tag], { reveal });
    } catch (e) {
      if (e instanceof MedicalFormatError) throw new DatumError('BAD_FILE', e.message);
      throw e;
    }
    return { file: files[index], index, count: files.length, ...listing };
  }

  private async savedMap(itemId: string, volume: Volume) {
    const saved = await this.readSavedLabelmap(itemId);
    if (!saved.runs) throw new DatumError('BAD_REQUEST', 'nothing is painted yet: the label map is empty');
    const [nx, ny, nz] = volume.dims;
    const data = decodeLabelRuns(new Uint8Array(Buffer.from(saved.runs, 'base64')), nx * ny * nz);
    return { map: { dims: volume.dims, spacing: volume.spacing, data }, segments: saved.segments };
  }

  private async writeExport(itemId: string, suffix: string, bytes: Uint8Array) {
    const p = this.projects.requireProject();
    const item = this.projects.getItem(itemId);
    // Named by item id only: DICOM files and folders are often named after the patient's name or
    // ID (`77654033/CT2`), and an export's name must not carry them out.
    const relPath = `${EXPORT_DIR}/${item.id}.${suffix}`;
    const abs = this.projects.guard.check(path.join(p.dir, relPath));
    await atomicWrite(abs, bytes);
    // exports/ holds our own output (SEG, NIfTI): the next rescan must not index it as new items.
    await recordProjectExport(this.projects, path.dirname(abs));
    return { path: abs, relPath, bytes: bytes.length };
  }

  private cacheKey(itemId: string): string {
    const p = this.projects.requireProject();
    const item = this.projects.getItem(itemId);
    return `${p.dir}\0${itemId}\0${item.mtime}\0${item.size}`;
  }

  private remember(key: string, open: OpenVolume): void {
    this.cache.delete(key);
    this.cache.set(key, open);
    while (this.cache.size > CACHE_SIZE) {
      const old = this.cache.keys().next().value!;
      this.cache.delete(old);
      this.streams.delete(old);
    }
  }

  private async load(itemId: string, writeRaw: boolean): Promise<OpenVolume> {
    const p = this.projects.requireProject();
    const item = this.projects.getItem(itemId);
    const key = this.cacheKey(itemId);
    let open = this.cache.get(key);
    if (!open) {
      const live = this.builds.get(key);
      if (live) {
        // A streamed build of this volume is under way: its result is this volume (or, if every
        // viewer left and it was cancelled, decode again).
        open = await live.done.catch((e) => {
          if (e instanceof BuildCancelled) return undefined;
          throw e;
        });
      }
      if (!open) {
        open = await this.decode(itemId);
        this.remember(key, open);
      }
    }
    if (writeRaw) {
      const raw = volumeFile(p.dir, itemId);
      const st = await fs.stat(raw).catch(() => null);
      const d = open.display;
      // Written once per decode as well: a .raw left by an older build may hold the same bytes in
      // the source-grid order, and its size alone cannot tell.
      if (!open.rawWritten || !st || st.size !== d.byteLength || st.mtimeMs < item.mtime) {
        await atomicWrite(raw, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
        open.rawWritten = true;
      }
    }
    return open;
  }

  /**
   * Before `/blob/volume/<itemId>` serves the .raw: a volume still being streamed, or decoded
   * without writing it, is written first. A .raw of an earlier session is served as it is.
   */
  async rawReady(itemId: string): Promise<void> {
    const key = this.cacheKey(itemId);
    const open = this.cache.get(key);
    if (this.builds.has(key) || (open && !open.rawWritten)) await this.load(itemId, true);
  }

  /** The streamed body of a volume `medical.open` answered with `loading: true` (null: none). */
  streamBody(itemId: string): Readable | null {
    const key = this.cacheKey(itemId);
    const s = this.builds.get(key)?.stream ?? this.streams.get(key);
    return s ? s.open() : null;
  }

  /** Decode an item completely (NIfTI, or DICOM without streaming). */
  private async decode(itemId: string): Promise<OpenVolume> {
    const item = this.projects.getItem(itemId);
    const abs = this.projects.itemPath(itemId);
    let src: SourceDecode;
    try {
      if (item.modality === 'nifti') {
        const nii = readNifti(new Uint8Array(await fs.readFile(abs)), path.basename(abs), { allVolumes: true });
        src = {
          format: 'nifti',
          volume: nii,
          errors: [],
          warnings: [],
          timepoints: nii.timepoints,
          timeData: nii.timeData,
          hints: { hasOrientation: nii.affineSource !== 'pixdim', hasPositions: true },
          viewMode: nii.dims[2] <= 1 ? 'single' : 'volume',
          letters: null,
        };
      } else if (item.modality === 'dicom' || item.modality === 'dicom-series') {
        this.checkDicomKind(item);
        const picked = await this.pickDicomStack(item.modality === 'dicom-series' ? abs : null, abs, item.dicom?.seriesInstanceUid);
        const reader = this.readerFor(picked.root);
        src = dicomSource(await this.buildDicom(picked, () => reader));
      } else {
        throw new DatumError('UNSUPPORTED', `${item.name} is not a medical volume (${item.modality})`);
      }
    } catch (e) {
      throw asDatumError(e, item.name);
    }
    return this.assemble(itemId, item.name, src);
  }

  private checkDicomKind(item: { name: string; dicom?: { kind?: string } }): void {
    // An RT Dose object is listed by its kind but holds a pixel dose grid, shown in Gy.
    if (item.dicom && item.dicom.kind !== 'image' && item.dicom.kind !== 'RTDOSE') throw new DatumError('UNSUPPORTED', `${item.name} is a DICOM ${item.dicom.kind} object, not an image`);
  }

  /** Geometry checks and the canonical grid of a decoded (or provisional) source volume. */
  private geometryOf(name: string, src: SourceDecode) {
    if (src.volume.channels !== 1) throw new DatumError('UNSUPPORTED', `${name}: colour volumes cannot be segmented`);
    const checked = checkGeometry(src.volume, src.hints);
    const volume = checked.volume;
    const geometryWarnings = checked.warnings;
    const reorient = src.viewMode === 'volume' ? canonicalOrientation(volume.affine, volume.dims, volume.spacing) : identityReorientation(volume);
    if (reorient.obliqueDeg >= 1)
      geometryWarnings.push(
        `oblique acquisition: the voxel axes are up to ${reorient.obliqueDeg.toFixed(1)}° off the patient axes; the views show the nearest voxel planes, labelled by their dominant direction, until "Reslice on true planes" is ticked`,
      );
    return { volume, geometryWarnings, reorient };
  }

  private makeHeader(itemId: string, src: SourceDecode, geo: ReturnType<MedicalService['geometryOf']>, voxels: { dtype: VolumeHeader['dtype']; bytes: number; range: [number, number] }): VolumeHeader {
    const { volume, reorient, geometryWarnings } = geo;
    const header: VolumeHeader = {
      itemId,
      format: src.format,
      dims: [...reorient.dims],
      spacing: [...reorient.spacing],
      affine: [...reorient.affine],
      sourceDims: [...volume.dims],
      reorient: { perm: [...reorient.perm], flip: [...reorient.flip] },
      obliqueDeg: reorient.obliqueDeg,
      viewMode: src.viewMode,
      letters: src.letters,
      timepoints: src.timepoints,
      geometryWarnings,
      ...(src.units ? { units: src.units } : {}),
      modality: volume.modality,
      dtype: voxels.dtype,
      window: { ...volume.window },
      invert: !!volume.invertDisplay,
      range: voxels.range,
      bytes: voxels.bytes,
      canExportSeg: !!(volume.sliceUids && volume.source?.studyInstanceUid),
      errors: src.errors,
      warnings: src.warnings,
    };
    if (src.description) header.description = src.description;
    return header;
  }

  /** A decoded source volume -> the cached OpenVolume: canonical voxels for the viewer, header. */
  private assemble(itemId: string, name: string, src: SourceDecode): OpenVolume {
    const geo = this.geometryOf(name, src);
    const { volume, reorient } = geo;
    const perVolume = volume.dims[0] * volume.dims[1] * volume.dims[2];
    const all = src.timeData ?? volume.data;
    let display: VoxelArray = all;
    if (!reorient.identity) {
      display = new (all.constructor as new (n: number) => VoxelArray)(all.length);
      for (let t = 0; t < src.timepoints; t++) {
        const part = all.subarray(t * perVolume, (t + 1) * perVolume) as VoxelArray;
        reorientArray(part, reorient, 'toCanonical', display.subarray(t * perVolume, (t + 1) * perVolume) as VoxelArray);
      }
    }
    // DICOM volumes bring their range from the fill loop (volume-fill.ts); others are scanned.
    let [lo, hi] = src.range ?? [Infinity, -Infinity];
    if (!src.range) {
      for (let i = 0; i < all.length; i++) {
        const v = all[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    const dtype = all instanceof Int16Array ? 'int16' : all instanceof Float32Array ? 'float32' : 'uint8';
    const header = this.makeHeader(itemId, src, geo, { dtype, bytes: all.byteLength, range: [Number.isFinite(lo) ? lo : 0, Number.isFinite(hi) ? hi : 0] });
    return { volume, header, reorient, display, source: all };
  }

  /**
   * Streamed open of a DICOM item: the header from the parsed and sorted headers (geometry as
   * buildVolume will make it when every slice decodes; dtype Int16, the range not known yet), and
   * a build that streams each slice to the viewers as it lands (medicalStream.ts). Null when the
   * item cannot be streamed: the caller decodes it whole (and reports its errors) as before.
   */
  private async startStream(itemId: string, key: string): Promise<LiveBuild | null> {
    const item = this.projects.getItem(itemId);
    const abs = this.projects.itemPath(itemId);
    if (item.dicom && item.dicom.kind !== 'image' && item.dicom.kind !== 'RTDOSE') return null;
    let picked: PickedStack;
    let header: VolumeHeader;
    let src: SourceDecode;
    let windowKnown: boolean;
    try {
      picked = await this.pickDicomStack(item.modality === 'dicom-series' ? abs : null, abs, item.dicom?.seriesInstanceUid);
      const stacks = picked.split?.stacks ?? [picked.best.stack];
      const first = stacks[0].images[0];
      if (first.info.samplesPerPixel !== 1) return null;
      // Rescales that leave integers (PET, RT Dose) or 32-bit samples make a Float32 volume, which
      // the stream (Int16 slices read in place) cannot carry early: those open whole, as before.
      const floaty = (img: ParsedDicom) => !Number.isInteger(img.info.rescaleSlope) || !Number.isInteger(img.info.rescaleIntercept) || img.info.bitsAllocated > 16;
      if (stacks.some((st) => st.images.some(floaty))) return null;
      const pvs = stacks.map(provisionalVolume);
      if (pvs.some((p) => p.volume.dims.join() !== pvs[0].volume.dims.join())) return null;
      const pv = pvs[0];
      windowKnown = pv.windowKnown;
      const view = dicomView(pv.volume, first);
      src = {
        format: 'dicom',
        volume: pv.volume,
        errors: [...picked.grouped.errors],
        warnings: picked.split ? [timepointWarning(stacks.length, pv.volume.dims[2], picked.split.orderedBy), ...pv.warnings] : pv.warnings,
        description: picked.best.description,
        timepoints: stacks.length,
        ...view,
      };
      const geo = this.geometryOf(item.name, src);
      const [nx, ny, nz] = geo.volume.dims;
      header = this.makeHeader(itemId, src, geo, { dtype: 'int16', bytes: nx * ny * nz * 2 * stacks.length, range: [0, 0] });
    } catch {
      return null; // the whole decode reports it, by file
    }
    header.loading = true;
    if (!windowKnown) header.windowProvisional = true;
    const stream = new VolumeStream({ dims: header.dims, sourceDims: header.sourceDims, reorient: header.reorient, timepoints: header.timepoints });
    const base = this.readerFor(picked.root);
    const done = (async (): Promise<OpenVolume> => {
      // The first image: the slice the viewer opens on, decoded alone before the others.
      const kMid = middleSourceSlice({ dims: header.dims, reorient: header.reorient });
      const mid = orderedSlices(picked.split?.stacks[0] ?? picked.best.stack)[kMid];
      const image = mid && (mid.image.info.numberOfFrames === 1 ? mid.image : rawFrameImage(mid.image, mid.frame));
      if (image) {
        const one = await buildVolume({ ...(picked.split?.stacks[0] ?? picked.best.stack), images: [image] }, base).catch(() => null);
        if (one && one.volume.data instanceof Int16Array && one.volume.data.length === header.sourceDims[0] * header.sourceDims[1]) stream.early(0, kMid, one.volume.data);
      }
      let r;
      try {
        r = await this.buildDicom(picked, (t) => stream.reader(t, base), (t, k, voxels) => stream.sliceReady(t, k, voxels), () => stream.cancelled);
      } catch (e) {
        if (stream.cancelled) throw new BuildCancelled();
        throw asDatumError(e, item.name);
      }
      if (stream.cancelled) throw new BuildCancelled();
      return this.assemble(itemId, item.name, dicomSource(r));
    })();
    const live: LiveBuild = { header, stream, done };
    this.builds.set(key, live);
    done.then(
      (open) => {
        if (this.builds.get(key) === live) this.builds.delete(key);
        this.remember(key, open);
        this.streams.set(key, stream);
        const final = open.header;
        const same = sameLayout(final, header);
        if (same && !windowKnown) final.windowProvisional = false;
        if (same) stream.finish(open.source, final);
        else {
          const left = final.errors.filter((e) => !header.errors.some((h) => h.file === e.file && h.message === e.message));
          const why = left.length
            ? `${left.length} slice(s) could not be decoded and are left out: ${left.map((e) => `${e.file}: ${e.message}`).join('; ')}`
            : `the volume came out ${final.dtype} ${final.dims.join('×')}, not the ${header.dtype} ${header.dims.join('×')} announced`;
          stream.fail(why, left, true);
        }
      },
      (e) => {
        if (this.builds.get(key) === live) this.builds.delete(key);
        if (e instanceof BuildCancelled) stream.fail('cancelled: every viewer left before the volume was complete', [], true);
        else stream.fail(errMsg(e), [], false);
      },
    );
    return live;
  }

  /**
   * DICOM: a series item (a DICOMDIR folder, or a folder of numbered .dcm files of one series;
   * see indexer.ts) reads every file below it; a single .dcm item reads that file alone (a folder
   * of unrelated files, such as copies of one image in several transfer syntaxes, must not merge).
   * Of a series item's folder only the files of its Series Instance UID count (a scout or another
   * series beside it is a separate item). The largest stack wins.
   */
  private async pickDicomStack(folder: string | null, file: string, seriesUid?: string): Promise<PickedStack> {
    // Headers first, then each frame's pixel bytes straight from the file into the volume
    // (dicomFiles.ts): no file is held whole unless it must be decoded (compressed, colour...).
    const root = folder ?? path.dirname(file);
    const names = folder ? (await listFiles(folder, true)).slice(0, MAX_FOLDER_FILES).filter((f) => !SKIPPED_IN_SERIES.test(f)) : [path.basename(file)];
    const grouped = await groupDicomFolder(root, names);
    const stacks: { stack: DicomStack; description?: string }[] = grouped.studies.flatMap((st) =>
      st.series.filter((se) => !folder || !seriesUid || se.seriesInstanceUid === seriesUid).flatMap((se) => se.stacks.map((stack) => ({ stack, description: se.description }))),
    );
    if (stacks.length === 0) {
      const why = grouped.errors[0];
      throw new MedicalFormatError(why?.file ?? path.basename(file), why ? why.message : 'no DICOM images found');
    }
    const best = stacks.reduce((a, b) => (sliceCount(b.stack) > sliceCount(a.stack) ? b : a));
    // Several volumes at the same positions (dynamic / repeated acquisitions) open as 4D.
    return { root, grouped, best, split: splitTimepoints(best.stack) };
  }

  private async buildDicom(picked: PickedStack, readerFor: (t: number) => PixelReader, onSliceReady?: (t: number, k: number, voxels?: Int16Array) => void, cancelled?: () => boolean) {
    const { grouped, best, split } = picked;
    const options = (t: number) => (onSliceReady ? { onSliceReady: (k: number, voxels?: Int16Array) => onSliceReady(t, k, voxels) } : undefined);
    // 4D: each timepoint is built on its own and the voxels are concatenated, volume t at t·nx·ny·nz.
    if (split) {
      const parts = [];
      for (const [t, st] of split.stacks.entries()) {
        if (cancelled?.()) throw new BuildCancelled();
        parts.push(await buildVolume(st, readerFor(t), options(t)));
      }
      const v0 = parts[0].volume;
      const same = parts.every((p) => p.volume.dims.join() === v0.dims.join());
      if (same) {
        const per = v0.data.length;
        // One timepoint may need Float32 (its rescale) where the others fit Int16: then all become Float32.
        const mixed = parts.some((p) => p.volume.data.constructor !== v0.data.constructor);
        const Ctor = (mixed ? Float32Array : v0.data.constructor) as new (n: number) => VoxelArray;
        const timeData = new Ctor(per * parts.length);
        if (mixed) v0.data = new Float32Array(v0.data);
        parts.forEach((p, t) => timeData.set(p.volume.data as never, t * per));
        const warnings = [timepointWarning(parts.length, v0.dims[2], split.orderedBy), ...parts.flatMap((p) => p.warnings)];
        return {
          volume: v0,
          timeData,
          timepoints: parts.length,
          errors: [...grouped.errors, ...parts.flatMap((p) => p.errors)],
          warnings: [...new Set(warnings)],
          description: best.description,
          first: split.stacks[0].images[0],
          // Every timepoint's range known: their union; else the header scans the voxels.
          range: parts.every((p) => p.range) ? ([Math.min(...parts.map((p) => p.range![0])), Math.max(...parts.map((p) => p.range![1]))] as [number, number]) : undefined,
        };
      }
    }
    const r = await buildVolume(best.stack, readerFor(0), options(0));
    // The slice every geometry attribute of the volume came from.
    const first = best.stack.images[0];
    return { volume: r.volume, timeData: undefined, timepoints: 1, errors: [...grouped.errors, ...r.errors], warnings: r.warnings, description: best.description, first, range: r.range };
  }
}

/**
 * Frame f of an uncompressed multi-frame image as a single-frame image (its Pixel Data element
 * narrowed to that frame), so buildVolume can decode the middle frame of a large multi-frame file
 * first. Null where the frame would not be read in place (encapsulated, big endian, not 16-bit
 * grey): decodeFrame would parse the whole file again and take its frame 0. The stream sends the
 * build's own slice again later in any case.
 */
function rawFrameImage(image: ParsedDicom, f: number): ParsedDicom | null {
  const { info, dataSet } = image;
  const el = dataSet.elements.x7fe00010;
  const rawSyntax = info.transferSyntaxUid === '1.2.840.10008.1.2' || info.transferSyntaxUid === '1.2.840.10008.1.2.1';
  if (!el || el.hadUndefinedLength || !rawSyntax || info.bitsAllocated !== 16 || info.samplesPerPixel !== 1) return null;
  const bytes = uncompressedFrameBytes(info);
  if ((f + 1) * bytes > el.length) return null;
  const position = info.framePositions?.[f];
  const narrowed = Object.create(dataSet, { elements: { value: { ...dataSet.elements, x7fe00010: { ...el, dataOffset: el.dataOffset + f * bytes, length: bytes } } } });
  return { ...image, info: { ...info, numberOfFrames: 1, framePositions: position ? [position] : undefined, imagePosition: position ?? info.imagePosition }, dataSet: narrowed };
}

const timepointWarning = (n: number, slices: number, orderedBy: string) => `${n} volumes at the same ${slices} slice positions, ordered by ${orderedBy}: opened as 4D`;

interface PickedStack {
  root: string;
  grouped: Awaited<ReturnType<typeof groupDicomFolder>>;
  best: { stack: DicomStack; description?: string };
  split: ReturnType<typeof splitTimepoints>;
}

/** A decoded source volume and what the header says about it, before the canonical grid. */
interface SourceDecode {
  format: 'dicom' | 'nifti';
  volume: Volume;
  errors: FileError[];
  warnings: string[];
  description?: string;
  timepoints: number;
  timeData?: VoxelArray;
  range?: [number, number];
  hints: GeometryHints;
  viewMode: ViewMode;
  letters: VolumeHeader['letters'];
  units?: string;
}

interface LiveBuild {
  header: VolumeHeader;
  stream: VolumeStream;
  done: Promise<OpenVolume>;
}

/** View mode, geometry hints, edge letters and units of a DICOM volume, from its first image. */
function dicomView(volume: Volume, first: ParsedDicom): Pick<SourceDecode, 'hints' | 'viewMode' | 'letters' | 'units'> {
  const { info, dataSet } = first;
  let hints: GeometryHints = { hasOrientation: !!info.rowCosines, hasPositions: !!volume.slicePositions, pixelSpacing: info.pixelSpacing, pixelSpacingMissing: !info.pixelSpacing };
  const viewMode = classifyAcquisition({
    modality: info.modality,
    sopClassUid: info.sopClassUid,
    imageType: dataSet.string('x00080008')?.split('\\'),
    hasOrientation: !!info.rowCosines,
    slices: volume.dims[2],
  });
  let letters: VolumeHeader['letters'] = null;
  if (viewMode === 'projection') {
    letters = patientOrientationLetters(dataSet.string('x00200020'));
    hints = { ...hints, hasOrientation: true, hasPositions: true }; // a projection has no slice geometry to miss
  }
  const units = info.modality === 'RTDOSE' ? (dataSet.string('x30040002')?.trim().toUpperCase() === 'RELATIVE' ? '%' : 'Gy') : undefined;
  return { hints, viewMode, letters, ...(units ? { units } : {}) };
}

function dicomSource(r: Awaited<ReturnType<MedicalService['buildDicom']>>): SourceDecode {
  return { format: 'dicom', volume: r.volume, errors: r.errors, warnings: r.warnings, description: r.description, timepoints: r.timepoints, timeData: r.timeData, range: r.range, ...dicomView(r.volume, r.first) };
}

function asDatumError(e: unknown, name: string): DatumError {
  if (e instanceof DatumError) return e;
  if (e instanceof MedicalFormatError) return new DatumError('BAD_FILE', e.message);
  return new DatumError('BAD_FILE', `${name}: ${errMsg(e)}`);
}

/** The built volume is laid out as the header the viewer got (else the viewer reloads). */
function sameLayout(a: VolumeHeader, b: VolumeHeader): boolean {
  const close = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => Math.abs(v - y[i]) <= 1e-6 * Math.max(1, Math.abs(v)));
  return (
    a.dtype === b.dtype &&
    a.timepoints === b.timepoints &&
    a.viewMode === b.viewMode &&
    a.dims.join() === b.dims.join() &&
    a.sourceDims.join() === b.sourceDims.join() &&
    a.reorient.perm.join() === b.reorient.perm.join() &&
    a.reorient.flip.join() === b.reorient.flip.join() &&
    close(a.affine, b.affine) &&
    close(a.spacing, b.spacing)
  );
}

async function listFiles(root: string, recursive: boolean, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && recursive) out.push(...(await listFiles(root, true, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** Our own project files and other non-DICOM files sitting in a dataset folder. */
const SKIPPED_IN_SERIES = /\.(json|txt|md|nii|gz|png|jpe?g)$/i;

