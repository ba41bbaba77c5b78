/**
 * GDAL-order affine geotransform [x0, dx/dcol, dx/drow, y0, dy/dcol, dy/drow]: pixel (col, row)
 * measured from the top-left corner of the top-left pixel (Datum's pixel coordinates) to map
 * coordinates in the image's CRS. Labels stay in pixels; this is kept beside them.
 */
export type GeoTransform = [number, number, number, number, number, number];

export function pixelToMap(gt: GeoTransform, col: number, row: number): [number, number] {
  return [gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]];
}

export function mapToPixel(gt: GeoTransform, x: number, y: number): [number, number] {
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  if (det === 0) throw new Error('geotransform is not invertible');
  const dx = x - gt[0];
  const dy = y - gt[3];
  return [(dx * gt[5] - dy * gt[2]) / det, (dy * gt[1] - dx * gt[4]) / det];
}

/** Ground size of one pixel along columns and rows, in CRS units. */
export function groundResolution(gt: GeoTransform): [number, number] {
  return [Math.hypot(gt[1], gt[4]), Math.hypot(gt[2], gt[5])];
}
