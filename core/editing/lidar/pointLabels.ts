/**
 * Point-wise labels (one Uint16 class per point, 0 = unlabelled, k = the ontology's k-th label)
 * and the lasso that paints them. In the document they are `pointLabels` entries (base64 of a
 * little-endian Uint16Array); inside the editor each frame's labels are carried as a record with
 * id `pointlabels:<frame>` next to the objects, so one History covers cuboids and point labels.
 */
import type { AnnotationObject, ItemDocument } from '../../document/schema';

export const POINT_LABELS_PREFIX = 'pointlabels:';

export function isPointLabelRecord(o: AnnotationObject): boolean {
  return o.id.startsWith(POINT_LABELS_PREFIX);
}

export function encodeLabels(labels: Uint16Array): string {
  const bytes = new Uint8Array(labels.length * 2);
  for (let i = 0; i < labels.length; i++) {
    bytes[i * 2] = labels[i] & 255;
    bytes[i * 2 + 1] = labels[i] >> 8;
  }
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function decodeLabels(data: string, count: number): Uint16Array {
  const s = atob(data);
  const out = new Uint16Array(count);
  for (let i = 0; i < count && i * 2 + 1 < s.length; i++) out[i] = s.charCodeAt(i * 2) | (s.charCodeAt(i * 2 + 1) << 8);
  return out;
}

export function pointLabelRecord(frame: number, labels: Uint16Array): AnnotationObject {
  return {
    id: `${POINT_LABELS_PREFIX}${frame}`,
    label: '',
    frame,
    zOrder: 0,
    source: { kind: 'human' },
    geometry: { kind: 'tag' },
    attributes: { count: labels.length, data: encodeLabels(labels) },
  };
}

export function recordToPointLabels(o: AnnotationObject): ItemDocument['pointLabels'][number] {
  return { frame: o.frame, count: Number(o.attributes.count), data: String(o.attributes.data) };
}

export function pointLabelsToRecord(p: ItemDocument['pointLabels'][number]): AnnotationObject {
  return {
    id: `${POINT_LABELS_PREFIX}${p.frame}`,
    label: '',
    frame: p.frame,
    zOrder: 0,
    source: { kind: 'human' },
    geometry: { kind: 'tag' },
    attributes: { count: p.count, data: p.data },
  };
}

/** Even-odd point-in-polygon; poly is [x0, y0, x1, y1, ...] in screen pixels. */
export function inPolygon(x: number, y: number, poly: ArrayLike<number>): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[i * 2], yi = poly[i * 2 + 1], xj = poly[j * 2], yj = poly[j * 2 + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * Sets `labels[i] = value` for every point whose screen projection (column-major 4x4 view-projection
 * `m`, viewport w x h) falls inside the lasso polygon. Returns how many points were painted.
 */
export function lassoPaint(
  positions: Float32Array,
  count: number,
  m: ArrayLike<number>,
  w: number,
  h: number,
  poly: number[],
  labels: Uint16Array,
  value: number,
): number {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < poly.length; i += 2) {
    minX = Math.min(minX, poly[i]); maxX = Math.max(maxX, poly[i]);
    minY = Math.min(minY, poly[i + 1]); maxY = Math.max(maxY, poly[i + 1]);
  }
  let painted = 0;
  for (let i = 0; i < count; i++) {
    const x = positions[i * 3], y = positions[i * 3 + 1], z = positions[i * 3 + 2];
    const cw = m[3] * x + m[7] * y + m[11] * z + m[15];
    if (cw <= 0) continue;
    const sx = ((m[0] * x + m[4] * y + m[8] * z + m[12]) / cw + 1) * 0.5 * w;
    const sy = (1 - (m[1] * x + m[5] * y + m[9] * z + m[13]) / cw) * 0.5 * h;
    if (sx < minX || sx > maxX || sy < minY || sy > maxY) continue;
    if (!inPolygon(sx, sy, poly)) continue;
    labels[i] = value;
    painted++;
  }
  return painted;
}
