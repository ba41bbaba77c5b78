/**
 * DICOM Part 10 header reading on top of dicom-parser: the attributes an image viewer needs,
 * gathered into one plain object so the rest of the core never touches tag strings.
 */
import { inflateSync } from 'fflate';
import { dicomParser } from './dicom-parser-lib';
import type { DataSet } from 'dicom-parser';
import { MedicalFormatError, type Vec3 } from './types';

export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
  htj2kLossless: '1.2.840.10008.1.2.4.201',
  htj2kLosslessRpcl: '1.2.840.10008.1.2.4.202',
  htj2k: '1.2.840.10008.1.2.4.203',
  rle: '1.2.840.10008.1.2.5',
} as const;

export const SOP_CLASS = {
  mediaStorageDirectory: '1.2.840.10008.1.3.10',
  segmentation: '1.2.840.10008.5.1.4.1.1.66.4',
  ctImage: '1.2.840.10008.5.1.4.1.1.2',
} as const;

export interface PaletteLut {
  /** Lookup tables already scaled to 8 bits. */
  red: Uint8Array;
  green: Uint8Array;
  blue: Uint8Array;
  /** Stored value that maps to entry 0; values outside the table clamp to its ends. */
  firstMapped: number;
}

/** The image-related attributes of one DICOM file. Missing optional attributes stay undefined. */
export interface DicomImageInfo {
  file: string;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid?: string;
  modality: string;
  seriesDescription?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: number;
  samplesPerPixel: number;
  /** 0 interleaved (RGBRGB), 1 planar (RR..GG..BB..). */
  planarConfiguration: number;
  photometric: string;
  numberOfFrames: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
  /** Patient position of the first transmitted pixel of frame 0 (mm, LPS). */
  imagePosition?: Vec3;
  /** Direction cosines of a row (increasing column index) and of a column (increasing row index). */
  rowCosines?: Vec3;
  columnCosines?: Vec3;
  /** [between rows (y), between columns (x)] in mm, as DICOM orders it. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  /** Per-frame positions of enhanced multi-frame objects (Per-frame Functional Groups). */
  framePositions?: Vec3[];
  palette?: PaletteLut;
}

export interface ParsedDicom {
  info: DicomImageInfo;
  dataSet: DataSet;
  /** Parsed from the start of the file only (up to Pixel Data): pixels are read from the file. */
  headerOnly?: boolean;
}

/** dicom-parser throws strings or objects; turn them into a readable reason. */
function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'exception' in e) return String((e as { exception: unknown }).exception);
  return String(e);
}

/**
 * Deflated Explicit VR Little Endian: everything after the meta header is raw DEFLATE.
 * dicom-parser hands us the buffer and the offset and expects the inflated whole back.
 */
function inflateDeflatedDataSet(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateSync(bytes.subarray(position));
  const out = new Uint8Array(position + inflated.length);
  out.set(bytes.subarray(0, position));
  out.set(inflated, position);
  return out;
}

/** Parse the data set of a Part 10 file; throws MedicalFormatError naming the file. */
export function parseDataSet(bytes: Uint8Array, file: string, options: { headerOnly?: boolean } = {}): DataSet {
  try {
    // headerOnly: `bytes` is a prefix of the file that reaches at least the Pixel Data element's
    // header; parsing stops there (its dataOffset and length are file offsets), so a volume
    // reader can read the pixel bytes from the file straight into their place (series.ts).
    if (options.headerOnly) return dicomParser.parseDicom(bytes, { untilTag: TAG.pixelData });
    return dicomParser.parseDicom(bytes, { inflater: inflateDeflatedDataSet as never });
  } catch (e) {
    throw new MedicalFormatError(file, `not a readable DICOM Part 10 file (${reasonOf(e)})`);
  }
}

const numbers = (ds: DataSet, tag: string): number[] | undefined => {
  const s = ds.string(tag);
  if (s === undefined) return undefined;
  const values = s.split('\\').map((v) => Number.parseFloat(v));
  return values.every(Number.isFinite) ? values : undefined;
};

const firstNumber = (ds: DataSet, tag: string): number | undefined => numbers(ds, tag)?.[0];

/** Nested item lookup: the first item's data set of a sequence, if any. */
export function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** Sequence item data sets in order (empty when the sequence is absent). */
export function items(ds: DataSet | undefined, tag: string): DataSet[] {
  return (ds?.elements[tag]?.items ?? []).map((it) => it.dataSet).filter((d): d is DataSet => !!d);
}

