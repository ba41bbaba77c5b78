/**
 * Shared types of the medical imaging core.
 *
 * Coordinate convention (see docs/medical.md): every `Volume.affine` maps a voxel index
 * (i, j, k, 1) to DICOM patient coordinates in millimetres, LPS (+x = patient Left,
 * +y = Posterior, +z = Superior). NIfTI (RAS) affines are converted on read and back on write.
 * Matrices are row-major arrays of 16 numbers.
 */

export type Vec3 = [number, number, number];
/** Row-major 4x4 matrix: m[r * 4 + c]. */
export type Mat4 = number[];

/** Voxel storage chosen to fit the rescaled values without loss (Float32 only when needed). */
export type VoxelArray = Int16Array | Float32Array | Uint8Array;

export interface WindowLevel {
  center: number;
  width: number;
}

export interface Volume {
  /** [x, y, z] = [columns, rows, slices]; voxel (i,j,k) lives at data[(k*ny + j)*nx + i] (times channels). */
  dims: Vec3;
  /** Millimetres between voxel centres along i, j, k. */
  spacing: Vec3;
  /** Rescaled (modality) values, e.g. Hounsfield units for CT. */
  data: VoxelArray;
  /** 1 for grey images; 3 for RGB stored interleaved in a Uint8Array. */
  channels: 1 | 3;
  /** Voxel index -> LPS millimetres. */
  affine: Mat4;
  modality: string;
  /** Default display window in the units of `data`. */
  window: WindowLevel;
  /** MONOCHROME1 sources: low values are bright, so displays invert by default. */
  invertDisplay?: boolean;
  /** For DICOM sources: the SOPInstanceUID of each slice k (used to map SEG frames). */
  sliceUids?: string[];
  /** For DICOM sources: the ImagePositionPatient of each slice k (exact even when spacing is irregular). */
  slicePositions?: Vec3[];
  /** DICOM identity of the source, kept so exports can reference it. */
  source?: VolumeSource;
}

export interface VolumeSource {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  frameOfReferenceUid?: string;
  sopClassUid?: string;
  /** Patient/study attributes copied to derived objects (de-identified on export when asked). */
  patient?: Record<string, string>;
}

/** A problem with one input file; the rest of the input still opens. */
export interface FileError {
  file: string;
  message: string;
}

/** Thrown for unsupported or corrupt input; the message always names the file. */
export class MedicalFormatError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'MedicalFormatError';
  }
}
