/** Public API of the medical imaging core (pure: no DOM, no Node APIs). */
export type { FileError, Mat4, Vec3, Volume, VolumeSource, VoxelArray, WindowLevel } from './types';
export { MedicalFormatError } from './types';
export { flipLpsRas, invert, transformPoint } from './affine';
export { parseDicomImage, readImageInfo, TRANSFER_SYNTAX, SOP_CLASS, type DicomImageInfo, type ParsedDicom } from './dicom';
export { decodeFrame, type DecodedFrame, type StoredPixels } from './pixel-data';
export { setCodecWasmLocator } from './codecs';
export { groupDicomFiles, buildVolume, loadDicomVolume, rescaledFrame, sortSlices, sliceCount, type DicomInput, type DicomSeries, type DicomStack, type DicomStudy, type GroupedDicom, type VolumeResult } from './series';
export { readNifti } from './nifti';
export { writeNiftiGz, writeLabelmapNifti, encodeNifti1, type NiftiWriteInput } from './nifti-writer';
export { extractSlice, extractArraySlice, windowedSlice, sliceGeometry, sliceToVoxel, distanceMm, type Orientation, type Slice, type SliceGeometry } from './slicing';
export { applyWindow, defaultWindow, WINDOW_PRESETS, type WindowPresetName } from './window';
export { createLabelmap, paintDisc, fillPolygon, thresholdFill, interpolateSegment, segmentVolumeMl, segmentVolumesMl, type Labelmap, type SlicePlane } from './segmentation';
export { readDicomSeg, writeDicomSeg, masksToLabelmap, type SegImport, type SegmentInfo, type SegExportOptions } from './seg';
export { deidentifyElements, deidentifyPart10, BASIC_PROFILE } from './deidentify';
export { writePart10, newUid, el, type DicomElement } from './dicom-writer';
export { syntheticCtSeries } from './synthetic';
