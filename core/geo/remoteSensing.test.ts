import { describe, expect, it } from 'vitest';
import { displayKey, effectiveDisplay, paletteRange, stretchValue, type RasterDisplay } from './display';
import { paletteLut } from './palette';
import { metresPerDegreeLat, metresPerDegreeLon, metresPerPixel, niceLength, scaleBar } from './scalebar';
import { regionGeoTransform, splitWindows } from './regions';
import { applyAffine, coregistered, otherToPrimary, overlapShare } from './compare';
import { pixelToMap, type GeoTransform } from './geotransform';
import { toWgs84 } from './crs';

describe('raster display settings', () => {
  it('loads the older {bands, low, high} form as RGB percentiles and keeps its cache key', () => {
    const old: RasterDisplay = { bands: [3, 2, 1], low: 2, high: 98 };
    const e = effectiveDisplay(old, 4);
    expect(e.mode).toBe('rgb');
    expect(e.stretch).toEqual([0, 1, 2].map(() => ({ kind: 'percentile', low: 2, high: 98, gamma: 1 })));
    expect(displayKey(e)).toBe('3-2-1_2-98'); // the key the tile caches were made under before
  });
  it('per-band stretches, gamma and palettes get distinct keys', () => {
    const a = effectiveDisplay({ bands: [3, 2, 1], low: 2, high: 98, stretch: [{ kind: 'minmax', low: 0, high: 0, gamma: 1 }, { kind: 'percentile', low: 2, high: 98, gamma: 1.5 }, { kind: 'manual', low: 100, high: 900, gamma: 1 }] }, 4);
    expect(displayKey(a)).toBe('3-2-1_mm,2-98g1.5,v100~900');
    const p = effectiveDisplay({ bands: [0, 1, 2], low: 2, high: 98, mode: 'palette', palette: 'viridis', paletteBand: 3 }, 4);
    expect(p.mode).toBe('palette');
    expect(p.bands).toEqual([3, 3, 3]);
    expect(displayKey(p)).toBe('p.viridis.3_2-98');
    // a single-band image is one band; grey unless a palette was chosen
    expect(effectiveDisplay(undefined, 1).palette).toBe('grey');
    expect(effectiveDisplay({ bands: [0, 1, 2], low: 2, high: 98, mode: 'palette', palette: 'terrain' }, 1).palette).toBe('terrain');
    // a bad manual range and gamma are repaired, not drawn as NaN
    const bad = effectiveDisplay({ bands: [0, 1, 2], low: 2, high: 98, stretch: [{ kind: 'manual', low: 5, high: 5, gamma: 0 }] }, 3);
    expect(bad.stretch[0]).toEqual({ kind: 'manual', low: 5, high: 6, gamma: 1 });
  });
  it('stretch and gamma', () => {
    expect(stretchValue(50, 0, 100, 1)).toBe(0.5);
    expect(stretchValue(-5, 0, 100, 1)).toBe(0);
    expect(stretchValue(500, 0, 100, 1)).toBe(1);
    expect(stretchValue(25, 0, 100, 2)).toBeCloseTo(0.5, 12); // 0.25^(1/2)
    // the diverging palette is centred on 0 for indices
    expect(paletteRange('diverging', -0.2, 0.8)).toEqual([-0.8, 0.8]);
    expect(paletteRange('viridis', -0.2, 0.8)).toEqual([-0.2, 0.8]);
  });
  it('palette tables: ends and known colours', () => {
    const v = paletteLut('viridis');
    expect([v[0], v[1], v[2]]).toEqual([68, 1, 84]); // viridis starts dark purple #440154
    expect([v[765], v[766], v[767]]).toEqual([253, 231, 37]); // and ends yellow #fde725
    const t = paletteLut('terrain');
    expect([t[0], t[1], t[2]]).toEqual([51, 51, 153]);
    expect([t[765], t[766], t[767]]).toEqual([255, 255, 255]);
    const d = paletteLut('diverging');
    expect(d[0]).toBeGreaterThan(150); // red low
    expect(d[2]).toBeLessThan(80);
    expect(d[766]).toBeGreaterThan(d[765]); // green high
    const g = paletteLut('grey');
    expect([g[384], g[385], g[386]]).toEqual([128, 128, 128]);
  });
});

