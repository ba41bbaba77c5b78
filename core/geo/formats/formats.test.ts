/**
 * The pixel formats for oriented boxes: DOTA, YOLO-OBB and COCO-OBB round trips for rotated boxes
 * at every whole degree of 0–180° (and beyond, to check normalisation), the COCO angle convention
 * against detectron2's corner formula, the .prj WKT for every bundled CRS, and readers' errors.
 */
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../document/schema';
import { SUPPORTED_CRS, crsDefinition } from '../crs';
import { GeoFormatError, normAngle, quadOf, quadToRotatedBox, type GeoObject } from './common';
import { cocoAngleToRotated, readCocoObb, rotatedAngleToCoco, writeCocoObb } from './cocoObb';
import { readDota, writeDota } from './dota';
import { sameShape, mergeImported } from './merge';
import { epsgOfWkt, wktOf } from './wkt';
import { projector } from './project';
import { readShapefile, writeShapefile } from './shapefile';
import { readYoloNames, readYoloObb, writeYoloObb } from './yoloObb';

type RB = Extract<Geometry, { kind: 'rotatedBox' }>;
const SIZE = { width: 1000, height: 750 };

const m = (a: number, n: number) => ((a % n) + n) % n;

/** Rotated boxes at angles from..to (degrees, step 1) with sizes and centres that vary. */
function boxes(from: number, to: number): GeoObject[] {
  const out: GeoObject[] = [];
  for (let d = from; d <= to; d++)
    out.push({ id: `r${d}`, label: m(d, 3) ? 'plane' : 'small vehicle', geometry: { kind: 'rotatedBox', cx: 100 + m(d * 37, 800) + 0.125, cy: 80 + m(d * 53, 600) + 0.3, w: 20 + m(d, 17) * 3.7, h: 7 + m(d, 5) * 2.1, angle: (d * Math.PI) / 180 } });
  return out;
}

/** Largest corner distance (px), and largest angle difference mod 2π (rad), over all boxes. */
function errors(a: GeoObject[], b: GeoObject[]) {
  expect(b).toHaveLength(a.length);
  let corner = 0;
  let angle = 0;
  let size = 0;
  a.forEach((o, i) => {
    const g = o.geometry as RB;
    const h = b[i].geometry as RB;
    expect(h.kind).toBe('rotatedBox');
    const qa = quadOf(g)!;
    const qb = quadOf(h)!;
    for (let k = 0; k < 4; k++) corner = Math.max(corner, Math.hypot(qa[k][0] - qb[k][0], qa[k][1] - qb[k][1]));
    angle = Math.max(angle, Math.abs(normAngle(h.angle - g.angle)));
    size = Math.max(size, Math.abs(h.w - g.w), Math.abs(h.h - g.h));
  });
  return { corner, angle, size };
}

