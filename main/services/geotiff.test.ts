import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { writeArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { serveBlob } from './blobs';
import { imageInfo } from './tiles';
import { createHandlers } from '../rpc/handlers';
import { emptyDocument, type AnnotationObject } from '../../core/document/schema';
import { crsDefinition, toWgs84 } from '../../core/geo/crs';
import { mapToPixel, pixelToMap, type GeoTransform } from '../../core/geo/geotransform';
import { pixelToLonLat } from '../../core/geo/geojson';
import { DISPLAY_PRESETS } from '../../core/geo/display';
import { surfaceAt, writeGeoScene } from './testing/geoScene';

// UTM 33N, 10 m pixels, top-left corner at (500000 E, 4650000 N): the central meridian (15° E)
const W = 1100;
const H = 700;
const X0 = 500000;
const Y0 = 4650000;
const GT: GeoTransform = [X0, 10, 0, Y0, 0, -10];

/** 4 uint16 bands, pixel-interleaved: band 0 is 1000 left of column 550, 3000 right; band 3 (NIR) a ramp; nodata 0 in the top-left 20×20. */
function writeFixture(file: string) {
  const v = new Uint16Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      const nod = x < 20 && y < 20;
      v[i] = nod ? 0 : x < 550 ? 1000 : 3000;
      v[i + 1] = nod ? 0 : 2000;
      v[i + 2] = nod ? 0 : 1500 + (y % 7);
      v[i + 3] = nod ? 0 : 100 + x * 10;
    }
  const buf = writeArrayBuffer(v, {
    width: W,
    height: H,
    BitsPerSample: [16, 16, 16, 16],
    SampleFormat: [1, 1, 1, 1],
    PhotometricInterpretation: 1,
    ModelPixelScale: [10, 10, 0],
    ModelTiepoint: [0, 0, 0, X0, Y0, 0],
    ProjectedCSTypeGeoKey: 32633,
    GTModelTypeGeoKey: 1,
    GTRasterTypeGeoKey: 1,
    GDAL_NODATA: '0',
  });
  writeFileSync(file, Buffer.from(buf));
}

