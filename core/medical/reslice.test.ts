import { describe, expect, it } from 'vitest';
import { affineFromColumns, invert, scale, transformPoint } from './affine';
import { obliqueDirections } from './synthetic-geometry';
import { extractArraySlice } from './slicing';
import { crosshairDirection, displayAxes, PATIENT_FRAME, planePixelToVoxel, planeToPatient, resliceNearest, resliceTrilinear, rotateFrame, viewPlane, voxelPlane, type ViewName } from './reslice';
import type { Mat4, Vec3 } from './types';

/** A 20° oblique, anisotropic grid (the case FLAIR.nii.gz and oblique DICOM stacks present). */
function obliqueGrid(deg = 20): { dims: Vec3; affine: Mat4 } {
  const { rowDir, colDir } = obliqueDirections(deg);
  const n: Vec3 = [rowDir[1] * colDir[2] - rowDir[2] * colDir[1], rowDir[2] * colDir[0] - rowDir[0] * colDir[2], rowDir[0] * colDir[1] - rowDir[1] * colDir[0]];
  return { dims: [40, 36, 24], affine: affineFromColumns(scale(rowDir, 0.9), scale(colDir, 1.1), scale(n, 2.5), [-20, -15, -30]) };
}

function fillFrom(dims: Vec3, affine: Mat4, f: (p: Vec3) => number): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  let o = 0;
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) out[o++] = f(transformPoint(affine, [i, j, k]));
  return out;
}

const VIEWS: ViewName[] = ['axial', 'coronal', 'sagittal'];

