/**
 * DICOM Segmentation (SEG) import and export, binary segmentations only.
 *
 * Import maps every SEG frame to a slice of the referenced image volume: first through
 * Derivation Image / Source Image -> ReferencedSOPInstanceUID (exact), otherwise through the
 * frame's ImagePositionPatient, projected on the volume's slice normal to the nearest slice.
 * Segments may overlap, so each one gets its own mask.
 */
import { column, cross, dot, norm, scale, sub, transformPoint } from './affine';
import { firstItem, items, parseDicomImage, SOP_CLASS } from './dicom';
import { el, newUid, writePart10, type DicomElement, type DicomItem } from './dicom-writer';
import { applyConfidentialityProfile } from './confidentiality';
import { decodeFrame } from './pixel-data';
import { PATIENT_STUDY_TAGS } from './series';
import type { Labelmap } from './segmentation';
import { MedicalFormatError, type Vec3, type Volume } from './types';

export interface SegmentInfo {
  number: number;
  label: string;
  /** Recommended display colour as sRGB 0-255 (converted from CIELab when read). */
  color?: [number, number, number];
  algorithmType?: string;
}

export interface SegImport {
  segmentationType: string;
  segments: SegmentInfo[];
  /** Per segment number: a 0/1 mask with the reference volume's dims. */
  masks: Map<number, Uint8Array>;
  /** For each SEG frame, the volume slice k it landed on (-1 when it matched none). */
  frameSlices: number[];
  referencedSeriesInstanceUid?: string;
  warnings: string[];
}

/** Software Versions (0018,1020) of the SEG's equipment; bump with the writer's behaviour. */
export const DATUM_SOFTWARE_VERSION = 'datum-seg-2';

const TAGS = {
  segmentSequence: 'x00620002',
  segmentNumber: 'x00620004',
  segmentLabel: 'x00620005',
  segmentAlgorithmType: 'x00620008',
  recommendedCieLab: 'x0062000d',
  segmentIdentification: 'x0062000a',
  referencedSegmentNumber: 'x0062000b',
  derivationImage: 'x00089124',
  sourceImage: 'x00082112',
  referencedSopInstanceUid: 'x00081155',
  referencedSeries: 'x00081115',
  planePosition: 'x00209113',
  imagePosition: 'x00200032',
} as const;

/** CIELab (DICOM scaled 0..65535) -> sRGB 0..255, D65. */
export function dicomLabToRgb(lab: [number, number, number]): [number, number, number] {
  const L = (lab[0] / 65535) * 100;
  const a = (lab[1] / 65535) * 255 - 128;
  const b = (lab[2] / 65535) * 255 - 128;
  const fy = (L + 16) / 116;
  const f = (t: number) => (t ** 3 > 0.008856 ? t ** 3 : (t - 16 / 116) / 7.787);
  const [X, Y, Z] = [0.95047 * f(fy + a / 500), f(fy), 1.08883 * f(fy - b / 200)];
  const lin = [3.2406 * X - 1.5372 * Y - 0.4986 * Z, -0.9689 * X + 1.8758 * Y + 0.0415 * Z, 0.0557 * X - 0.204 * Y + 1.057 * Z];
  return lin.map((c) => Math.round(255 * Math.min(1, Math.max(0, c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055)))) as [number, number, number];
}

/** sRGB 0..255 -> DICOM-scaled CIELab (inverse of dicomLabToRgb). */
export function rgbToDicomLab(rgb: [number, number, number]): [number, number, number] {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const L = 116 * f(Y) - 16;
  const A = 500 * (f(X) - f(Y));
  const B = 200 * (f(Y) - f(Z));
  return [Math.round((L / 100) * 65535), Math.round(((A + 128) / 255) * 65535), Math.round(((B + 128) / 255) * 65535)];
}

/** Nearest slice of `volume` to a patient position, or -1 if it is more than half a slice away. */
function sliceAtPosition(volume: Volume, position: Vec3): number {
  const normal = cross(column(volume.affine, 0), column(volume.affine, 1));
  const n = scale(normal, 1 / (norm(normal) || 1));
  const positions = volume.slicePositions ?? Array.from({ length: volume.dims[2] }, (_, k) => transformPoint(volume.affine, [0, 0, k]));
  let best = -1;
  let bestDistance = Infinity;
  positions.forEach((p, k) => {
    const d = Math.abs(dot(sub(position, p), n));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  });
  return bestDistance <= volume.spacing[2] / 2 + 1e-3 ? best : -1;
}

