/**
 * RT Structure Set (RTSTRUCT) contours ⇄ the label map, in the source voxel grid.
 *
 * Export traces each segment's voxels on each slice along the voxel edges (every boundary between
 * a labelled voxel and an unlabelled one, outer outlines and holes alike) and writes those closed
 * planar contours in patient coordinates (LPS mm), each referencing its slice's SOP instance.
 * Import fills every CLOSED_PLANAR contour of an ROI on the slice it lies on, even-odd across the
 * ROI's contours on that slice (so a contour inside another is a hole), taking a voxel when its
 * centre is inside. Because exported vertices sit on voxel corners, centres never lie on an edge:
 * a label map exported and imported again is voxel-for-voxel the same (tested).
 *
 * Contours from other systems (smooth, sub-voxel) are rasterised the same way, the convention
 * 3D Slicer's and plastimatch's "centre inside" rasterisers use.
 */
import { column, cross, dot, norm, scale, sub } from './affine';
import { items, parseDataSet } from './dicom';
import { el, newUid, writePart10, type DicomElement, type DicomItem } from './dicom-writer';
import { applyConfidentialityProfile } from './confidentiality';
import { PATIENT_STUDY_TAGS } from './series';
import type { Labelmap } from './segmentation';
import { DATUM_SOFTWARE_VERSION, type SegmentInfo } from './seg';
import { MedicalFormatError, type Vec3, type Volume } from './types';

export const RTSTRUCT_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.481.3';

/** The in-plane frame of a volume: slice origins, unit row / column directions, the slice normal. */
interface PlaneFrame {
  origins: Vec3[];
  rowDir: Vec3;
  colDir: Vec3;
  normal: Vec3;
}

function planeFrame(v: Volume): PlaneFrame {
  const rowDir = scale(column(v.affine, 0), 1 / v.spacing[0]);
  const colDir = scale(column(v.affine, 1), 1 / v.spacing[1]);
  const n = cross(rowDir, colDir);
  const normal = scale(n, 1 / norm(n));
  const origins = v.slicePositions ?? Array.from({ length: v.dims[2] }, (_, k) => {
    const o = column(v.affine, 3);
    const dk = column(v.affine, 2);
    return [o[0] + dk[0] * k, o[1] + dk[1] * k, o[2] + dk[2] * k] as Vec3;
  });
  return { origins, rowDir, colDir, normal };
}

// ------------------------------------------------------------------------------------- export

/**
 * Closed loops along the voxel edges of a binary slice, as corner coordinates (x, y): corner
 * (x, y) is the corner shared by voxels (x-1..x, y-1..y); voxel (i, j)'s centre is (i+0.5, j+0.5).
 * Every boundary edge is used exactly once, so the loops' even-odd interior is exactly the mask.
 */
export function traceSliceContours(mask: Uint8Array, nx: number, ny: number): number[][] {
  const at = (i: number, j: number) => i >= 0 && j >= 0 && i < nx && j < ny && mask[j * nx + i] !== 0;
  const W = nx + 1;
  const key = (x: number, y: number) => y * W + x;
  // Outgoing edges per start corner (at most 2 at a corner where two voxels touch diagonally).
  const out = new Map<number, number[]>();
  const add = (x0: number, y0: number, x1: number, y1: number) => {
    const k = key(x0, y0);
    const list = out.get(k);
    if (list) list.push(key(x1, y1));
    else out.set(k, [key(x1, y1)]);
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if (!at(i, j)) continue;
      if (!at(i, j - 1)) add(i + 1, j, i, j);
      if (!at(i - 1, j)) add(i, j, i, j + 1);
      if (!at(i, j + 1)) add(i, j + 1, i + 1, j + 1);
      if (!at(i + 1, j)) add(i + 1, j + 1, i + 1, j);
    }
  }
  const loops: number[][] = [];
  for (const start of [...out.keys()].sort((a, b) => a - b)) {
    while (out.get(start)?.length) {
      const corners: number[] = [start];
      let cur = out.get(start)!.pop()!;
      while (cur !== start) {
        corners.push(cur);
        const next = out.get(cur);
        if (!next?.length) throw new Error('internal: an open voxel-edge contour'); // every corner has in-degree = out-degree
        cur = next.pop()!;
      }
      // Keep only the corners where the direction changes.
      const pts: number[] = [];
      const n = corners.length;
      for (let c = 0; c < n; c++) {
        const p = corners[(c + n - 1) % n], q = corners[c], r = corners[(c + 1) % n];
        const dx1 = (q % W) - (p % W), dy1 = Math.floor(q / W) - Math.floor(p / W);
        const dx2 = (r % W) - (q % W), dy2 = Math.floor(r / W) - Math.floor(q / W);
        if (dx1 !== dx2 || dy1 !== dy2) pts.push(q % W, Math.floor(q / W));
      }
      loops.push(pts);
    }
  }
  for (const k of out.keys()) if (out.get(k)!.length) throw new Error('internal: unused voxel edges');
  return loops;
}

