/**
 * NIfTI-1 / NIfTI-2 (.nii, .nii.gz) -> Volume. Header parsing is nifti-reader-js; the
 * orientation is computed here so the rule is explicit: sform when sform_code > 0, else the
 * qform quaternion when qform_code > 0, else pixdim scaling (NIfTI "method 1").
 * NIfTI world space is RAS; the Volume affine is converted to LPS (see types.ts).
 */
import { gunzipSync } from 'fflate';
import * as nifti from 'nifti-reader-js';
import { flipLpsRas } from './affine';
import { MedicalFormatError, type Mat4, type Volume, type VoxelArray } from './types';
import { defaultWindow } from './window';

type NiftiHeader = ReturnType<typeof nifti.readHeader>;

export const NIFTI_TYPE = { uint8: 2, int16: 4, int32: 8, float32: 16, float64: 64, int8: 256, uint16: 512, uint32: 768 } as const;

/** Affine (RAS, row-major) from the quaternion fields, as in nifti1.h method 2. */
export function qformToAffine(h: Pick<NiftiHeader, 'quatern_b' | 'quatern_c' | 'quatern_d' | 'qoffset_x' | 'qoffset_y' | 'qoffset_z' | 'pixDims'>): Mat4 {
  const b = h.quatern_b;
  const c = h.quatern_c;
  const d = h.quatern_d;
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const qfac = h.pixDims[0] < 0 ? -1 : 1;
  const [dx, dy, dz] = [h.pixDims[1], h.pixDims[2], h.pixDims[3] * qfac];
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  return [
    r[0][0] * dx, r[0][1] * dy, r[0][2] * dz, h.qoffset_x,
    r[1][0] * dx, r[1][1] * dy, r[1][2] * dz, h.qoffset_y,
    r[2][0] * dx, r[2][1] * dy, r[2][2] * dz, h.qoffset_z,
    0, 0, 0, 1,
  ];
}

/** The RAS affine the header asks for, and which field it came from. */
export function niftiRasAffine(h: NiftiHeader): { affine: Mat4; from: 'sform' | 'qform' | 'pixdim' } {
  if (h.sform_code > 0) return { affine: [...h.affine[0], ...h.affine[1], ...h.affine[2], 0, 0, 0, 1], from: 'sform' };
  if (h.qform_code > 0) return { affine: qformToAffine(h), from: 'qform' };
  const [, dx, dy, dz] = h.pixDims;
  return { affine: [dx || 1, 0, 0, 0, 0, dy || 1, 0, 0, 0, 0, dz || 1, 0, 0, 0, 0, 1], from: 'pixdim' };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Typed view of the raw voxels in file byte order fixed to the platform's (little endian). */
function rawVoxels(h: NiftiHeader, image: ArrayBuffer, count: number): ArrayLike<number> {
  const bytesPer = h.numBitsPerVoxel >> 3;
  const needed = count * bytesPer;
  if (image.byteLength < needed) throw new Error(`image data holds ${image.byteLength} bytes, header needs ${needed}`);
  const buf = image.slice(0, needed);
  if (!h.littleEndian && bytesPer > 1) {
    const u8 = new Uint8Array(buf);
    for (let i = 0; i < needed; i += bytesPer) u8.subarray(i, i + bytesPer).reverse();
  }
  switch (h.datatypeCode) {
    case NIFTI_TYPE.uint8: return new Uint8Array(buf);
    case NIFTI_TYPE.int8: return new Int8Array(buf);
    case NIFTI_TYPE.int16: return new Int16Array(buf);
    case NIFTI_TYPE.uint16: return new Uint16Array(buf);
    case NIFTI_TYPE.int32: return new Int32Array(buf);
    case NIFTI_TYPE.uint32: return new Uint32Array(buf);
    case NIFTI_TYPE.float32: return new Float32Array(buf);
    case NIFTI_TYPE.float64: return new Float64Array(buf);
    default:
      throw new Error(`datatype ${h.datatypeCode} (${h.getDatatypeCodeString(h.datatypeCode)}) is not supported`);
  }
}

/**
 * Keep small integer types exact (uint8 -> Uint8Array, int8/int16 -> Int16Array); everything
 * else, or any non-identity scl_slope/scl_inter, becomes Float32Array.
 */
function toVoxelArray(h: NiftiHeader, raw: ArrayLike<number>): VoxelArray {
  const slope = Number.isFinite(h.scl_slope) && h.scl_slope !== 0 ? h.scl_slope : 1;
  const inter = Number.isFinite(h.scl_inter) ? h.scl_inter : 0;
  const identity = slope === 1 && inter === 0;
  if (identity && raw instanceof Uint8Array) return raw;
  if (identity && (raw instanceof Int16Array || raw instanceof Int8Array)) return raw instanceof Int16Array ? raw : Int16Array.from(raw);
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i] * slope + inter;
  return out;
}

