/**
 * GeoTIFF / Cloud-Optimized GeoTIFF on the host, read with the `geotiff` library: it reads the
 * header, then only the byte ranges of the tiles (or strips) a window needs, from the full image or
 * the internal overview whose scale is closest to (not coarser than) the requested level. No GDAL.
 *
 * A GeoTIFF item goes through the same tile pyramid as other large images (./tiles): tile
 * (L, x, y) is read as one window, its display bands (project setting, core/geo/display) stretched
 * to 8 bits between per-band percentiles (measured once on the coarsest overview, nodata left
 * out), encoded as JPEG and cached under .datum/tiles/, so each tile is decoded from the TIFF at
 * most once per display.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { fromFile, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import type { GeoTransform } from '../../core/geo/geotransform';
import { groundResolution } from '../../core/geo/geotransform';
import { crsDefinition, UnsupportedCrsError } from '../../core/geo/crs';
import { labelsToGeoJson } from '../../core/geo/geojson';
import { paletteLut } from '../../core/geo/palette';
import { displayKey, effectiveDisplay, paletteRange, stretchValue, type BandStretch, type EffectiveDisplay, type RasterDisplay } from '../../core/geo/display';
import { DatumError } from '../rpc/errors';
import { useNativeDecoders } from './geotiffDecoders';

useNativeDecoders();

export const GEO_TILE = 512;

export interface GeoInfo {
  width: number;
  height: number;
  bands: number;
  bitsPerSample: number;
  /** TIFF SampleFormat: 1 unsigned int, 2 signed int, 3 float. */
  sampleFormat: number;
  nodata: number | null;
  /** Internal overviews (reduced-resolution images) after the full one. */
  overviews: number;
  tiled: boolean;
  geotransform: GeoTransform;
  /** From ProjectedCSTypeGeoKey or GeographicTypeGeoKey; null for user-defined CRSs. */
  epsg: number | null;
  /** Whether Datum can reproject this CRS (core/geo/crs). */
  crsSupported: boolean;
  resolution: [number, number];
}

export interface Opened {
  tiff: GeoTIFF;
  images: GeoTIFFImage[];
  info: GeoInfo;
  /** Per band: its valid values (nodata and NaN left out) on the coarsest overview, sorted. */
  samples: Map<number, Promise<Float64Array>>;
}

const opened = new Map<string, Promise<Opened | null>>();

const TIFF_EXT = /\.(tif|tiff)$/i;

/** The opened GeoTIFF (null when the file is not a TIFF with georeferencing). Cached per file+mtime. */
export async function openGeoTiff(file: string): Promise<Opened | null> {
  if (!TIFF_EXT.test(file)) return null;
  const key = `${file}:${(await fs.stat(file)).mtimeMs}`;
  let job = opened.get(key);
  if (!job) {
    job = open(file).catch(() => null); // not a TIFF geotiff can read: the sharp path decides
    if (opened.size >= 64) {
      // the oldest opened file gives back its file descriptor (geotiff keeps one per opened file)
      const [oldKey, oldJob] = opened.entries().next().value!;
      opened.delete(oldKey);
      void oldJob.then(async (o) => void (await o?.tiff.close())).catch(() => {});
    }
    opened.set(key, job);
  }
  return job;
}

