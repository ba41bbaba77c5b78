/**
 * Generated inputs for the geometry cases no sample file covers (tests and E2E): DICOM stacks in
 * any orientation with a bright marker at a known patient position, projection images, impossible
 * pixel spacing, RT Dose grids, and NIfTI in any orientation or with a 4th dimension. Every file
 * is real Part 10 / NIfTI-1 bytes read back by the normal readers.
 */
import { syntheticCtSeries } from './synthetic';
import { cross, scale } from './affine';
import { el, newUid, writePart10, type DicomElement } from './dicom-writer';
import { encodeNifti1 } from './nifti-writer';
import type { DicomInput } from './series';
import type { Mat4, Vec3 } from './types';
import { gzipSync } from 'fflate';

export const MARKER_VALUE = 1000;

export interface StackOptions {
  rows: number;
  columns: number;
  slices: number;
  /** Direction of a row (increasing column) and of a column (increasing row), LPS. */
  rowDir: Vec3;
  colDir: Vec3;
  /** [between rows, between columns] mm as DICOM stores it; strings are written verbatim (bad spacing). */
  pixelSpacing: [number, number] | string;
  sliceGap: number;
  /** Patient position of voxel (0, 0, 0). */
  origin: Vec3;
  /** Voxel (column, row, slice) set to MARKER_VALUE (background: a gentle ramp). */
  marker?: Vec3;
  modality?: string;
  sopClassUid?: string;
  /** Leave ImageOrientationPatient / ImagePositionPatient out. */
  omitOrientation?: boolean;
  extra?: DicomElement[];
}

const MR_IMAGE = '1.2.840.10008.5.1.4.1.1.4';

/** One file per slice, Int16 pixels, written in reverse order (readers must sort by position). */
export function syntheticStack(o: StackOptions): DicomInput[] {
  const study = newUid();
  const series = newUid();
  const frame = newUid();
  const sop = o.sopClassUid ?? MR_IMAGE;
  const normal = cross(o.rowDir, o.colDir);
  const out: DicomInput[] = [];
  for (let k = 0; k < o.slices; k++) {
    const px = new Int16Array(o.rows * o.columns);
    for (let y = 0; y < o.rows; y++) for (let x = 0; x < o.columns; x++) px[y * o.columns + x] = (x + y + k) % 50;
    if (o.marker && o.marker[2] === k) px[o.marker[1] * o.columns + o.marker[0]] = MARKER_VALUE;
    const p = o.origin.map((v, i) => v + normal[i] * o.sliceGap * k) as Vec3;
    const uid = newUid();
    const elements: DicomElement[] = [
      el(0x00080016, 'UI', sop),
      el(0x00080018, 'UI', uid),
      el(0x00080060, 'CS', o.modality ?? 'MR'),
      el(0x00100010, 'PN', 'SYNTHETIC^GEOMETRY'),
      el(0x00100020, 'LO', 'GEOM-1'),
      el(0x0020000d, 'UI', study),
      el(0x0020000e, 'UI', series),
      el(0x00200013, 'IS', k + 1),
      el(0x00200052, 'UI', frame),
      el(0x00280002, 'US', 1),
      el(0x00280004, 'CS', 'MONOCHROME2'),
      el(0x00280010, 'US', o.rows),
      el(0x00280011, 'US', o.columns),
      el(0x00280030, 'DS', typeof o.pixelSpacing === 'string' ? o.pixelSpacing : [...o.pixelSpacing]),
      el(0x00280100, 'US', 16),
      el(0x00280101, 'US', 16),
      el(0x00280102, 'US', 15),
      el(0x00280103, 'US', 1),
      // Window over the background ramp (0..49); the marker saturates to white.
      el(0x00281050, 'DS', 25),
      el(0x00281051, 'DS', 60),
      ...(o.omitOrientation ? [] : [el(0x00200032, 'DS', p), el(0x00200037, 'DS', [...o.rowDir, ...o.colDir])]),
      ...(o.extra ?? []),
      el(0x7fe00010, 'OW', new Uint8Array(px.buffer)),
    ];
    elements.sort((a, b) => a.tag - b.tag);
    out.push({ name: `IM${String(k + 1).padStart(4, '0')}.dcm`, bytes: writePart10(elements, sop, uid) });
  }
  return out.reverse();
}