export interface RtStructExportOptions {
  /** Apply the Basic Application Confidentiality Profile (as the SEG export does). */
  deidentify?: boolean;
  retainUids?: boolean;
  structureSetLabel?: string;
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
}

/** An RTSTRUCT with one ROI per segment present in the map, referencing the source slices. */
export function writeRtStruct(map: Labelmap, reference: Volume, segments: SegmentInfo[], options: RtStructExportOptions = {}): Uint8Array {
  const src = reference.source;
  if (!src?.studyInstanceUid || !reference.sliceUids) throw new Error('RTSTRUCT export needs a reference volume opened from DICOM (study and slice UIDs)');
  const [nx, ny, nz] = reference.dims;
  const plane = nx * ny;
  const f = planeFrame(reference);
  const refClass = src.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.2';
  const refUid = (k: number) => reference.sliceUids![k].split('#')[0];
  const frameOfReference = src.frameOfReferenceUid ?? '';
  const patientPoint = (k: number, x: number, y: number): number[] => {
    // Corner (x, y) is voxel coordinate (x - 0.5, y - 0.5).
    const u = (x - 0.5) * reference.spacing[0];
    const v = (y - 0.5) * reference.spacing[1];
    const o = f.origins[k];
    return [o[0] + u * f.rowDir[0] + v * f.colDir[0], o[1] + u * f.rowDir[1] + v * f.colDir[1], o[2] + u * f.rowDir[2] + v * f.colDir[2]];
  };

  const roiContours: DicomItem[] = [];
  const used: SegmentInfo[] = [];
  const slice = new Uint8Array(plane);
  for (const s of segments) {
    const contours: DicomItem[] = [];
    for (let k = 0; k < nz; k++) {
      let any = false;
      for (let i = 0; i < plane; i++) {
        const on = map.data[k * plane + i] === s.number;
        slice[i] = on ? 1 : 0;
        any ||= on;
      }
      if (!any) continue;
      for (const loop of traceSliceContours(slice, nx, ny)) {
        const data: number[] = [];
        for (let p = 0; p < loop.length; p += 2) data.push(...patientPoint(k, loop[p], loop[p + 1]));
        contours.push([
          el(0x30060016, 'SQ', [[el(0x00081150, 'UI', refClass), el(0x00081155, 'UI', refUid(k))]]),
          el(0x30060042, 'CS', 'CLOSED_PLANAR'),
          el(0x30060046, 'IS', loop.length / 2),
          el(0x30060050, 'DS', data),
        ]);
      }
    }
    if (!contours.length) continue;
    used.push(s);
    roiContours.push([el(0x3006002a, 'IS', s.color ?? [255, 0, 0]), el(0x30060040, 'SQ', contours), el(0x30060084, 'IS', s.number)]);
  }
  if (!used.length) throw new Error('the label map is empty: nothing to export as contours');

  const sopInstanceUid = options.sopInstanceUid ?? newUid();
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  const patient: DicomElement[] = Object.entries(PATIENT_STUDY_TAGS).map(([tag, vr]) => el(parseInt(tag.slice(1), 16), vr, src.patient?.[tag] ?? ''));
  const contourImages = reference.sliceUids.map((_, k) => [el(0x00081150, 'UI', refClass), el(0x00081155, 'UI', refUid(k))]);
  const elements: DicomElement[] = [
    ...patient,
    el(0x00080016, 'UI', RTSTRUCT_SOP_CLASS),
    el(0x00080018, 'UI', sopInstanceUid),
    el(0x00080023, 'DA', date),
    el(0x00080033, 'TM', time),
    el(0x00080060, 'CS', 'RTSTRUCT'),
    el(0x00080070, 'LO', 'Datum'),
    el(0x00081090, 'LO', 'Datum Workstation'),
    el(0x0008103e, 'LO', options.structureSetLabel ?? 'Datum structures'),
    el(0x00181020, 'LO', DATUM_SOFTWARE_VERSION),
    el(0x0020000d, 'UI', src.studyInstanceUid),
    el(0x0020000e, 'UI', options.seriesInstanceUid ?? newUid()),
    el(0x00200011, 'IS', 9001),
    el(0x00200013, 'IS', 1),
    // Structure Set module
    el(0x30060002, 'SH', (options.structureSetLabel ?? 'Datum').slice(0, 16)),
    el(0x30060008, 'DA', date),
    el(0x30060009, 'TM', time),
    el(0x30060010, 'SQ', [[
      el(0x00200052, 'UI', frameOfReference),
      el(0x30060012, 'SQ', [[
        el(0x00081150, 'UI', '1.2.840.10008.3.1.2.3.1'), // Detached Study Management (retired), what every TPS writes here
        el(0x00081155, 'UI', src.studyInstanceUid),
        el(0x30060014, 'SQ', [[el(0x0020000e, 'UI', src.seriesInstanceUid ?? ''), el(0x30060016, 'SQ', contourImages)]]),
      ]]),
    ]]),
    el(0x30060020, 'SQ', used.map((s) => [el(0x30060022, 'IS', s.number), el(0x30060024, 'UI', frameOfReference), el(0x30060026, 'LO', s.label), el(0x30060036, 'CS', s.algorithmType === 'AUTOMATIC' ? 'AUTOMATIC' : 'MANUAL')])),
    // ROI Contour module
    el(0x30060039, 'SQ', roiContours),
    // RT ROI Observations module
    el(0x30060080, 'SQ', used.map((s, i) => [el(0x30060082, 'IS', i + 1), el(0x30060084, 'IS', s.number), el(0x300600a4, 'CS', ''), el(0x300600a6, 'PN', '')])),
  ];
  if (!options.deidentify) return writePart10(elements, RTSTRUCT_SOP_CLASS, sopInstanceUid);
  const { elements: clean, uidMap } = applyConfidentialityProfile(elements, { retainUids: options.retainUids, newUid });
  return writePart10(clean, RTSTRUCT_SOP_CLASS, uidMap.get(sopInstanceUid) ?? sopInstanceUid);
}

