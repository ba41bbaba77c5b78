/**
 * Geometry that is right or says it is not. After a volume is decoded, `checkGeometry` repairs
 * what cannot be displayed (zero / negative / missing spacing), and states every fallback in a
 * warning the editor shows: a wrong-looking image must never be silently wrong.
 * `classifyAcquisition` tells projection images (CR, DX, MG, planar NM, secondary capture: no 3D
 * geometry) from cross-sectional stacks.
 */
import { cross, dot, norm, scale } from './affine';
import type { Mat4, Vec3, Volume } from './types';

/** Modalities whose images are projections (no slice geometry); PS3.3 C.7.3.1.1.1 codes. */
export const PROJECTION_MODALITIES = new Set(['CR', 'DX', 'MG', 'IO', 'PX', 'RF', 'XA', 'RG', 'DG', 'XC', 'ES', 'OP', 'GM', 'SM']);
/** Secondary Capture Image Storage and its multi-frame variants: 1.2.840.10008.5.1.4.1.1.7[.n]. */
const SECONDARY_CAPTURE = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.7(\.|$)/;

export interface AcquisitionHints {
  modality: string;
  sopClassUid?: string;
  /** DICOM ImageType values (e.g. ['DERIVED', 'SECONDARY', 'PROJECTION IMAGE']). */
  imageType?: string[];
  /** ImageOrientationPatient present. */
  hasOrientation: boolean;
  /** Slices (or frames) in the stack. */
  slices: number;
}

export type ViewMode = 'volume' | 'projection' | 'single';

/**
 * 'projection': a 2D projection image (one viewport, no patient-axis letters unless the file
 * states PatientOrientation); 'single': one cross-sectional slice (one viewport, letters from the
 * affine); 'volume': three orthogonal views.
 */
export function classifyAcquisition(h: AcquisitionHints): ViewMode {
  const modality = h.modality.toUpperCase();
  const projection =
    PROJECTION_MODALITIES.has(modality) ||
    (!!h.sopClassUid && SECONDARY_CAPTURE.test(h.sopClassUid)) ||
    (modality === 'NM' && !h.hasOrientation) || // planar / whole-body NM; tomographic NM has IOP
    (h.imageType ?? []).some((t) => t.trim().toUpperCase() === 'PROJECTION IMAGE'); // MIPs, localiser projections
  if (projection) return 'projection';
  return h.slices <= 1 ? 'single' : 'volume';
}

/** Edge letters from DICOM PatientOrientation (row direction \ column direction), e.g. "L\F". */
export function patientOrientationLetters(value: string | undefined): { left: string; right: string; top: string; bottom: string } | null {
  if (!value) return null;
  const parts = value.split('\\').map((s) => s.trim().toUpperCase());
  if (parts.length < 2 || !parts[0] || !parts[1]) return null;
  const opposite: Record<string, string> = { L: 'R', R: 'L', A: 'P', P: 'A', H: 'F', F: 'H' };
  const inv = (s: string) => [...s].map((c) => opposite[c] ?? c).join('');
  if (![...parts[0], ...parts[1]].every((c) => c in opposite)) return null;
  // Row direction = increasing column index = towards the right edge.
  return { left: inv(parts[0]), right: parts[0], top: inv(parts[1]), bottom: parts[1] };
}

export interface GeometryHints {
  /** ImageOrientationPatient (or sform/qform) present. */
  hasOrientation: boolean;
  /** Slice positions present for every slice (ImagePositionPatient, frame positions). */
  hasPositions: boolean;
  /** Pixel spacing as stored, [row, column] (DICOM order), when present. */
  pixelSpacing?: number[];
  /** The file has no PixelSpacing at all (common for CR / secondary capture): 1 mm is assumed. */
  pixelSpacingMissing?: boolean;
}

const valid = (x: number) => Number.isFinite(x) && x > 0;

/**
 * Repair an affine whose voxel steps are zero, negative or not finite, and say so. Returns the
 * volume (affine / spacing replaced when repaired) and human-readable warnings, each naming the
 * problem and the fallback used.
 */