/** A sagittal acquisition (rows run posterior, columns inferior, slices left), as MR scanners write it. */
export function syntheticSagittalSeries(marker: Vec3 = [5, 3, 7]): { files: DicomInput[]; options: StackOptions } {
  const options: StackOptions = { rows: 12, columns: 16, slices: 10, rowDir: [0, 1, 0], colDir: [0, 0, -1], pixelSpacing: [2, 1.5], sliceGap: 3, origin: [-15, -12, 10], marker };
  return { files: syntheticStack(options), options };
}

/** A CR image: no orientation, PatientOrientation "L\F" (rows run to the left, columns to the feet). */
export function syntheticProjection(): DicomInput {
  const rows = 40;
  const columns = 30;
  const px = new Int16Array(rows * columns);
  for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) px[y * columns + x] = x * 10 + y;
  const sop = '1.2.840.10008.5.1.4.1.1.1';
  const uid = newUid();
  const elements: DicomElement[] = [
    el(0x00080016, 'UI', sop),
    el(0x00080018, 'UI', uid),
    el(0x00080060, 'CS', 'CR'),
    el(0x00100010, 'PN', 'SYNTHETIC^CHEST'),
    el(0x0020000d, 'UI', newUid()),
    el(0x0020000e, 'UI', newUid()),
    el(0x00200020, 'CS', 'L\\F'),
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280010, 'US', rows),
    el(0x00280011, 'US', columns),
    el(0x00280100, 'US', 16),
    el(0x00280101, 'US', 12),
    el(0x00280102, 'US', 11),
    el(0x00280103, 'US', 0),
    el(0x7fe00010, 'OW', new Uint8Array(px.buffer)),
  ];
  return { name: 'chest.dcm', bytes: writePart10(elements, sop, uid) };
}

/**
 * A multi-frame RT Dose grid: stored values v, DoseGridScaling `scaling`, frames at
 * GridFrameOffsetVector `offsets` (mm). Frame f holds (f + 1) * 100 everywhere except a peak.
 */
export function syntheticRtDose(offsets: number[] = [0, 5, 10, 15], scaling = 0.001): DicomInput {
  const rows = 8;
  const columns = 6;
  const frames = offsets.length;
  const px = new Uint16Array(rows * columns * frames);
  for (let f = 0; f < frames; f++) px.fill((f + 1) * 100, f * rows * columns, (f + 1) * rows * columns);
  px[rows * columns + 2 * columns + 3] = 60000; // frame 1, row 2, column 3
  const sop = '1.2.840.10008.5.1.4.1.1.481.2';
  const uid = newUid();
  const elements: DicomElement[] = [
    el(0x00080016, 'UI', sop),
    el(0x00080018, 'UI', uid),
    el(0x00080060, 'CS', 'RTDOSE'),
    el(0x0020000d, 'UI', newUid()),
    el(0x0020000e, 'UI', newUid()),
    el(0x00200032, 'DS', [-10, -20, 30]),
    el(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
    el(0x00200052, 'UI', newUid()),
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280008, 'IS', frames),
    el(0x00280010, 'US', rows),
    el(0x00280011, 'US', columns),
    el(0x00280030, 'DS', [2.5, 2.5]),
    el(0x00280100, 'US', 16),
    el(0x00280101, 'US', 16),
    el(0x00280102, 'US', 15),
    el(0x00280103, 'US', 0),
    el(0x30040002, 'CS', 'GY'),
    el(0x30040004, 'CS', 'PHYSICAL'),
    el(0x3004000a, 'CS', 'PLAN'),
    el(0x3004000c, 'DS', offsets),
    el(0x3004000e, 'DS', scaling),
    el(0x7fe00010, 'OW', new Uint8Array(px.buffer)),
  ];
  return { name: 'rtdose.dcm', bytes: writePart10(elements, sop, uid) };
}

