import type { Modality } from '../../preload/contract';

const BY_EXTENSION: Record<string, Modality> = {
  jpg: 'image',
  jpeg: 'image',
  png: 'image',
  webp: 'image',
  bmp: 'image',
  tif: 'image',
  tiff: 'image',
  mp4: 'video',
  webm: 'video',
  pcd: 'pointcloud',
  bin: 'pointcloud',
  ply: 'pointcloud',
  las: 'pointcloud',
  laz: 'pointcloud',
  dcm: 'dicom',
  nii: 'nifti',
};

/** Modality of a file from its name alone (indexing 100k files cannot afford to open them). */
export function modalityOf(fileName: string): Modality | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.nii.gz')) return 'nifti';
  const dot = lower.lastIndexOf('.');
  if (dot < 0) return null;
  return BY_EXTENSION[lower.slice(dot + 1)] ?? null;
}