// ------------------------------------------------------------------------------------- import

export interface RtStructRoi {
  number: number;
  name: string;
  color?: [number, number, number];
}

export interface RtStructImport {
  rois: RtStructRoi[];
  /** ROI number → 0/1 mask over the reference volume (only ROIs with at least one filled voxel). */
  masks: Map<number, Uint8Array>;
  /** The series the structure set says it was drawn on, when it says so. */
  referencedSeriesInstanceUid?: string;
  warnings: string[];
}

/** Even-odd fill of the polygons (voxel coordinates, flat x,y lists) on one slice, voxel centres inside. */
export function fillPolygonsEvenOdd(polys: number[][], nx: number, ny: number, into: Uint8Array, offset: number): number {
  let filled = 0;
  const xs: number[] = [];
  for (let j = 0; j < ny; j++) {
    xs.length = 0;
    for (const poly of polys) {
      const n = poly.length / 2;
      for (let a = 0; a < n; a++) {
        const b = (a + 1) % n;
        const y1 = poly[a * 2 + 1], y2 = poly[b * 2 + 1];
        // Half-open rule: an edge counts for rows in [min y, max y), so shared vertices count once.
        if ((y1 <= j && j < y2) || (y2 <= j && j < y1)) {
          const x1 = poly[a * 2], x2 = poly[b * 2];
          xs.push(x1 + ((j - y1) * (x2 - x1)) / (y2 - y1));
        }
      }
    }
    if (xs.length < 2) continue;
    xs.sort((p, q) => p - q);
    for (let s = 0; s + 1 < xs.length; s += 2) {
      const from = Math.max(0, Math.ceil(xs[s]));
      const to = Math.min(nx - 1, Math.ceil(xs[s + 1]) - 1);
      for (let i = from; i <= to; i++) {
        into[offset + j * nx + i] = 1;
        filled++;
      }
    }
  }
  return filled;
}

const numbersOf = (s: string | undefined): number[] => (s ? s.split('\\').map((v) => Number.parseFloat(v)) : []);

