/** Tools that point rather than paint: the crosshair (navigate) and the distance measurement. */
import { sliceToVoxel } from '../../../../core/medical/slicing';
import type { MedicalCommand, MedicalTool, MedicalToolContext, SlicePoint, SlicePointer } from './types';
import { inertTool } from './types';

const clampPx = (v: number, n: number) => Math.min(n - 1, Math.max(0, Math.round(v)));

/** Press or drag: the crosshair follows, at the voxel under the pointer (clamped to the slice). */
export function createNavigateTool(): MedicalTool {
  let pressed = false;
  const at = (p: SlicePointer, ctx: MedicalToolContext): MedicalCommand[] => [
    { type: 'cursor', voxel: sliceToVoxel(ctx.dims, ctx.plane.orientation, ctx.plane.index, clampPx(p.x, ctx.width), clampPx(p.y, ctx.height)) },
  ];
  return {
    ...inertTool('navigate'),
    down(p, ctx) {
      pressed = true;
      return at(p, ctx);
    },
    move: (p, ctx) => (pressed ? at(p, ctx) : []),
    up() {
      pressed = false;
      return [];
    },
    busy: () => pressed,
    cancel() {
      pressed = false;
    },
  };
}

/** Press and drag: a distance from the press to the pointer (it stays after the release). */
export function createMeasureTool(): MedicalTool {
  let start: SlicePoint | null = null;
  return {
    ...inertTool('measure'),
    down(p) {
      start = [p.x, p.y];
      return [{ type: 'measure', a: start, b: start }];
    },
    move: (p) => (start ? [{ type: 'measure', a: start, b: [p.x, p.y] }] : []),
    up() {
      start = null;
      return [];
    },
    busy: () => start !== null,
    cancel() {
      start = null;
    },
  };
}
