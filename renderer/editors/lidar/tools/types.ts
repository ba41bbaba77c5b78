/**
 * LiDAR tools on the editors' one tool interface (editors/shell/tool.ts), free of the DOM and of
 * three.js: the editor feeds pointer events with the picking ray in scene
 * coordinates and applies the commands a tool returns; a tool never edits the document itself,
 * so each completed gesture is one command (one undo step). Boxes in and out are in scene
 * coordinates (the cloud recentred by its offset); the editor converts at the boundary.
 */
import type { Cuboid3D } from '../../../../core/document/schema';
import type { FrameIndex } from '../../../../core/lidar/frameIndex';
import type { EditorTool, PointerMods } from '../../shell/tool';

export type LidarToolName = 'select' | 'box' | 'fit' | 'lasso';
export type Vec3 = readonly [number, number, number];

export interface Ray {
  origin: Vec3;
  direction: Vec3;
}

export interface LidarPointer extends PointerMods {
  /** Canvas pixels (for drag thresholds and the lasso). */
  x: number;
  y: number;
  /** The picking ray through the pointer, in scene coordinates. */
  ray: Ray;
}

export interface LidarToolContext {
  /** Cuboids of the frame (scene coordinates), by record key. */
  boxes: readonly { id: string; box: Cuboid3D }[];
  /** The frame's points and ground / obstacle index, when loaded. */
  cloud: { positions: Float32Array; count: number; index: FrameIndex } | null;
  /** The active class's size prior [length, width, height], if it has one. */
  prior?: readonly [number, number, number];
}

/** Notices a tool may show (i18n keys under `lidar.`): why a click or a drag made no fitted box. */
export type NoticeKey = 'lidar.noFit' | 'lidar.noFitSparse' | 'lidar.noFitNoGround' | 'lidar.noFitNoCloud' | 'lidar.noFitRegion' | 'lidar.noFitMerged';

export type LidarCommand =
  | { type: 'select'; id: string | null }
  | { type: 'create'; box: Cuboid3D; action: 'fit cuboid' | 'draw cuboid' }
  | { type: 'notice'; message: NoticeKey | null }
  /** Give the points inside this canvas polygon the active class (erase: unlabel them). */
  | { type: 'lasso'; polygon: number[]; erase: boolean };

export type LidarPreview = { type: 'box'; box: Cuboid3D } | { type: 'lasso'; points: number[] };

export interface LidarTool extends EditorTool<LidarPointer, LidarToolContext, LidarCommand, LidarPreview> {
  readonly name: LidarToolName;
  /** Whether dragging orbits the camera while this tool is active. */
  readonly orbits: boolean;
}

/** A press and release further apart than this (pixels) was a drag (an orbit), not a click. */
export const CLICK_SLOP = 4;
