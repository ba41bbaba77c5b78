/**
 * Bulk bytes by URL, identical in both hosts: `/blob/item/<id>[/<file in a sequence>]`,
 * `/blob/source/<sourceId>/<relative path>`, `/blob/dicom-frame/<id>/<n>` (a colour DICOM frame as PNG), `/blob/volume/<id>` (decoded medical voxels cached by
 * `medical.open`), `/blob/volume-stream/<id>` (those voxels as they are built, ./medicalStream), `/blob/tile/<id>/<level>/<x>/<y>` (image pyramid tiles, ./tiles), `/thumb/<id>` and
 * `/thumb/prediction/<id>/<object>/<bev|camera>` (a 3D prediction's crops, ./predictionCrops). Supports HTTP Range so `<video>`
 * can seek and big clouds can be fetched in parts. Every path goes through the PathGuard.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ProjectService } from './projectService';
import { thumbnail } from './thumbnails';
import { predictionCrop } from './predictionCrops';
import { DatumError } from '../rpc/errors';
import { medicalServiceOf, volumeFile } from './medical';
import { tileFile } from './tiles';
import { dicomFramePng } from './dicomColor';
import type { RasterDisplay } from '../../core/geo/display';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface BlobResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable | Buffer | null;
}

export async function serveBlob(projects: ProjectService, urlPath: string, range: string | undefined): Promise<BlobResponse> {
  try {
    const parts = urlPath.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'thumb' && parts[1] === 'prediction' && parts.length === 5) {
      // /thumb/prediction/<itemId>/<objectId>/<bev|camera>: a 3D prediction's crop (./predictionCrops)
      const png = await predictionCrop(projects, parts[2], parts[3], parts[4]);
      if (!png) return text(404, 'no picture of this prediction');
      return { status: 200, headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' }, body: png };
    }
    if (parts[0] === 'thumb' && parts.length === 2) {
      const item = projects.getItem(parts[1]);
      const file = projects.itemPath(item.id);
      const thumb = await thumbnail(projects.requireProject().dir, item, file, projects.current()?.settings ?? {});
      if (!thumb) return text(404, 'no thumbnail for this item');
      return { status: 200, headers: { 'content-type': thumb.type, 'cache-control': 'private, max-age=3600' }, body: thumb.data };
    }
    if (parts[0] !== 'blob') return text(404, 'not found');
    if (parts[1] === 'dicom-frame' && parts.length === 4) {
      // /blob/dicom-frame/<itemId>/<frame>: a colour DICOM frame as PNG (./dicomColor)
      const frame = /^\d{1,6}$/.test(parts[3]) ? Number(parts[3]) : -1;
      const png = await dicomFramePng(projects, parts[2], frame);
      return { status: 200, headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' }, body: png };
    }
    let file: string;
    if (parts[1] === 'tile' && parts.length === 6) {
      // /blob/tile/<itemId>/<level>/<x>/<y>: a 512 px JPEG tile of the image pyramid (./tiles)
      const item = projects.getItem(parts[2]);
      const [level, x, y] = parts.slice(3).map((s) => (/^\d{1,6}$/.test(s) ? Number(s) : -1));
      // a GeoTIFF is drawn with the project's band / stretch choice (the renderer adds ?d=<key> so a change refetches)
      const p = projects.requireProject();
      const tile = await tileFile(p.dir, item, projects.itemPath(item.id), level, x, y, projects.current()?.settings?.rasterDisplay as RasterDisplay | undefined);
      if (!tile) return text(404, 'no such tile');
      const res = await serveFile(projects.guard.check(tile), undefined);
      res.headers['content-type'] = 'image/jpeg';
      res.headers['cache-control'] = 'private, max-age=3600';
      return res;
    }
    if (parts[1] === 'item' && parts.length >= 3) {
      file = projects.itemPath(parts[2], parts.length > 3 ? parts.slice(3).join('/') : undefined);
    } else if (parts[1] === 'volume' && parts.length === 3) {
      const item = projects.getItem(parts[2]);
      file = projects.guard.check(volumeFile(projects.requireProject().dir, item.id));
      await medicalServiceOf(projects)?.rawReady(item.id); // a volume still streaming is written first
    } else if (parts[1] === 'volume-stream' && parts.length === 3) {
      // /blob/volume-stream/<itemId>: the records of a volume medical.open answered `loading` for
      const item = projects.getItem(parts[2]);
      volumeFile(projects.requireProject().dir, item.id); // validates the id like /blob/volume
      const body = medicalServiceOf(projects)?.streamBody(item.id);
      if (!body) return text(404, 'no volume is being streamed for this item: call medical.open first');
      return { status: 200, headers: { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }, body };
    } else if (parts[1] === 'source' && parts.length >= 4) {
      file = projects.sourceFile(parts[2], parts.slice(3).join('/'));
    } else {
      return text(404, 'not found');
    }
    return await serveFile(file, range);
  } catch (err) {
    if (err instanceof DatumError) {
      const status = err.code === 'FORBIDDEN' ? 403 : err.code === 'NO_PROJECT' ? 409 : err.code === 'NOT_FOUND' ? 404 : 400;
      return text(status, err.message);
    }
    // decodeURIComponent on `%E0%A4%A`: the URL is malformed, the client's mistake.
    if (err instanceof URIError) return text(400, 'malformed percent-encoding in the path');
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return text(404, 'file not found');
    return text(500, (err as Error).message);
  }
}

export async function serveFile(file: string, range: string | undefined): Promise<BlobResponse> {
  const st = await fs.stat(file);
  if (!st.isFile()) return text(404, `${path.basename(file)} is not a file`);
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const base = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (!m || (m[1] === '' && m[2] === '')) return { status: 416, headers: { 'content-range': `bytes */${st.size}` }, body: null };
    let start: number;
    let end: number;
    if (m[1] === '') {
      start = Math.max(0, st.size - Number(m[2]));
      end = st.size - 1;
    } else {
      start = Number(m[1]);
      end = m[2] === '' ? st.size - 1 : Math.min(Number(m[2]), st.size - 1);
    }
    if (start > end || start >= st.size) return { status: 416, headers: { 'content-range': `bytes */${st.size}` }, body: null };
    return {
      status: 206,
      headers: { ...base, 'content-range': `bytes ${start}-${end}/${st.size}`, 'content-length': String(end - start + 1) },
      body: createReadStream(file, { start, end }),
    };
  }
  return { status: 200, headers: { ...base, 'content-length': String(st.size) }, body: createReadStream(file) };
}

function text(status: number, message: string): BlobResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(message) };
}