export function checkGeometry(volume: Volume, hints: GeometryHints): { volume: Volume; warnings: string[] } {
  const warnings: string[] = [];
  const a: Mat4 = [...volume.affine];
  const col = (c: number): Vec3 => [a[c], a[4 + c], a[8 + c]];
  const setCol = (c: number, v: Vec3) => {
    a[c] = v[0];
    a[4 + c] = v[1];
    a[8 + c] = v[2];
  };
  const spacing: Vec3 = [...volume.spacing];
  const names = ['column (x)', 'row (y)', 'slice (z)'];
  const ps = hints.pixelSpacing;
  if (ps && ps.some((s) => !valid(s))) {
    warnings.push(`impossible pixel spacing ${ps.join('\\')} mm`);
  }
  // Affine column lengths are the true steps; a non-positive stored spacing gives a zero or flipped column.
  const bad: number[] = [];
  for (let c = 0; c < 3; c++) {
    const len = norm(col(c));
    const s = spacing[c];
    if (!Number.isFinite(len) || len === 0 || !valid(s)) bad.push(c);
  }
  if (bad.length) {
    const goodInPlane = [0, 1].filter((c) => !bad.includes(c)).map((c) => spacing[c]);
    for (const c of bad) {
      const s = spacing[c];
      const v = col(c);
      const len = norm(v);
      let fallback: number;
      let why: string;
      if (Number.isFinite(s) && s < 0 && len > 0) {
        fallback = -s;
        why = `its magnitude ${fallback} mm`;
        setCol(c, scale(v, -1)); // the stored sign flipped the direction cosines
      } else {
        fallback = c < 2 && goodInPlane.length ? goodInPlane[0] : 1;
        why = c < 2 && goodInPlane.length ? `${fallback} mm (the other in-plane spacing: square pixels assumed)` : '1 mm';
        // Direction from the other two axes (right-handed) when this one was lost.
        const others = [0, 1, 2].filter((x) => x !== c).map(col);
        const dir = len > 0 && Number.isFinite(len) ? scale(v, 1 / len) : c === 1 ? cross(others[1], others[0]) : cross(others[0], others[1]);
        const dn = norm(dir);
        const unit: Vec3 = dn > 0 ? scale(dir, 1 / dn) : ([c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0] as Vec3);
        setCol(c, scale(unit, fallback));
      }
      spacing[c] = fallback;
      warnings.push(`${names[c]} spacing ${Number.isFinite(s) ? s : 'missing'} mm is impossible: shown with ${why}; measurements along it are not reliable`);
    }
  }
  if (hints.pixelSpacingMissing) warnings.push('no pixel spacing in the file: 1 mm per pixel is assumed, so distances and volumes are in pixel units');
  if (!hints.hasOrientation) warnings.push('no patient orientation (ImageOrientationPatient) in the file: shown as an axial stack, the edge letters are assumed');
  if (!hints.hasPositions && volume.dims[2] > 1) warnings.push('slice positions are missing: slices are evenly spaced in file order, distances along z are assumed');
  // Slice positions that do not follow the slice normal (not a tilt: stacks that jump sideways).
  const n = cross(col(0), col(1));
  const step = col(2);
  if (hints.hasPositions && volume.dims[2] > 1 && norm(n) > 0 && norm(step) > 0) {
    const cos = Math.abs(dot(n, step)) / (norm(n) * norm(step));
    const deg = (Math.acos(Math.min(1, cos)) * 180) / Math.PI;
    if (deg > 30) warnings.push(`slice positions are ${deg.toFixed(0)}° off the slice normal: the stack is inconsistent and shown sheared as the positions say`);
  }
  // Non-finite values anywhere would make every view blank.
  if (a.some((x) => !Number.isFinite(x))) {
    warnings.push('the affine is not finite: shown with 1 mm voxels in file order');
    return { volume: { ...volume, spacing: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] }, warnings };
  }
  if (!bad.length) return { volume, warnings };
  return { volume: { ...volume, spacing, affine: a }, warnings };
}
