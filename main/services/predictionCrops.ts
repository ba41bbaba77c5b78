/**
 * Pictures of one 3D prediction for the review strip, served as `/thumb/prediction/<item>/<object>/<bev|camera>`:
 * the bird's-eye crop of the points around it (core/lidar/boxCrop.ts) and, when the item has a
 * calibrated camera, the part of the camera image where it projects with its wireframe drawn. Made
 * with sharp (off the JS thread), cached under .datum/crops/ keyed by item, file version, object
 * and geometry, so an edited box gets a fresh picture; concurrent requests share one job.
 *
 * The request names only ids (checked: the item exists, the object id is plain and is a cuboid of
 * that item's document); the box comes from the document on disk and every file is reached through
 * the project's guarded paths (itemPath / sourceFile), never a path from the request.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { AnnotationObject, Cuboid3D } from '../../core/document/schema';
import { cuboidInCloud } from '../../core/lidar/box';
import { cameraCropRect, rasterizeBoxCrop, type CropRect } from '../../core/lidar/boxCrop';
import { kittiCameraModel, parseKittiCalib } from '../../core/calib/kitti';
import { parseSustechCalib } from '../../core/calib/sustech';
import type { CameraModel } from '../../core/calib/camera';
import { cloudParseOptions } from '../../core/formats/pointcloud/projectLayout';
import { DatumError } from '../rpc/errors';
import { atomicWrite } from './atomicWrite';
import type { ProjectService } from './projectService';
import { readCloudFile } from './pointcloud/readCloudFile';

export const CROP_SIZE = 96;
const OBJECT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const inflight = new Map<string, Promise<Buffer | null>>();

interface SequenceManifest {
  pointFormat?: string;
  calibration?: string;
  frames?: { cloud?: string; images?: Record<string, string> }[];
}

/** PNG of the prediction (`bev`: points from above; `camera`: the camera image), or null when there is none to make. */
export async function predictionCrop(projects: ProjectService, itemId: string, objectId: string, kind: string): Promise<Buffer | null> {
  if (kind !== 'bev' && kind !== 'camera') throw new DatumError('BAD_REQUEST', `unknown crop kind "${kind}" (bev or camera)`);
  if (!OBJECT_ID.test(objectId)) throw new DatumError('BAD_REQUEST', 'malformed object id');
  const item = projects.getItem(itemId);
  if (item.modality !== 'pointcloud' && item.modality !== 'pointcloud-sequence') throw new DatumError('BAD_REQUEST', `${item.name} is not a point cloud`);
  const doc = await projects.loadAnnotations(item.id);
  const o = doc.objects.find((x) => x.id === objectId);
  if (!o || o.geometry.kind !== 'cuboid3d') throw new DatumError('NOT_FOUND', `no cuboid ${objectId} in ${item.name}`);
  const version = createHash('sha1').update(JSON.stringify([o.frame, o.geometry])).digest('hex').slice(0, 12);
  const key = `${item.id}-${item.mtime}-${o.id}-${version}-${kind}`;
  let job = inflight.get(key);
  if (!job) {
    job = make(projects, item, o, kind, path.join(projects.requireProject().dir, '.datum', 'crops', `${key}.png`)).finally(() => inflight.delete(key));
    inflight.set(key, job);
  }
  return job;
}

async function make(projects: ProjectService, item: ReturnType<ProjectService['getItem']>, o: AnnotationObject, kind: 'bev' | 'camera', cacheFile: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(cacheFile);
  } catch {
    // not cached yet
  }
  const seq = item.modality === 'pointcloud-sequence' ? (JSON.parse(await fs.readFile(projects.itemPath(item.id, 'sequence.json'), 'utf8')) as SequenceManifest) : null;
  const box = o.geometry as Cuboid3D;
  const png = kind === 'bev' ? await bevCrop(projects, item, seq, o.frame, box) : await cameraCrop(projects, item, seq, o.frame, box);
  if (png) await atomicWrite(cacheFile, png);
  return png;
}

