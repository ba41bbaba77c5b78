/**
 * The Type 1 and Type 2 attributes of the Segmentation IOD (DICOM PS3.3 A.51), module by module,
 * typed in from the standard's module tables (C.7.1.1, C.7.2.1, C.7.3.1, C.8.20.1, C.7.4.1,
 * C.7.5.1, C.7.5.2, C.7.6.1, C.7.6.3, C.8.20.2 with the Content Identification macro C.10.9,
 * C.7.6.16 with the SEG functional group macros of A.51.5, C.7.6.17, C.12.2, C.12.1), NOT from
 * Datum's writer. Conditional (1C/2C) attributes are listed only where their condition always
 * holds for a SEG derived from a DICOM image series (Frame of Reference, Common Instance
 * Reference, Derivation Image, Plane Position/Orientation, Pixel Measures, Dimension Index Values
 * since a Dimension Index Sequence is present). Type 3 attributes are not listed.
 *
 * `in`: the path of sequences (keywords) whose every item must hold the attribute; absent means
 * the top level of the data set.
 */
export interface IodAttribute {
  module: string;
  tag: string; // dicom-parser style, 'xggggeeee'
  keyword: string;
  type: '1' | '2' | '1C' | '2C';
  in?: string[];
}

const SEGMENT_SEQ = ['SegmentSequence'];
const PER_FRAME = ['PerFrameFunctionalGroupsSequence'];
const SHARED = ['SharedFunctionalGroupsSequence'];

export const SEQUENCE_TAGS: Record<string, string> = {
  SegmentSequence: 'x00620002',
  PerFrameFunctionalGroupsSequence: 'x52009230',
  SharedFunctionalGroupsSequence: 'x52009229',
  DimensionOrganizationSequence: 'x00209221',
  DimensionIndexSequence: 'x00209222',
  ReferencedSeriesSequence: 'x00081115',
  ReferencedInstanceSequence: 'x0008114a',
  FrameContentSequence: 'x00209111',
  PlanePositionSequence: 'x00209113',
  PlaneOrientationSequence: 'x00209116',
  PixelMeasuresSequence: 'x00289110',
  SegmentIdentificationSequence: 'x0062000a',
  DerivationImageSequence: 'x00089124',
  SourceImageSequence: 'x00082112',
  SegmentedPropertyCategoryCodeSequence: 'x00620003',
  SegmentedPropertyTypeCodeSequence: 'x0062000f',
};

