/**
 * The geometry a stack's volume will have, from its headers alone: what the viewer needs to lay
 * out before any pixel is decoded (streaming, docs/medical.md). It repeats buildVolume's geometry
 * for the case where every slice decodes; the host compares it with the built volume and has the
 * viewer reload when they differ (a slice left out), so a disagreement is never shown.
 */
import { affineFromColumns, dot, norm, scale, sub } from './affine';
import type { DicomStack } from './series';
import type { ParsedDicom } from './dicom';
import { WINDOW_PRESETS } from './window';
import { sliceSteps } from './slice-steps';
import type { Vec3, Volume, WindowLevel } from './types';

export interface StackSlice {
  image: ParsedDicom;
  frame: number;
  position?: Vec3;
}

/** Images/frames flattened in buildVolume's slice order (sorted along the normal when every slice has a position). */
export function orderedSlices(stack: DicomStack): StackSlice[] {
  const slices: StackSlice[] = [];
  for (const image of stack.images) {
    const { info } = image;
    for (let f = 0; f < info.numberOfFrames; f++) slices.push({ image, frame: f, position: info.framePositions?.[f] ?? (f === 0 ? info.imagePosition : undefined) });
  }
  const normal = stack.normal;
  if (normal && slices.every((s) => s.position)) slices.sort((a, b) => dot(a.position!, normal) - dot(b.position!, normal));
  return slices;
}

export interface ProvisionalVolume {
  /** A Volume without voxels (`data` is empty): dims, spacing, affine, positions, UIDs. */
  volume: Volume;
  /** The default window is final when the file states one or the modality has a preset (CT). */
  windowKnown: boolean;
  warnings: string[];
}

/** Geometry of the volume buildVolume(stack) makes when every slice decodes. */
export function provisionalVolume(stack: DicomStack): ProvisionalVolume {
  const all = orderedSlices(stack);
  const first = all[0].image.info;
  const nz = all.length;
  const ps = first.pixelSpacing ?? [1, 1];
  const rowDir = first.rowCosines ?? [1, 0, 0];
  const colDir = first.columnCosines ?? [0, 1, 0];
  const normal = stack.normal ?? [0, 0, 1];
  const origin = all[0].position ?? [0, 0, 0];
  const { sliceStep, dz, warnings } = sliceSteps(all.map((sl) => sl.position), normal, first.spacingBetweenSlices ?? first.sliceThickness ?? 1);
  const stated = first.windowCenter !== undefined && first.windowWidth !== undefined && first.windowWidth > 0;
  const window: WindowLevel = stated ? { center: first.windowCenter!, width: first.windowWidth! } : first.modality === 'CT' ? { ...WINDOW_PRESETS.ctSoftTissue } : { center: 0, width: 1 };
  const volume: Volume = {
    dims: [first.columns, first.rows, nz],
    spacing: [ps[1], ps[0], dz],
    data: new Int16Array(0),
    channels: 1,
    affine: affineFromColumns(scale(rowDir, ps[1]), scale(colDir, ps[0]), sliceStep, origin),
    modality: first.modality,
    window,
    sliceUids: all.map((s) => (s.image.info.numberOfFrames > 1 ? `${s.image.info.sopInstanceUid}#${s.frame + 1}` : s.image.info.sopInstanceUid)),
    slicePositions: all.every((s) => s.position) ? all.map((s) => s.position!) : undefined,
    source: {
      studyInstanceUid: first.studyInstanceUid,
      seriesInstanceUid: first.seriesInstanceUid,
      frameOfReferenceUid: first.frameOfReferenceUid,
      sopClassUid: first.sopClassUid,
    },
  };
  if (first.photometric === 'MONOCHROME1') volume.invertDisplay = true;
  return { volume, windowKnown: stated || first.modality === 'CT', warnings };
}