/** Read a binary (or fractional, thresholded at half) SEG and map it onto `reference`. */
export async function readDicomSeg(bytes: Uint8Array, file: string, reference: Volume): Promise<SegImport> {
  const parsed = parseDicomImage(bytes, file);
  const { dataSet: ds, info } = parsed;
  if (info.sopClassUid !== SOP_CLASS.segmentation) throw new MedicalFormatError(file, `is not a Segmentation object (SOP class ${info.sopClassUid})`);
  const [nx, ny, nz] = reference.dims;
  if (info.columns !== nx || info.rows !== ny) throw new MedicalFormatError(file, `SEG frames are ${info.columns}x${info.rows}, the referenced volume is ${nx}x${ny}`);
  const segmentationType = ds.string('x00620001')?.trim() ?? 'BINARY';
  const maxFractional = ds.uint16('x00620010') ?? 255;

  const segments: SegmentInfo[] = items(ds, TAGS.segmentSequence).map((s) => {
    const lab = [0, 1, 2].map((i) => s.uint16(TAGS.recommendedCieLab, i));
    return {
      number: s.uint16(TAGS.segmentNumber) ?? 0,
      label: s.string(TAGS.segmentLabel) ?? '',
      algorithmType: s.string(TAGS.segmentAlgorithmType),
      color: lab.every((v) => v !== undefined) ? dicomLabToRgb(lab as [number, number, number]) : undefined,
    };
  });
  const masks = new Map<number, Uint8Array>(segments.map((s) => [s.number, new Uint8Array(nx * ny * nz)]));
  const sliceByUid = new Map((reference.sliceUids ?? []).map((uid, k) => [uid, k]));
  const perFrame = items(ds, 'x52009230');
  const warnings: string[] = [];
  const frameSlices: number[] = [];

  for (let f = 0; f < info.numberOfFrames; f++) {
    const groups = perFrame[f];
    const segmentNumber = firstItem(groups, TAGS.segmentIdentification)?.uint16(TAGS.referencedSegmentNumber) ?? segments[0]?.number;
    const refUid = firstItem(firstItem(groups, TAGS.derivationImage), TAGS.sourceImage)?.string(TAGS.referencedSopInstanceUid);
    let k = refUid !== undefined ? (sliceByUid.get(refUid) ?? -1) : -1;
    if (k < 0) {
      const position = info.framePositions?.[f];
      if (position) k = sliceAtPosition(reference, position);
    }
    frameSlices.push(k);
    const mask = segmentNumber !== undefined ? masks.get(segmentNumber) : undefined;
    if (k < 0 || !mask) {
      warnings.push(`frame ${f + 1} matches no slice of the referenced volume${mask ? '' : ` (unknown segment ${segmentNumber})`}`);
      continue;
    }
    const frame = await decodeFrame(parsed, f);
    const threshold = segmentationType === 'FRACTIONAL' ? maxFractional / 2 : 0;
    const offset = k * nx * ny;
    for (let i = 0; i < nx * ny; i++) if (frame.pixels[i] > threshold) mask[offset + i] = 1;
  }
  const referencedSeriesInstanceUid = firstItem(ds, TAGS.referencedSeries)?.string('x0020000e');
  return { segmentationType, segments, masks, frameSlices, referencedSeriesInstanceUid, warnings };
}

/** Flatten segment masks into one label map (segment number = label; later segments win overlaps). */
export function masksToLabelmap(seg: Pick<SegImport, 'masks'>, volume: Pick<Volume, 'dims' | 'spacing'>): Labelmap {
  const data = new Uint8Array(volume.dims[0] * volume.dims[1] * volume.dims[2]);
  for (const [number, mask] of [...seg.masks].sort((a, b) => a[0] - b[0])) {
    for (let i = 0; i < mask.length; i++) if (mask[i]) data[i] = number;
  }
  return { dims: [...volume.dims], spacing: [...volume.spacing], data };
}

