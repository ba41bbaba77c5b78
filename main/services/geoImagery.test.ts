/**
 * Remote-sensing imagery on the host: per-band stretch and gamma, single-band palettes (raw tile
 * bytes checked against the palette table), region items (split -> label in a region -> GeoJSON
 * of the whole scene at the right map position), before / after candidates, and real GDAL
 * fixtures (a COG with internal overviews, a BigTIFF) when gdal-bin is installed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromFile } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { createHandlers } from '../rpc/handlers';
import { displayRanges, openGeoTiff, renderGeoTile } from './geotiff';
import { emptyDocument, type AnnotationObject } from '../../core/document/schema';
import { effectiveDisplay, stretchValue, type RasterDisplay } from '../../core/geo/display';
import { paletteLut } from '../../core/geo/palette';
import { toWgs84 } from '../../core/geo/crs';
import { pixelToMap } from '../../core/geo/geotransform';
import { SCENE, surfaceAt, writeGeoScene } from './testing/geoScene';

function hasGdal(): boolean {
  try {
    execFileSync('gdal_translate', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const GDAL = hasGdal();

/** The scene's stored value of band b at (x, y) (same formula as the writer). */
function sceneValue(x: number, y: number, b: number): number {
  const SURF: Record<string, number[]> = { vegetation: [400, 800, 500, 4500], soil: [1200, 1500, 1900, 2500], water: [700, 600, 300, 150], road: [1800, 1800, 1850, 2000] };
  const s = surfaceAt(x, y);
  if (s === 'nodata') return 0;
  return Math.max(1, SURF[s][b] + ((x * 7919 + y * 104729) % 97) - 48);
}

async function project(files: Record<string, (f: string) => void>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-geoimg-'));
  for (const [name, write] of Object.entries(files)) write(path.join(dir, name));
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const h = createHandlers(projects, {} as never, { host: 'headless', version: 'test', demoDir: dir }, null as never);
  const ctx = { signal: new AbortController().signal, progress: () => {}, emit: () => {} } as never;
  const byName = (n: string) => projects.listItems({ offset: 0, limit: 1000 }).items.find((i) => i.name === n)!;
  return { dir, projects, h, ctx, byName };
}

describe('display: per-band stretch, gamma and palettes', () => {
  it('draws each pixel as the stretch and palette say (raw tile bytes)', { timeout: 60_000 }, async () => {
    const { dir } = await project({ 'scene.tif': writeGeoScene });
    const o = (await openGeoTiff(path.join(dir, 'scene.tif')))!;
    const pts = [
      [100, 100],
      [300, 100],
      [1050, 600],
      [450, 435],
    ];
    // palette: NIR band (3) through viridis between the band's min and max
    const pal: RasterDisplay = { bands: [0, 1, 2], low: 2, high: 98, mode: 'palette', palette: 'viridis', paletteBand: 3, stretch: [{ kind: 'minmax', low: 0, high: 100, gamma: 1 }] };
    const e = effectiveDisplay(pal, 4);
    const [[lo, hi]] = await displayRanges(o, e);
    // min / max come from the overview sample: water's NIR (~150 − 48) and vegetation's (~4500 + 48)
    expect(lo).toBeLessThan(150);
    expect(hi).toBeGreaterThan(4500);
    const tile = await renderGeoTile(o, 0, 0, 0, pal);
    const lut = paletteLut('viridis');
    for (const [x, y] of pts.filter(([x, y]) => x < 512 && y < 512)) {
      const k = Math.round(stretchValue(sceneValue(x, y, 3), lo, hi, 1) * 255) * 3;
      const i = (y * tile.width + x) * 3;
      expect([...tile.data.subarray(i, i + 3)]).toEqual([lut[k], lut[k + 1], lut[k + 2]]);
    }
    // nodata stays black in a palette too
    expect([...tile.data.subarray(0, 3)]).toEqual([0, 0, 0]);
    // RGB with a typed range on R and a gamma of 2 on G
    const rgb: RasterDisplay = {
      bands: [3, 2, 1],
      low: 2,
      high: 98,
      stretch: [
        { kind: 'manual', low: 0, high: 5000, gamma: 1 },
        { kind: 'percentile', low: 0, high: 100, gamma: 2 },
        { kind: 'percentile', low: 2, high: 98, gamma: 1 },
      ],
    };
    const er = effectiveDisplay(rgb, 4);
    const ranges = await displayRanges(o, er);
    expect(ranges[0]).toEqual([0, 5000]);
    const t2 = await renderGeoTile(o, 0, 2, 1, rgb); // pixels 1024.., 512..
    for (const [x, y] of pts.filter(([x, y]) => x >= 1024 && y >= 512)) {
      const i = ((y - 512) * t2.width + (x - 1024)) * 3;
      const want = [0, 1].map((c) => Math.round(stretchValue(sceneValue(x, y, er.bands[c]), ranges[c][0], ranges[c][1], er.stretch[c].gamma) * 255));
      expect([t2.data[i], t2.data[i + 1]]).toEqual(want);
    }
  });
});