export interface NiftiVolume extends Volume {
  affineSource: 'sform' | 'qform' | 'pixdim';
  /** Volumes along the 4th dimension (time, diffusion directions, ...); 1 for 3D files. */
  timepoints: number;
  /** With `allVolumes`: every volume, contiguous (volume t at t * nx*ny*nz); `data` is volume 0 in it. */
  timeData?: VoxelArray;
}

/**
 * Read a .nii or .nii.gz file. `data` is the first 3D volume; with `{ allVolumes: true }` the
 * volumes of a 4D file are all decoded into `timeData` (`data` is then a view of its first volume).
 */
export function readNifti(bytes: Uint8Array, file: string, options: { allVolumes?: boolean } = {}): NiftiVolume {
  try {
    const plain = isGzip(bytes) ? gunzipSync(bytes) : bytes;
    const buffer = plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength) as ArrayBuffer;
    if (!nifti.isNIFTI(buffer)) throw new Error('no NIfTI-1/2 magic ("n+1"/"n+2") in the header');
    const h = nifti.readHeader(buffer);
    const [ndim, nx, ny, nz] = h.dims;
    if (ndim < 2 || nx < 1 || ny < 1) throw new Error(`invalid dims ${h.dims.slice(0, ndim + 1).join(',')}`);
    const dims: [number, number, number] = [nx, ny, ndim >= 3 ? Math.max(1, nz) : 1];
    if (h.datatypeCode === 128) throw new Error('RGB24 NIfTI is not supported');
    const timepoints = ndim >= 4 ? Math.max(1, h.dims[4]) : 1;
    const perVolume = dims[0] * dims[1] * dims[2];
    const count = options.allVolumes ? perVolume * timepoints : perVolume;
    const raw = rawVoxels(h, nifti.readImage(h, buffer), count);
    const all = toVoxelArray(h, raw);
    const data = count === perVolume ? all : (all.subarray(0, perVolume) as VoxelArray);
    const { affine, from } = niftiRasAffine(h);
    const lps = flipLpsRas(affine);
    const spacing: [number, number, number] = [0, 1, 2].map((c) => Math.hypot(lps[c], lps[4 + c], lps[8 + c]) || 1) as [number, number, number];
    const volume: NiftiVolume = { dims, spacing, data, channels: 1 as const, affine: lps, modality: 'OT', window: { center: 0, width: 1 }, affineSource: from, timepoints };
    if (count !== perVolume) volume.timeData = all;
    // NIfTI has no modality field (so 'OT', DICOM's "other"); cal_min/cal_max, when set, are the intended display range.
    volume.window = h.cal_max > h.cal_min ? { center: (h.cal_max + h.cal_min) / 2, width: h.cal_max - h.cal_min } : defaultWindow(volume);
    return volume;
  } catch (e) {
    if (e instanceof MedicalFormatError) throw e;
    throw new MedicalFormatError(file, `cannot read NIfTI (${e instanceof Error ? e.message : String(e)})`);
  }
}
