/**
 * Geo label formats end to end on the host: a GeoTIFF written in the test (known geotransform and
 * CRS), labels saved on it, each format exported through the RPC handlers, re-read by Datum's
 * readers and by GDAL's ogrinfo where gdal-bin is installed, imported back object by object
 * (idempotently), and bad files refused with the file and line named.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { createHandlers } from '../rpc/handlers';
import { emptyDocument, type AnnotationObject, type Geometry } from '../../core/document/schema';
import { toWgs84 } from '../../core/geo/crs';
import { mapToPixel, pixelToMap, type GeoTransform } from '../../core/geo/geotransform';
import { quadOf } from '../../core/geo/formats/common';
import { sameShape } from '../../core/geo/formats/merge';
import { projector } from '../../core/geo/formats/project';
import { readShapefile } from '../../core/geo/formats/shapefile';
import { SCENE, writeGeoScene } from './testing/geoScene';

const GT: GeoTransform = [SCENE.x0, SCENE.pixel, 0, SCENE.y0, 0, -SCENE.pixel];

function hasOgrinfo(): boolean {
  try {
    execFileSync('ogrinfo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const OGR = hasOgrinfo();
if (!OGR) console.info('ogrinfo (gdal-bin) is not installed: exports are checked by Datum\'s own readers only');

const ctx = { signal: new AbortController().signal, progress: () => {}, emit: () => {} } as never;

/** Boxes, rotated boxes at angles across 0–180°, polygons, a polyline, points and a tag. */
function labels(): AnnotationObject[] {
  const objs: Omit<AnnotationObject, 'frame' | 'attributes' | 'source' | 'zOrder'>[] = [
    { id: 'b1', label: 'building', geometry: { kind: 'box2d', x1: 100, y1: 200, x2: 150.5, y2: 260.25 } },
    { id: 'p1', label: 'field', geometry: { kind: 'polygon', points: [300, 300, 420, 310, 440, 420, 350, 460, 290, 380] } },
    { id: 'l1', label: 'road', geometry: { kind: 'polyline', points: [0, 300, 700, 510, 1399, 720] } },
    { id: 'w1', label: 'well', geometry: { kind: 'points', points: [550, 10, 560.5, 20.25] } },
    { id: 't1', label: 'cloudy', geometry: { kind: 'tag' } },
  ];
  for (let k = 0; k <= 12; k++) {
    const deg = k * 15; // 0, 15, …, 180
    objs.push({ id: `r${deg}`, label: k % 2 ? 'ship' : 'small-vehicle', geometry: { kind: 'rotatedBox', cx: 200 + k * 80, cy: 600 + (k % 3) * 40, w: 40 + k, h: 18.5, angle: (deg * Math.PI) / 180 } });
  }
  return objs.map((o) => ({ frame: 0, attributes: o.id === 'b1' ? { floors: 3, roof: 'flat', difficult: true } : {}, source: { kind: 'human' }, zOrder: 0, ...o }) as AnnotationObject);
}

async function project() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-geofmt-'));
  mkdirSync(path.join(dir, 'scenes'));
  writeGeoScene(path.join(dir, 'scenes', 'scene.tif'));
  // a small Web Mercator image too: the Shapefile .prj of a second CRS
  const rgb = new Uint8Array(40 * 30 * 3).fill(90);
  writeFileSync(
    path.join(dir, 'scenes', 'merc.tif'),
    Buffer.from(writeArrayBuffer(rgb, { width: 40, height: 30, PhotometricInterpretation: 2, ModelPixelScale: [30, 30, 0], ModelTiepoint: [0, 0, 0, 1669792, 5621521, 0], ProjectedCSTypeGeoKey: 3857, GTModelTypeGeoKey: 1 })),
  );
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const items = projects.listItems({ offset: 0, limit: 10 }).items;
  const item = items.find((i) => i.name.endsWith('scene.tif'))!;
  const merc = items.find((i) => i.name.endsWith('merc.tif'))!;
  const onto = projects.requireProject().file.ontology;
  await projects.updateOntology({
    labels: [
      ...onto.labels,
      { id: 'small-vehicle', name: 'small vehicle', color: '#112233', kinds: [], attributes: [] },
      { id: 'ship', name: '船', color: '#445566', kinds: [], attributes: [] },
    ],
  });
  await projects.saveAnnotations(item.id, { ...emptyDocument(item.id), objects: labels() });
  const h = createHandlers(projects, {} as never, { host: 'headless', version: 'test', demoDir: dir }, null as never);
  return { dir, projects, item, merc, h };
}