/** Reads an RTSTRUCT and rasterises its closed planar contours onto `reference`'s voxel grid. */
export function readRtStruct(bytes: Uint8Array, file: string, reference: Volume): RtStructImport {
  const ds = parseDataSet(bytes, file);
  const sopClass = ds.string('x00080016');
  if (sopClass !== RTSTRUCT_SOP_CLASS) throw new MedicalFormatError(file, `not an RT Structure Set (SOP Class ${sopClass ?? 'missing'})`);
  const [nx, ny, nz] = reference.dims;
  const plane = nx * ny;
  const f = planeFrame(reference);
  const sliceD = f.origins.map((o) => dot(o, f.normal));
  const tolerance = Math.max(reference.spacing[2] / 2, 1e-3);
  const warnings: string[] = [];

  const names = new Map<number, string>();
  for (const r of items(ds, 'x30060020')) {
    const n = Number.parseInt(r.string('x30060022') ?? '', 10);
    if (Number.isFinite(n)) names.set(n, r.string('x30060026')?.trim() || `ROI ${n}`);
  }
  const rois: RtStructRoi[] = [];
  const masks = new Map<number, Uint8Array>();
  const skippedTypes = new Map<string, number>();
  let offSlice = 0;
  for (const rc of items(ds, 'x30060039')) {
    const number = Number.parseInt(rc.string('x30060084') ?? '', 10);
    if (!Number.isFinite(number)) {
      warnings.push('an ROI contour without a Referenced ROI Number was skipped');
      continue;
    }
    const colour = numbersOf(rc.string('x3006002a'));
    const roi: RtStructRoi = { number, name: names.get(number) ?? `ROI ${number}` };
    if (colour.length === 3 && colour.every((c) => Number.isFinite(c))) roi.color = colour.map((c) => Math.max(0, Math.min(255, Math.round(c)))) as [number, number, number];
    const bySlice = new Map<number, number[][]>();
    for (const c of items(rc, 'x30060040')) {
      const type = c.string('x30060042')?.trim() ?? '';
      if (type !== 'CLOSED_PLANAR') {
        skippedTypes.set(type || '(none)', (skippedTypes.get(type || '(none)') ?? 0) + 1);
        continue;
      }
      const data = numbersOf(c.string('x30060050'));
      if (data.length < 9 || data.length % 3 !== 0 || !data.every(Number.isFinite)) {
        warnings.push(`ROI ${roi.name}: a contour with unreadable Contour Data was skipped`);
        continue;
      }
      // Which slice: the mean distance along the normal, matched to the nearest slice origin.
      let d = 0;
      for (let p = 0; p < data.length; p += 3) d += data[p] * f.normal[0] + data[p + 1] * f.normal[1] + data[p + 2] * f.normal[2];
      d /= data.length / 3;
      let k = 0;
      for (let s = 1; s < nz; s++) if (Math.abs(sliceD[s] - d) < Math.abs(sliceD[k] - d)) k = s;
      if (Math.abs(sliceD[k] - d) > tolerance) {
        offSlice++;
        continue;
      }
      const o = f.origins[k];
      const poly: number[] = [];
      for (let p = 0; p < data.length; p += 3) {
        const rel = sub([data[p], data[p + 1], data[p + 2]], o);
        poly.push(dot(rel, f.rowDir) / reference.spacing[0], dot(rel, f.colDir) / reference.spacing[1]);
      }
      const list = bySlice.get(k);
      if (list) list.push(poly);
      else bySlice.set(k, [poly]);
    }
    const mask = new Uint8Array(plane * nz);
    let filled = 0;
    for (const [k, polys] of bySlice) filled += fillPolygonsEvenOdd(polys, nx, ny, mask, k * plane);
    rois.push(roi);
    if (filled) masks.set(number, mask);
    else warnings.push(`ROI ${roi.name} covers no voxel of this volume`);
  }
  for (const [type, n] of skippedTypes) warnings.push(`${n} ${type} contour${n === 1 ? '' : 's'} skipped (only CLOSED_PLANAR contours become segments)`);
  if (offSlice) warnings.push(`${offSlice} contour${offSlice === 1 ? '' : 's'} lie between or outside this volume's slices and were skipped`);
  const series = items(items(items(ds, 'x30060010')[0], 'x30060012')[0], 'x30060014')[0]?.string('x0020000e');
  return { rois, masks, referencedSeriesInstanceUid: series?.trim() || undefined, warnings };
}
