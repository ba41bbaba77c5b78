/**
 * NIfTI-1 writer (single file, gzip-compressed): a 348-byte header, 4 bytes of empty
 * extension flag, then voxels at offset 352. The orientation goes in sform (code 2, aligned
 * anatomy) converted from the Volume's LPS affine back to RAS; qform_code stays 0 because a
 * general affine (with shear) has no exact quaternion.
 */
import { gzipSync } from 'fflate';
import { flipLpsRas } from './affine';
import type { Mat4, Vec3, VoxelArray } from './types';
import { NIFTI_TYPE } from './nifti';

const HEADER_SIZE = 348;
const VOX_OFFSET = 352;

function datatypeOf(data: VoxelArray): { code: number; bits: number } {
  if (data instanceof Uint8Array) return { code: NIFTI_TYPE.uint8, bits: 8 };
  if (data instanceof Int16Array) return { code: NIFTI_TYPE.int16, bits: 16 };
  return { code: NIFTI_TYPE.float32, bits: 32 };
}

export interface NiftiWriteInput {
  dims: Vec3;
  spacing: Vec3;
  data: VoxelArray;
  /** LPS affine, as on Volume. */
  affine: Mat4;
  description?: string;
  /** NIFTI_INTENT_LABEL (1002) for label maps. */
  intentCode?: number;
}

/** Uncompressed .nii bytes. */
export function encodeNifti1(input: NiftiWriteInput): Uint8Array {
  const { code, bits } = datatypeOf(input.data);
  const voxels = input.dims[0] * input.dims[1] * input.dims[2];
  if (input.data.length !== voxels) throw new Error(`data has ${input.data.length} voxels, dims need ${voxels}`);
  const out = new Uint8Array(VOX_OFFSET + voxels * (bits >> 3));
  const v = new DataView(out.buffer);
  v.setInt32(0, HEADER_SIZE, true);
  v.setInt16(40, 3, true); // dim[0]
  input.dims.forEach((d, i) => v.setInt16(42 + 2 * i, d, true));
  for (let i = 4; i < 8; i++) v.setInt16(40 + 2 * i, 1, true); // dim[4..7] = 1
  v.setInt16(68, input.intentCode ?? 0, true);
  v.setInt16(70, code, true);
  v.setInt16(72, bits, true);
  v.setFloat32(76, 1, true); // pixdim[0] = qfac
  input.spacing.forEach((s, i) => v.setFloat32(80 + 4 * i, s, true));
  v.setFloat32(108, VOX_OFFSET, true);
  v.setFloat32(112, 1, true); // scl_slope
  v.setFloat32(116, 0, true); // scl_inter
  out[123] = 2 | 8; // xyzt_units: mm, seconds
  const description = new TextEncoder().encode((input.description ?? 'Datum export').slice(0, 79));
  out.set(description, 148);
  v.setInt16(252, 0, true); // qform_code
  v.setInt16(254, 2, true); // sform_code: aligned anatomy
  const ras = flipLpsRas(input.affine);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) v.setFloat32(280 + r * 16 + c * 4, ras[r * 4 + c], true);
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  // bytes 348..351: extension flag = 0 (already zero)
  out.set(new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength), VOX_OFFSET);
  return out;
}

/** .nii.gz bytes. */
export function writeNiftiGz(input: NiftiWriteInput): Uint8Array {
  return gzipSync(encodeNifti1(input), { level: 6 });
}

/** NIFTI_INTENT_LABEL: voxel values are label indices. */
export const NIFTI_INTENT_LABEL = 1002;

/** Export a label map (Uint8, 0 = background) with the source volume's affine, as .nii.gz. */
export function writeLabelmapNifti(map: { dims: Vec3; spacing: Vec3; data: Uint8Array }, source: { affine: Mat4 }, description = 'Datum label map'): Uint8Array {
  return writeNiftiGz({ dims: map.dims, spacing: map.spacing, data: map.data, affine: source.affine, intentCode: NIFTI_INTENT_LABEL, description });
}
