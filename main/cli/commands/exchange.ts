/**
 * `datum import <format> <src> <project>` and `datum export <format> <project> <out>`.
 * The project folder is opened (made in place with --create) and indexed first.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { getFormat, listFormats } from '../../services/exchange';

async function openProject(dir: string, create: boolean): Promise<ProjectService> {
  const projects = new ProjectService(new PathGuard());
  if (existsSync(path.join(dir, 'datum.json'))) await projects.open(dir);
  else if (create) await projects.create(dir);
  else throw new DatumError('NOT_FOUND', `${dir} has no datum.json (pass --create to make a project there)`);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return projects;
}

function formatList(kind: 'import' | 'export'): string {
  return listFormats()
    .filter((f) => f[kind])
    .map((f) => f.name)
    .join(', ');
}

export const importCommand: Command = {
  summary: 'import annotations in a known format into a project',
  usage: 'datum import <format> <src> <project> [--create] [--json]',
  options: { create: { type: 'boolean', description: 'make the project if <project> has no datum.json' }, ...jsonOpt },
  async run({ values, positionals }) {
    const [name, src, project] = positionals;
    const format = name ? getFormat(name) : undefined;
    if (!format?.import) throw new DatumError('BAD_REQUEST', `usage: datum import <format> <src> <project>; formats: ${formatList('import') || '(none)'}`);
    if (!src || !project) throw new DatumError('BAD_REQUEST', 'usage: datum import <format> <src> <project>');
    const projects = await openProject(path.resolve(project), !!values.create);
    const warnings: string[] = [];
    const r = await format.import(path.resolve(src), { projects, warn: (w) => warnings.push(w) });
    const out = { format: name, ...r, warnings: [...warnings, ...r.warnings] };
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      process.stdout.write(`imported ${r.objects} objects into ${r.items} items\n`);
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
    }
    return 0;
  },
};

export const exportCommand: Command = {
  summary: 'export a project\'s annotations in a known format',
  usage: 'datum export <format> <project> <out> [--json]',
  options: { ...jsonOpt },
  async run({ values, positionals }) {
    const [name, project, outDir] = positionals;
    const format = name ? getFormat(name) : undefined;
    if (!format?.export) throw new DatumError('BAD_REQUEST', `usage: datum export <format> <project> <out>; formats: ${formatList('export') || '(none)'}`);
    if (!project || !outDir) throw new DatumError('BAD_REQUEST', 'usage: datum export <format> <project> <out>');
    const projects = await openProject(path.resolve(project), false);
    const warnings: string[] = [];
    const r = await format.export(path.resolve(outDir), { projects, warn: (w) => warnings.push(w) });
    const out = { format: name, ...r, warnings: [...warnings, ...r.warnings] };
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      process.stdout.write(`exported ${r.objects} objects to ${r.files.length} files under ${outDir}\n`);
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
    }
    return 0;
  },
};