describe('oriented boxes: DOTA, YOLO-OBB and COCO-OBB round trips', () => {
  const sweep = boxes(0, 180); // n = 181 boxes
  const wide = boxes(-359, 359); // any stored angle comes back as the same box

  it('DOTA: 181 angles 0–180° come back as the same rotated boxes (corners within 1e-9 px, same vertex order)', () => {
    for (const set of [sweep, wide]) {
      const { text, written, skipped } = writeDota(set, { imageSource: 'GoogleEarth', gsd: 0.5 });
      expect([written, skipped]).toEqual([set.length, 0]);
      expect(text.split('\n').slice(0, 2)).toEqual(['imagesource:GoogleEarth', 'gsd:0.5']);
      const back = readDota(text, 'x.txt');
      expect(back.gsd).toBe(0.5);
      const e = errors(set, back.objects);
      expect(e.corner).toBeLessThan(1e-9);
      expect(e.angle).toBeLessThan(1e-12);
      expect(e.size).toBeLessThan(1e-9);
      // whitespace cannot live in a DOTA class: `small vehicle` → `small_vehicle`
      expect(back.objects.map((o) => o.label)).toEqual(set.map((o) => (o.label === 'plane' ? 'plane' : 'small_vehicle')));
    }
  });

  it('DOTA corners run clockwise on screen from the box\'s own top-left: an axis box at 0°', () => {
    const { text } = writeDota([{ label: 'ship', geometry: { kind: 'box2d', x1: 10, y1: 20, x2: 50, y2: 40 }, attributes: { difficult: true } }]);
    expect(text.trim()).toBe('10 20 50 20 50 40 10 40 ship 1');
    // a rectangle written counter-clockwise (some tools do) is the same box
    const ccw = readDota('10 20 10 40 50 40 50 20 ship 0\n', 'ccw.txt').objects[0].geometry as RB;
    expect(ccw).toMatchObject({ kind: 'rotatedBox', cx: 30, cy: 30, w: 40, h: 20, angle: 0 });
    // a non-rectangular quad stays a polygon
    expect(readDota('0 0 10 0 12 8 0 5 ship 0\n', 'q.txt').objects[0].geometry.kind).toBe('polygon');
  });

  it('YOLO-OBB: normalised corners, class indices from data.yaml; 181 angles within 1e-9 px', () => {
    const names = ['plane', 'small vehicle'];
    for (const set of [sweep, wide]) {
      const out = writeYoloObb(set, SIZE, names);
      expect(out.names).toEqual(names);
      const first = out.text.split('\n')[0].split(' ').map(Number);
      expect(first).toHaveLength(9);
      expect(first.slice(1).every((v) => v >= 0 && v <= 1)).toBe(true);
      const back = readYoloObb(out.text, 'l.txt', SIZE, readYoloNames(out.dataYaml, 'data.yaml'));
      const e = errors(set, back);
      expect(e.corner).toBeLessThan(1e-9);
      expect(e.angle).toBeLessThan(1e-9);
      expect(back.map((o) => o.label)).toEqual(set.map((o) => o.label));
    }
    expect(readYoloNames('names: [a, b]\n', 'data.yaml')).toEqual(['a', 'b']);
    expect(readYoloNames('a\nb\n', 'classes.txt')).toEqual(['a', 'b']);
  });

  it('COCO-OBB: bbox [cx, cy, w, h, angle°] with angle counter-clockwise (detectron2 XYWHA_ABS); 181 angles exact', () => {
    for (const set of [sweep, wide]) {
      const { json } = writeCocoObb(set, { file_name: 'scene.tif', ...SIZE }, ['plane']);
      const doc = json as { annotations: { bbox: number[]; segmentation: number[][] }[]; categories: { id: number; name: string }[] };
      expect(doc.categories.map((c) => c.name)).toEqual(['plane', 'small vehicle']);
      for (const a of doc.annotations) {
        expect(a.bbox[4]).toBeGreaterThanOrEqual(-180);
        expect(a.bbox[4]).toBeLessThan(180);
        // detectron2's vertices: x_r = sin θ (y − yc) + cos θ (x − xc) + xc, y_r = cos θ (y − yc) − sin θ (x − xc) + yc
        const [cx, cy, w, h, deg] = a.bbox;
        const t = (deg * Math.PI) / 180;
        const d2 = [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(([dx, dy]) => [Math.sin(t) * dy + Math.cos(t) * dx + cx, Math.cos(t) * dy - Math.sin(t) * dx + cy]);
        const seg = a.segmentation[0];
        for (let k = 0; k < 4; k++) expect(Math.hypot(d2[k][0] - seg[2 * k], d2[k][1] - seg[2 * k + 1])).toBeLessThan(1e-9);
      }
      const back = readCocoObb(JSON.stringify(json), 'c.json', 'scene.tif');
      const e = errors(set, back);
      expect(e.corner).toBeLessThan(1e-9);
      expect(e.angle).toBeLessThan(1e-12);
      expect(e.size).toBe(0);
      expect(back.map((o) => o.id)).toEqual(set.map((o) => o.id));
    }
    // 30° clockwise on screen in Datum is −30° (counter-clockwise positive) in COCO-OBB
    expect(rotatedAngleToCoco(Math.PI / 6)).toBeCloseTo(-30, 12);
    expect(rotatedAngleToCoco(Math.PI)).toBe(-180);
    expect(cocoAngleToRotated(90)).toBeCloseTo(-Math.PI / 2, 15);
  });

  it('readers name the file and the line on a bad row', () => {
    const dota = () => readDota('imagesource:x\n1 2 3 4 5 6 7 8 plane 0\n1 2 3 4 5 6 7 plane 0\n', 'P0001.txt');
    expect(dota).toThrow(GeoFormatError);
    expect(dota).toThrow('P0001.txt: line 3: coordinate 8 ("plane") is not a number');
    expect(() => readDota('1 2 3 4 5 6 7 8\n', 'P0002.txt')).toThrow('P0002.txt: line 1: expected "x1 y1 x2 y2 x3 y3 x4 y4 class difficult", found 8 fields');
    expect(() => readDota('1 2 3 4 5 6 7 8 plane 2\n', 'a.txt')).toThrow('a.txt: line 1: difficult must be 0 or 1, found "2"');
    expect(() => readYoloObb('0 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n0 1 2 3 4 5 6 7 8\n', 'b.txt', SIZE, ['a'])).toThrow('b.txt: line 2: coordinates are not normalised');
    expect(() => readYoloObb('x 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2\n', 'b.txt', SIZE, ['a'])).toThrow('b.txt: line 1: class "x" is not a class index');
    expect(() => readCocoObb('{"images": []', 'c.json', 'i.tif')).toThrow(/^c\.json: not valid JSON/);
    expect(() => readCocoObb(JSON.stringify({ images: [{ id: 1, file_name: 'a.tif' }, { id: 2, file_name: 'b.tif' }], annotations: [], categories: [] }), 'c.json', 'z.tif')).toThrow('c.json: images: no image named z.tif among 2');
  });
});

describe('quads, shapes and idempotent merging', () => {
  it('quadToRotatedBox inverts quadOf for any angle; non-rectangles are refused', () => {
    for (let d = -720; d <= 720; d += 7) {
      const g: RB = { kind: 'rotatedBox', cx: 5, cy: -3, w: 12.5, h: 3, angle: (d * Math.PI) / 180 };
      const back = quadToRotatedBox(quadOf(g)!) as RB;
      expect(Math.abs(normAngle(back.angle - g.angle))).toBeLessThan(1e-12);
      expect(Math.abs(back.w - g.w) + Math.abs(back.h - g.h) + Math.abs(back.cx - g.cx) + Math.abs(back.cy - g.cy)).toBeLessThan(1e-12);
    }
    expect(quadToRotatedBox([[0, 0], [10, 0], [10, 5], [1, 5]])).toBeNull();
  });

  it('sameShape: a box equals the rotated box at 0° and a rewound polygon; mergeImported adds each new shape once', () => {
    const box: Geometry = { kind: 'box2d', x1: 0, y1: 0, x2: 10, y2: 4 };
    expect(sameShape(box, { kind: 'rotatedBox', cx: 5, cy: 2, w: 10, h: 4, angle: 0 })).toBe(true);
    expect(sameShape(box, { kind: 'rotatedBox', cx: 5, cy: 2, w: 4, h: 10, angle: Math.PI / 2 })).toBe(true);
    expect(sameShape(box, { kind: 'rotatedBox', cx: 5, cy: 2.01, w: 10, h: 4, angle: 0 })).toBe(false);
    const poly: Geometry = { kind: 'polygon', points: [0, 0, 4, 0, 5, 3, 1, 4] };
    expect(sameShape(poly, { kind: 'polygon', points: [5, 3, 4, 0, 0, 0, 1, 4] })).toBe(true);
    expect(sameShape({ kind: 'polyline', points: [0, 0, 1, 1] }, { kind: 'polyline', points: [1, 1, 0, 0] })).toBe(false);
    let n = 0;
    const inc = [
      { key: 'dota:a.txt#line 1', label: 'ship', geometry: box },
      { key: 'dota:a.txt#line 2', label: 'ship', geometry: poly },
    ];
    const first = mergeImported([], inc, () => `n${++n}`);
    expect(first).toMatchObject({ added: 2, updated: 0, unchanged: 0 });
    const second = mergeImported(first.objects, inc, () => `n${++n}`);
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 2 });
    expect(second.objects).toHaveLength(2);
    // the same file with one row moved: matched by key, updated in place
    const moved = mergeImported(first.objects, [{ ...inc[0], geometry: { ...box, x2: 11 } }], () => `n${++n}`);
    expect(moved).toMatchObject({ added: 0, updated: 1 });
    expect(moved.objects[0].id).toBe('n1');
  });
});

