/**
 * Medical tools on the editors' one tool interface (editors/shell/tool.ts), free of the DOM: the
 * view feeds pointer events in pixels of its slice and applies the commands a tool returns
 * (SliceView); label map edits are `LabelEdit`s that `applyLabelEdit` (apply.ts) performs, and a
 * gesture's edits between `begin` and `end` are one undo step. Window, pan and zoom drags are the
 * view's own, not a tool's.
 */
import type { SlicePlane } from '../../../../core/medical/segmentation';
import type { Vec3 } from '../../../../core/medical/types';
import type { EditorTool, PointerMods } from '../../shell/tool';
import type { Tool } from '../types';

export type MedicalToolName = Tool;
/** A point of a slice in pixels (continuous; pixel centres at integers). */
export type SlicePoint = [number, number];

export interface SlicePointer extends PointerMods {
  x: number;
  y: number;
}

export interface MedicalToolContext {
  /** The view's slice. */
  plane: SlicePlane;
  /** Volume size in voxels. */
  dims: Vec3;
  /** Slice size in pixels and millimetres per pixel. */
  width: number;
  height: number;
  pixelSpacing: readonly [number, number];
  brushMm: number;
  /** The active segment's number. */
  label: number;
}

/** A change of the label map (apply.ts). */
export type LabelEdit =
  /** A brush / eraser stroke segment: a disc at `to`, or discs along `from` -> `to`. */
  | { type: 'stroke'; plane: SlicePlane; from: SlicePoint | null; to: SlicePoint; radiusMm: number; pixelSpacing: readonly [number, number]; label: number; erase: boolean }
  | { type: 'fillPolygon'; plane: SlicePlane; points: number[]; label: number }
  /** Voxels with intensities in [min, max] get the label (only on `plane` when given). */
  | { type: 'threshold'; plane?: SlicePlane; min: number; max: number; label: number };

export type MedicalCommand =
  /** A gesture starts: the edits until `end` are one undo step. */
  | { type: 'begin' }
  | LabelEdit
  | { type: 'end' }
  /** Move the synchronized crosshair to this voxel. */
  | { type: 'cursor'; voxel: Vec3 }
  /** The distance measurement of this view (slice pixels). */
  | { type: 'measure'; a: SlicePoint; b: SlicePoint };

export type MedicalPreview = { type: 'polygon'; points: number[] };

export interface MedicalTool extends EditorTool<SlicePointer, MedicalToolContext, MedicalCommand, MedicalPreview> {
  readonly name: MedicalToolName;
  dblclick(p: SlicePointer, ctx: MedicalToolContext): MedicalCommand[];
  key(key: string, ctx: MedicalToolContext): MedicalCommand[] | null;
}

/** A tool that uses no pointer event (pan: the view pans itself); the base of the others. */
export function inertTool(name: MedicalToolName): MedicalTool {
  return {
    name,
    down: () => [],
    move: () => [],
    up: () => [],
    dblclick: () => [],
    key: () => null,
    preview: () => null,
    busy: () => false,
    cancel: () => {},
  };
}
