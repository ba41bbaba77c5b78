/**
 * Thumbnails for the dataset browser: made with sharp (libvips on libuv's thread pool, so off the
 * JS thread of the host and far from the UI), cached under .datum/thumbs/ and keyed by item id +
 * mtime so a changed file gets a fresh one. Concurrent requests for one item share one job.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ItemSummary } from '../../preload/contract';
import { atomicWrite } from './atomicWrite';

export const THUMB_SIZE = 256;
const inflight = new Map<string, Promise<Buffer | null>>();

export function thumbnail(projectDir: string, item: ItemSummary, sourceFile: string): Promise<Buffer | null> {
  const key = `${item.id}-${item.mtime}`;
  let job = inflight.get(key);
  if (!job) {
    job = makeThumbnail(projectDir, key, sourceFile).finally(() => inflight.delete(key));
    inflight.set(key, job);
  }
  return job;
}

async function makeThumbnail(projectDir: string, key: string, sourceFile: string): Promise<Buffer | null> {
  const cacheFile = path.join(projectDir, '.datum', 'thumbs', `${key}.webp`);
  try {
    return await fs.readFile(cacheFile);
  } catch {
    /* not cached yet */
  }
  try {
    const buf = await sharp(sourceFile, { limitInputPixels: 1e9, failOn: 'none' })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer();
    await atomicWrite(cacheFile, buf);
    return buf;
  } catch {
    return null; // unreadable image: the browser shows the modality icon instead
  }
}