export interface SegExportOptions {
  /**
   * Apply the Basic Application Confidentiality Profile (confidentiality.ts) to the whole object:
   * patient/study attributes, dates, and every UID including the references to the source series,
   * its instances and frame of reference (mapped consistently), unless `retainUids`.
   */
  deidentify?: boolean;
  /** With `deidentify`: the Retain UIDs option (UIDs kept, declared with code 113110). */
  retainUids?: boolean;
  seriesDescription?: string;
  /** Content Creator's Name (0070,0084), Type 2: empty when not given (and emptied by de-identification). */
  contentCreatorName?: string;
  /** Fixed UIDs (tests); generated when absent. */
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
}

/** Pack 0/1 bytes into LSB-first bits, continuing across frames as PS3.5 8.1.1 requires. */
function packBits(frames: Uint8Array[], pixelsPerFrame: number): Uint8Array {
  const totalBits = frames.length * pixelsPerFrame;
  const out = new Uint8Array(Math.ceil(totalBits / 8) + (Math.ceil(totalBits / 8) % 2));
  let bit = 0;
  for (const frame of frames) {
    for (let i = 0; i < pixelsPerFrame; i++, bit++) if (frame[i]) out[bit >> 3] |= 1 << (bit & 7);
  }
  return out;
}

/**
 * Write a BINARY SEG for the given label map. One frame per (segment, slice) pair where the
 * segment is present; each frame references its source slice by SOP Instance UID (requires a
 * DICOM-derived reference volume) and carries its plane position.
 */
