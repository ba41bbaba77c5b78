/**
 * `models.import` for the app: plan the import (preset + partial manifest, fitted to the graph),
 * run the sample check on an image item of the project, and only then — when the user confirms
 * (not a dry run) and the plan has no problems — copy the model into the project's library.
 */
import { DatumError } from '../rpc/errors';
import type { ModelService, ImportRequest } from './models';
import type { ProjectService } from './projectService';
import type { BoxPrediction } from './inference/types';

export interface ImportResult {
  id: string;
  imported: boolean;
  manifest: Record<string, unknown>;
  graph: { inputs: { name: string; type?: string; shape?: number[] }[]; outputs: { name: string; type?: string; shape?: number[] }[] };
  notes: string[];
  problems: string[];
  sample: {
    itemId: string;
    name: string;
    width: number;
    height: number;
    bestScore: number | null;
    predictions: { label: string; score: number; box?: number[] }[];
    warnings: { code: string; message: string }[];
  } | null;
  sampleNote?: string;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export async function importWithCheck(
  models: ModelService,
  projects: ProjectService,
  onnx: string,
  request: ImportRequest & { destRoot: string },
  opts: { dryRun?: boolean; sampleItemId?: string; signal?: AbortSignal },
): Promise<ImportResult> {
  const plan = await models.planImport(onnx, request);
  const base = { manifest: plan.manifest as unknown as Record<string, unknown>, graph: plan.graph, notes: plan.notes, problems: plan.problems };
  if (!opts.dryRun) {
    if (plan.problems.length) throw new DatumError('BAD_FILE', `${onnx}: does not fit a ${plan.manifest.adapter} model: ${plan.problems.join('; ')}`);
    const entry = await models.import(onnx, request);
    return { id: entry.manifest.id, imported: true, ...base, manifest: entry.manifest as unknown as Record<string, unknown>, sample: null };
  }
  let sample: ImportResult['sample'] = null;
  let sampleNote: string | undefined;
  if (plan.problems.length) sampleNote = 'not run: the graph does not fit the manifest';
  else if (!plan.manifest.input || plan.manifest.task === 'promptable-segment') sampleNote = `not run: the sample check runs one-shot image models (${plan.manifest.adapter} is not one)`;
  else {
    const images = projects.listItems({ offset: 0, limit: 1_000_000, modality: ['image'] } as never).items;
    // the item the user has open when it is an image, else the project's first image
    const item = images.find((i) => i.id === opts.sampleItemId) ?? images[0];
    if (!item) sampleNote = 'not run: the project has no image item';
    else {
      try {
        const c = await models.checkSample(plan.manifest, onnx, projects.itemPath(item.id), request.preset, opts.signal);
        sample = {
          itemId: item.id,
          name: item.name,
          width: c.width,
          height: c.height,
          bestScore: c.bestScore === null ? null : round(c.bestScore),
          predictions: c.predictions.map((p) => ({ label: p.label, score: round(p.score), ...('box' in p && p.box ? { box: (p as BoxPrediction).box.map(round) } : {}) })),
          warnings: c.warnings,
        };
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        sampleNote = `the model failed on ${item.name}: ${(e as Error).message}`;
      }
    }
  }
  return { id: plan.manifest.id, imported: false, ...base, sample, ...(sampleNote ? { sampleNote } : {}) };
}
