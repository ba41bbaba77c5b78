/**
 * How a multiband raster is drawn: which bands go to R, G and B (0-based) and the per-band
 * percentile stretch (each band mapped linearly from its `low` to its `high` percentile).
 * Saved per project (ProjectSettings.rasterDisplay); the host renders tiles with it.
 */
export interface RasterDisplay {
  bands: [number, number, number];
  low: number;
  high: number;
}

export const DEFAULT_DISPLAY: RasterDisplay = { bands: [0, 1, 2], low: 2, high: 98 };

/**
 * Presets. Band roles depend on the product, so these name the band order they assume:
 * 4-band stacks in blue, green, red, near-infrared order (PlanetScope, Sentinel-2 B2/B3/B4/B8).
 */
export const DISPLAY_PRESETS = {
  /** Bands 1, 2, 3 as stored (an RGB file, or NAIP's R, G, B, NIR). */
  asStored: { bands: [0, 1, 2], low: 2, high: 98 },
  /** B, G, R, NIR stack: red, green, blue. */
  trueColour: { bands: [2, 1, 0], low: 2, high: 98 },
  /** B, G, R, NIR stack: NIR, red, green (vegetation red). */
  falseColourInfrared: { bands: [3, 2, 1], low: 2, high: 98 },
} as const satisfies Record<string, RasterDisplay>;
export type DisplayPreset = keyof typeof DISPLAY_PRESETS;

/** The display as drawn for an image with `bandCount` bands: one band is grey, bands out of range clamp. */
export function effectiveDisplay(d: RasterDisplay | undefined, bandCount: number): RasterDisplay {
  const s = d ?? DEFAULT_DISPLAY;
  if (bandCount < 3) return { bands: [0, 0, 0], low: s.low, high: s.high };
  const clamp = (b: number) => Math.max(0, Math.min(bandCount - 1, Math.round(b)));
  return { bands: [clamp(s.bands[0]), clamp(s.bands[1]), clamp(s.bands[2])], low: s.low, high: s.high };
}

/** A short key for caches and URLs, e.g. "3-2-1_2-98". */
export function displayKey(d: RasterDisplay): string {
  return `${d.bands.join('-')}_${d.low}-${d.high}`;
}
