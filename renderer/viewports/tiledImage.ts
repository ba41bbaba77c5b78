/** Types shared by the image viewer and its map readout (kept apart: no import cycle). */
import type { MethodOutput } from '../../preload/contract';
import type { Affine } from '../../core/geo/compare';

type ImageInfoGeo = NonNullable<MethodOutput<'image.info'>['geo']>;

/** A host tile pyramid (image.info): level 0 full resolution, each next level half the size. */
export interface TiledImage {
  itemId: string;
  width: number;
  height: number;
  levels: number;
  tileSize: number;
  /** A GeoTIFF's georeferencing and bands (image.info): shows the map readout. */
  geo?: ImageInfoGeo;
  /** A region item's window in its parent (image.info). */
  region?: MethodOutput<'image.info'>['region'];
}

/** The compared image: its tiles, its pixels -> this image's pixels, and how it is shown. */
export interface Compare {
  tiles: TiledImage;
  toPrimary: Affine;
  coregistered: boolean;
  mode: 'swipe' | 'side';
}

