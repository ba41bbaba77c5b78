/**
 * How a raster is drawn. Two modes:
 *  - RGB: which bands go to R, G and B (0-based), each with its own contrast stretch;
 *  - palette: one band through a colour map (SAR, DEM, NDVI-like indices), with a legend.
 * A stretch maps a band's value range to 0..1: between two percentiles of the band, between the
 * band's own minimum and maximum, or between two values typed in the band's units; then a gamma.
 * Saved per project (ProjectSettings.rasterDisplay); the host renders tiles with it.
 *
 * Older settings ({bands, low, high} only) still load: they mean RGB with every band stretched
 * between the low and high percentiles, gamma 1.
 */

export type StretchKind = 'percentile' | 'minmax' | 'manual';

export interface BandStretch {
  kind: StretchKind;
  /** percentile: 0..49 (%); manual: the value drawn black (in the band's units); minmax: unused. */
  low: number;
  /** percentile: 51..100 (%); manual: the value drawn full (in the band's units); minmax: unused. */
  high: number;
  /** Output = stretched^(1/gamma): > 1 brightens the darks. */
  gamma: number;
}

export const PALETTES = ['grey', 'viridis', 'terrain', 'diverging'] as const;
export type PaletteName = (typeof PALETTES)[number];

export interface RasterDisplay {
  bands: [number, number, number];
  /** Percentiles of the default stretch (and of older settings). */
  low: number;
  high: number;
  /** 'rgb' (default) or 'palette' (band `paletteBand` through `palette`). */
  mode?: 'rgb' | 'palette';
  palette?: PaletteName;
  paletteBand?: number;
  /** Per channel R, G, B (palette mode: the first one); missing = percentile low..high, gamma 1. */
  stretch?: BandStretch[];
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

/** The fully resolved display drawn for an image with `bandCount` bands. */
export interface EffectiveDisplay {
  mode: 'rgb' | 'palette';
  /** RGB: three bands; palette: [band, band, band]. */
  bands: [number, number, number];
  palette: PaletteName;
  /** One per channel (palette: one). */
  stretch: BandStretch[];
  low: number;
  high: number;
}

function cleanStretch(s: BandStretch | undefined, low: number, high: number): BandStretch {
  if (!s) return { kind: 'percentile', low, high, gamma: 1 };
  const gamma = Number.isFinite(s.gamma) && s.gamma > 0 ? s.gamma : 1;
  if (s.kind === 'minmax') return { kind: 'minmax', low: 0, high: 100, gamma };
  if (s.kind === 'manual') return { kind: 'manual', low: s.low, high: s.high > s.low ? s.high : s.low + 1, gamma };
  return { kind: 'percentile', low: Math.max(0, Math.min(49, s.low)), high: Math.max(51, Math.min(100, s.high)), gamma };
}

/**
 * The display as drawn for an image with `bandCount` bands: fewer than 3 bands is a single band
 * (grey unless a palette is chosen), bands out of range clamp.
 */
export function effectiveDisplay(d: RasterDisplay | undefined, bandCount: number): EffectiveDisplay {
  const s = d ?? DEFAULT_DISPLAY;
  const clamp = (b: number) => Math.max(0, Math.min(bandCount - 1, Math.round(b)));
  const single = bandCount < 3 || s.mode === 'palette';
  if (single) {
    const b = clamp(s.mode === 'palette' ? (s.paletteBand ?? 0) : 0);
    return { mode: 'palette', bands: [b, b, b], palette: s.mode === 'palette' ? (s.palette ?? 'grey') : 'grey', stretch: [cleanStretch(s.stretch?.[0], s.low, s.high)], low: s.low, high: s.high };
  }
  return {
    mode: 'rgb',
    bands: [clamp(s.bands[0]), clamp(s.bands[1]), clamp(s.bands[2])],
    palette: 'grey',
    stretch: [0, 1, 2].map((c) => cleanStretch(s.stretch?.[c], s.low, s.high)),
    low: s.low,
    high: s.high,
  };
}

function stretchKey(s: BandStretch): string {
  const g = s.gamma !== 1 ? `g${s.gamma}` : '';
  if (s.kind === 'minmax') return `mm${g}`;
  if (s.kind === 'manual') return `v${s.low}~${s.high}${g}`;
  return `${s.low}-${s.high}${g}`;
}

/**
 * A short key for caches and URLs, e.g. "3-2-1_2-98" (older keys are unchanged, so tile caches
 * made before per-band stretches stay valid), "3-2-1_2-98,mm,0-100g1.5" or "p.viridis.0_mm".
 */
export function displayKey(e: EffectiveDisplay): string {
  const keys = e.stretch.map(stretchKey);
  if (e.mode === 'palette') return `p.${e.palette}.${e.bands[0]}_${keys[0]}`;
  const uniform = keys.every((k) => k === keys[0]);
  return `${e.bands.join('-')}_${uniform ? keys[0] : keys.join(',')}`;
}

/** Value -> 0..1 through the stretch's data range [lo, hi] and gamma. */
export function stretchValue(v: number, lo: number, hi: number, gamma: number): number {
  const t = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
  return gamma === 1 ? t : t ** (1 / gamma);
}

/**
 * The data range a palette spans. The diverging palette is centred on 0 when the range straddles
 * it (NDVI-like indices: 0 is the neutral colour), so equal magnitudes get equal colour strength.
 */
export function paletteRange(palette: PaletteName, lo: number, hi: number): [number, number] {
  if (palette === 'diverging' && lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    return [-m, m];
  }
  return [lo, hi];
}
