/**
 * Drawing and editing tools of the image / video editor, on the editors' one tool interface
 * (editors/shell/tool.ts): the editor feeds pointer events in image coordinates and applies the
 * commands a tool returns; while a gesture is in progress the tool exposes a preview the overlay
 * draws. A tool never edits the document itself, so each completed gesture is exactly one command
 * (one undo step).
 */
import type { AnnotationObject, Geometry, Source } from '../../../../core/document/schema';
import type { Pt } from '../../../../core/editing/image/geometry';
import type { EditorTool, PointerMods } from '../../shell/tool';

export type { Pt };

export type ToolName = 'select' | 'box' | 'rotatedBox' | 'polygon' | 'polyline' | 'points' | 'skeleton' | 'brush' | 'eraser' | 'segment';

export type Mods = PointerMods;

/** A pointer event in image pixels, with the modifiers held. */
export interface ImagePointer extends Pt, Mods {}

export interface ToolContext {
  /** Objects of the current frame. */
  objects: readonly AnnotationObject[];
  selection: readonly string[];
  /** Screen pixels per image pixel, for zoom-independent tolerances. */
  scale: number;
  width: number;
  height: number;
  /** Brush radius in image pixels. */
  brushRadius: number;
  /** Keypoints and edges the active label declares (skeleton tool). */
  skeleton?: { points: string[]; edges: [number, number][] };
}

export type Command =
  /** `source`: a shape proposed by a model (Segment (AI)); human when absent. */
  | { type: 'create'; geometry: Geometry; source?: Source }
  | { type: 'update'; id: string; geometry: Geometry; action: string }
  | { type: 'delete'; id: string }
  | { type: 'select'; ids: string[] };

export type Preview =
  /** A shape being drawn, or an existing one (replaces) being edited. */
  | { type: 'shape'; geometry: Geometry; replaces?: string; closable?: boolean; note?: { x: number; y: number; text: string } }
  /** A brush or eraser stroke: centre line and radius. */
  | { type: 'stroke'; points: number[]; radius: number; erase: boolean };

export interface Tool extends EditorTool<ImagePointer, ToolContext, Command, Preview> {
  readonly name: ToolName;
  dblclick(p: ImagePointer, ctx: ToolContext): Command[];
  key(key: string, ctx: ToolContext): Command[] | null;
}

/** Screen-pixel tolerance converted to image pixels. */
export const tolerance = (ctx: ToolContext, screenPx = 6) => screenPx / Math.max(1e-6, ctx.scale);