export function writeDicomSeg(map: Labelmap, reference: Volume, segments: SegmentInfo[], options: SegExportOptions = {}): Uint8Array {
  const src = reference.source;
  if (!src?.studyInstanceUid || !reference.sliceUids) throw new Error('DICOM SEG export needs a reference volume opened from DICOM (study and slice UIDs)');
  const [nx, ny, nz] = reference.dims;
  const plane = nx * ny;
  const rowDir = scale(column(reference.affine, 0), 1 / reference.spacing[0]);
  const colDir = scale(column(reference.affine, 1), 1 / reference.spacing[1]);
  const positions = reference.slicePositions ?? Array.from({ length: nz }, (_, k) => transformPoint(reference.affine, [0, 0, k]));
  const refClass = src.sopClassUid ?? SOP_CLASS.ctImage;
  const refUid = (k: number) => reference.sliceUids![k].split('#')[0];

  const frames: Uint8Array[] = [];
  const perFrame: DicomItem[] = [];
  segments.forEach((segment) => {
    for (let k = 0; k < nz; k++) {
      const frame = new Uint8Array(plane);
      let any = false;
      for (let i = 0; i < plane; i++) {
        if (map.data[k * plane + i] === segment.number) {
          frame[i] = 1;
          any = true;
        }
      }
      if (!any) continue;
      frames.push(frame);
      perFrame.push([
        el(0x00089124, 'SQ', [[el(0x00082112, 'SQ', [[el(0x00081150, 'UI', refClass), el(0x00081155, 'UI', refUid(k))]])]]),
        el(0x00209111, 'SQ', [[el(0x00209157, 'UL', [segment.number, k + 1])]]),
        el(0x00209113, 'SQ', [[el(0x00200032, 'DS', positions[k])]]),
        el(0x0062000a, 'SQ', [[el(0x0062000b, 'US', segment.number)]]),
      ]);
    }
  });

  const sopInstanceUid = options.sopInstanceUid ?? newUid();
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  const patient: DicomElement[] = Object.entries(PATIENT_STUDY_TAGS).map(([tag, vr]) => el(parseInt(tag.slice(1), 16), vr, src.patient?.[tag] ?? ''));
  // Multi-frame Dimension module: frames are indexed by segment, then by position along the stack
  // (DimensionIndexValues [segment number, k + 1] in each Frame Content item), as highdicom does.
  const dimensionOrganizationUid = newUid();
  const dimensions: DicomElement[] = [
    el(0x00209221, 'SQ', [[el(0x00209164, 'UI', dimensionOrganizationUid)]]),
    el(0x00209222, 'SQ', [
      [el(0x00209164, 'UI', dimensionOrganizationUid), el(0x00209165, 'AT', 0x0062000b), el(0x00209167, 'AT', 0x0062000a), el(0x00209421, 'LO', 'ReferencedSegmentNumber')],
      [el(0x00209164, 'UI', dimensionOrganizationUid), el(0x00209165, 'AT', 0x00200032), el(0x00209167, 'AT', 0x00209113), el(0x00209421, 'LO', 'ImagePositionPatient')],
    ]),
    el(0x00209311, 'CS', '3D'),
  ];

  const elements: DicomElement[] = [
    ...patient,
    el(0x00080008, 'CS', 'DERIVED\\PRIMARY'),
    el(0x00080016, 'UI', SOP_CLASS.segmentation),
    el(0x00080018, 'UI', sopInstanceUid),
    el(0x00080023, 'DA', date),
    el(0x00080033, 'TM', time),
    el(0x00080060, 'CS', 'SEG'),
    el(0x00080070, 'LO', 'Datum'),
    // Enhanced General Equipment (Type 1): the equipment that made this SEG is Datum itself.
    el(0x00081090, 'LO', 'Datum Workstation'),
    el(0x00181000, 'LO', '1'),
    el(0x00181020, 'LO', DATUM_SOFTWARE_VERSION),
    el(0x0008103e, 'LO', options.seriesDescription ?? 'Datum segmentation'),
    el(0x00081115, 'SQ', [[el(0x0008114a, 'SQ', reference.sliceUids.map((_, k) => [el(0x00081150, 'UI', refClass), el(0x00081155, 'UI', refUid(k))])), el(0x0020000e, 'UI', src.seriesInstanceUid ?? '')]]),
    el(0x0020000d, 'UI', src.studyInstanceUid),
    el(0x0020000e, 'UI', options.seriesInstanceUid ?? newUid()),
    el(0x00200011, 'IS', 9000),
    el(0x00200013, 'IS', 1),
    el(0x00200052, 'UI', src.frameOfReferenceUid ?? ''),
    el(0x00201040, 'LO', ''), // Position Reference Indicator, Type 2
    ...dimensions,
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280008, 'IS', frames.length),
    el(0x00280010, 'US', ny),
    el(0x00280011, 'US', nx),
    el(0x00280100, 'US', 1),
    el(0x00280101, 'US', 1),
    el(0x00280102, 'US', 0),
    el(0x00280103, 'US', 0),
    el(0x00282110, 'CS', '00'),
    el(0x00620001, 'CS', 'BINARY'),
    el(
      0x00620002,
      'SQ',
      segments.map((s) => [
        el(0x00620004, 'US', s.number),
        el(0x00620005, 'LO', s.label),
        el(0x00620008, 'CS', s.algorithmType ?? 'MANUAL'),
        el(0x0062000d, 'US', rgbToDicomLab(s.color ?? [255, 0, 0])),
        el(0x00620003, 'SQ', [[el(0x00080100, 'SH', 'T-D0050'), el(0x00080102, 'SH', 'SRT'), el(0x00080104, 'LO', 'Tissue')]]),
        el(0x0062000f, 'SQ', [[el(0x00080100, 'SH', 'T-D0050'), el(0x00080102, 'SH', 'SRT'), el(0x00080104, 'LO', 'Tissue')]]),
      ]),
    ),
    el(0x00700080, 'CS', 'SEGMENTATION'),
    el(0x00700081, 'LO', options.seriesDescription ?? 'Datum segmentation'),
    el(0x00700084, 'PN', options.contentCreatorName ?? ''),
    el(0x52009229, 'SQ', [[
      el(0x00209116, 'SQ', [[el(0x00200037, 'DS', [...rowDir, ...colDir])]]),
      el(0x00289110, 'SQ', [[el(0x00280030, 'DS', [reference.spacing[1], reference.spacing[0]]), el(0x00180050, 'DS', reference.spacing[2])]]),
    ]]),
    el(0x52009230, 'SQ', perFrame),
    el(0x7fe00010, 'OB', packBits(frames, plane)),
  ];
  if (!options.deidentify) return writePart10(elements, SOP_CLASS.segmentation, sopInstanceUid);
  const { elements: clean, uidMap } = applyConfidentialityProfile(elements, { retainUids: options.retainUids, newUid });
  return writePart10(clean, SOP_CLASS.segmentation, uidMap.get(sopInstanceUid) ?? sopInstanceUid);
}
