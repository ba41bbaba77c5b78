/**
 * A synthetic 4-band (blue, green, red, near-infrared) 16-bit multispectral scene written as a
 * GeoTIFF with geotiff's own writer, for tests: known geotransform (UTM 33N, 10 m pixels, top-left
 * at 500000 E / 4650000 N), vegetation fields (bright in NIR, dark in red), a lake (dark in NIR),
 * bare soil and a road, and a nodata corner. Values are deterministic per pixel.
 */
import { writeFileSync } from 'node:fs';
import { writeArrayBuffer } from 'geotiff';

export const SCENE = { width: 1400, height: 900, epsg: 32633, x0: 500000, y0: 4650000, pixel: 10 };

/** Reflectance ×10000 of [blue, green, red, nir] for each surface. */
const SURFACE = {
  vegetation: [400, 800, 500, 4500],
  soil: [1200, 1500, 1900, 2500],
  water: [700, 600, 300, 150],
  road: [1800, 1800, 1850, 2000],
} as const;

/**
 * `changed`: the "after" image of a before / after pair: right of column 700 the fields swap
 * (vegetation cleared to soil and soil planted), the rest is the same.
 */
export function surfaceAt(x: number, y: number, changed = false): keyof typeof SURFACE | 'nodata' {
  if (x < 40 && y < 40) return 'nodata';
  if (Math.abs(y - 0.3 * x - 300) < 6) return 'road';
  if ((x - 1050) ** 2 / 200 ** 2 + (y - 600) ** 2 / 140 ** 2 < 1) return 'water';
  // a checkerboard of fields, 200 px a side: vegetation and soil
  const even = (Math.floor(x / 200) + Math.floor(y / 200)) % 2 === 0;
  return even !== (changed && x >= 700) ? 'vegetation' : 'soil';
}

/** `at` moves the scene's top-left corner (another grid over the same or other ground, for before / after tests). */
export function writeGeoScene(file: string, at: { x0?: number; y0?: number; changed?: boolean } = {}): void {
  const { width: W, height: H } = SCENE;
  const v = new Uint16Array(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const s = surfaceAt(x, y, at.changed);
      if (s === 'nodata') continue;
      const noise = ((x * 7919 + y * 104729) % 97) - 48; // texture, deterministic
      for (let b = 0; b < 4; b++) v[(y * W + x) * 4 + b] = Math.max(1, SURFACE[s][b] + noise);
    }
  const buf = writeArrayBuffer(v, {
    width: W,
    height: H,
    BitsPerSample: [16, 16, 16, 16],
    SampleFormat: [1, 1, 1, 1],
    PhotometricInterpretation: 1,
    ModelPixelScale: [SCENE.pixel, SCENE.pixel, 0],
    ModelTiepoint: [0, 0, 0, at.x0 ?? SCENE.x0, at.y0 ?? SCENE.y0, 0],
    ProjectedCSTypeGeoKey: SCENE.epsg,
    GTModelTypeGeoKey: 1,
    GTRasterTypeGeoKey: 1,
    GDAL_NODATA: '0',
  });
  writeFileSync(file, Buffer.from(buf));
}
