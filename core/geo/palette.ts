/**
 * Colour maps for single-band display (core/geo/display): 256-entry RGB lookup tables, used by the
 * host to colour tiles and by the renderer for the legend. Viridis and the diverging RdYlGn come
 * from d3-scale-chromatic; terrain is matplotlib's segment data.
 */
import { interpolateRdYlGn, interpolateViridis } from 'd3-scale-chromatic';
import type { PaletteName } from './display';

// matplotlib's "terrain" colour map (its segment data): deep water, shallow water, lowland green,
// yellow-beige, brown, white peaks.
const TERRAIN: [number, [number, number, number]][] = [
  [0, [0.2, 0.2, 0.6]],
  [0.15, [0, 0.6, 1]],
  [0.25, [0, 0.8, 0.4]],
  [0.5, [1, 1, 0.6]],
  [0.75, [0.5, 0.36, 0.33]],
  [1, [1, 1, 1]],
];

function terrain(t: number): [number, number, number] {
  for (let i = 1; i < TERRAIN.length; i++) {
    const [t1, c1] = TERRAIN[i];
    if (t <= t1) {
      const [t0, c0] = TERRAIN[i - 1];
      const f = (t - t0) / (t1 - t0);
      return [0, 1, 2].map((k) => Math.round(255 * (c0[k] + f * (c1[k] - c0[k])))) as [number, number, number];
    }
  }
  return [255, 255, 255];
}

/** d3's interpolators answer "#rrggbb" or "rgb(r, g, b)". */
function parseCss(s: string): [number, number, number] {
  if (s.startsWith('#')) return [1, 3, 5].map((i) => parseInt(s.slice(i, i + 2), 16)) as [number, number, number];
  const m = s.match(/\d+(\.\d+)?/g)!;
  return [Math.round(+m[0]), Math.round(+m[1]), Math.round(+m[2])];
}

const luts = new Map<PaletteName, Uint8Array>();

/** 256 RGB entries (768 bytes) of a palette, low to high. */
export function paletteLut(name: PaletteName): Uint8Array {
  let lut = luts.get(name);
  if (lut) return lut;
  lut = new Uint8Array(768);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let c: [number, number, number];
    if (name === 'grey') c = [i, i, i];
    else if (name === 'terrain') c = terrain(t);
    else {
      // viridis: perceptually uniform; RdYlGn: diverging, red low, yellow neutral, green high (NDVI)
      const f = name === 'viridis' ? interpolateViridis : interpolateRdYlGn;
      c = parseCss(f(t));
    }
    lut.set(c, i * 3);
  }
  luts.set(name, lut);
  return lut;
}

/** CSS linear-gradient stops of a palette, for the legend. */
export function paletteGradient(name: PaletteName, stops = 16): string {
  const lut = paletteLut(name);
  const parts: string[] = [];
  for (let i = 0; i <= stops; i++) {
    const k = Math.round((i / stops) * 255) * 3;
    parts.push(`rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]}) ${((i / stops) * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