/** Objects of a document by id, with names for labels. */
const corners = (g: Geometry) => quadOf(g)!;

/** Every original object has an imported twin with the same label and shape within tol px. */
function expectSameObjects(original: AnnotationObject[], imported: AnnotationObject[], tol: number) {
  for (const o of original) {
    const twin = imported.find((i) => i.label === o.label && sameShape(i.geometry, o.geometry, tol));
    expect(twin, `${o.id} (${o.geometry.kind}) came back`).toBeDefined();
  }
}

describe('geo label formats: export, re-read, import', () => {
  it('Shapefile in the image CRS: layers with .prj, read back by Datum and by ogrinfo, vertices within 1e-3 px', { timeout: 60_000 }, async () => {
    const { dir, projects, item, h } = await project();
    const out = await h['geo.export']({ itemId: item.id, format: 'shapefile', crs: 'image' }, ctx);
    expect(out).toMatchObject({ written: 17, skipped: 1 });
    expect(path.dirname(out.path)).toBe(path.join(dir, 'exports'));
    const names = readdirSync(out.path).sort();
    for (const layer of ['polygons', 'lines', 'points'])
      for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) expect(names).toContain(`${item.id}_${layer}.${ext}`);
    const prj = readFileSync(path.join(out.path, `${item.id}_polygons.prj`), 'utf8');
    expect(prj).toMatch(/UTM zone 33N.*AUTHORITY\["EPSG","32633"\]\]$/);

    // Datum's reader: every vertex back onto its pixel
    const proj = projector(GT, 32633, 32633);
    const stem = path.join(out.path, `${item.id}_polygons`);
    const polys = readShapefile({ shp: readFileSync(`${stem}.shp`), dbf: readFileSync(`${stem}.dbf`), cpg: 'UTF-8' }, 'polygons.shp', proj);
    expect(polys).toHaveLength(15);
    const orig = labels();
    for (const o of orig.filter((x) => ['box2d', 'rotatedBox', 'polygon'].includes(x.geometry.kind))) {
      const back = polys.find((p) => p.id === o.id)!;
      expect(back.geometry.kind).toBe(o.geometry.kind);
      expect(sameShape(back.geometry, o.geometry, 1e-6)).toBe(true);
    }
    expect(polys.find((p) => p.id === 'r15')!.label).toBe('船'); // UTF-8 through the .dbf
    expect(polys.find((p) => p.id === 'b1')!.attributes).toMatchObject({ floors: 3, roof: 'flat', difficult: true });

    if (OGR) {
      const report = execFileSync('ogrinfo', ['-ro', '-al', `${stem}.shp`], { encoding: 'utf8' });
      expect(report).toMatch(/Feature Count: 15/);
      expect(report).toMatch(/Geometry: Polygon/);
      expect(report).toMatch(/ID\["EPSG",32633\]|AUTHORITY\["EPSG","32633"\]/);
      expect(report).toMatch(/label \(String\) = 船/);
      expect(report).toMatch(/kind \(String\) = rotatedBox/);
      expect(report).toMatch(/roof \(String\) = flat/);
      // the rotated box at 45°: its ring, as GDAL reads it, back in pixels
      const feat = report.split(/OGRFeature\(/).find((f) => /id \(String\) = r45\b/.test(f))!;
      const ring = /POLYGON \(\((.*?)\)\)/.exec(feat)![1].split(',').map((s) => s.trim().split(/\s+/).map(Number));
      const px = ring.slice(0, 4).map(([x, y]) => mapToPixel(GT, x, y));
      const want = corners(orig.find((o) => o.id === 'r45')!.geometry);
      for (const [c, r] of want) expect(px.some(([c2, r2]) => Math.hypot(c2 - c, r2 - r) < 1e-3)).toBe(true);
      const lines = execFileSync('ogrinfo', ['-ro', '-al', '-so', path.join(out.path, `${item.id}_points.shp`)], { encoding: 'utf8' });
      expect(lines).toMatch(/Feature Count: 2/);
    }
    void projects;
  });

  it('Shapefile in WGS 84: vertices within 1e-6° of the reprojected pixels (ogrinfo agrees); Web Mercator .prj', { timeout: 60_000 }, async () => {
    const { item, merc, projects, h } = await project();
    const out = await h['geo.export']({ itemId: item.id, format: 'shapefile', crs: 'wgs84' }, ctx);
    const stem = path.join(out.path, `${item.id}_polygons`);
    expect(readFileSync(`${stem}.prj`, 'utf8')).toMatch(/^GEOGCS\["WGS 84".*AUTHORITY\["EPSG","4326"\]\]$/);
    const conv = toWgs84(32633);
    const ll = (c: number, r: number) => conv.forward(pixelToMap(GT, c, r));
    const orig = labels().find((o) => o.id === 'r120')!;
    const want = corners(orig.geometry).map(([c, r]) => ll(c, r));
    const polys = readShapefile({ shp: readFileSync(`${stem}.shp`), dbf: readFileSync(`${stem}.dbf`) }, 'p.shp', projector(GT, 32633, 4326));
    expect(sameShape(polys.find((p) => p.id === 'r120')!.geometry, orig.geometry, 1e-6)).toBe(true);
    if (OGR) {
      const report = execFileSync('ogrinfo', ['-ro', '-al', `${stem}.shp`], { encoding: 'utf8' });
      expect(report).toMatch(/GEOGCRS\["WGS 84"|GEOGCS\["WGS 84"/);
      const feat = report.split(/OGRFeature\(/).find((f) => /id \(String\) = r120\b/.test(f))!;
      const ring = /POLYGON \(\((.*?)\)\)/.exec(feat)![1].split(',').map((s) => s.trim().split(/\s+/).map(Number));
      for (const [lon, lat] of want) expect(ring.some(([x, y]) => Math.abs(x - lon) < 1e-6 && Math.abs(y - lat) < 1e-6)).toBe(true);
    }
    // a 3857 image: its .prj names EPSG:3857
    await projects.saveAnnotations(merc.id, { ...emptyDocument(merc.id), objects: labels().slice(0, 1).map((o) => ({ ...o, geometry: { kind: 'box2d', x1: 2, y1: 3, x2: 20, y2: 25 } })) });
    const m = await h['geo.export']({ itemId: merc.id, format: 'shapefile', crs: 'image' }, ctx);
    const mprj = path.join(m.path, `${merc.id}_polygons.prj`);
    expect(readFileSync(mprj, 'utf8')).toMatch(/Pseudo-Mercator.*AUTHORITY\["EPSG","3857"\]\]$/);
    if (OGR) expect(execFileSync('ogrinfo', ['-ro', '-al', '-so', mprj.replace(/prj$/, 'shp')], { encoding: 'utf8' })).toMatch(/Pseudo-Mercator/);
  });

  it('each format imports back onto a fresh copy of the image object by object, and a second import adds nothing', { timeout: 120_000 }, async () => {
    const { projects, item, h } = await project();
    const orig = labels();
    const cases: { format: 'geojson' | 'shapefile' | 'dota' | 'yolo-obb' | 'coco-obb'; ids: string[]; tol: number }[] = [
      { format: 'geojson', ids: orig.filter((o) => o.geometry.kind !== 'tag').map((o) => o.id), tol: 1e-6 },
      { format: 'shapefile', ids: orig.filter((o) => o.geometry.kind !== 'tag').map((o) => o.id), tol: 1e-6 },
      { format: 'dota', ids: orig.filter((o) => ['box2d', 'rotatedBox'].includes(o.geometry.kind)).map((o) => o.id), tol: 1e-9 },
      { format: 'yolo-obb', ids: orig.filter((o) => ['box2d', 'rotatedBox'].includes(o.geometry.kind)).map((o) => o.id), tol: 1e-9 },
      { format: 'coco-obb', ids: orig.filter((o) => ['box2d', 'rotatedBox'].includes(o.geometry.kind)).map((o) => o.id), tol: 1e-9 },
    ];
    for (const c of cases) {
      await projects.saveAnnotations(item.id, { ...(await projects.loadAnnotations(item.id)), objects: orig });
      const out = await h['geo.export']({ itemId: item.id, format: c.format, crs: 'image' }, ctx);
      expect(out.written, c.format).toBe(c.ids.length);
      // the same export onto an empty item: everything comes back
      await projects.saveAnnotations(item.id, { ...(await projects.loadAnnotations(item.id)), objects: [] });
      const r1 = await h['geo.import']({ itemId: item.id, path: out.path }, ctx);
      expect(r1, c.format).toMatchObject({ format: c.format, objects: c.ids.length, added: c.ids.length, updated: 0 });
      const got = (await projects.loadAnnotations(item.id)).objects;
      expect(got).toHaveLength(c.ids.length);
      expectSameObjects(
        orig.filter((o) => c.ids.includes(o.id)),
        got,
        c.tol,
      );
      // rotated boxes keep their kind and angle (mod 360°) in every format
      for (const o of orig.filter((x) => x.geometry.kind === 'rotatedBox')) {
        const g = o.geometry as Extract<Geometry, { kind: 'rotatedBox' }>;
        const twin = got.find((x) => x.geometry.kind === 'rotatedBox' && Math.hypot(x.geometry.cx - g.cx, x.geometry.cy - g.cy) < 1e-6)!;
        expect(twin, `${c.format} ${o.id}`).toBeDefined();
        const t = twin.geometry as typeof g;
        expect(Math.abs(t.w - g.w) + Math.abs(t.h - g.h)).toBeLessThan(c.tol * 4);
        const d = (((t.angle - g.angle) % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI) - Math.PI;
        expect(Math.abs(d), `${c.format} ${o.id} angle`).toBeLessThan(1e-9);
      }
      if (c.format === 'dota' || c.format === 'coco-obb') expect(got.find((x) => x.geometry.kind === 'box2d' || (x.geometry.kind === 'rotatedBox' && x.geometry.cx === 125.25))?.attributes).toMatchObject({ difficult: true });
      const r2 = await h['geo.import']({ itemId: item.id, path: out.path }, ctx);
      expect(r2, `${c.format} twice`).toMatchObject({ added: 0, updated: 0, unchanged: c.ids.length });
      expect((await projects.loadAnnotations(item.id)).objects).toHaveLength(c.ids.length);
      // and onto the original labels: matched by id or by shape, nothing duplicated
      await projects.saveAnnotations(item.id, { ...(await projects.loadAnnotations(item.id)), objects: orig });
      const r3 = await h['geo.import']({ itemId: item.id, path: out.path }, ctx);
      expect(r3, `${c.format} onto the originals`).toMatchObject({ added: 0, updated: 0 });
      expect((await projects.loadAnnotations(item.id)).objects).toHaveLength(orig.length);
    }
  });

  it('an edited GeoJSON feature updates its object; unknown labels join the ontology', { timeout: 60_000 }, async () => {
    const { projects, item, h, dir } = await project();
    const out = await h['geo.export']({ itemId: item.id, format: 'geojson', crs: 'image' }, ctx);
    const fc = JSON.parse(readFileSync(out.path, 'utf8'));
    const f = fc.features.find((x: { id: string }) => x.id === 'p1');
    f.properties.label = 'orchard';
    f.geometry.coordinates[0][1][0] += 0.0001; // ~8 m east
    writeFileSync(path.join(dir, 'edited.geojson'), JSON.stringify({ ...fc, features: [f] }));
    const r = await h['geo.import']({ itemId: item.id, path: 'edited.geojson' }, ctx);
    expect(r).toMatchObject({ added: 0, updated: 1, labelsAdded: ['orchard'] });
    const o = (await projects.loadAnnotations(item.id)).objects.find((x) => x.id === 'p1')!;
    expect(o.label).toBe(projects.requireProject().file.ontology.labels.find((l) => l.name === 'orchard')!.id);
    expect(sameShape(o.geometry, labels()[1].geometry, 1e-3)).toBe(false);
  });

  it.skipIf(!OGR)('reads what GDAL writes: ogr2ogr Shapefile (ESRI .prj) and GeoJSON with a crs member, in UTM 33N', { timeout: 60_000 }, async () => {
    const { projects, item, h, dir } = await project();
    const out = await h['geo.export']({ itemId: item.id, format: 'geojson', crs: 'image' }, ctx);
    mkdirSync(path.join(dir, 'gdal'));
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-t_srs', 'EPSG:32633', '-lco', 'ENCODING=UTF-8', path.join(dir, 'gdal', 'polys.shp'), out.path, '-where', "OGR_GEOMETRY='POLYGON'"]);
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:32633', path.join(dir, 'gdal', 'utm.json'), out.path]);
    const prj = readFileSync(path.join(dir, 'gdal', 'polys.prj'), 'utf8');
    expect(prj).toMatch(/^PROJCS\["WGS_1984_UTM_Zone_33N"/); // GDAL writes the ESRI flavour
    expect(readFileSync(path.join(dir, 'gdal', 'utm.json'), 'utf8')).toMatch(/EPSG::32633/);
    const orig = labels().filter((o) => o.geometry.kind !== 'tag');
    const polys = orig.filter((o) => ['box2d', 'rotatedBox', 'polygon'].includes(o.geometry.kind));
    for (const [rel, want] of [['gdal/polys.shp', polys], ['gdal/utm.json', orig]] as const) {
      await projects.saveAnnotations(item.id, { ...(await projects.loadAnnotations(item.id)), objects: [] });
      const r = await h['geo.import']({ itemId: item.id, path: rel }, ctx);
      expect(r, rel).toMatchObject({ added: want.length });
      const got = (await projects.loadAnnotations(item.id)).objects;
      // PROJ (GDAL) and proj4js agree to well under a millimetre: 1e-3 px is 1 cm here
      expectSameObjects(want, got, 1e-3);
      for (const o of want) expect(got.some((g) => g.geometry.kind === o.geometry.kind && sameShape(g.geometry, o.geometry, 1e-3)), `${rel} ${o.id} kind`).toBe(true);
    }
  });

  it('refuses a bad file naming the file and the line or feature, and writes nothing', { timeout: 60_000 }, async () => {
    const { projects, item, h, dir } = await project();
    const before = JSON.stringify((await projects.loadAnnotations(item.id)).objects);
    const bad: [string, string, RegExp][] = [
      ['bad.dota.txt', 'imagesource:x\ngsd:10\n1 2 3 4 5 6 7 8 plane 0\n1 2 3 4 5 six 7 8 plane 0\n', /bad\.dota\.txt: line 4: coordinate 6 \("six"\) is not a number/],
      ['bad.txt', '0 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n7 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n', /bad\.txt: line 2: class 7 is not in the 1 names/],
      ['bad.geojson', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', id: 'a', properties: { label: 'x' }, geometry: { type: 'Point', coordinates: [15, 42] } }, { type: 'Feature', id: 'b', properties: {}, geometry: { type: 'Point', coordinates: [15, 42] } }] }), /bad\.geojson: feature 2 \(id b\): has no `label` property/],
      ['bad.coco.json', JSON.stringify({ images: [{ id: 1, file_name: 'scene.tif', width: 1, height: 1 }], categories: [{ id: 1, name: 'a' }], annotations: [{ id: 9, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] }] }), /bad\.coco\.json: annotation 1 \(id 9\): bbox must be 5 numbers/],
    ];
    writeFileSync(path.join(dir, 'classes.txt'), 'plane\n');
    for (const [name, text, msg] of bad) {
      writeFileSync(path.join(dir, name), text);
      await expect(h['geo.import']({ itemId: item.id, path: name }, ctx)).rejects.toThrow(msg);
    }
    // a Shapefile without .prj, and one whose .dbf does not match its .shp
    const out = await h['geo.export']({ itemId: item.id, format: 'shapefile', crs: 'image' }, ctx);
    const shp = path.join(out.path, `${item.id}_lines.shp`);
    execFileSync('rm', [shp.replace(/shp$/, 'prj')]);
    await expect(h['geo.import']({ itemId: item.id, path: shp }, ctx)).rejects.toThrow(/_lines\.shp: has no \.prj beside it/);
    // the polygons layer with the lines layer's .dbf (1 row for 15 records)
    const polys = path.join(out.path, `${item.id}_polygons`);
    copyFileSync(shp.replace(/shp$/, 'dbf'), `${polys}.dbf`);
    await expect(h['geo.import']({ itemId: item.id, path: `${polys}.shp` }, ctx)).rejects.toThrow(/_polygons\.shp: \.shp has 15 records but \.dbf 1/);
    // a folder import stops at the first bad layer: nothing from the good ones is written either
    await expect(h['geo.import']({ itemId: item.id, path: out.path }, ctx)).rejects.toThrow(/has no \.prj|records but/);
    expect(JSON.stringify((await projects.loadAnnotations(item.id)).objects)).toBe(before);
    expect(existsSync(path.join(dir, 'exports'))).toBe(true);
  });
});
