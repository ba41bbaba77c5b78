/**
 * `datum inspect` for medical inputs: a DICOM file, a folder of DICOM files (any depth, a
 * DICOMDIR is skipped), or a NIfTI file. Returns plain JSON; bad files are listed, not fatal,
 * unless nothing readable remains.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { readNifti } from '../../../core/medical/nifti';
import { buildVolume, groupDicomFiles, sliceCount, type DicomInput } from '../../../core/medical/series';
import { MedicalFormatError, type FileError, type Vec3 } from '../../../core/medical/types';
import { registerHostCodecs } from '../medicalCodecs';

// 12-bit JPEG and other host-only decoders for core/medical (see medicalCodecs.ts).
registerHostCodecs();

export interface MedicalSeriesSummary {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  description?: string;
  /** Slices of the largest geometrically consistent stack. */
  slices: number;
  /** [columns, rows, slices] of that stack. */
  dimensions: Vec3;
  files: number;
  /** More than one when the series mixes orientations or sizes (e.g. localisers). */
  stacks: number;
}

export interface MedicalInspection {
  format: 'dicom' | 'nifti';
  modality: string;
  dimensions: Vec3;
  spacing: Vec3;
  slices: number;
  /** Voxel index -> LPS mm, row-major. */
  affine: number[];
  window: { center: number; width: number };
  series?: MedicalSeriesSummary[];
  errors?: FileError[];
  warnings?: string[];
  skipped?: FileError[];
}

const isNiftiName = (p: string) => /\.nii(\.gz)?$/i.test(p);

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

async function inspectNifti(path: string): Promise<MedicalInspection> {
  const v = readNifti(new Uint8Array(await readFile(path)), basename(path));
  return { format: 'nifti', modality: v.modality, dimensions: v.dims, spacing: v.spacing, slices: v.dims[2], affine: v.affine, window: v.window };
}

async function inspectDicom(inputs: DicomInput[], label: string): Promise<MedicalInspection> {
  const grouped = groupDicomFiles(inputs);
  const seriesList = grouped.studies.flatMap((s) => s.series);
  if (seriesList.length === 0) {
    const first = grouped.errors[0];
    throw new MedicalFormatError(first?.file ?? label, first ? first.message : 'no DICOM images found');
  }
  const series: MedicalSeriesSummary[] = seriesList.map((s) => {
    const main = s.stacks[0];
    return {
      studyInstanceUid: s.studyInstanceUid,
      seriesInstanceUid: s.seriesInstanceUid,
      modality: s.modality,
      description: s.description,
      slices: sliceCount(main),
      dimensions: [main.columns, main.rows, sliceCount(main)],
      files: s.stacks.reduce((n, st) => n + st.images.length, 0),
      stacks: s.stacks.length,
    };
  });
  // Decode the largest stack fully: that is what a viewer opens, and it surfaces corrupt pixel data.
  const best = seriesList.flatMap((s) => s.stacks).reduce((a, b) => (sliceCount(b) > sliceCount(a) ? b : a));
  const { volume, errors, warnings } = await buildVolume(best);
  const allErrors = [...grouped.errors, ...errors];
  return {
    format: 'dicom',
    modality: volume.modality,
    dimensions: volume.dims,
    spacing: volume.spacing,
    slices: volume.dims[2],
    affine: volume.affine,
    window: volume.window,
    series,
    ...(allErrors.length ? { errors: allErrors } : {}),
    ...(warnings.length ? { warnings } : {}),
    ...(grouped.skipped.length ? { skipped: grouped.skipped } : {}),
  };
}

/** Inspect a DICOM file, a DICOM folder or a NIfTI file. Throws MedicalFormatError when nothing is readable. */
export async function inspectMedical(path: string): Promise<MedicalInspection> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const files = await listFiles(path);
    const inputs = await Promise.all(files.map(async (f) => ({ name: relative(path, f), bytes: new Uint8Array(await readFile(f)) })));
    return inspectDicom(inputs, path);
  }
  if (isNiftiName(path)) return inspectNifti(path);
  return inspectDicom([{ name: basename(path), bytes: new Uint8Array(await readFile(path)) }], path);
}
