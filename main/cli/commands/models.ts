/**
 * `datum models list|import|run`, `datum propose3d` and `datum prelabel`.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { ioText, type ImportPlan } from '../../services/inference/importPlan';
import type { SampleCheck } from '../../services/inference/sampleCheck';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { defaultUserDataDir } from '../../hostServices';
import { ModelService, PRESETS, is3dAdapter } from '../../services/models';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { DEFAULT_PROPOSAL_THRESHOLD } from '../../../core/lidar/propose';
import { modelVersionsCommand } from './train';

function userModels(): string {
  return path.join(defaultUserDataDir(), 'models');
}

function projectDirOpt(values: Record<string, unknown>): string | undefined {
  return values.project ? path.resolve(String(values.project)) : undefined;
}

const print = (values: Record<string, unknown>, json: unknown, text: string) =>
  process.stdout.write(values.json ? JSON.stringify(json) + '\n' : text.endsWith('\n') ? text : text + '\n');

/** `--manifest` is a file or, when it starts with `{`, the JSON itself. */
async function readPartialManifest(arg: string): Promise<Record<string, unknown>> {
  const inline = arg.trimStart().startsWith('{');
  let text = arg;
  if (!inline) {
    const { readFile } = await import('node:fs/promises');
    text = await readFile(arg, 'utf8').catch((err: Error) => {
      throw new DatumError('NOT_FOUND', `${arg}: ${err.message}`);
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DatumError('BAD_FILE', `${inline ? '--manifest' : arg}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new DatumError('BAD_FILE', `${inline ? '--manifest' : arg}: a manifest is a JSON object`);
  return json as Record<string, unknown>;
}

/** The plan in words, for a terminal. */
function planText(plan: ImportPlan, sample?: SampleCheck): string {
  const lines = [
    'graph inputs:  ' + plan.graph.inputs.map(ioText).join(', '),
    'graph outputs: ' + plan.graph.outputs.map(ioText).join(', '),
    ...plan.notes.map((n) => `note: ${n}`),
    ...plan.problems.map((p) => `problem: ${p}`),
    'effective manifest:',
    JSON.stringify(plan.manifest, null, 2),
  ];
  if (sample) {
    lines.push(`sample check on ${sample.image} (${sample.width} x ${sample.height}): ${sample.predictions.length} predictions at score >= ${plan.manifest.thresholds.score}, best score ${sample.bestScore ?? 'none'}`);
    for (const w of sample.warnings) lines.push(`warning: ${w.message}`);
  }
  return lines.join('\n') + '\n';
}

export const models: Command = {
  usage:
    'datum models list [--project P] [--json]\n       datum models import <model.onnx> --preset yolox|yolov5|yolov8|ultraface|pointpillars [--classes classes.txt] [--id ID] [--manifest partial.json] [--project P]\n       datum models run <model-id|manifest.json> <file> [--project P] [--json]\n       datum models versions <project> [--model ID] [--json]\n       datum models promote <project> --model ID --version N [--json]\n       datum models rollback <project> --model ID [--version N|base] [--json]',
  options: {
    project: { type: 'string', description: "a project whose models/ folder is searched (import: copy the model there)" },
    preset: { type: 'string', description: `input settings of a known export: ${Object.keys(PRESETS).join(', ')}` },
    classes: { type: 'string', description: 'text file with one class name per line' },
    manifest: { type: 'string', description: 'a partial manifest (a .json file or inline JSON), deep-merged onto the preset' },
    'dry-run': { type: 'boolean', description: 'import: print the effective manifest and what the graph declares, copy nothing' },
    sample: { type: 'string', description: 'import: run the model on this image first and warn when its output looks wrong' },
    id: { type: 'string', description: 'model id (default: from the file name)' },
    model: { type: 'string', description: 'versions / promote / rollback: the model id' },
    version: { type: 'string', description: 'promote: the version; rollback: a version or "base" (default: the one promoted before)' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [sub, ...args] = positionals;
    if (sub === 'versions' || sub === 'promote' || sub === 'rollback') return modelVersionsCommand(sub, values, args);
    const service = new ModelService(userModels());
    try {
      if (sub === 'list') {
        const { models: list, problems } = await service.info(projectDirOpt(values));
        print(values, { models: list, problems }, list.map((m) => `${m.id.padEnd(22)} ${m.task.padEnd(18)} ${m.adapter.padEnd(12)} ${m.source.padEnd(8)} ${m.provider ?? `tries ${m.providers.join(' > ')}`}`).join('\n') || 'no models');
        return 0;
      }
      if (sub === 'import') {
        if (!args[0]) throw new DatumError('BAD_REQUEST', 'usage: datum models import <model.onnx> --preset NAME [--classes FILE]');
        const manifest = values.manifest ? await readPartialManifest(String(values.manifest)) : undefined;
        const project = projectDirOpt(values);
        const destRoot = project ? path.join(project, 'models') : userModels();
        const request = { preset: values.preset as string | undefined, manifest: manifest as never, classesFile: values.classes as string | undefined, id: values.id as string | undefined };
        const onnx = path.resolve(args[0]);
        const plan = await service.planImport(onnx, request);
        const sample = values.sample ? await service.checkSample(plan.manifest, onnx, path.resolve(String(values.sample)), request.preset) : undefined;
        const report = { manifest: plan.manifest, graph: plan.graph, notes: plan.notes, problems: plan.problems, ...(sample ? { sample } : {}) };
        if (values['dry-run']) {
          // Nothing is copied: the effective manifest, what the graph says, and the sample check.
          print(values, { dryRun: true, ...report }, planText(plan, sample));
          return plan.problems.length ? 1 : 0;
        }
        if (!values.json) process.stdout.write(planText(plan, sample));
        const entry = await service.import(onnx, { ...request, destRoot });
        print(values, { id: entry.manifest.id, dir: entry.dir, sha256: entry.manifest.sha256, ...report, manifest: entry.manifest }, `imported ${entry.manifest.id} into ${entry.dir}`);
        return 0;
      }
      if (sub === 'run') {
        const [id, file] = args;
        if (!id || !file) throw new DatumError('BAD_REQUEST', 'usage: datum models run <model-id|manifest.json> <file>');
        if (!existsSync(file)) throw new DatumError('NOT_FOUND', `${file}: no such file`);
        // The CLI user owns the machine, so a manifest path is fine here (never over RPC).
        const entry = id.endsWith('.json') ? await service.resolveManifestPath(id) : await service.resolve(id, projectDirOpt(values));
        const predictions = is3dAdapter(entry.manifest.adapter) ? await service.predict3d(entry, path.resolve(file)) : await service.predictImage(entry, path.resolve(file));
        const provider = entry.manifest.adapter === 'proposals3d' ? 'cpu' : (await service.info(projectDirOpt(values))).models.find((m) => m.id === entry.manifest.id)?.provider;
        print(values, { model: entry.manifest.id, provider, predictions }, predictions.map((p) => `${p.label} ${p.score}`).join('\n') || 'no predictions');
        return 0;
      }
      throw new DatumError('BAD_REQUEST', 'usage: datum models list|import|run|versions|promote|rollback (see --help)');
    } finally {
      await service.close();
    }
  },
};

export const propose3d: Command = {
  usage: 'datum propose3d <cloud> [--min-score S] [--json]',
  options: { 'min-score': { type: 'string', description: `drop proposals below this probability (default ${DEFAULT_PROPOSAL_THRESHOLD})` }, ...jsonOpt },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new DatumError('BAD_REQUEST', 'usage: datum propose3d <cloud>');
    const service = new ModelService(null);
    const predictions = await service.propose3d(path.resolve(positionals[0]), values['min-score'] ? Number(values['min-score']) : DEFAULT_PROPOSAL_THRESHOLD);
    print(values, { predictions }, predictions.map((p) => `${p.label} ${p.score} center=${p.cuboid.center.map((v) => v.toFixed(2)).join(',')}`).join('\n') || 'no proposals');
    return 0;
  },
};

export const prelabel: Command = {
  usage: 'datum prelabel <project> --model <id> [--json]',
  options: { model: { type: 'string', description: 'model id from `datum models list`' }, ...jsonOpt },
  async run({ values, positionals }) {
    if (!positionals[0] || !values.model) throw new DatumError('BAD_REQUEST', 'usage: datum prelabel <project> --model <id>');
    const projects = new ProjectService(new PathGuard());
    await projects.open(path.resolve(positionals[0]));
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const service = new ModelService(userModels());
    const ctrl = new AbortController();
    process.once('SIGINT', () => ctrl.abort());
    try {
      const r = await service.prelabel(projects, String(values.model), {
        signal: ctrl.signal,
        progress: (done, total) => {
          if (!values.json) process.stderr.write(`\r${done}/${total}`);
        },
      });
      if (!values.json) process.stderr.write('\n');
      print(values, r, `pre-labelled ${r.items} items (${r.predictions} predictions, ${r.skipped} ${r.known === undefined ? 'already done' : `with nothing new, ${r.known} proposals already known or rejected`}, ${r.failed.length} failed)`);
      return r.failed.length ? 1 : 0;
    } finally {
      await service.close();
    }
  },
};