describe('regions of a large scene', () => {
  it('split -> label in a region -> GeoJSON of the whole scene places it right (1e-6°)', { timeout: 60_000 }, async () => {
    const { dir, projects, h, ctx, byName } = await project({ 'scene.tif': writeGeoScene });
    const scene = byName('scene.tif');
    const out = await h['geo.split']({ itemId: scene.id, spec: { mode: 'grid', cols: 2, rows: 2, overlap: 20 }, assignees: ['ann', 'bob', 'cy'] }, ctx);
    expect(out.regions.map((r) => r.name)).toEqual(['scene.tif#r1c1', 'scene.tif#r1c2', 'scene.tif#r2c1', 'scene.tif#r2c2']);
    const r22 = out.regions[3];
    expect(r22.region).toMatchObject({ x: 690, y: 440, width: 710, height: 460 }); // 700 − 10, 450 − 10
    // ordinary items: own document, status and assignee (round robin)
    expect((await projects.loadAnnotations(out.regions[0].id)).assignee).toBe('ann');
    expect((await projects.loadAnnotations(r22.id)).assignee).toBe('ann');
    expect((await projects.loadAnnotations(out.regions[1].id)).assignee).toBe('bob');
    expect(r22.status).toBe('new');
    await expect(h['geo.split']({ itemId: scene.id, spec: { mode: 'grid', cols: 2, rows: 2, overlap: 0 } }, ctx)).rejects.toThrow(/already split/);
    // a region opens as an image of its own size with its own geotransform, tiles from the parent's pixels
    const info = await h['image.info']({ itemId: r22.id }, ctx);
    expect([info.width, info.height]).toEqual([710, 460]);
    expect(info.geo!.geotransform).toEqual([SCENE.x0 + 690 * 10, 10, 0, SCENE.y0 - 440 * 10, 0, -10]);
    const o = (await openGeoTiff(path.join(dir, 'scene.tif')))!;
    const fc: RasterDisplay = { bands: [3, 2, 1], low: 2, high: 98 };
    const rt = await renderGeoTile(o, 0, 0, 0, fc, r22.region);
    const pt = await renderGeoTile(o, 0, 1, 0, fc); // parent pixels 512..1023 × 0..511 hold region pixel (0..), rows 440..
    const at = (t: { data: Buffer; width: number }, x: number, y: number) => [...t.data.subarray((y * t.width + x) * 3, (y * t.width + x) * 3 + 3)];
    expect(at(rt, 300 - 178, 10)).toEqual(at(pt, 690 + 300 - 178 - 512, 450)); // same parent pixel (868, 450)
    // label in the bottom-right region, in its own pixels
    const box = { id: 'b1', label: 'field', geometry: { kind: 'box2d', x1: 10, y1: 20, x2: 110.5, y2: 70.25 }, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0 } as AnnotationObject;
    await projects.saveAnnotations(r22.id, { ...(await projects.loadAnnotations(r22.id)), objects: [box] });
    const onScene = { ...box, id: 'p1', geometry: { kind: 'points', points: [5, 5] } } as AnnotationObject;
    await projects.saveAnnotations(scene.id, { ...emptyDocument(scene.id), objects: [onScene] });
    const conv = toWgs84(SCENE.epsg);
    const gt = [SCENE.x0, 10, 0, SCENE.y0, 0, -10] as const;
    const expectAt = (lonlat: number[], col: number, row: number) => {
      const [lon, lat] = conv.forward(pixelToMap([...gt], col, row));
      expect(Math.abs(lonlat[0] - lon)).toBeLessThan(1e-6);
      expect(Math.abs(lonlat[1] - lat)).toBeLessThan(1e-6);
    };
    for (const id of [scene.id, r22.id]) {
      const ex = await h['geo.exportGeoJson']({ itemId: id }, ctx);
      const f = JSON.parse(readFileSync(ex.path, 'utf8')).features as { id: string; geometry: { coordinates: number[][][] | number[] }; properties: Record<string, unknown> }[];
      const b = f.find((x) => x.id === 'b1')!;
      expect(b.properties.region).toBe(r22.id); // which region item it was drawn in
      const ring = b.geometry.coordinates as number[][][];
      // the box's corners, region pixel + offset (690, 440), in the parent's pixel grid
      const corners = ring[0].slice(0, 4);
      const want = [
        [700, 460],
        [800.5, 460],
        [800.5, 510.25],
        [700, 510.25],
      ];
      for (const [col, row] of want) expect(corners.some((c) => Math.abs(c[0] - conv.forward(pixelToMap([...gt], col, row))[0]) < 1e-6 && Math.abs(c[1] - conv.forward(pixelToMap([...gt], col, row))[1]) < 1e-6)).toBe(true);
      if (id === scene.id) expectAt(f.find((x) => x.id === 'p1')!.geometry.coordinates as number[], 5, 5);
      else expect(f.some((x) => x.id === 'p1')).toBe(false);
    }
    // regions survive re-opening (regions.json) and a re-index, keeping their status
    await projects.saveAnnotations(r22.id, { ...(await projects.loadAnnotations(r22.id)), status: 'submitted' });
    await projects.refreshIndex(() => {}, new AbortController().signal); // waits for the index write the save started
    expect(projects.getItem(r22.id).status).toBe('submitted');
    const again = new ProjectService(new PathGuard());
    await again.open(dir);
    await again.refreshIndex(() => {}, new AbortController().signal);
    const items = again.listItems({ offset: 0, limit: 100 }).items;
    expect(items.filter((i) => i.region).length).toBe(4);
    expect(items.find((i) => i.id === r22.id)!.status).toBe('submitted');
    expect(statSync(path.join(dir, 'regions.json')).size).toBeGreaterThan(0);
  });

  it('split by size in metres with overlap', { timeout: 60_000 }, async () => {
    const { h, ctx, byName } = await project({ 'scene.tif': writeGeoScene });
    const out = await h['geo.split']({ itemId: byName('scene.tif').id, spec: { mode: 'size', width: 5000, height: 5000, unit: 'm', overlap: 100 } }, ctx);
    // 10 m pixels: 500 px cells over 1400 × 900 -> 3 × 2, neighbours share 10 px
    expect(out.regions.length).toBe(6);
    expect(out.regions[1].region).toMatchObject({ x: 495, width: 510 });
  });
});

