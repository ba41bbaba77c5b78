/**
 * Tiled pyramids for very large images (remote sensing, slides): the renderer never decodes a
 * 10,000 × 10,000 image, it asks for 512 px tiles of the level that matches its zoom.
 *
 * Level 0 is full resolution; level L is downscaled by 2^L; the last level fits in one tile.
 * Tile (L, x, y) covers image pixels [x·512·2^L, (x+1)·512·2^L) × (same for y). The pyramid is made
 * once per item + mtime with libvips' dzsave (one streaming decode, on libuv's thread pool, so off
 * the host's JS thread), cached under .datum/tiles/ inside the project, written to a temp folder
 * and renamed, so a crash never leaves half a pyramid. Concurrent requests share one job.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DatumError } from '../rpc/errors';
import sharp from 'sharp';
import type { ItemSummary } from '../../preload/contract';
import { geoTileFile, openGeoTiff, type GeoInfo } from './geotiff';
import type { RasterDisplay } from '../../core/geo/display';
import { regionGeoTransform } from '../../core/geo/regions';

export const TILE_SIZE = 512;

export interface ImageInfo {
  width: number;
  height: number;
  levels: number;
  tileSize: number;
  /** Georeferencing and bands of a GeoTIFF item (./geotiff); absent for other images. */
  geo?: GeoInfo;
  /** A region item's window in its parent image. */
  region?: ItemSummary['region'];
}

/** Number of levels so that the coarsest one fits in one tile. */
export function levelCount(width: number, height: number, tile = TILE_SIZE): number {
  const m = Math.max(width, height, 1);
  return Math.max(1, Math.ceil(Math.log2(m / tile)) + 1);
}

/**
 * Size, pyramid levels and georeferencing of an image file, or of a window of it (a region item:
 * its own size, and the geotransform moved to its top-left pixel).
 */
export async function imageInfo(file: string, region?: ItemSummary['region']): Promise<ImageInfo> {
  // A GeoTIFF is read by the geotiff library (16-bit, float and multiband included), not by sharp
  const geo = await openGeoTiff(file);
  if (geo && region) {
    const g = { ...geo.info, width: region.width, height: region.height, geotransform: regionGeoTransform(geo.info.geotransform, region.x, region.y) };
    return { width: region.width, height: region.height, levels: levelCount(region.width, region.height), tileSize: TILE_SIZE, geo: g, region };
  }
  if (region) throw new DatumError('BAD_FILE', `${path.basename(file)}: regions are made of georeferenced TIFFs only`);
  if (geo) return { width: geo.info.width, height: geo.info.height, levels: levelCount(geo.info.width, geo.info.height), tileSize: TILE_SIZE, geo: geo.info };
  // A file sharp cannot read is the dataset's problem (BAD_FILE), not a Datum bug.
  const meta = await sharp(file, { limitInputPixels: 1e10, failOn: 'none' })
    .metadata()
    .catch((e: Error) => {
      if ((e as NodeJS.ErrnoException).code) throw e; // ENOENT and friends keep their own codes
      throw new DatumError('BAD_FILE', `${path.basename(file)}: not a readable image (${e.message})`);
    });
  if (!meta.width || !meta.height) throw new DatumError('BAD_FILE', `${path.basename(file)}: unknown image size`);
  // EXIF orientations 5-8 turn the image a quarter: the pyramid is made upright (like the <img> path)
  const [width, height] = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
  return { width, height, levels: levelCount(width, height), tileSize: TILE_SIZE };
}

const inflight = new Map<string, Promise<string>>();
const infos = new Map<string, ImageInfo>();

/** Folder of the finished pyramid (`p_files/<dz level>/<x>_<y>.jpeg`), made if needed. */
export function pyramid(projectDir: string, item: ItemSummary, sourceFile: string): Promise<string> {
  const key = `${item.id}-${Math.round(item.mtime)}`;
  let job = inflight.get(key);
  if (!job) {
    job = makePyramid(path.join(projectDir, '.datum', 'tiles'), key, sourceFile).finally(() => inflight.delete(key));
    inflight.set(key, job);
  }
  return job;
}

async function makePyramid(root: string, key: string, sourceFile: string): Promise<string> {
  const dir = path.join(root, key);
  try {
    await fs.access(path.join(dir, 'p.dzi'));
    return dir;
  } catch {
    /* not made yet */
  }
  await fs.mkdir(root, { recursive: true });
  const tmp = path.join(root, `.${key}.${process.pid}.${Date.now()}`);
  await fs.mkdir(tmp, { recursive: true });
  try {
    await sharp(sourceFile, { limitInputPixels: 1e10, failOn: 'none' })
      .rotate()
      .jpeg({ quality: 82 })
      .tile({ size: TILE_SIZE, overlap: 0, layout: 'dz', container: 'fs' })
      .toFile(path.join(tmp, 'p.dz'));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(tmp, dir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

/**
 * The cached tile file for (level, x, y), or null when out of range. Arguments are checked as
 * integers before any path is built, so a tile path can never leave the cache folder.
 */
export async function tileFile(projectDir: string, item: ItemSummary, sourceFile: string, level: number, x: number, y: number, display?: RasterDisplay): Promise<string | null> {
  if (![level, x, y].every((n) => Number.isInteger(n) && n >= 0)) return null;
  const key = `${item.id}-${item.mtime}`;
  let info = infos.get(key);
  if (!info) {
    info = await imageInfo(sourceFile, item.region);
    if (infos.size > 200) infos.clear();
    infos.set(key, info);
  }
  if (level >= info.levels) return null;
  const f = 2 ** level;
  const cols = Math.ceil(Math.ceil(info.width / f) / TILE_SIZE);
  const rows = Math.ceil(Math.ceil(info.height / f) / TILE_SIZE);
  if (x >= cols || y >= rows) return null;
  if (info.geo) {
    const geo = await openGeoTiff(sourceFile);
    if (geo) return geoTileFile(path.join(projectDir, '.datum', 'tiles', `${key}-geo`), geo, level, x, y, display, item.region);
  }
  if (item.region) return null; // regions are made of GeoTIFF items only
  const dir = await pyramid(projectDir, item, sourceFile);
  // dzsave counts levels up from 1×1 px: its top level is full resolution
  const dzTop = Math.ceil(Math.log2(Math.max(info.width, info.height)));
  return path.join(dir, 'p_files', String(dzTop - level), `${x}_${y}.jpeg`);
}