describe('.prj WKT', () => {
  it('names every bundled CRS by EPSG code, and reads ESRI names back', () => {
    const codes = [4326, 3857, ...Array.from({ length: 60 }, (_, i) => 32601 + i), ...Array.from({ length: 60 }, (_, i) => 32701 + i)];
    for (const c of codes) {
      expect(crsDefinition(c)).not.toBeNull();
      expect(epsgOfWkt(wktOf(c)!)).toBe(c);
    }
    expect(wktOf(32633)).toContain('PARAMETER["central_meridian",15]');
    expect(wktOf(32760)).toContain('PARAMETER["false_northing",10000000]');
    expect(wktOf(2056)).toBeNull();
    expect(epsgOfWkt('PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')).toBe(32633);
    expect(epsgOfWkt('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]')).toBe(4326);
    expect(epsgOfWkt('PROJCS["CH1903+ / LV95",GEOGCS["CH1903+"]]')).toBeNull();
    expect(SUPPORTED_CRS).toMatch(/4326/);
  });
});

describe('Shapefile rings on any grid', () => {
  it('north-up, south-up and rotated geotransforms: rotated boxes and polygons come back with their vertex order', () => {
    const grids: [number, [number, number, number, number, number, number]][] = [
      [32633, [500000, 10, 0, 4650000, 0, -10]],
      [32633, [500000, 10, 0, 4640000, 0, 10]], // south-up (rows run north)
      [32755, [300000, 0.5, 0.1, 6200000, 0.1, -0.5]], // rotated / sheared grid, southern zone
    ];
    const objs: GeoObject[] = [
      ...boxes(0, 180),
      { id: 'cw', label: 'field', geometry: { kind: 'polygon', points: [10, 10, 60, 12, 55, 40, 12, 35, 5, 20] } },
      { id: 'b', label: 'field', geometry: { kind: 'box2d', x1: 1, y1: 2, x2: 30, y2: 9 } },
    ];
    for (const [epsg, gt] of grids)
      for (const out of [epsg, 4326]) {
        const pr = projector(gt, epsg, out);
        const { layers } = writeShapefile(objs, pr, 's');
        const back = readShapefile({ shp: layers[0].shp, dbf: layers[0].dbf, cpg: 'UTF-8' }, 's.shp', pr);
        expect(back).toHaveLength(objs.length);
        objs.forEach((o, i) => {
          expect(back[i].geometry.kind).toBe(o.geometry.kind);
          const qa = o.geometry.kind === 'polygon' ? o.geometry.points : quadOf(o.geometry)!.flat();
          const qb = back[i].geometry.kind === 'polygon' ? (back[i].geometry as { points: number[] }).points : quadOf(back[i].geometry)!.flat();
          qa.forEach((v, k) => expect(Math.abs(v - qb[k]), `${epsg}→${out} ${o.id}`).toBeLessThan(1e-6));
        });
      }
  });
});