describe('scale bar', () => {
  it('nice lengths', () => {
    expect([niceLength(1.4), niceLength(2), niceLength(4.99), niceLength(7), niceLength(1234), niceLength(0.03)]).toEqual([1, 2, 2, 5, 1000, 0.02]);
  });
  it('a UTM image: bar length = metres / (pixel size / zoom)', () => {
    const gt: GeoTransform = [500000, 10, 0, 4650000, 0, -10];
    const b = scaleBar(gt, 32633, 0.5, 100, 100, 140)!; // 0.5 screen px per 10 m pixel: 20 m per screen px
    expect(b.metres).toBe(2000); // 140 px = 2800 m -> 2 km
    expect(b.px).toBeCloseTo(100, 9);
    expect(b.label).toBe('2 km');
    expect(scaleBar(gt, null, 1, 0, 0)).toBeNull(); // unknown units: no bar
  });
  it('EPSG:4326 converts degrees at the image latitude (WGS 84 ellipsoid)', () => {
    // at 60° N one degree of longitude is half as long as at the equator (spherical: cos 60°)
    expect(metresPerDegreeLon(60) / metresPerDegreeLon(0)).toBeCloseTo(0.5, 2);
    expect(metresPerDegreeLon(0)).toBeCloseTo(111319.49, 1); // a·π/180
    expect(metresPerDegreeLat(45)).toBeCloseTo((6367381.82 * Math.PI) / 180, 0); // meridian radius at 45°: 6,367,381.8 m
    const gt: GeoTransform = [10, 1e-4, 0, 61, 0, -1e-4];
    const m = metresPerPixel(gt, 4326, 0, 10000)!; // row 10000 is 60° N
    expect(m).toBeCloseTo(1e-4 * metresPerDegreeLon(60), 9);
  });
  it('EPSG:3857 metres are scaled by cos(latitude)', () => {
    const y60 = 6378137 * Math.log(Math.tan(Math.PI / 4 + Math.PI / 6)); // 60° N in Web Mercator
    const gt: GeoTransform = [0, 2, 0, y60, 0, -2];
    expect(metresPerPixel(gt, 3857, 0, 0)).toBeCloseTo(1, 9);
  });
});

describe('regions', () => {
  it('grid split with overlap shares exactly the overlap between neighbours and covers the image', () => {
    const w = splitWindows(1000, 700, { mode: 'grid', cols: 3, rows: 2, overlap: 10 });
    expect(w.length).toBe(6);
    expect(w[0]).toEqual({ row: 0, col: 0, x: 0, y: 0, width: 338, height: 355 });
    expect(w[1].x).toBe(328); // 333 - 5
    expect(w[0].x + w[0].width - w[1].x).toBe(10);
    expect(w[5].x + w[5].width).toBe(1000);
    expect(w[5].y + w[5].height).toBe(700);
  });
  it('size split: last cells are smaller', () => {
    const w = splitWindows(1000, 700, { mode: 'size', width: 400, height: 400 });
    expect(w.map((r) => [r.x, r.width])).toEqual([[0, 400], [400, 400], [800, 200], [0, 400], [400, 400], [800, 200]]);
    expect(w[3]).toMatchObject({ y: 400, height: 300 });
    expect(() => splitWindows(1e6, 1e6, { mode: 'size', width: 1, height: 1 })).toThrow(/regions/);
  });
  it('a region pixel maps to the same map point as its parent pixel', () => {
    const gt: GeoTransform = [500000, 10, 0.5, 4650000, 0.3, -10];
    const r = regionGeoTransform(gt, 328, 345);
    expect(pixelToMap(r, 12.5, 7.25)).toEqual(pixelToMap(gt, 340.5, 352.25));
  });
});

describe('before / after grids', () => {
  const a = { width: 1000, height: 800, geotransform: [500000, 10, 0, 4650000, 0, -10] as GeoTransform, epsg: 32633 };
  it('co-registered grids are drawn pixel on pixel', () => {
    expect(coregistered(a, { ...a })).toBe(true);
    expect(otherToPrimary(a, { ...a })).toEqual([0, 1, 0, 0, 0, 1]);
    expect(overlapShare(a, a, [0, 1, 0, 0, 0, 1])).toBe(1);
  });
  it('a different grid in the same CRS: exact affine', () => {
    const b = { width: 500, height: 400, geotransform: [502000, 20, 0, 4648000, 0, -20] as GeoTransform, epsg: 32633 };
    expect(coregistered(a, b)).toBe(false);
    const t = otherToPrimary(a, b)!;
    const p = applyAffine(t, 100, 50);
    expect(p[0]).toBeCloseTo(400, 9); // (502000 + 2000 - 500000) / 10
    expect(p[1]).toBeCloseTo(300, 9);
    expect(Math.abs(overlapShare(a, b, t) - 0.8 * 0.75)).toBeLessThan(0.02); // columns 200..1000, rows 200..800 of the primary (sampled 32 × 32)
  });
  it('another CRS: resampled through WGS 84, exact at the corners', () => {
    // the same ground in EPSG:4326
    const ll = toWgs84(32633);
    const [lon0, lat0] = ll.forward([500000, 4650000]);
    const b = { width: 1000, height: 800, geotransform: [lon0, 1e-4, 0, lat0, 0, -1e-4] as GeoTransform, epsg: 4326 };
    const t = otherToPrimary(a, b)!;
    expect(applyAffine(t, 0, 0)[0]).toBeCloseTo(0, 6);
    expect(applyAffine(t, 0, 0)[1]).toBeCloseTo(0, 6);
    const far = ll.inverse([lon0 + 0.1, lat0]);
    expect(applyAffine(t, 1000, 0)[0]).toBeCloseTo((far[0] - 500000) / 10, 6);
    expect(otherToPrimary(a, { ...b, epsg: 2056 })).toBeNull(); // not reprojectable: not offered
  });
});