async function bevCrop(projects: ProjectService, item: ReturnType<ProjectService['getItem']>, seq: SequenceManifest | null, frame: number, box: Cuboid3D): Promise<Buffer | null> {
  const rel = seq ? seq.frames?.[frame]?.cloud : undefined;
  if (seq && typeof rel !== 'string') return null;
  const file = seq ? projects.itemPath(item.id, rel) : projects.itemPath(item.id);
  const settings = projects.current()?.settings ?? {};
  const cloud = await readCloudFile(file, cloudParseOptions(settings, seq?.pointFormat, path.basename(file)));
  const img = rasterizeBoxCrop(cloud.positions, cloud.count, cuboidInCloud(box, cloud.offset ?? [0, 0, 0]), { size: CROP_SIZE });
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } }).png().toBuffer();
}

/** Every calibrated camera image of the frame; the crop is cut from the one that shows the box largest. */
async function cameras(projects: ProjectService, item: ReturnType<ProjectService['getItem']>, seq: SequenceManifest | null, frame: number): Promise<{ file: string; camera: CameraModel }[]> {
  if (!seq) {
    const comp = item.companions ?? {};
    const calib = comp.calib, image = comp.image;
    if (calib && image && calib.endsWith('.txt')) {
      // KITTI: calib/N.txt + image_2/N.png
      const file = projects.sourceFile(item.source, image);
      const meta = await sharp(file).metadata();
      return [{ file, camera: kittiCameraModel(parseKittiCalib(await fs.readFile(projects.sourceFile(item.source, calib), 'utf8'), calib), 2, meta.width ?? 1242, meta.height ?? 375) }];
    }
    // A SUSTech frame: calib:<cam> = calib/camera/<cam>.json, its image camera/<cam>/N.jpg (`image` or `image:<cam>`).
    const images = Object.entries(comp).filter(([k]) => k === 'image' || k.startsWith('image:')).map(([, v]) => v);
    const out: { file: string; camera: CameraModel }[] = [];
    for (const [k, rel] of Object.entries(comp)) {
      if (!k.startsWith('calib:')) continue;
      const name = k.slice('calib:'.length);
      const img = images.find((p) => p.split('/').includes(name));
      if (!img) continue;
      const file = projects.sourceFile(item.source, img);
      const meta = await sharp(file).metadata();
      out.push({ file, camera: parseSustechCalib(await fs.readFile(projects.sourceFile(item.source, rel), 'utf8'), rel, meta.width ?? 2048, meta.height ?? 1536, name) });
    }
    return out;
  }
  if (!seq.calibration) return [];
  const c = JSON.parse(await fs.readFile(projects.itemPath(item.id, seq.calibration), 'utf8')) as { cameras?: Record<string, { width: number; height: number; intrinsic: number[] | number[][]; lidarToCamera: number[] | number[][] }> };
  const out: { file: string; camera: CameraModel }[] = [];
  for (const [name, rel] of Object.entries(seq.frames?.[frame]?.images ?? {})) {
    const cam = c.cameras?.[name];
    if (!cam || typeof rel !== 'string') continue;
    out.push({ file: projects.itemPath(item.id, rel), camera: { name, width: cam.width, height: cam.height, K: cam.intrinsic.flat(), lidarToCamera: cam.lidarToCamera.flat() } });
  }
  return out;
}

async function cameraCrop(projects: ProjectService, item: ReturnType<ProjectService['getItem']>, seq: SequenceManifest | null, frame: number, box: Cuboid3D): Promise<Buffer | null> {
  let best: { file: string; rect: CropRect } | null = null;
  for (const { file, camera } of await cameras(projects, item, seq, frame)) {
    const rect = cameraCropRect(box, camera);
    if (rect && (!best || rect.width * rect.height > best.rect.width * best.rect.height)) best = { file, rect };
  }
  if (!best) return null;
  const { rect } = best;
  const scale = Math.min((CROP_SIZE * 4) / 3 / rect.width, CROP_SIZE / rect.height);
  const w = Math.max(1, Math.round(rect.width * scale)), h = Math.max(1, Math.round(rect.height * scale));
  const lines = rect.segments.map((s) => `<line x1="${(s.a[0] * scale).toFixed(1)}" y1="${(s.a[1] * scale).toFixed(1)}" x2="${(s.b[0] * scale).toFixed(1)}" y2="${(s.b[1] * scale).toFixed(1)}"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g stroke="#ffffff" stroke-width="1" stroke-dasharray="3 2" fill="none">${lines}</g></svg>`;
  return sharp(best.file, { failOn: 'none' })
    .extract({ left: rect.left, top: rect.top, width: rect.width, height: rect.height })
    .resize(w, h)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
