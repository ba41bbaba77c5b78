/**
 * `datum models list|import|run`, `datum propose3d` and `datum prelabel`.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { defaultUserDataDir } from '../../hostServices';
import { ModelService, PRESETS, is3dAdapter } from '../../services/models';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { DEFAULT_PROPOSAL_THRESHOLD } from '../../../core/lidar/propose';

function userModels(): string {
  return path.join(defaultUserDataDir(), 'models');
}

function projectDirOpt(values: Record<string, unknown>): string | undefined {
  return values.project ? path.resolve(String(values.project)) : undefined;
}

const print = (values: Record<string, unknown>, json: unknown, text: string) =>
  process.stdout.write(values.json ? JSON.stringify(json) + '\n' : text.endsWith('\n') ? text : text + '\n');

export const models: Command = {
  usage:
    'datum models list [--project P] [--json]\n       datum models import <model.onnx> --preset yolox|yolov5|yolov8|ultraface|pointpillars [--classes classes.txt] [--id ID] [--manifest partial.json] [--project P]\n       datum models run <model-id|manifest.json> <file> [--project P] [--json]',
  options: {
    project: { type: 'string', description: "a project whose models/ folder is searched (import: copy the model there)" },
    preset: { type: 'string', description: `input settings of a known export: ${Object.keys(PRESETS).join(', ')}` },
    classes: { type: 'string', description: 'text file with one class name per line' },
    manifest: { type: 'string', description: 'a partial manifest.json (adapter, input, classes, thresholds)' },
    id: { type: 'string', description: 'model id (default: from the file name)' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [sub, ...args] = positionals;
    const service = new ModelService(userModels());
    try {
      if (sub === 'list') {
        const { models: list, problems } = await service.info(projectDirOpt(values));
        print(values, { models: list, problems }, list.map((m) => `${m.id.padEnd(22)} ${m.task.padEnd(18)} ${m.adapter.padEnd(12)} ${m.source.padEnd(8)} ${m.provider ?? `tries ${m.providers.join(' > ')}`}`).join('\n') || 'no models');
        return 0;
      }
      if (sub === 'import') {
        if (!args[0]) throw new DatumError('BAD_REQUEST', 'usage: datum models import <model.onnx> --preset NAME [--classes FILE]');
        let manifest: Record<string, unknown> | undefined;
        if (values.manifest) {
          const { readFile } = await import('node:fs/promises');
          try {
            manifest = JSON.parse(await readFile(String(values.manifest), 'utf8'));
          } catch (err) {
            throw new DatumError('BAD_FILE', `${values.manifest}: ${(err as Error).message}`);
          }
        }
        const project = projectDirOpt(values);
        const destRoot = project ? path.join(project, 'models') : userModels();
        const entry = await service.import(path.resolve(args[0]), {
          preset: values.preset as string | undefined,
          manifest: manifest as never,
          classesFile: values.classes as string | undefined,
          id: values.id as string | undefined,
          destRoot,
        });
        print(values, { id: entry.manifest.id, dir: entry.dir, sha256: entry.manifest.sha256 }, `imported ${entry.manifest.id} into ${entry.dir}`);
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
      throw new DatumError('BAD_REQUEST', 'usage: datum models list|import|run (see --help)');
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