export const TAG = {
  sharedFunctionalGroups: 'x52009229',
  perFrameFunctionalGroups: 'x52009230',
  planePositionSequence: 'x00209113',
  planeOrientationSequence: 'x00209116',
  pixelMeasuresSequence: 'x00289110',
  pixelValueTransformationSequence: 'x00289145',
  imagePositionPatient: 'x00200032',
  imageOrientationPatient: 'x00200037',
  pixelSpacing: 'x00280030',
  sliceThickness: 'x00180050',
  spacingBetweenSlices: 'x00180088',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  pixelData: 'x7fe00010',
} as const;

/**
 * An attribute may sit at the top level (classic images) or inside the shared functional
 * groups (enhanced multi-frame, SEG): look at the top level first, then in the named macro.
 */
function functionalGroupLookup(ds: DataSet, macroTag: string): DataSet | undefined {
  return firstItem(firstItem(ds, TAG.sharedFunctionalGroups), macroTag);
}

function readPalette(ds: DataSet): PaletteLut | undefined {
  const channels = ['1', '2', '3'].map((c) => {
    const descTag = `x0028110${c}`;
    const dataTag = `x0028120${c}`;
    const el = ds.elements[dataTag];
    if (!el || !ds.elements[descTag]) return undefined;
    const entriesRaw = ds.uint16(descTag, 0) ?? 0;
    const entries = entriesRaw === 0 ? 65536 : entriesRaw;
    // First-mapped is US or SS depending on pixel representation; the VR of the descriptor decides.
    const firstMapped = ds.elements[descTag].vr === 'SS' ? (ds.int16(descTag, 1) ?? 0) : (ds.uint16(descTag, 1) ?? 0);
    const bits = ds.uint16(descTag, 2) ?? 16;
    const lut = new Uint8Array(entries);
    // 8-bit tables are normally one entry per 16-bit word (low byte); some writers pack them as bytes.
    const packedBytes = bits === 8 && el.length === entries;
    const available = packedBytes ? entries : Math.min(entries, el.length >> 1);
    for (let i = 0; i < available; i++) {
      if (packedBytes) lut[i] = ds.byteArray[el.dataOffset + i];
      else {
        const word = ds.uint16(dataTag, i) ?? 0;
        lut[i] = bits === 8 ? word & 0xff : word >> 8;
      }
    }
    return { lut, firstMapped };
  });
  if (channels.some((c) => !c)) return undefined;
  const [r, g, b] = channels as { lut: Uint8Array; firstMapped: number }[];
  return { red: r.lut, green: g.lut, blue: b.lut, firstMapped: r.firstMapped };
}

function vec3(v: number[] | undefined): Vec3 | undefined {
  return v && v.length >= 3 ? [v[0], v[1], v[2]] : undefined;
}