/**
 * NIfTI-1 with any LPS affine (sform) and optionally several volumes (dim[4]); volume t holds
 * the ramp (i + j + k + 3t) mod 50 (same range, shifted pattern, so one window fits every volume),
 * and the marker voxel of volume 0 is MARKER_VALUE.
 */
export function syntheticNifti(dims: Vec3, affine: Mat4, opts: { timepoints?: number; marker?: Vec3 } = {}): Uint8Array {
  const n = dims[0] * dims[1] * dims[2];
  const t = opts.timepoints ?? 1;
  const all = new Int16Array(n * t);
  for (let v = 0; v < t; v++)
    for (let k = 0; k < dims[2]; k++)
      for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) all[v * n + (k * dims[1] + j) * dims[0] + i] = (i + j + k + 3 * v) % 50;
  if (opts.marker) all[(opts.marker[2] * dims[1] + opts.marker[1]) * dims[0] + opts.marker[0]] = MARKER_VALUE;
  const spacing = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c])) as Vec3;
  const first = encodeNifti1({ dims, spacing, data: all.subarray(0, n), affine });
  const out = new Uint8Array(352 + all.byteLength);
  out.set(first.subarray(0, 352));
  out.set(new Uint8Array(all.buffer), 352);
  if (t > 1) {
    const v = new DataView(out.buffer);
    v.setInt16(40, 4, true); // dim[0]
    v.setInt16(48, t, true); // dim[4]
  }
  return gzipSync(out);
}

/** A PIR-stored volume (i -> Posterior, j -> Inferior, k -> Right), as some sagittal NIfTI are. */
export function pirAffine(spacing: Vec3 = [1, 2, 3], origin: Vec3 = [40, -30, 20]): Mat4 {
  const [a, b, c] = spacing;
  // Columns in LPS: i -> +P (0,a,0), j -> -S (0,0,-b), k -> -L (-c,0,0).
  return [0, 0, -c, origin[0], a, 0, 0, origin[1], 0, -b, 0, origin[2], 0, 0, 0, 1];
}

/** An axial stack rotated `deg` about the patient's S axis (an oblique acquisition). */
export function obliqueDirections(deg: number): { rowDir: Vec3; colDir: Vec3 } {
  const r = (deg * Math.PI) / 180;
  return { rowDir: [Math.cos(r), Math.sin(r), 0], colDir: scale([-Math.sin(r), Math.cos(r), 0], 1) };
}

/** Every generated geometry case as project-relative files (tests write them into a project folder). */
export function geometryFixtureFiles(marker: Vec3 = [13, 2, 8]): { rel: string; bytes: Uint8Array }[] {
  return [
    ...syntheticSagittalSeries(marker).files.map((f) => ({ rel: `sagittal/${f.name}`, bytes: f.bytes })),
    { rel: 'projection/chest.dcm', bytes: syntheticProjection().bytes },
    ...syntheticStack({ rows: 24, columns: 24, slices: 3, rowDir: [1, 0, 0], colDir: [0, 1, 0], pixelSpacing: '0.2\\0\\0.2', sliceGap: 1, origin: [0, 0, 0] }).map((f) => ({ rel: `badspacing/${f.name}`, bytes: f.bytes })),
    { rel: 'dose/rtdose.dcm', bytes: syntheticRtDose().bytes },
    { rel: 'nifti/pir.nii.gz', bytes: syntheticNifti([20, 14, 9], pirAffine(), { marker: [3, 2, 7] }) },
    { rel: 'nifti/fmri4d.nii.gz', bytes: syntheticNifti([16, 16, 6], [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1], { timepoints: 5 }) },
    // A dynamic CT: 3 volumes × 6 slices at the same positions, told apart only by AcquisitionTime.
    ...syntheticCtSeries({ size: 32, slices: 6, spacing: 2, sliceThickness: 3, timepoints: 3, timeTag: 'acquisitionTime' }).map((f) => ({ rel: `dynamic/${f.name}`, bytes: f.bytes })),
  ];
}
