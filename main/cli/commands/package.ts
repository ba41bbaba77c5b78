/**
 * `datum package export|import|merge|verify`: task packages for machines that are never connected
 * (main/services/packages). Export a batch, import it as a project on the offline machine, export
 * the work from there and merge it back at home.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { ReviewService } from '../../services/review';
import { exportPackage } from '../../services/packages/export';
import { importPackage } from '../../services/packages/import';
import { PackageMerger, type MergePlanSummary } from '../../services/packages/merge';
import { readPackage } from '../../services/packages/container';
import { parseFilter } from '../../services/packages/select';
import { jobRecordReader } from '../../services/packages/jobs';
import type { Selection } from '../../services/packages/format';
import type { Choice } from '../../../core/packages/merge';

const USAGE = [
  'datum package export <project> (--job J | --items id,id | --filter modality=a|b,status=s,name=glob) <file.datumpkg> [--with-data|--references] [--model ID]',
  '       datum package import <file.datumpkg> <folder> [--data [source=]DIR]',
  '       datum package merge <project> <file.datumpkg> [--resolve ours|theirs|ask]',
  '       datum package verify <file.datumpkg>',
].join('\n');

async function openProject(dir: string): Promise<ProjectService> {
  const abs = path.resolve(dir);
  if (!existsSync(path.join(abs, 'datum.json'))) throw new DatumError('NOT_FOUND', `${abs} has no datum.json`);
  const projects = new ProjectService(new PathGuard());
  await projects.open(abs);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return projects;
}

function selectionOf(values: Record<string, unknown>): Selection {
  const given = ['job', 'items', 'filter'].filter((k) => values[k] !== undefined);
  if (given.length !== 1) throw new DatumError('BAD_REQUEST', 'say which items: exactly one of --job, --items or --filter');
  if (values.job !== undefined) return { kind: 'job', job: String(values.job) };
  if (values.items !== undefined) return { kind: 'items', items: String(values.items).split(',').map((s) => s.trim()).filter(Boolean) };
  return parseFilter(String(values.filter));
}

function dataDirs(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq > 0 && !v.slice(0, eq).includes('/')) out[v.slice(0, eq)] = v.slice(eq + 1);
    else out['*'] = v;
  }
  return out;
}

function printPlan(s: MergePlanSummary): void {
  process.stdout.write(
    `package ${s.packageId} from "${s.project}" by ${s.createdBy} (${new Date(s.createdAt).toISOString()}), ${s.items} items${s.job ? `, job ${s.job.id}` : ''}\n` +
      `records: ${s.counts.takeTheirs} from the package, ${s.counts.keepOurs} kept from home, ${s.counts.keep} unchanged, ${s.counts.conflicts} conflicts\n`,
  );
  for (const c of s.conflicts) process.stdout.write(`conflict ${c.id}  ${c.itemName} ${c.kind} ${c.key}: ${c.reason}; home: ${c.ours}; package: ${c.theirs}${c.decided ? ` (decided before: ${c.decided})` : ''}\n`);
  if (s.unknownLabels.length) process.stdout.write(`warning: labels not in this project's ontology: ${s.unknownLabels.join(', ')}\n`);
}

async function ask(s: MergePlanSummary): Promise<Record<string, Choice>> {
  if (!process.stdin.isTTY) throw new DatumError('BAD_REQUEST', '--resolve ask needs a terminal; use --resolve ours|theirs, or the app (Merge package…)');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const out: Record<string, Choice> = {};
  try {
    for (const c of s.conflicts) {
      for (;;) {
        const a = (await rl.question(`${c.itemName} ${c.kind} ${c.key} (${c.reason})\n  [o]urs: ${c.ours}\n  [t]heirs: ${c.theirs}\n  keep which? `)).trim().toLowerCase();
        if (a === 'o' || a === 'ours') out[c.id] = 'ours';
        else if (a === 't' || a === 'theirs') out[c.id] = 'theirs';
        else continue;
        break;
      }
    }
  } finally {
    rl.close();
  }
  return out;
}

export const packageCommand: Command = {
  usage: USAGE,
  options: {
    job: { type: 'string', description: 'export: the job whose items go in the package' },
    items: { type: 'string', description: 'export: item ids, comma-separated' },
    filter: { type: 'string', description: 'export: modality=a|b,status=s,name=glob (keys combine with AND)' },
    'with-data': { type: 'boolean', description: "export: embed the items' files (default for a home project)" },
    references: { type: 'boolean', description: "export: only the files' hashes; the other machine has the data (default for an imported project)" },
    model: { type: 'string', multiple: true, description: 'export: a model id pre-labelling needs (besides those the predictions name)' },
    data: { type: 'string', multiple: true, description: 'import: where a references-only package\'s files are, [source=]DIR' },
    resolve: { type: 'string', description: 'merge: ours | theirs (every conflict) | ask (one by one in the terminal)' },
    by: { type: 'string', description: 'export: who made the package (default: the user name)' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [sub, ...args] = positionals;
    const out = (v: unknown, text: string) => process.stdout.write(values.json ? JSON.stringify(v) + '\n' : text);
    if (sub === 'export') {
      const [project, file] = args;
      if (!project || !file) throw new DatumError('BAD_REQUEST', `usage: ${USAGE.split('\n')[0]}`);
      if (values['with-data'] && values.references) throw new DatumError('BAD_REQUEST', '--with-data and --references exclude each other');
      const projects = await openProject(project);
      try {
        const r = await exportPackage(projects, file, {
          selection: selectionOf(values),
          withData: values['with-data'] ? true : values.references ? false : undefined,
          models: values.model as string[] | undefined,
          createdBy: values.by as string | undefined,
          readRecord: jobRecordReader(projects),
        });
        out(r, `wrote ${r.file}: ${r.items} items, data ${r.data}, ${(r.bytes / 1e6).toFixed(1)} MB${r.models.length ? `, models ${r.models.join(', ')}` : ''}\n`);
      } finally {
        projects.close();
      }
      return 0;
    }
    if (sub === 'import') {
      const [file, folder] = args;
      if (!file || !folder) throw new DatumError('BAD_REQUEST', `usage: ${USAGE.split('\n')[1].trim()}`);
      const r = await importPackage(file, folder, { dataDirs: dataDirs(values.data as string[] | undefined) });
      out(r, `imported ${r.items} items into ${r.project} (data ${r.data}); open it with: datum serve ${r.project}\n`);
      return 0;
    }
    if (sub === 'merge') {
      const [project, file] = args;
      if (!project || !file) throw new DatumError('BAD_REQUEST', `usage: ${USAGE.split('\n')[2].trim()}`);
      const resolve = values.resolve as string | undefined;
      if (resolve !== undefined && !['ours', 'theirs', 'ask'].includes(resolve)) throw new DatumError('BAD_REQUEST', '--resolve takes ours, theirs or ask');
      const projects = await openProject(project);
      try {
        const merger = new PackageMerger(projects, new ReviewService(projects));
        const plan = await merger.inspect(file);
        if (!values.json) printPlan(plan);
        const undecided = plan.conflicts.filter((c) => !c.decided);
        if (undecided.length && resolve === undefined) {
          if (values.json) process.stdout.write(JSON.stringify({ ...plan, written: 0, error: { code: 'CONFLICT', message: `${undecided.length} conflict(s) need a decision` } }) + '\n');
          else process.stdout.write(`nothing written: ${undecided.length} conflict(s) need a decision (--resolve ours|theirs|ask, or Merge package… in the app)\n`);
          return 3;
        }
        const decisions = resolve === 'ask' ? await ask({ ...plan, conflicts: undecided }) : undefined;
        const r = await merger.merge(file, { decisions, resolve: resolve === 'ours' || resolve === 'theirs' ? resolve : undefined });
        out(r, `merged: ${r.written} item documents written, ${r.unchanged} unchanged\n`);
      } finally {
        projects.close();
      }
      return 0;
    }
    if (sub === 'verify') {
      const [file] = args;
      if (!file) throw new DatumError('BAD_REQUEST', `usage: ${USAGE.split('\n')[3].trim()}`);
      const p = await readPackage(file);
      const m = p.manifest;
      out(
        { packageId: m.packageId, project: m.project.name, items: m.items.length, entries: p.entries.size, data: m.data, manifestSha256: p.manifestSha256, origin: m.origin ?? null },
        `ok: ${file}: package ${m.packageId} of "${m.project.name}", ${m.items.length} items, ${p.entries.size} entries verified (sha256), data ${m.data}${m.origin ? `, return package of ${m.origin.packageId}` : ''}\n`,
      );
      return 0;
    }
    throw new DatumError('BAD_REQUEST', `usage: ${USAGE}`);
  },
};