async function open(file: string): Promise<Opened | null> {
  const tiff = await fromFile(file);
  const count = await tiff.getImageCount();
  const first = await tiff.getImage(0);
  const dir = first.getFileDirectory();
  const transformation = dir.getValue('ModelTransformation') as number[] | undefined;
  const tiepoint = dir.getValue('ModelTiepoint') as number[] | undefined;
  if (!transformation && !tiepoint) {
    await tiff.close(); // a plain TIFF: sharp reads it
    return null;
  }
  const images = [first];
  // Overviews are the next IFDs of smaller size with the same bands (masks are skipped).
  for (let i = 1; i < count; i++) {
    const im = await tiff.getImage(i);
    if (im.getWidth() < images[images.length - 1].getWidth() && im.getSamplesPerPixel() === first.getSamplesPerPixel()) images.push(im);
  }
  let gt: GeoTransform;
  if (transformation) {
    const t = transformation;
    gt = [t[3], t[0], t[1], t[7], t[4], t[5]];
  } else {
    const [ox, oy] = first.getOrigin();
    const [rx, ry] = first.getResolution();
    gt = [ox, rx, 0, oy, 0, ry];
  }
  // PixelIsPoint (GTRasterTypeGeoKey 2): the tiepoint names the centre of the first pixel, not its
  // corner (as GDAL reads it). A missing key means PixelIsArea, the spec's default.
  const keys = first.getGeoKeys() ?? {};
  if (keys.GTRasterTypeGeoKey === 2) {
    gt = [gt[0] - 0.5 * (gt[1] + gt[2]), gt[1], gt[2], gt[3] - 0.5 * (gt[4] + gt[5]), gt[4], gt[5]];
  }
  const code = (keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey) as number | undefined;
  const epsg = code && code !== 32767 ? code : null;
  const info: GeoInfo = {
    width: first.getWidth(),
    height: first.getHeight(),
    bands: first.getSamplesPerPixel(),
    bitsPerSample: first.getBitsPerSample(0),
    sampleFormat: first.getSampleFormat(0),
    nodata: first.getGDALNoData(),
    overviews: images.length - 1,
    tiled: first.isTiled,
    geotransform: gt,
    epsg,
    crsSupported: epsg != null && crsDefinition(epsg) != null,
    resolution: groundResolution(gt),
  };
  return { tiff, images, info, samples: new Map() };
}

/**
 * A band's valid values, sorted, measured once on the coarsest overview (at most ~512 px on a side:
 * for a TIFF without overviews this is one resampled read of the image). Percentiles and min/max
 * stretches come from it.
 */
function bandSample(o: Opened, band: number): Promise<Float64Array> {
  let job = o.samples.get(band);
  if (!job) {
    job = (async () => {
      const im = o.images[o.images.length - 1];
      const s = Math.max(1, Math.max(im.getWidth(), im.getHeight()) / 512);
      const w = Math.max(1, Math.round(im.getWidth() / s));
      const h = Math.max(1, Math.round(im.getHeight() / s));
      const [r] = (await im.readRasters({ samples: [band], width: w, height: h, interleave: false })) as unknown as ArrayLike<number>[];
      const nodata = o.info.nodata;
      const v = new Float64Array(r.length);
      let n = 0;
      for (let i = 0; i < r.length; i++) {
        const x = r[i];
        if (Number.isFinite(x) && x !== nodata) v[n++] = x;
      }
      return v.subarray(0, n).sort();
    })();
    o.samples.set(band, job);
  }
  return job;
}

function rangeOf(sorted: Float64Array, s: BandStretch): [number, number] {
  if (s.kind === 'manual') return [s.low, s.high];
  if (!sorted.length) return [0, 1];
  const [a, b] = s.kind === 'minmax' ? [sorted[0], sorted[sorted.length - 1]] : [sorted[Math.floor((s.low / 100) * (sorted.length - 1))], sorted[Math.ceil((s.high / 100) * (sorted.length - 1))]];
  return b > a ? [a, b] : [a, a + 1];
}

/** The data range [value drawn 0, value drawn full] of each displayed channel (palette: one). */
export async function displayRanges(o: Opened, e: EffectiveDisplay): Promise<[number, number][]> {
  return Promise.all(
    e.stretch.map(async (s, c) => {
      const r = rangeOf(await bandSample(o, e.bands[c]), s);
      return e.mode === 'palette' ? paletteRange(e.palette, r[0], r[1]) : r;
    }),
  );
}

export function percentiles(values: ArrayLike<number>, nodata: number | null, lo = 0.02, hi = 0.98): [number, number] {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x) && x !== nodata) v.push(x);
  }
  if (!v.length) return [0, 1];
  v.sort((a, b) => a - b);
  const a = v[Math.floor(lo * (v.length - 1))];
  const b = v[Math.ceil(hi * (v.length - 1))];
  return b > a ? [a, b] : [a, a + 1];
}

export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Raw RGB bytes (w × h × 3) of pyramid tile (level, x, y): one windowed read from the best image.
 * `win` (a region item) makes the pyramid that of a window of the image: tile (0, 0, 0) starts at
 * the window's top-left pixel and tiles stop at its edges.
 */
