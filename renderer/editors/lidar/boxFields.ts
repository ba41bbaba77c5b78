/**
 * The selected cuboid as typed numbers (side panel): centre x / y / z and size in metres, yaw in
 * degrees, all in the cloud file's coordinates (what is stored). Pure: parse, check, apply.
 */
import type { Cuboid3D } from '../../../core/document/schema';
import { normalizeAngle } from '../../../core/geometry/angle';

export type BoxField = 'x' | 'y' | 'z' | 'length' | 'width' | 'height' | 'yaw';
export const BOX_FIELDS: readonly BoxField[] = ['x', 'y', 'z', 'length', 'width', 'height', 'yaw'];
/** Smallest and largest size accepted, metres. */
export const MIN_FIELD_SIZE = 0.01;
export const MAX_FIELD_SIZE = 100;

const DEG = 180 / Math.PI;

export function fieldValue(b: Cuboid3D, f: BoxField): number {
  switch (f) {
    case 'x': return b.center[0];
    case 'y': return b.center[1];
    case 'z': return b.center[2];
    case 'length': return b.size[0];
    case 'width': return b.size[1];
    case 'height': return b.size[2];
    case 'yaw': return b.yaw * DEG;
  }
}

/** Shown with 3 decimals for metres (a 0.01 m step stays visible), 2 for degrees. */
export function formatField(b: Cuboid3D, f: BoxField): string {
  const v = fieldValue(b, f);
  return (Object.is(v, -0) ? 0 : v).toFixed(f === 'yaw' ? 2 : 3);
}

/** The typed text as a number for the field, or the i18n key of why it is refused. A decimal comma is accepted. */
export function parseField(f: BoxField, text: string): { value: number } | { error: 'lidar.fieldNotNumber' | 'lidar.fieldSizeRange' } {
  const s = text.trim().replace(',', '.');
  const v = s === '' ? NaN : Number(s);
  if (!Number.isFinite(v)) return { error: 'lidar.fieldNotNumber' };
  if ((f === 'length' || f === 'width' || f === 'height') && (v < MIN_FIELD_SIZE || v > MAX_FIELD_SIZE)) return { error: 'lidar.fieldSizeRange' };
  return { value: v };
}

/** The cuboid with one field set (yaw given in degrees, stored in radians in (−π, π]). */
export function withField(b: Cuboid3D, f: BoxField, v: number): Cuboid3D {
  const center: [number, number, number] = [...b.center];
  const size: [number, number, number] = [...b.size];
  if (f === 'yaw') return { ...b, yaw: normalizeAngle(v / DEG) };
  if (f === 'x' || f === 'y' || f === 'z') center[f === 'x' ? 0 : f === 'y' ? 1 : 2] = v;
  else size[f === 'length' ? 0 : f === 'width' ? 1 : 2] = v;
  return { ...b, center, size };
}

/** Whether committing `v` changes the shown value (an unchanged field is no undo step). */
export function fieldChanged(b: Cuboid3D, f: BoxField, v: number): boolean {
  return Math.abs(fieldValue(b, f) - v) > (f === 'yaw' ? 0.005 : 0.0005);
}