/** Extract the image attributes of a parsed data set. */
export function readImageInfo(ds: DataSet, file: string): DicomImageInfo {
  const str = (tag: string) => ds.string(tag)?.trim();
  const orientationSource = ds.elements[TAG.imageOrientationPatient] ? ds : functionalGroupLookup(ds, TAG.planeOrientationSequence);
  const measuresSource = ds.elements[TAG.pixelSpacing] ? ds : functionalGroupLookup(ds, TAG.pixelMeasuresSequence);
  const rescaleSource = ds.elements[TAG.rescaleSlope] ? ds : functionalGroupLookup(ds, TAG.pixelValueTransformationSequence);
  const iop = orientationSource ? numbers(orientationSource, TAG.imageOrientationPatient) : undefined;
  const ps = measuresSource ? numbers(measuresSource, TAG.pixelSpacing) : undefined;

  const perFrame = items(ds, TAG.perFrameFunctionalGroups);
  const framePositions = perFrame
    .map((f) => vec3(numbers(firstItem(f, TAG.planePositionSequence) ?? f, TAG.imagePositionPatient)))
    .filter((p): p is Vec3 => !!p);

  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const info: DicomImageInfo = {
    file,
    transferSyntaxUid: str('x00020010') ?? TRANSFER_SYNTAX.implicitLittle,
    sopClassUid: str('x00080016') ?? str('x00020002') ?? '',
    sopInstanceUid: str('x00080018') ?? str('x00020003') ?? '',
    studyInstanceUid: str('x0020000d') ?? '',
    seriesInstanceUid: str('x0020000e') ?? '',
    frameOfReferenceUid: str('x00200052'),
    modality: str('x00080060') ?? 'OT',
    seriesDescription: str('x0008103e'),
    seriesNumber: ds.intString('x00200011'),
    instanceNumber: ds.intString('x00200013'),
    rows,
    columns,
    bitsAllocated,
    bitsStored: ds.uint16('x00280101') ?? bitsAllocated,
    highBit: ds.uint16('x00280102') ?? (ds.uint16('x00280101') ?? bitsAllocated) - 1,
    pixelRepresentation: ds.uint16('x00280103') ?? 0,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    photometric: str('x00280004') ?? 'MONOCHROME2',
    numberOfFrames: Math.max(1, ds.intString('x00280008') ?? 1),
    rescaleSlope: (rescaleSource && firstNumber(rescaleSource, TAG.rescaleSlope)) || 1,
    rescaleIntercept: (rescaleSource && firstNumber(rescaleSource, TAG.rescaleIntercept)) || 0,
    windowCenter: firstNumber(ds, 'x00281050'),
    windowWidth: firstNumber(ds, 'x00281051'),
    imagePosition: vec3(numbers(ds, TAG.imagePositionPatient)) ?? framePositions[0],
    rowCosines: iop && iop.length >= 6 ? [iop[0], iop[1], iop[2]] : undefined,
    columnCosines: iop && iop.length >= 6 ? [iop[3], iop[4], iop[5]] : undefined,
    pixelSpacing: ps && ps.length >= 2 ? [ps[0], ps[1]] : undefined,
    sliceThickness: measuresSource ? firstNumber(measuresSource, TAG.sliceThickness) : undefined,
    spacingBetweenSlices: (measuresSource && firstNumber(measuresSource, TAG.spacingBetweenSlices)) ?? firstNumber(ds, TAG.spacingBetweenSlices),
    framePositions: framePositions.length ? framePositions : undefined,
  };
  applyRtDoseGeometry(ds, info);
  if (info.photometric === 'PALETTE COLOR') info.palette = readPalette(ds);
  return info;
}

/**
 * RT Dose (PS3.3 C.8.8.3): stored values times DoseGridScaling are Gy (or relative dose), and the
 * frames of a multi-frame dose grid sit at GridFrameOffsetVector along the slice normal (offsets
 * relative to the first frame's ImagePositionPatient when the first offset is 0, else absolute
 * z for an axial grid). Without this, every frame would be 1 mm apart and the values unscaled.
 */
function applyRtDoseGeometry(ds: DataSet, info: DicomImageInfo): void {
  if (info.modality !== 'RTDOSE') return;
  const scaling = firstNumber(ds, 'x3004000e');
  if (scaling !== undefined && Number.isFinite(scaling) && scaling > 0) info.rescaleSlope *= scaling;
  const offsets = numbers(ds, 'x3004000c');
  const p0 = info.imagePosition;
  if (!info.framePositions && offsets && offsets.length === info.numberOfFrames && p0 && info.rowCosines && info.columnCosines) {
    const r = info.rowCosines;
    const c = info.columnCosines;
    const n: Vec3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
    const relative = offsets[0] === 0;
    info.framePositions = offsets.map((o) => {
      const d = relative ? o : o - p0[2];
      return [p0[0] + n[0] * d, p0[1] + n[1] * d, p0[2] + n[2] * d] as Vec3;
    });
  }
}

/** True for objects that carry no image of their own (DICOMDIR, SR, ...). */
export function hasPixelData(ds: DataSet): boolean {
  return !!ds.elements[TAG.pixelData];
}

/** Image attributes of an already parsed data set; non-image objects are rejected by name. */
export function imageFromDataSet(dataSet: DataSet, file: string): ParsedDicom {
  const info = readImageInfo(dataSet, file);
  if (info.sopClassUid === SOP_CLASS.mediaStorageDirectory) throw new MedicalFormatError(file, 'is a DICOMDIR (directory index), not an image');
  if (!hasPixelData(dataSet)) throw new MedicalFormatError(file, 'has no Pixel Data (7FE0,0010)');
  if (!info.rows || !info.columns || !info.bitsAllocated) throw new MedicalFormatError(file, 'missing Rows, Columns or Bits Allocated');
  return { info, dataSet };
}

/** Parse a Part 10 file and read its image attributes. */
export function parseDicomImage(bytes: Uint8Array, file: string): ParsedDicom {
  return imageFromDataSet(parseDataSet(bytes, file), file);
}