export async function renderGeoTile(o: Opened, level: number, tx: number, ty: number, display?: RasterDisplay, win?: Window): Promise<{ data: Buffer; width: number; height: number }> {
  const f = 2 ** level;
  const { width, height } = o.info;
  const ox = win?.x ?? 0;
  const oy = win?.y ?? 0;
  const x0 = ox + tx * GEO_TILE * f;
  const y0 = oy + ty * GEO_TILE * f;
  const x1 = Math.min(win ? ox + win.width : width, x0 + GEO_TILE * f);
  const y1 = Math.min(win ? oy + win.height : height, y0 + GEO_TILE * f);
  const ow = Math.ceil((x1 - x0) / f);
  const oh = Math.ceil((y1 - y0) / f);
  // the coarsest image still at least as fine as the level: fewer bytes read, no upsampling
  let im = o.images[0];
  for (const cand of o.images) if (width / cand.getWidth() <= f * 1.001) im = cand;
  const sx = im.getWidth() / width;
  const sy = im.getHeight() / height;
  const box = [Math.floor(x0 * sx), Math.floor(y0 * sy), Math.max(Math.floor(x0 * sx) + 1, Math.ceil(x1 * sx)), Math.max(Math.floor(y0 * sy) + 1, Math.ceil(y1 * sy))];
  const d = effectiveDisplay(display, o.info.bands);
  const uniq = [...new Set(d.bands)];
  const rasters = (await im.readRasters({ window: box, samples: uniq, width: ow, height: oh, interleave: false })) as unknown as ArrayLike<number>[];
  const ranges = await displayRanges(o, d);
  const out = Buffer.alloc(ow * oh * 3);
  const nodata = o.info.nodata;
  if (d.mode === 'palette') {
    // one band through the palette's 256 entries; nodata stays black
    const r = rasters[0];
    const [lo, hi] = ranges[0];
    const g = d.stretch[0].gamma;
    const lut = paletteLut(d.palette);
    for (let i = 0; i < ow * oh; i++) {
      const v = r[i];
      if (v === nodata || !Number.isFinite(v)) continue;
      const k = Math.round(stretchValue(v, lo, hi, g) * 255) * 3;
      out[i * 3] = lut[k];
      out[i * 3 + 1] = lut[k + 1];
      out[i * 3 + 2] = lut[k + 2];
    }
    return { data: out, width: ow, height: oh };
  }
  d.bands.forEach((b, c) => {
    const r = rasters[uniq.indexOf(b)];
    const [lo, hi] = ranges[c];
    const g = d.stretch[c].gamma;
    const k = 255 / (hi - lo);
    for (let i = 0; i < ow * oh; i++) {
      const v = r[i];
      if (v === nodata || !Number.isFinite(v)) out[i * 3 + c] = 0;
      else if (g === 1) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round((v - lo) * k)));
      else out[i * 3 + c] = Math.round(stretchValue(v, lo, hi, g) * 255);
    }
  });
  return { data: out, width: ow, height: oh };
}

/** The cached JPEG of a GeoTIFF tile, made on first request (temp file + rename: never half a tile). */
export async function geoTileFile(cacheDir: string, o: Opened, level: number, x: number, y: number, display?: RasterDisplay, win?: Window): Promise<string> {
  // one cached pyramid per display (bands + stretch): switching presets back is instant
  const file = path.join(cacheDir, displayKey(effectiveDisplay(display, o.info.bands)), String(level), `${x}_${y}.jpeg`);
  try {
    await fs.access(file);
    return file;
  } catch {
    /* not made yet */
  }
  const t = await renderGeoTile(o, level, x, y, display, win);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await sharp(t.data, { raw: { width: t.width, height: t.height, channels: 3 } }).jpeg({ quality: 90 }).toFile(tmp);
  await fs.rename(tmp, file);
  return file;
}

/** GeoJSON text of an item's labels in WGS 84 lon/lat (core/geo/geojson). */
export async function exportGeoJson(file: string, objects: import('../../core/document/schema').AnnotationObject[]) {
  const o = await openGeoTiff(file);
  if (!o) throw new DatumError('BAD_REQUEST', `${path.basename(file)} is not a georeferenced TIFF`);
  let result;
  try {
    result = labelsToGeoJson(objects, o.info.geotransform, o.info.epsg);
  } catch (e) {
    if (e instanceof UnsupportedCrsError) throw new DatumError('BAD_REQUEST', `${path.basename(file)}: ${e.message}`);
    throw e;
  }
  return { text: JSON.stringify(result.collection, null, 1), features: result.collection.features.length, skipped: result.skipped };
}
