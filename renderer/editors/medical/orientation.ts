/**
 * Where a view's slice sits in the volume and how it is shown: slice index <-> cursor, patient
 * direction letters at the edges and the display mirroring (radiological convention). Pure.
 */
import type { Orientation } from '../../../core/medical/slicing';
import type { Vec3 } from '../../../core/medical/types';

/** Index of this view's slice in the cursor. */
export function sliceIndexOf(orientation: Orientation, cursor: Vec3): number {
  return orientation === 'axial' ? cursor[2] : orientation === 'coronal' ? cursor[1] : cursor[0];
}

/** Cursor position in this view's slice pixels. */
export function cursorInSlice(orientation: Orientation, dims: Vec3, c: Vec3): [number, number] {
  const nz = dims[2];
  if (orientation === 'axial') return [c[0], c[1]];
  if (orientation === 'coronal') return [c[0], nz - 1 - c[2]];
  return [c[1], nz - 1 - c[2]];
}

export function withSliceIndex(orientation: Orientation, cursor: Vec3, index: number): Vec3 {
  const c: Vec3 = [...cursor];
  c[orientation === 'axial' ? 2 : orientation === 'coronal' ? 1 : 0] = index;
  return c;
}

/** Patient direction letter (LPS) of a direction vector: its dominant axis. */
function letter(v: number[]): string {
  let a = 0;
  for (let i = 1; i < 3; i++) if (Math.abs(v[i]) > Math.abs(v[a])) a = i;
  return (v[a] >= 0 ? 'LPS' : 'RAI')[a];
}

/** Letters at the left, right, top and bottom edges of a view, from the volume's affine. */
export function edgeLetters(affine: number[], orientation: Orientation): { left: string; right: string; top: string; bottom: string } {
  const col = (c: number) => [affine[c], affine[4 + c], affine[8 + c]];
  const neg = (v: number[]) => v.map((x) => -x);
  const xDir = orientation === 'sagittal' ? col(1) : col(0);
  const yDir = orientation === 'axial' ? col(1) : neg(col(2));
  return { left: letter(neg(xDir)), right: letter(xDir), top: letter(neg(yDir)), bottom: letter(yDir) };
}

/**
 * Display mirroring so views follow the radiological convention whatever the storage order:
 * patient right on the screen's left (axial, coronal), anterior on the left (sagittal), anterior
 * (axial) or superior (coronal, sagittal) on top. Only the display flips; slice pixel
 * coordinates, and so painting, stay the core's.
 */
export function displayFlip(affine: number[], orientation: Orientation): { flipX: boolean; flipY: boolean; letters: ReturnType<typeof edgeLetters> } {
  const e = edgeLetters(affine, orientation);
  const wantLeft = orientation === 'sagittal' ? 'A' : 'R';
  const wantTop = orientation === 'axial' ? 'A' : 'S';
  const flipX = e.left !== wantLeft && e.right === wantLeft;
  const flipY = e.top !== wantTop && e.bottom === wantTop;
  return {
    flipX,
    flipY,
    letters: { left: flipX ? e.right : e.left, right: flipX ? e.left : e.right, top: flipY ? e.bottom : e.top, bottom: flipY ? e.top : e.bottom },
  };
}

/** A slice view's placement on screen: `scale` screen px per mm, (x, y) the image's top-left. */
export interface ViewXf {
  scale: number;
  x: number;
  y: number;
}

/** Ctrl/⌘ + wheel zoom about the pointer (mx, my in canvas px), clamped to 0.05–200 px/mm. */
export function zoomAbout(v: ViewXf, mx: number, my: number, deltaY: number): ViewXf {
  const scale = Math.min(200, Math.max(0.05, v.scale * Math.exp(-deltaY * 0.0015)));
  const k = scale / v.scale;
  return { scale, x: mx - (mx - v.x) * k, y: my - (my - v.y) * k };
}
