/**
 * Indexes dataset folders in place: one walk with async directory handles, stats in small
 * concurrent batches, progress callbacks and an abort signal. Unchanged files (same size and
 * mtime as in the cached index) keep their previous record, so re-opening is cheap.
 *
 * Folder conventions:
 *  - a folder holding `sequence.json` is ONE item (an image or point-cloud sequence);
 *  - DICOM (`.dcm` and files without an extension that carry the DICM preamble) is grouped by
 *    StudyInstanceUID / SeriesInstanceUID read from the headers, DICOMDIRs read for the files
 *    they list (dicomIndex.ts): a series of several instances is ONE dicom-series item rooted at
 *    its files' common folder, single instances and non-image objects are dicom items;
 *  - KITTI layout: `velodyne/N.bin` gets companions `image_2/N.png` (`image`), `image_3/N.png`
 *    (`image:image_3`), `calib/N.txt`, `label_2/N.txt`;
 *  - SUSTech layout: `lidar/N.pcd` gets `camera/<cam>/N.jpg` (`image` for the front camera or the
 *    first one, `image:<cam>` for the others) and `calib/camera/<cam>.json` (`calib:<cam>`).
 *  - nuScenes sample files: `<log>__LIDAR_TOP__<t>.pcd.bin` gets, per camera channel, the
 *    `<log>__CAM_<X>__<t'>.jpg` of the same folder nearest in time (`image:CAM_<X>`; CAM_FRONT is
 *    `image`) and the folder's `*.pkl.json` info file (`info`, the calibration).
 *  Companion images are not items of their own: a point-cloud frame is listed once. Only these
 *  layouts (same stem, sibling folders) count; a folder of plain images stays images.
 */
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import * as crypto from 'node:crypto';
import type { ItemSummary, Modality, SourceSpec } from '../../preload/contract';
import { modalityOf } from './modality';
import { indexDicom, isDicomCandidate } from './dicomIndex';

/** Folders never indexed: our own state, VCS and dependency folders. */
const SKIP_DIRS = new Set(['.datum', 'annotations', 'node_modules', '.git', 'models']);
/**
 * Files stat'ed synchronously per turn of the event loop. A synchronous stat is a plain syscall
 * (~2 µs); a promise stat is a libuv thread-pool round trip (~25 µs each on 2 cores), which made
 * the first index of 100k files 6x `find` + stat (issue #19). 1,000 stats hold the loop ~2-5 ms.
 */
const STAT_BATCH = 1000;

export interface IndexProgress {
  (scanned: number, found: number): void;
}

export interface IndexResult {
  items: ItemSummary[];
  added: number;
  removed: number;
  changed: number;
}

