/**
 * Thumbnails for the dataset browser: made with sharp (libvips on libuv's thread pool, so off the
 * JS thread of the host and far from the UI), cached under .datum/thumbs/ and keyed by item id +
 * mtime so a changed file gets a fresh one. Concurrent requests for one item share one job.
 *
 * Images are scaled down (WebP). Point clouds (and point-cloud sequences, by their first frame)
 * are parsed with the host reader and drawn from above by `rasterizeBirdsEye` (core/lidar), then
 * encoded as PNG.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ItemSummary } from '../../preload/contract';
import { rasterizeBirdsEye } from '../../core/lidar/birdsEye';
import { cloudParseOptions } from '../../core/formats/pointcloud/projectLayout';
import { atomicWrite } from './atomicWrite';
import { readCloudFile } from './pointcloud/readCloudFile';

export const THUMB_SIZE = 256;

export interface Thumbnail {
  data: Buffer;
  type: 'image/webp' | 'image/png';
}

const inflight = new Map<string, Promise<Thumbnail | null>>();

/** Kinds that get a thumbnail; the browser shows the modality icon for the others. */
export function hasThumbnail(modality: ItemSummary['modality']): boolean {
  return modality === 'image' || modality === 'pointcloud' || modality === 'pointcloud-sequence';
}

/**
 * `sourceFile` is the item's file (a sequence's folder). `settings.binLayout` is the project's
 * layout for plain `.bin` files, as every host reader of clouds uses it.
 */
export function thumbnail(projectDir: string, item: ItemSummary, sourceFile: string, settings: { binLayout?: string } = {}): Promise<Thumbnail | null> {
  const key = `${item.id}-${item.mtime}`;
  let job = inflight.get(key);
  if (!job) {
    const make = item.modality === 'image' ? makeImageThumbnail(projectDir, key, sourceFile) : hasThumbnail(item.modality) ? makeCloudThumbnail(projectDir, key, item, sourceFile, settings) : Promise.resolve(null);
    job = make.finally(() => inflight.delete(key));
    inflight.set(key, job);
  }
  return job;
}

async function cached(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch {
    return null; // not cached yet
  }
}

async function makeImageThumbnail(projectDir: string, key: string, sourceFile: string): Promise<Thumbnail | null> {
  const cacheFile = path.join(projectDir, '.datum', 'thumbs', `${key}.webp`);
  const hit = await cached(cacheFile);
  if (hit) return { data: hit, type: 'image/webp' };
  try {
    const buf = await sharp(sourceFile, { limitInputPixels: 1e9, failOn: 'none' })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer();
    await atomicWrite(cacheFile, buf);
    return { data: buf, type: 'image/webp' };
  } catch {
    return null; // unreadable image: the browser shows the modality icon instead
  }
}

/** The first frame's cloud file and the sequence's declared point format, from sequence.json. */
async function firstFrame(folder: string): Promise<{ file: string; pointFormat?: string } | null> {
  try {
    const seq = JSON.parse(await fs.readFile(path.join(folder, 'sequence.json'), 'utf8')) as { frames?: unknown[]; pointFormat?: string };
    const f = seq.frames?.[0];
    const rel = typeof f === 'string' ? f : f && typeof f === 'object' && typeof (f as { cloud?: unknown }).cloud === 'string' ? (f as { cloud: string }).cloud : null;
    if (!rel) return null;
    const file = path.resolve(folder, rel);
    if (file !== folder && !file.startsWith(folder + path.sep)) return null; // stays inside the sequence folder
    return { file, pointFormat: seq.pointFormat };
  } catch {
    return null;
  }
}

async function makeCloudThumbnail(projectDir: string, key: string, item: ItemSummary, sourceFile: string, settings: { binLayout?: string }): Promise<Thumbnail | null> {
  const cacheFile = path.join(projectDir, '.datum', 'thumbs', `${key}.png`);
  const hit = await cached(cacheFile);
  if (hit) return { data: hit, type: 'image/png' };
  try {
    const frame = item.modality === 'pointcloud-sequence' ? await firstFrame(sourceFile) : { file: sourceFile };
    if (!frame) return null;
    const cloud = await readCloudFile(frame.file, cloudParseOptions(settings, frame.pointFormat, path.basename(frame.file)));
    const img = rasterizeBirdsEye(cloud.positions, cloud.count, { size: THUMB_SIZE });
    const buf = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } })
      .png({ compressionLevel: 6 })
      .toBuffer();
    await atomicWrite(cacheFile, buf);
    return { data: buf, type: 'image/png' };
  } catch {
    return null; // unreadable cloud: the browser shows the modality icon instead
  }
}