async function body(b: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(b)) return b;
  const chunks: Buffer[] = [];
  for await (const c of b as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

function hasOgrinfo(): boolean {
  try {
    execFileSync('ogrinfo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('CRS and geotransform', () => {
  it('pixel ↔ map ↔ WGS 84 round trips within 1e-6 degrees, for every bundled CRS kind', () => {
    const cases: [number, GeoTransform][] = [
      [32633, GT],
      [32755, [300000, 0.5, 0.1, 6200000, 0.1, -0.5]], // south zone, rotated grid
      [3857, [1669792, 30, 0, 5621521, 0, -30]],
      [4326, [14.5, 0.0001, 0, 48.2, 0, -0.0001]],
    ];
    for (const [epsg, gt] of cases) {
      const conv = toWgs84(epsg);
      for (const [c, r] of [[0, 0], [123.25, 456.5], [1099, 699], [-10, 5000]]) {
        const m = pixelToMap(gt, c, r);
        const ll = conv.forward(m);
        const m2 = conv.inverse(ll);
        const ll2 = conv.forward(m2);
        expect(Math.abs(ll2[0] - ll[0])).toBeLessThan(1e-6);
        expect(Math.abs(ll2[1] - ll[1])).toBeLessThan(1e-6);
        const [c2, r2] = mapToPixel(gt, m2[0], m2[1]);
        // back in pixels: 1e-6 degrees is ~0.1 m, far under a pixel of any of these grids
        expect(Math.abs(c2 - c)).toBeLessThan(1e-4);
        expect(Math.abs(r2 - r)).toBeLessThan(1e-4);
      }
    }
  });

  it('agrees with closed forms: Web Mercator inverse, UTM central meridian and equator', () => {
    const R = 6378137;
    const merc = toWgs84(3857);
    const [x, y] = [1669792.36, 5621521.49];
    const [lon, lat] = merc.forward([x, y]);
    expect(lon).toBeCloseTo((x / R) * (180 / Math.PI), 9);
    expect(lat).toBeCloseTo((2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI), 9);
    // false easting 500000 is the zone's central meridian: 6·zone − 183
    expect(toWgs84(32633).forward([500000, 4650000])[0]).toBeCloseTo(15, 9);
    expect(toWgs84(32601).forward([500000, 0])).toEqual([-177, 0]);
    const s = toWgs84(32760).forward([500000, 10000000]);
    expect(s[0]).toBeCloseTo(177, 9);
    expect(s[1]).toBeCloseTo(0, 9);
    // 1° east of the central meridian on the equator: x = 500000 + k0·(TM arc) ≈ 611,297 m
    const [e] = toWgs84(32633).inverse([16, 0]);
    expect(e).toBeGreaterThan(611000);
    expect(e).toBeLessThan(611400);
  });

  it('refuses a CRS it does not bundle, by name', () => {
    expect(crsDefinition(2056)).toBeNull();
    expect(() => toWgs84(2056)).toThrow(/EPSG:2056 is not supported.*32601/);
    expect(() => toWgs84(null)).toThrow(/no EPSG code/);
    expect(() => pixelToLonLat(GT, 32661)).toThrow(/not supported/);
  });
});

describe('GeoTIFF items', () => {
  it('open through the tile pyramid with geotransform, CRS, bands and nodata; labels export as GeoJSON', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-geo-'));
    mkdirSync(path.join(dir, 'scenes'));
    writeFixture(path.join(dir, 'scenes', 'utm33.tif'));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const item = projects.listItems({ offset: 0, limit: 10 }).items.find((i) => i.name.endsWith('utm33.tif'))!;
    expect(item.modality).toBe('image');

    const info = await imageInfo(projects.itemPath(item.id));
    expect(info).toMatchObject({ width: W, height: H, levels: 3, tileSize: 512 });
    expect(info.geo).toMatchObject({ bands: 4, bitsPerSample: 16, sampleFormat: 1, nodata: 0, epsg: 32633, crsSupported: true, geotransform: GT, resolution: [10, 10] });

    const tile = async (l: number, x: number, y: number) => {
      const r = await serveBlob(projects, `/blob/tile/${item.id}/${l}/${x}/${y}`, undefined);
      expect(r.status).toBe(200);
      const buf = await body(r.body);
      return sharp(buf).raw().toBuffer({ resolveWithObject: true });
    };
    // full resolution: 16-bit values stretched to 8 bits per band (R = band 0, G = 1, B = 2)
    const t00 = await tile(0, 0, 0);
    expect(t00.info).toMatchObject({ width: 512, height: 512 });
    const px = (t: typeof t00, x: number, y: number) => [...t.data.subarray((y * t.info.width + x) * 3, (y * t.info.width + x) * 3 + 3)];
    expect(px(t00, 5, 5).every((v) => v < 20)).toBe(true); // nodata → black
    expect(px(t00, 300, 300)[0]).toBeLessThan(30); // band 0 at its low value
    const t10 = await tile(0, 1, 0);
    expect(px(t10, 100, 100)[0]).toBeGreaterThan(225); // band 0 at its high value (column 612)
    // the last column is cut at the image edge; level 2 holds the whole scene in one tile
    expect((await tile(0, 2, 1)).info).toMatchObject({ width: W - 1024, height: H - 512 });
    const top = await tile(2, 0, 0);
    expect(top.info).toMatchObject({ width: 275, height: 175 });
    expect(px(top, 50, 100)[0]).toBeLessThan(30);
    expect(px(top, 200, 100)[0]).toBeGreaterThan(225);
    expect((await serveBlob(projects, `/blob/tile/${item.id}/3/0/0`, undefined)).status).toBe(404);

    // labels in pixels → GeoJSON in lon/lat
    const objects: AnnotationObject[] = [
      { id: 'b1', label: 'building', geometry: { kind: 'box2d', x1: 100, y1: 200, x2: 150, y2: 260 } },
      { id: 'p1', label: 'field', geometry: { kind: 'polygon', points: [10, 10, 60, 10, 60, 40] } },
      { id: 'l1', label: 'road', geometry: { kind: 'polyline', points: [0, 350, 1100, 350] } },
      { id: 'w1', label: 'well', geometry: { kind: 'points', points: [550, 0] } },
      { id: 't1', label: 'cloudy', geometry: { kind: 'tag' } },
    ].map((o) => ({ frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0, ...o }) as AnnotationObject);
    await projects.saveAnnotations(item.id, { ...emptyDocument(item.id), objects });
    const h = createHandlers(projects, {} as never, { host: 'headless', version: 'test', demoDir: dir }, null as never);
    const ctx = { signal: new AbortController().signal, progress: () => {}, emit: () => {} } as never;
    const out = await h['geo.exportGeoJson']({ itemId: item.id }, ctx);
    expect(out).toMatchObject({ features: 4, skipped: 1 });
    expect(path.dirname(out.path)).toBe(path.join(dir, 'exports'));
    const fc = JSON.parse(readFileSync(out.path, 'utf8'));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.crs).toBeUndefined(); // RFC 7946: no crs member, WGS 84 implied
    const conv = toWgs84(32633);
    const byId = Object.fromEntries(fc.features.map((f: { id: string }) => [f.id, f]));
    // every exported vertex maps back onto the pixel it came from
    const back = ([lon, lat]: number[]) => {
      const [mx, my] = conv.inverse([lon, lat]);
      return mapToPixel(GT, mx, my);
    };
    const box = byId.b1.geometry;
    expect(box.type).toBe('Polygon');
    expect(box.coordinates[0]).toHaveLength(5);
    expect(box.coordinates[0][0]).toEqual(box.coordinates[0][4]); // closed
    const corners = box.coordinates[0].slice(0, 4).map(back);
    for (const [c, r] of [[100, 200], [150, 200], [150, 260], [100, 260]]) {
      expect(corners.some(([c2, r2]: number[]) => Math.abs(c2 - c) < 1e-4 && Math.abs(r2 - r) < 1e-4)).toBe(true);
    }
    // exterior ring counter-clockwise (positive shoelace area in lon/lat)
    const ring = box.coordinates[0] as number[][];
    let a = 0;
    for (let i = 0; i < 4; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    expect(a).toBeGreaterThan(0);
    expect(byId.l1.geometry.type).toBe('LineString');
    expect(byId.w1.geometry).toMatchObject({ type: 'Point' });
    // column 550 = 5500 m east of the central meridian, row 0 = 4650000 N: about 15.066° E, 42.0° N
    const [lon, lat] = byId.w1.geometry.coordinates;
    expect(lon).toBeGreaterThan(15.06);
    expect(lon).toBeLessThan(15.07);
    expect(lat).toBeGreaterThan(41.9);
    expect(lat).toBeLessThan(42.1);
    expect(byId.p1.properties).toMatchObject({ label: 'field', source: 'human' });

    if (hasOgrinfo()) {
      const report = execFileSync('ogrinfo', ['-ro', '-al', '-so', out.path], { encoding: 'utf8' });
      expect(report).toMatch(/Feature Count: 4/);
      expect(report).toMatch(/WGS 84/);
    } else {
      console.info('ogrinfo (gdal-bin) is not installed: the GeoJSON was checked by re-reading it only');
    }
  });

  it('float32 single band (NaN nodata, shown grey) and 8-bit RGB open with their sample types', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-geo-types-'));
    // a DEM-like float32 ramp, EPSG:4326 with 0.001° pixels, NaN in the first row
    const f = new Float32Array(600 * 80);
    for (let y = 0; y < 80; y++) for (let x = 0; x < 600; x++) f[y * 600 + x] = y === 0 ? NaN : -50.5 + x * 2.25;
    writeFileSync(
      path.join(dir, 'dem.tif'),
      Buffer.from(writeArrayBuffer(f, { width: 600, height: 80, ModelPixelScale: [0.001, 0.001, 0], ModelTiepoint: [0, 0, 0, 14.5, 48.2, 0], GeographicTypeGeoKey: 4326, GTModelTypeGeoKey: 2, GDAL_NODATA: 'nan' })),
    );
    const rgb = new Uint8Array(40 * 30 * 3);
    for (let i = 0; i < 40 * 30; i++) rgb.set([200, 100, 30], i * 3);
    writeFileSync(
      path.join(dir, 'rgb.tif'),
      Buffer.from(writeArrayBuffer(rgb, { width: 40, height: 30, PhotometricInterpretation: 2, ModelPixelScale: [30, 30, 0], ModelTiepoint: [0, 0, 0, 1669792, 5621521, 0], ProjectedCSTypeGeoKey: 3857, GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 2 })),
    );
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const items = projects.listItems({ offset: 0, limit: 10 }).items;
    const dem = items.find((i) => i.name.endsWith('dem.tif'))!;
    const demInfo = await imageInfo(projects.itemPath(dem.id));
    expect(demInfo.geo).toMatchObject({ bands: 1, bitsPerSample: 32, sampleFormat: 3, epsg: 4326, crsSupported: true, geotransform: [14.5, 0.001, 0, 48.2, 0, -0.001] });
    expect(Number.isNaN(demInfo.geo!.nodata)).toBe(true);
    const r = await serveBlob(projects, `/blob/tile/${dem.id}/0/0/0`, undefined);
    const t = await sharp(await body(r.body)).raw().toBuffer({ resolveWithObject: true });
    expect(t.info).toMatchObject({ width: 512, height: 80 });
    const at = (x: number, y: number) => [...t.data.subarray((y * 512 + x) * 3, (y * 512 + x) * 3 + 3)];
    expect(at(100, 0).every((v) => v < 15)).toBe(true); // NaN row → black
    const [lo, mid, hi] = [at(5, 40), at(250, 40), at(500, 40)];
    expect(Math.abs(mid[0] - mid[2])).toBeLessThan(6); // one band: grey
    expect(lo[0]).toBeLessThan(mid[0]);
    expect(mid[0]).toBeLessThan(hi[0]);
    const rgbItem = items.find((i) => i.name.endsWith('rgb.tif'))!;
    expect((await imageInfo(projects.itemPath(rgbItem.id))).geo).toMatchObject({ bands: 3, bitsPerSample: 8, sampleFormat: 1, epsg: 3857, nodata: null });
    // PixelIsPoint: the tiepoint is the first pixel's centre, so the grid's corner is half a pixel out
    expect((await imageInfo(projects.itemPath(rgbItem.id))).geo!.geotransform).toEqual([1669792 - 15, 30, 0, 5621521 + 15, 0, -30]);
  });

  it('draws the project\'s band choice and percentile stretch: false-colour infrared turns vegetation red', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-geo-bands-'));
    writeGeoScene(path.join(dir, 'scene.tif'));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const item = projects.listItems({ offset: 0, limit: 10 }).items.find((i) => i.name.endsWith('scene.tif'))!;
    const pixel = async (x: number, y: number) => {
      const r = await serveBlob(projects, `/blob/tile/${item.id}/0/${Math.floor(x / 512)}/${Math.floor(y / 512)}`, undefined);
      const t = await sharp(await body(r.body)).raw().toBuffer({ resolveWithObject: true });
      const i = ((y % 512) * t.info.width + (x % 512)) * 3;
      return [...t.data.subarray(i, i + 3)];
    };
    expect(surfaceAt(100, 100)).toBe('vegetation');
    expect(surfaceAt(300, 100)).toBe('soil');
    expect(surfaceAt(1050, 600)).toBe('water');
    await projects.updateSettings({ rasterDisplay: { ...DISPLAY_PRESETS.falseColourInfrared, bands: [3, 2, 1] } });
    const veg = await pixel(100, 100);
    expect(veg[0]).toBeGreaterThan(200); // NIR high → red
    expect(veg[1]).toBeLessThan(70); // red band low
    const water = await pixel(1050, 600);
    expect(water[0]).toBeLessThan(40); // water absorbs NIR
    await projects.updateSettings({ rasterDisplay: { bands: [2, 1, 0], low: 2, high: 98 } });
    const vegTrue = await pixel(100, 100);
    expect(vegTrue[0]).toBeLessThan(veg[0] - 100); // true colour: vegetation is dark in red
    const soilTrue = await pixel(300, 100);
    expect(soilTrue[0]).toBeGreaterThan(150); // soil is bright in red
    // a wider stretch (0-100 %) maps the same value darker than 2-98 %
    await projects.updateSettings({ rasterDisplay: { bands: [2, 1, 0], low: 0, high: 100 } });
    expect((await pixel(300, 100))[0]).toBeLessThanOrEqual(soilTrue[0]);
    // saved with the project: a fresh service reading datum.json sees it
    const again = new ProjectService(new PathGuard());
    await again.open(dir);
    expect(again.current()?.settings.rasterDisplay).toEqual({ bands: [2, 1, 0], low: 0, high: 100 });
  });
});