/** One-shot hash where Node has it (20.12+, Electron's Node 22): the same digest, without a Hash object per file. */
const sha1Hex: (s: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (s) => (crypto as unknown as { hash(alg: string, data: string): string }).hash('sha1', s)
    : (s) => crypto.createHash('sha1').update(s).digest('hex');

export function itemId(sourceId: string, relPath: string): string {
  return sha1Hex(`${sourceId}\0${relPath}`).slice(0, 16);
}

export async function indexSources(
  sources: { spec: SourceSpec; absPath: string }[],
  previous: ItemSummary[],
  onProgress: IndexProgress,
  signal: AbortSignal,
  /** Absolute folders never indexed: export output inside the project (exportRecord.ts). */
  exclude: string[] = [],
): Promise<IndexResult> {
  const excluded = new Set(exclude.map((f) => path.resolve(f)));
  const prevById = new Map(previous.map((i) => [i.id, i]));
  const items: ItemSummary[] = [];
  let scanned = 0;
  let added = 0;
  let changed = 0;
  let lastReport = 0;

  for (const { spec, absPath } of sources) {
    const files: string[] = []; // relative paths of every file, for companion lookup
    const pending: { rel: string; modality: Modality; frames?: number; idKey?: string; dicom?: ItemSummary['dicom'] }[] = [];
    const dicomCandidates: string[] = [];
    const dicomdirs: string[] = [];
    const queue: string[] = [''];
    while (queue.length) {
      signal.throwIfAborted();
      const relDir = queue.shift()!;
      const dirAbs = path.join(absPath, relDir);
      let names: import('node:fs').Dirent[];
      try {
        names = await fs.readdir(dirAbs, { withFileTypes: true });
      } catch {
        continue; // unreadable folder: skip it rather than fail the whole index
      }
      // Sorting per folder (small arrays) gives a stable, readable order without one big sort of
      // every item at the end, which would stall the host's event loop on 100k items.
      names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const nameSet = new Set(names.map((d) => d.name));
      if (relDir !== '' && nameSet.has('sequence.json')) {
        pending.push(await sequenceItem(absPath, relDir));
        continue;
      }
      for (const d of names) {
        if (d.name.startsWith('.')) continue;
        const rel = relDir ? `${relDir}/${d.name}` : d.name;
        if (d.isDirectory()) {
          if (!(relDir === '' && SKIP_DIRS.has(d.name)) && !excluded.has(path.join(absPath, rel))) queue.push(rel);
        } else if (d.isFile()) {
          files.push(rel);
          if (d.name === 'DICOMDIR') dicomdirs.push(rel);
          else if (isDicomCandidate(d.name)) dicomCandidates.push(rel);
          else {
            const modality = modalityOf(d.name);
            if (modality) pending.push({ rel, modality });
          }
        }
      }
      scanned += names.length;
      if (scanned - lastReport >= 1000) {
        lastReport = scanned;
        onProgress(scanned, pending.length + items.length);
      }
    }

    if (dicomCandidates.length || dicomdirs.length) {
      const base = scanned;
      pending.push(...(await dicomPending(absPath, dicomCandidates, dicomdirs, (read) => onProgress(base + read, pending.length + items.length), signal)));
    }

    // Built only when a point cloud needs its companions looked up (a folder of 100k images does not).
    let fileSetCache: Set<string> | null = null;
    const fileSet = () => (fileSetCache ??= new Set(files));
    // Companions first: an image that belongs to a point-cloud frame is not an item.
    const companionsOf = new Map<string, Record<string, string>>();
    const companionImages = new Set<string>();
    let cameras: CameraImageIndex | null = null; // built on the first SUSTech-looking cloud
    let samples: NuScenesSampleIndex | null = null; // built on the first nuScenes LIDAR_TOP file
    for (const p of pending) {
      if (p.modality !== 'pointcloud') continue;
      let c = kittiCompanions(p.rel, fileSet());
      if (!c && /(^|\/)lidar\/[^/]+\.pcd$/i.test(p.rel)) c = sustechCompanions(p.rel, fileSet(), (cameras ??= cameraImageIndex(files)));
      if (!c && NUSCENES_LIDAR.test(p.rel)) c = nuscenesCompanions(p.rel, (samples ??= nuscenesSampleIndex(files)));
      if (!c) continue;
      companionsOf.set(p.rel, c);
      for (const [key, rel] of Object.entries(c)) if (key === 'image' || key.startsWith('image:')) companionImages.add(rel);
    }
    if (companionImages.size) {
      const kept = pending.filter((p) => !(p.modality === 'image' && companionImages.has(p.rel)));
      pending.length = 0;
      pending.push(...kept);
    }
    const prefix = absPath.endsWith(path.sep) ? absPath : absPath + path.sep;
    for (let i = 0; i < pending.length; i += STAT_BATCH) {
      if (i > 0) await yieldToLoop(); // RPCs and blob requests are answered between batches
      signal.throwIfAborted();
      const batch = pending.slice(i, i + STAT_BATCH);
      batch.forEach((p) => {
        // `rel` uses '/', which every platform's stat accepts; a file gone since the walk is skipped.
        let st: import('node:fs').Stats | undefined;
        try {
          st = statSync(prefix + p.rel, { throwIfNoEntry: false });
        } catch {
          st = undefined; // unreadable (EACCES, ELOOP): skipped, as before
        }
        if (!st) return;
        const id = itemId(spec.id, p.idKey ?? p.rel);
        const prev = prevById.get(id);
        const mtime = Math.floor(st.mtimeMs);
        const size = st.isDirectory() ? 0 : st.size;
        const item: ItemSummary = {
          id,
          name: p.rel,
          source: spec.id,
          modality: p.modality,
          size,
          mtime,
          status: prev?.status ?? 'new',
        };
        if (p.frames !== undefined) item.frames = p.frames;
        if (p.dicom) item.dicom = p.dicom;
        const companions = companionsOf.get(p.rel);
        if (companions) item.companions = companions;
        if (!prev) added++;
        else if (prev.mtime !== mtime || prev.size !== size) changed++;
        items.push(item);
      });
      if (i % (STAT_BATCH * 4) === 0) onProgress(scanned, items.length);
    }
  }
  const ids = new Set(items.map((i) => i.id));
  const removed = previous.filter((p) => !ids.has(p.id)).length;
  onProgress(scanned, items.length);
  return { items, added, removed, changed };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Items for the DICOM files of one source, grouped by UID. A series item's id stays the hash of
 * its folder when the folder holds one series (as before UID grouping, so saved label maps keep
 * their item); folders with several series add the Series Instance UID to the id.
 */
async function dicomPending(root: string, candidates: string[], dicomdirs: string[], onRead: (n: number) => void, signal: AbortSignal) {
  const { entries, unreadable } = await indexDicom(root, candidates, dicomdirs, onRead, signal);
  const perFolder = new Map<string, number>();
  for (const e of entries) if (e.type === 'series') perFolder.set(e.rel, (perFolder.get(e.rel) ?? 0) + 1);
  const out: { rel: string; modality: Modality; frames?: number; idKey?: string; dicom?: ItemSummary['dicom'] }[] = [];
  for (const e of entries) {
    const dicom: NonNullable<ItemSummary['dicom']> = { studyInstanceUid: e.studyInstanceUid, seriesInstanceUid: e.seriesInstanceUid, modality: e.modality, kind: e.kind, instances: e.instances };
    if (e.description) dicom.description = e.description;
    if (e.seriesNumber !== undefined) dicom.seriesNumber = e.seriesNumber;
    if (e.rows) dicom.rows = e.rows;
    if (e.columns) dicom.columns = e.columns;
    if (e.color) dicom.color = true;
    if (e.type === 'series') {
      const shared = (perFolder.get(e.rel) ?? 0) > 1;
      out.push({ rel: e.rel, modality: 'dicom-series', frames: e.frames, dicom, ...(shared ? { idKey: `${e.rel}#${e.seriesInstanceUid}` } : {}) });
    } else {
      out.push({ rel: e.rel, modality: 'dicom', ...(e.frames > 1 ? { frames: e.frames } : {}), dicom });
    }
  }
  // A .dcm file whose header could not be read is still an item: opening it names the problem.
  for (const rel of unreadable) out.push({ rel, modality: 'dicom' });
  return out;
}

async function sequenceItem(root: string, relDir: string): Promise<{ rel: string; modality: Modality; frames: number }> {
  let kind = 'images';
  let frames = 0;
  try {
    const seq = JSON.parse(await fs.readFile(path.join(root, relDir, 'sequence.json'), 'utf8'));
    if (seq && typeof seq === 'object') {
      if (seq.kind === 'pointcloud') kind = 'pointcloud';
      if (Array.isArray(seq.frames)) frames = seq.frames.length;
    }
  } catch {
    /* a broken sequence.json still yields an item; the viewer reports the problem */
  }
  return { rel: relDir, modality: kind === 'pointcloud' ? 'pointcloud-sequence' : 'image-sequence', frames };
}

/** Companions of `velodyne/N.bin` in a KITTI layout (sibling folders of `velodyne`). */
export function kittiCompanions(rel: string, files: Set<string>): Record<string, string> | undefined {
  const parts = rel.split('/');
  if (parts.length < 2 || parts[parts.length - 2] !== 'velodyne' || !/\.bin$/i.test(rel)) return undefined;
  const stem = parts[parts.length - 1].replace(/\.bin$/i, '');
  const base = parts.slice(0, -2).join('/');
  const join = (dir: string, name: string) => (base ? `${base}/${dir}/${name}` : `${dir}/${name}`);
  const out: Record<string, string> = {};
  for (const [key, candidate] of [
    ['image', join('image_2', `${stem}.png`)],
    ['image:image_3', join('image_3', `${stem}.png`)],
    ['calib', join('calib', `${stem}.txt`)],
    ['labels', join('label_2', `${stem}.txt`)],
  ] as const) {
    if (files.has(candidate)) out[key] = candidate;
  }
  return Object.keys(out).length ? out : undefined;
}

/** `<base>\0<stem>` -> camera name -> image path, for every `<base>/camera/<cam>/<stem>.jpg|png`. */
export type CameraImageIndex = Map<string, Map<string, string>>;

export function cameraImageIndex(files: Iterable<string>): CameraImageIndex {
  const out: CameraImageIndex = new Map();
  for (const f of files) {
    const m = /^(?:(.*)\/)?camera\/([^/]+)\/([^/]+)\.(?:jpe?g|png)$/i.exec(f);
    if (!m) continue;
    const key = `${m[1] ?? ''}\0${m[3]}`;
    let cams = out.get(key);
    if (!cams) out.set(key, (cams = new Map()));
    if (!cams.has(m[2])) cams.set(m[2], f);
  }
  return out;
}

/**
 * Companions of `lidar/N.pcd` in a SUSTechPOINTS layout: `camera/<cam>/N.jpg` (or .png) beside
 * `lidar/`, and `calib/camera/<cam>.json` for each camera with an image. The front camera (else the
 * first by name) is `image`, the one the LiDAR editor shows; the others are `image:<cam>`.
 */
export function sustechCompanions(rel: string, files: Set<string>, cameras: CameraImageIndex): Record<string, string> | undefined {
  const parts = rel.split('/');
  if (parts.length < 2 || parts[parts.length - 2] !== 'lidar' || !/\.pcd$/i.test(rel)) return undefined;
  const stem = parts[parts.length - 1].replace(/\.pcd$/i, '');
  const base = parts.slice(0, -2).join('/');
  const images = cameras.get(`${base}\0${stem}`);
  if (!images?.size) return undefined;
  const names = [...images.keys()].sort();
  const primary = names.includes('front') ? 'front' : names[0];
  const out: Record<string, string> = { image: images.get(primary)! };
  for (const name of names) if (name !== primary) out[`image:${name}`] = images.get(name)!;
  for (const name of names) {
    const calib = `${base ? `${base}/` : ''}calib/camera/${name}.json`;
    if (files.has(calib)) out[`calib:${name}`] = calib;
  }
  return out;
}

/** nuScenes sample file names: `<log>__<CHANNEL>__<microseconds>.<ext>`. */
const NUSCENES_LIDAR = /(?:^|\/)([^/]+)__LIDAR_TOP__(\d+)\.pcd\.bin$/i;
const NUSCENES_CAMERA = /^(?:(.*)\/)?([^/]+)__(CAM_[A-Z_]+?)__(\d+)\.jpe?g$/i;

/** `<folder>\0<log>` -> camera channel -> [timestamp, path][], and folder -> info files. */
export interface NuScenesSampleIndex {
  cameras: Map<string, Map<string, Array<[number, string]>>>;
  infos: Map<string, string[]>;
}

export function nuscenesSampleIndex(files: Iterable<string>): NuScenesSampleIndex {
  const out: NuScenesSampleIndex = { cameras: new Map(), infos: new Map() };
  for (const f of files) {
    const m = NUSCENES_CAMERA.exec(f);
    if (m) {
      const key = `${m[1] ?? ''}\0${m[2]}`;
      let chans = out.cameras.get(key);
      if (!chans) out.cameras.set(key, (chans = new Map()));
      const list = chans.get(m[3]) ?? [];
      list.push([Number(m[4]), f]);
      chans.set(m[3], list);
    } else if (/\.pkl\.json$/i.test(f)) {
      const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '';
      out.infos.set(dir, [...(out.infos.get(dir) ?? []), f].sort());
    }
  }
  return out;
}

/**
 * Companions of a nuScenes LIDAR_TOP sample: for every camera channel of the same log in the same
 * folder, the image nearest in time (a sample's cameras fire within ~50 ms of the sweep) if within
 * 0.5 s; the folder's info file (`*.pkl.json`, first by name) as `info`. Without images, none.
 */
export function nuscenesCompanions(rel: string, index: NuScenesSampleIndex): Record<string, string> | undefined {
  const m = NUSCENES_LIDAR.exec(rel);
  if (!m) return undefined;
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  const chans = index.cameras.get(`${dir}\0${m[1]}`);
  if (!chans) return undefined;
  const t = Number(m[2]);
  const out: Record<string, string> = {};
  for (const name of [...chans.keys()].sort()) {
    let best: [number, string] | null = null;
    for (const c of chans.get(name)!) if (!best || Math.abs(c[0] - t) < Math.abs(best[0] - t)) best = c;
    if (best && Math.abs(best[0] - t) <= 500_000) out[name === 'CAM_FRONT' ? 'image' : `image:${name}`] = best[1];
  }
  if (!Object.keys(out).length) return undefined;
  const info = index.infos.get(dir)?.[0];
  if (info) out.info = info;
  return out;
}