describe('before / after', () => {
  it('lists the other overlapping GeoTIFFs: co-registered or resampled, not the far ones', { timeout: 180_000 }, async () => {
    const { h, ctx, byName } = await project({
      'before.tif': writeGeoScene,
      'after.tif': writeGeoScene,
      'shifted.tif': (f) => writeGeoScene(f, { x0: SCENE.x0 + 4000 }),
      'far.tif': (f) => writeGeoScene(f, { x0: SCENE.x0 + 400000 }),
    });
    const r = await h['geo.compareCandidates']({ itemId: byName('before.tif').id }, ctx);
    const by = Object.fromEntries(r.items.map((i) => [i.name, i]));
    expect(Object.keys(by).sort()).toEqual(['after.tif', 'shifted.tif']);
    expect(by['after.tif']).toMatchObject({ coregistered: true, toPrimary: [0, 1, 0, 0, 0, 1], overlap: 1 });
    expect(by['shifted.tif'].coregistered).toBe(false);
    expect(by['shifted.tif'].toPrimary[0]).toBeCloseTo(400, 9); // 4000 m / 10 m px
    expect(by['shifted.tif'].overlap).toBeGreaterThan(0.6);
  });
});

describe.skipIf(!GDAL)('GDAL-made fixtures (gdal-bin)', () => {
  it('a real COG (internal overviews, tiled) and a BigTIFF read the same pixels as the source', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-geoimg-gdal-'));
    const src = path.join(dir, 'src.tif');
    writeGeoScene(src);
    const cog = path.join(dir, 'cog.tif');
    const big = path.join(dir, 'big.tif');
    execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'COMPRESS=DEFLATE', '-co', 'OVERVIEW_RESAMPLING=AVERAGE', src, cog]);
    execFileSync('gdal_translate', ['-q', '-co', 'BIGTIFF=YES', '-co', 'TILED=YES', '-co', 'COMPRESS=LZW', src, big]);
    // BigTIFF: version 43 in the header
    expect(readFileSync(big).readUInt16LE(2)).toBe(43);
    const s = (await openGeoTiff(src))!;
    for (const f of [cog, big]) {
      const o = (await openGeoTiff(f))!;
      expect(o).not.toBeNull();
      expect(o.info.geotransform).toEqual(s.info.geotransform);
      expect(o.info.epsg).toBe(32633);
      expect(o.info.nodata).toBe(0);
      expect(o.info.tiled).toBe(true);
      const d: RasterDisplay = { bands: [3, 2, 1], low: 2, high: 98, stretch: [0, 1, 2].map(() => ({ kind: 'manual' as const, low: 0, high: 5000, gamma: 1 })) };
      const a = await renderGeoTile(s, 0, 1, 1, d);
      const b = await renderGeoTile(o, 0, 1, 1, d);
      expect(Buffer.compare(a.data, b.data)).toBe(0); // full resolution: identical
    }
    const o = (await openGeoTiff(cog))!;
    expect(o.info.overviews).toBeGreaterThanOrEqual(2); // 1400 px: 700, 350 (GDAL stops under 256?)
    // a level-2 tile comes from the 4× overview (GDAL's average), close to the source's resampled read
    const d: RasterDisplay = { bands: [3, 2, 1], low: 2, high: 98, stretch: [0, 1, 2].map(() => ({ kind: 'manual' as const, low: 0, high: 5000, gamma: 1 })) };
    const lv = await renderGeoTile(o, 2, 0, 0, d);
    expect([lv.width, lv.height]).toEqual([350, 225]);
    const tiff = await fromFile(cog);
    expect(await tiff.getImageCount()).toBe(o.info.overviews + 1);
    // vegetation field centre (100, 100) -> overview pixel (25, 25): NIR red
    const i = (25 * lv.width + 25) * 3;
    expect(lv.data[i]).toBeGreaterThan(200);
  });
});
