/**
 * `datum train` and `datum models versions|promote|rollback` (issue #17): train a new model version
 * from a project's labels with a training back end, and manage which version pre-labelling uses.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { TrainingService } from '../../services/training/runner';
import { closeHeadSessions } from '../../services/training/scorerSession';
import { TRAINING_BACKENDS, TRAINING_TASKS, type ModelVersions, type TrainingBackendKind, type TrainingTask } from '../../../core/training/job';

async function openProject(dir: string | undefined): Promise<ProjectService> {
  if (!dir) throw new DatumError('BAD_REQUEST', 'say which project');
  const projects = new ProjectService(new PathGuard());
  await projects.open(path.resolve(dir));
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return projects;
}

const fmtMetrics = (m: { primary: { name: string; value: number }; precision?: number; recall?: number; n: number }) =>
  `${m.primary.name} ${m.primary.value}${m.precision !== undefined ? ` P ${m.precision}` : ''}${m.recall !== undefined ? ` R ${m.recall}` : ''} (n = ${m.n})`;

export function formatVersions(v: ModelVersions): string {
  const lines = [`${v.modelId}: ${v.promoted ? `version ${v.promoted} in use` : 'the base model in use'}`];
  for (const x of v.versions)
    lines.push(`  ${x.version === v.promoted ? '*' : ' '} ${String(x.version).padStart(3)}  ${x.createdAt}  ${x.task} (${x.backend})  ${fmtMetrics(x.metrics)}${x.comparedWith ? `  vs ${x.comparedWith.label}: ${fmtMetrics(x.comparedWith.metrics)}` : ''}`);
  return lines.join('\n');
}

export const train: Command = {
  usage: `datum train <project> --task ${TRAINING_TASKS.join('|')} [--backend ${TRAINING_BACKENDS.join('|')}] [--model ID] [--val-fraction F] [--seed N] [--promote auto|always|never] [--backend-options options.json] [--json]`,
  options: {
    task: { type: 'string', description: `what to train: ${TRAINING_TASKS.join(', ')}` },
    backend: { type: 'string', description: 'training back end (default local)' },
    model: { type: 'string', description: 'model id the version belongs to (detect3d: proposals3d; accept2d: the 2D detector, default the one with most reviewed predictions)' },
    'val-fraction': { type: 'string', description: 'share of groups (sequences / recordings) held out for validation (default 0.2)' },
    seed: { type: 'string', description: 'split seed (default 1)' },
    promote: { type: 'string', description: 'auto (only when better on validation, default), always, never' },
    'backend-options': { type: 'string', description: 'JSON file with the command / ssh back end options (command templates, epochs, imgsz, model, host ...; docs/models.md)' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const task = values.task as TrainingTask;
    if (!positionals[0] || !TRAINING_TASKS.includes(task)) throw new DatumError('BAD_REQUEST', `usage: ${train.usage}`);
    const backend = (values.backend ?? 'local') as TrainingBackendKind;
    if (!TRAINING_BACKENDS.includes(backend)) throw new DatumError('BAD_REQUEST', `--backend: one of ${TRAINING_BACKENDS.join(', ')}`);
    const promote = (values.promote ?? 'auto') as 'auto' | 'always' | 'never';
    if (!['auto', 'always', 'never'].includes(promote)) throw new DatumError('BAD_REQUEST', '--promote: auto, always or never');
    let options: Record<string, unknown> | undefined;
    if (values['backend-options']) {
      const file = String(values['backend-options']);
      try {
        options = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        throw new DatumError('BAD_REQUEST', `--backend-options ${file}: ${(e as Error).message}`);
      }
      if (!options || typeof options !== 'object' || Array.isArray(options)) throw new DatumError('BAD_REQUEST', `--backend-options ${file}: a JSON object`);
    }
    const projects = await openProject(positionals[0]);
    const service = new TrainingService(projects);
    const ctrl = new AbortController();
    const onSigint = () => ctrl.abort();
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    try {
      const r = await service.train(
        {
          task,
          backend,
          modelId: values.model as string | undefined,
          valFraction: values['val-fraction'] ? Number(values['val-fraction']) : undefined,
          seed: values.seed ? Number(values.seed) : undefined,
          promote,
          options,
        },
        {
          signal: ctrl.signal,
          // --json: one JSON line per progress event, then the result line
          progress: (p) => {
            if (values.json) process.stdout.write(JSON.stringify({ progress: p }) + '\n');
            else process.stderr.write(`[${p.phase} ${(p.fraction * 100).toFixed(0)}%] ${p.message ?? Object.entries(p.metrics ?? {}).map(([k, v]) => `${k} ${v}`).join(' ')}\n`);
          },
          log: (line) => {
            if (values.json) process.stdout.write(JSON.stringify({ log: line }) + '\n');
            else process.stderr.write(line + '\n');
          },
        },
      );
      if (values.json) process.stdout.write(JSON.stringify({ result: r }) + '\n');
      else process.stdout.write(`${r.modelId} version ${r.version.version}: ${fmtMetrics(r.version.metrics)}\n${r.reason}\n`);
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      await closeHeadSessions();
    }
  },
};

/** `datum models versions|promote|rollback <project> ...` (called from the models command). */
export async function modelVersionsCommand(sub: 'versions' | 'promote' | 'rollback', values: Record<string, unknown>, args: string[]): Promise<number> {
  const projects = await openProject(args[0]);
  const service = new TrainingService(projects);
  const model = (values.model ?? values.id) as string | undefined;
  const print = (json: unknown, text: string) => process.stdout.write(values.json ? JSON.stringify(json) + '\n' : text + '\n');
  if (sub === 'versions') {
    const list = await service.versions(model);
    print({ models: list }, list.map(formatVersions).join('\n') || 'no trained models in this project');
    return 0;
  }
  if (!model) throw new DatumError('BAD_REQUEST', `usage: datum models ${sub} <project> --model ID${sub === 'promote' ? ' --version N' : ' [--version N|base]'}`);
  const v = values.version as string | undefined;
  if (sub === 'promote') {
    if (!v || !/^\d+$/.test(v)) throw new DatumError('BAD_REQUEST', '--version N: which version to promote');
    const r = await service.promote(model, Number(v));
    print(r, formatVersions(r));
    return 0;
  }
  const r = await service.rollback(model, v === undefined ? undefined : v === 'base' ? null : Number(v));
  print(r, formatVersions(r));
  return 0;
}