export const SEG_IOD: IodAttribute[] = [
  // Patient Module (C.7.1.1)
  { module: 'Patient', tag: 'x00100010', keyword: 'PatientName', type: '2' },
  { module: 'Patient', tag: 'x00100020', keyword: 'PatientID', type: '2' },
  { module: 'Patient', tag: 'x00100030', keyword: 'PatientBirthDate', type: '2' },
  { module: 'Patient', tag: 'x00100040', keyword: 'PatientSex', type: '2' },
  // General Study Module (C.7.2.1)
  { module: 'General Study', tag: 'x0020000d', keyword: 'StudyInstanceUID', type: '1' },
  { module: 'General Study', tag: 'x00080020', keyword: 'StudyDate', type: '2' },
  { module: 'General Study', tag: 'x00080030', keyword: 'StudyTime', type: '2' },
  { module: 'General Study', tag: 'x00080090', keyword: 'ReferringPhysicianName', type: '2' },
  { module: 'General Study', tag: 'x00200010', keyword: 'StudyID', type: '2' },
  { module: 'General Study', tag: 'x00080050', keyword: 'AccessionNumber', type: '2' },
  // General Series Module (C.7.3.1)
  { module: 'General Series', tag: 'x00080060', keyword: 'Modality', type: '1' },
  { module: 'General Series', tag: 'x0020000e', keyword: 'SeriesInstanceUID', type: '1' },
  { module: 'General Series', tag: 'x00200011', keyword: 'SeriesNumber', type: '2' },
  // Segmentation Series Module (C.8.20.1): Modality SEG, Series Number Type 1
  { module: 'Segmentation Series', tag: 'x00080060', keyword: 'Modality', type: '1' },
  { module: 'Segmentation Series', tag: 'x00200011', keyword: 'SeriesNumber', type: '1' },
  // Frame of Reference Module (C.7.4.1): the source images have one
  { module: 'Frame of Reference', tag: 'x00200052', keyword: 'FrameOfReferenceUID', type: '1' },
  { module: 'Frame of Reference', tag: 'x00201040', keyword: 'PositionReferenceIndicator', type: '2' },
  // General Equipment Module (C.7.5.1)
  { module: 'General Equipment', tag: 'x00080070', keyword: 'Manufacturer', type: '2' },
  // Enhanced General Equipment Module (C.7.5.2)
  { module: 'Enhanced General Equipment', tag: 'x00080070', keyword: 'Manufacturer', type: '1' },
  { module: 'Enhanced General Equipment', tag: 'x00081090', keyword: 'ManufacturerModelName', type: '1' },
  { module: 'Enhanced General Equipment', tag: 'x00181000', keyword: 'DeviceSerialNumber', type: '1' },
  { module: 'Enhanced General Equipment', tag: 'x00181020', keyword: 'SoftwareVersions', type: '1' },
  // General Image Module (C.7.6.1)
  { module: 'General Image', tag: 'x00200013', keyword: 'InstanceNumber', type: '2' },
  // Image Pixel Module (C.7.6.3)
  { module: 'Image Pixel', tag: 'x00280002', keyword: 'SamplesPerPixel', type: '1' },
  { module: 'Image Pixel', tag: 'x00280004', keyword: 'PhotometricInterpretation', type: '1' },
  { module: 'Image Pixel', tag: 'x00280010', keyword: 'Rows', type: '1' },
  { module: 'Image Pixel', tag: 'x00280011', keyword: 'Columns', type: '1' },
  { module: 'Image Pixel', tag: 'x00280100', keyword: 'BitsAllocated', type: '1' },
  { module: 'Image Pixel', tag: 'x00280101', keyword: 'BitsStored', type: '1' },
  { module: 'Image Pixel', tag: 'x00280102', keyword: 'HighBit', type: '1' },
  { module: 'Image Pixel', tag: 'x00280103', keyword: 'PixelRepresentation', type: '1' },
  { module: 'Image Pixel', tag: 'x7fe00010', keyword: 'PixelData', type: '1C' },
  // Segmentation Image Module (C.8.20.2) with the Content Identification Macro (C.10.9)
  { module: 'Segmentation Image', tag: 'x00080008', keyword: 'ImageType', type: '1' },
  { module: 'Segmentation Image', tag: 'x00200013', keyword: 'InstanceNumber', type: '1' },
  { module: 'Segmentation Image', tag: 'x00700080', keyword: 'ContentLabel', type: '1' },
  { module: 'Segmentation Image', tag: 'x00700081', keyword: 'ContentDescription', type: '2' },
  { module: 'Segmentation Image', tag: 'x00700084', keyword: 'ContentCreatorName', type: '2' },
  { module: 'Segmentation Image', tag: 'x00282110', keyword: 'LossyImageCompression', type: '1' },
  { module: 'Segmentation Image', tag: 'x00620001', keyword: 'SegmentationType', type: '1' },
  { module: 'Segmentation Image', tag: 'x00620002', keyword: 'SegmentSequence', type: '1' },
  { module: 'Segmentation Image', tag: 'x00620004', keyword: 'SegmentNumber', type: '1', in: SEGMENT_SEQ },
  { module: 'Segmentation Image', tag: 'x00620005', keyword: 'SegmentLabel', type: '1', in: SEGMENT_SEQ },
  { module: 'Segmentation Image', tag: 'x00620008', keyword: 'SegmentAlgorithmType', type: '1', in: SEGMENT_SEQ },
  { module: 'Segmentation Image', tag: 'x00620003', keyword: 'SegmentedPropertyCategoryCodeSequence', type: '1', in: SEGMENT_SEQ },
  { module: 'Segmentation Image', tag: 'x0062000f', keyword: 'SegmentedPropertyTypeCodeSequence', type: '1', in: SEGMENT_SEQ },
  { module: 'Segmentation Image', tag: 'x00080100', keyword: 'CodeValue', type: '1C', in: [...SEGMENT_SEQ, 'SegmentedPropertyCategoryCodeSequence'] },
  { module: 'Segmentation Image', tag: 'x00080102', keyword: 'CodingSchemeDesignator', type: '1C', in: [...SEGMENT_SEQ, 'SegmentedPropertyCategoryCodeSequence'] },
  { module: 'Segmentation Image', tag: 'x00080104', keyword: 'CodeMeaning', type: '1', in: [...SEGMENT_SEQ, 'SegmentedPropertyCategoryCodeSequence'] },
  { module: 'Segmentation Image', tag: 'x00080100', keyword: 'CodeValue', type: '1C', in: [...SEGMENT_SEQ, 'SegmentedPropertyTypeCodeSequence'] },
  { module: 'Segmentation Image', tag: 'x00080102', keyword: 'CodingSchemeDesignator', type: '1C', in: [...SEGMENT_SEQ, 'SegmentedPropertyTypeCodeSequence'] },
  { module: 'Segmentation Image', tag: 'x00080104', keyword: 'CodeMeaning', type: '1', in: [...SEGMENT_SEQ, 'SegmentedPropertyTypeCodeSequence'] },
  // Multi-frame Functional Groups Module (C.7.6.16)
  { module: 'Multi-frame Functional Groups', tag: 'x52009229', keyword: 'SharedFunctionalGroupsSequence', type: '2' },
  { module: 'Multi-frame Functional Groups', tag: 'x52009230', keyword: 'PerFrameFunctionalGroupsSequence', type: '1' },
  { module: 'Multi-frame Functional Groups', tag: 'x00200013', keyword: 'InstanceNumber', type: '1' },
  { module: 'Multi-frame Functional Groups', tag: 'x00080023', keyword: 'ContentDate', type: '1' },
  { module: 'Multi-frame Functional Groups', tag: 'x00080033', keyword: 'ContentTime', type: '1' },
  { module: 'Multi-frame Functional Groups', tag: 'x00280008', keyword: 'NumberOfFrames', type: '1' },
  //   SEG functional group macros (A.51.5): Frame Content (M, per frame), Segmentation (M, per
  //   frame), Derivation Image / Plane Position (per frame, derived from a positioned series),
  //   Plane Orientation and Pixel Measures (shared here)
  { module: 'Multi-frame Functional Groups', tag: 'x00209111', keyword: 'FrameContentSequence', type: '1', in: PER_FRAME },
  { module: 'Multi-frame Functional Groups', tag: 'x00209157', keyword: 'DimensionIndexValues', type: '1C', in: [...PER_FRAME, 'FrameContentSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x0062000a', keyword: 'SegmentIdentificationSequence', type: '1', in: PER_FRAME },
  { module: 'Multi-frame Functional Groups', tag: 'x0062000b', keyword: 'ReferencedSegmentNumber', type: '1', in: [...PER_FRAME, 'SegmentIdentificationSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x00089124', keyword: 'DerivationImageSequence', type: '2C', in: PER_FRAME },
  { module: 'Multi-frame Functional Groups', tag: 'x00082112', keyword: 'SourceImageSequence', type: '2C', in: [...PER_FRAME, 'DerivationImageSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x00081150', keyword: 'ReferencedSOPClassUID', type: '1', in: [...PER_FRAME, 'DerivationImageSequence', 'SourceImageSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x00081155', keyword: 'ReferencedSOPInstanceUID', type: '1', in: [...PER_FRAME, 'DerivationImageSequence', 'SourceImageSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x00209113', keyword: 'PlanePositionSequence', type: '1C', in: PER_FRAME },
  { module: 'Multi-frame Functional Groups', tag: 'x00200032', keyword: 'ImagePositionPatient', type: '1', in: [...PER_FRAME, 'PlanePositionSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x00209116', keyword: 'PlaneOrientationSequence', type: '1C', in: SHARED },
  { module: 'Multi-frame Functional Groups', tag: 'x00200037', keyword: 'ImageOrientationPatient', type: '1', in: [...SHARED, 'PlaneOrientationSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x00289110', keyword: 'PixelMeasuresSequence', type: '1C', in: SHARED },
  { module: 'Multi-frame Functional Groups', tag: 'x00280030', keyword: 'PixelSpacing', type: '1C', in: [...SHARED, 'PixelMeasuresSequence'] },
  { module: 'Multi-frame Functional Groups', tag: 'x00180050', keyword: 'SliceThickness', type: '1C', in: [...SHARED, 'PixelMeasuresSequence'] },
  // Multi-frame Dimension Module (C.7.6.17)
  { module: 'Multi-frame Dimension', tag: 'x00209221', keyword: 'DimensionOrganizationSequence', type: '1' },
  { module: 'Multi-frame Dimension', tag: 'x00209164', keyword: 'DimensionOrganizationUID', type: '1', in: ['DimensionOrganizationSequence'] },
  { module: 'Multi-frame Dimension', tag: 'x00209222', keyword: 'DimensionIndexSequence', type: '1' },
  { module: 'Multi-frame Dimension', tag: 'x00209165', keyword: 'DimensionIndexPointer', type: '1', in: ['DimensionIndexSequence'] },
  { module: 'Multi-frame Dimension', tag: 'x00209167', keyword: 'FunctionalGroupPointer', type: '1C', in: ['DimensionIndexSequence'] },
  { module: 'Multi-frame Dimension', tag: 'x00209164', keyword: 'DimensionOrganizationUID', type: '1C', in: ['DimensionIndexSequence'] },
  // Common Instance Reference Module (C.12.2): the SEG references the source instances
  { module: 'Common Instance Reference', tag: 'x00081115', keyword: 'ReferencedSeriesSequence', type: '1C' },
  { module: 'Common Instance Reference', tag: 'x0020000e', keyword: 'SeriesInstanceUID', type: '1', in: ['ReferencedSeriesSequence'] },
  { module: 'Common Instance Reference', tag: 'x0008114a', keyword: 'ReferencedInstanceSequence', type: '1', in: ['ReferencedSeriesSequence'] },
  { module: 'Common Instance Reference', tag: 'x00081150', keyword: 'ReferencedSOPClassUID', type: '1', in: ['ReferencedSeriesSequence', 'ReferencedInstanceSequence'] },
  { module: 'Common Instance Reference', tag: 'x00081155', keyword: 'ReferencedSOPInstanceUID', type: '1', in: ['ReferencedSeriesSequence', 'ReferencedInstanceSequence'] },
  // SOP Common Module (C.12.1)
  { module: 'SOP Common', tag: 'x00080016', keyword: 'SOPClassUID', type: '1' },
  { module: 'SOP Common', tag: 'x00080018', keyword: 'SOPInstanceUID', type: '1' },
];