describe('oblique reslicing', () => {
  const { dims, affine } = obliqueGrid();
  const inv = invert(affine);
  const inside = (p: Vec3) => {
    const v = transformPoint(inv, p);
    return v.every((c, d) => c >= 0 && c <= dims[d] - 1);
  };
  const centre = transformPoint(affine, [19.5, 17.5, 11.5]);

  it('trilinear reslice on true planes reproduces a linear phantom exactly (the interpolant is exact for linear fields)', () => {
    const f = (p: Vec3) => 3 + 0.5 * p[0] - 0.25 * p[1] + 0.75 * p[2];
    const data = fillFrom(dims, affine, f);
    let n = 0;
    for (const view of VIEWS) {
      const plane = viewPlane(PATIENT_FRAME, view, centre, affine, dims, 0.9);
      const img = resliceTrilinear(data, dims, voxelPlane(plane, affine), plane.width, plane.height, -999);
      for (let y = 0; y < plane.height; y++)
        for (let x = 0; x < plane.width; x++) {
          const p = planeToPatient(plane, x, y);
          if (!inside(p)) continue;
          n++;
          expect(Math.abs(img[y * plane.width + x] - f(p))).toBeLessThan(1e-3);
        }
    }
    expect(n).toBeGreaterThan(3000);
  });

  it('a sphere phantom on rotated (oblique) planes: 100 inside and 0 outside away from the boundary, fill outside the volume', () => {
    const R = 12;
    const data = fillFrom(dims, affine, (p) => (Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]) < R ? 100 : 0));
    const frame = rotateFrame(rotateFrame(PATIENT_FRAME, [0, 0, 1], 0.4), [1, 0, 0], -0.3);
    const margin = 2.5 * Math.sqrt(3); // one voxel diagonal of the largest spacing
    let nIn = 0;
    let nOut = 0;
    let nFill = 0;
    for (const view of VIEWS) {
      const plane = viewPlane(frame, view, centre, affine, dims, 1);
      const img = resliceTrilinear(data, dims, voxelPlane(plane, affine), plane.width, plane.height, -1);
      for (let y = 0; y < plane.height; y++)
        for (let x = 0; x < plane.width; x++) {
          const p = planeToPatient(plane, x, y);
          const v = transformPoint(inv, p);
          const val = img[y * plane.width + x];
          if (v.some((c, d) => c < -0.5 || c > dims[d] - 0.5)) {
            nFill++;
            expect(val).toBe(-1);
            continue;
          }
          const r = Math.hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]);
          if (r < R - margin) (nIn++, expect(val).toBeCloseTo(100, 3));
          else if (r > R + margin && v.every((c, d) => c >= 0 && c <= dims[d] - 1)) (nOut++, expect(val).toBeCloseTo(0, 3));
        }
    }
    expect(nIn).toBeGreaterThan(300);
    expect(nOut).toBeGreaterThan(300);
    expect(nFill).toBeGreaterThan(300);
  });

  it('on an axis-aligned grid an aligned plane gives back the voxel slice exactly (trilinear and nearest)', () => {
    const d: Vec3 = [7, 5, 4];
    const a = affineFromColumns([1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]);
    const data = new Int16Array(7 * 5 * 4).map((_, i) => (i * 37) % 101);
    const labels = new Uint8Array(data.length).map((_, i) => i % 7);
    const plane = { origin: [0, 0, 2] as Vec3, u: [1, 0, 0] as Vec3, v: [0, 1, 0] as Vec3, width: 7, height: 5 };
    const vp = voxelPlane(plane, a);
    expect([...resliceTrilinear(data, d, vp, 7, 5, 0)]).toEqual([...extractArraySlice(data, d, [1, 1, 1], 'axial', 2).data]);
    expect([...resliceNearest(labels, d, vp, 7, 5)]).toEqual([...extractArraySlice(labels, d, [1, 1, 1], 'axial', 2).data]);
  });

  it('painting on an oblique view writes exactly the source voxels nearest to the painted pixels, and shows them', () => {
    const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
    const frame = rotateFrame(PATIENT_FRAME, [0, 1, 0], 0.5);
    let checked = 0;
    VIEWS.forEach((view, vi) => {
      const label = vi + 1;
      const plane = viewPlane(frame, view, centre, affine, dims, 0.7);
      const vp = voxelPlane(plane, affine);
      // A disk brush of 6 px at the crosshair centre.
      const painted: [number, number][] = [];
      for (let y = Math.floor(plane.cy - 6); y <= plane.cy + 6; y++)
        for (let x = Math.floor(plane.cx - 6); x <= plane.cx + 6; x++) if (Math.hypot(x - plane.cx, y - plane.cy) <= 6) painted.push([x, y]);
      const expected = new Set<number>();
      for (const [x, y] of painted) {
        const v = planePixelToVoxel(vp, dims, x, y);
        if (!v) continue;
        labels[(v[2] * dims[1] + v[1]) * dims[0] + v[0]] = label;
        // Independent reference: patient point → inverse affine → nearest voxel.
        const ref = transformPoint(inv, planeToPatient(plane, x, y)).map(Math.round);
        expect(v).toEqual(ref);
        expected.add((ref[2] * dims[1] + ref[1]) * dims[0] + ref[0]);
      }
      // The voxels carrying this label are exactly the ones painted (later views overwrite earlier ones only where they overlap).
      const got = new Set<number>();
      labels.forEach((l, i) => l === label && got.add(i));
      expect([...got].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
      // And the nearest-label overlay of that plane shows the label on every painted pixel.
      const overlay = resliceNearest(labels, dims, vp, plane.width, plane.height);
      for (const [x, y] of painted) expect(overlay[y * plane.width + x]).toBe(label);
      checked += painted.length;
    });
    expect(checked).toBeGreaterThan(300);
  });
});

describe('crosshair rotation', () => {
  it('rotating about a view normal leaves that view upright and turns its crosshair lines by the angle', () => {
    const angle = 0.35;
    const rotated = rotateFrame(PATIENT_FRAME, [0, 0, 1], angle);
    const before = displayAxes(PATIENT_FRAME, 'axial');
    const after = displayAxes(rotated, 'axial');
    for (let d = 0; d < 3; d++) {
      expect(after.x[d]).toBeCloseTo(before.x[d], 12);
      expect(after.y[d]).toBeCloseTo(before.y[d], 12);
    }
    // The coronal line in the axial view was along screen x; now it is turned by `angle`.
    const [dx, dy] = crosshairDirection(rotated, 'axial', 'coronal');
    // A line has no sign: its angle is taken modulo π.
    const a = Math.abs(Math.atan2(dy, dx));
    expect(Math.min(a, Math.PI - a)).toBeCloseTo(angle, 10);
    // The coronal plane's normal left the posterior axis by the angle: an oblique plane.
    const n = displayAxes(rotated, 'coronal').normal;
    expect(Math.acos(n[1])).toBeCloseTo(angle, 10);
    // Frames stay orthonormal.
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(rotated[a][0] * rotated[b][0] + rotated[a][1] * rotated[b][1] + rotated[a][2] * rotated[b][2]).toBeCloseTo(a === b ? 1 : 0, 12);
  });
});
