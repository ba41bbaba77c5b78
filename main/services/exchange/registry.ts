/**
 * Annotation exchange formats (import/export). Each format registers one ExchangeFormat; the
 * CLI (`datum import <format> <src> <project>`, `datum export <format> <project> <out>`) and the
 * app's import/export methods look formats up here, so adding a format touches one line below.
 */
import type { ProjectService } from '../projectService';

export interface ExchangeContext {
  /** An open project (the CLI opens it; the app passes its current one). */
  projects: ProjectService;
  progress?: (done: number, total: number | null, phase: string) => void;
  signal?: AbortSignal;
  warn?: (message: string) => void;
  /**
   * Import: 'merge' (default) updates the objects an earlier import of the same source wrote
   * (matched by importKey) and adds the new ones; 'replace' also removes objects imported earlier
   * in this format that the source no longer has. Hand-made objects are kept either way.
   */
  mode?: ImportMode;
  /** Export: also write pending model predictions (source model, not accepted). */
  includePredictions?: boolean;
}

export type ImportMode = 'merge' | 'replace';

export interface ImportResult {
  /** Items whose documents the source has annotations for. */
  items: number;
  /** Objects and tracks in the source for those items. */
  objects: number;
  /** Of those, new to the project / already there from an earlier import (updated in place). */
  added?: number;
  updated?: number;
  /** Removed by mode 'replace'. */
  removed?: number;
  warnings: string[];
}

export interface ExportResult {
  files: string[];
  objects: number;
  /** Pending model predictions not written (no includePredictions). */
  predictionsLeftOut?: number;
  warnings: string[];
}

export interface ExchangeFormat {
  name: string;
  description: string;
  /** Import annotations from `src` (a file or folder) into the open project. */
  import?(src: string, ctx: ExchangeContext): Promise<ImportResult>;
  /** Write the open project's annotations in this format under `out`. */
  export?(out: string, ctx: ExchangeContext): Promise<ExportResult>;
}

const formats = new Map<string, ExchangeFormat>();

export function registerFormat(f: ExchangeFormat): void {
  formats.set(f.name, f);
}

export function getFormat(name: string): ExchangeFormat | undefined {
  return formats.get(name);
}

export function listFormats(): ExchangeFormat[] {
  return [...formats.values()];
}
