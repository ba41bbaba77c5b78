/**
 * `datum import <format> <src> <project>` and `datum export <format> <project> <out>`.
 * The project folder is opened (made in place with --create) and indexed first. An import that
 * fails, or matches no item of the project, exits non-zero and leaves the folder as it was
 * (what --create made is removed again).
 */
import path from 'node:path';
import { existsSync, promises as fs, statSync } from 'node:fs';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { getFormat, listFormats } from '../../services/exchange';
import { runExport, runImport } from '../../services/exchange/run';

interface Opened {
  projects: ProjectService;
  /** What `--create` made in this run (removed again when the import fails). */
  created: string[];
}

async function openProject(dir: string, create: boolean): Promise<Opened> {
  const projects = new ProjectService(new PathGuard());
  const created: string[] = [];
  if (existsSync(path.join(dir, 'datum.json'))) await projects.open(dir);
  else if (create) {
    for (const p of ['datum.json', '.datum', 'annotations']) if (!existsSync(path.join(dir, p))) created.push(path.join(dir, p));
    await projects.create(dir);
  } else throw new DatumError('NOT_FOUND', `${dir} has no datum.json (pass --create to make a project there)`);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return { projects, created };
}

/** Undo `--create` after a failed import: the folder is left as the user had it. */
async function removeCreated(created: string[]): Promise<void> {
  for (const p of created) await fs.rm(p, { recursive: true, force: true });
}

/** The error for an import that matched no item of the project, with the way out. */
function nothingMatched(format: string, src: string, project: string, itemCount: number): DatumError {
  const datasetDir = statSync(src, { throwIfNoEntry: false })?.isFile() ? path.dirname(src) : src;
  return new DatumError(
    'NOT_FOUND',
    `nothing imported: none of the items in ${src} is in the project ${project} (it has ${itemCount} item${itemCount === 1 ? '' : 's'}). ` +
      `Items are matched by path relative to the project's dataset folder, then by file name. To make the dataset folder the project, run: ` +
      `datum import ${format} ${src} ${datasetDir} --create`,
  );
}

function formatList(kind: 'import' | 'export'): string {
  return listFormats()
    .filter((f) => f[kind])
    .map((f) => f.name)
    .join(', ');
}

export const importCommand: Command = {
  usage: 'datum import <format> <src> <project> [--create] [--merge | --replace] [--json]',
  options: {
    create: { type: 'boolean', description: 'make the project if <project> has no datum.json' },
    merge: { type: 'boolean', description: 'update objects imported earlier from this source and add new ones (default)' },
    replace: { type: 'boolean', description: 'as --merge, and remove objects imported earlier in this format that the source no longer has' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [name, src, project] = positionals;
    const format = name ? getFormat(name) : undefined;
    if (!format?.import) throw new DatumError('BAD_REQUEST', `usage: datum import <format> <src> <project>; formats: ${formatList('import') || '(none)'}`);
    if (!src || !project) throw new DatumError('BAD_REQUEST', 'usage: datum import <format> <src> <project>');
    if (values.merge && values.replace) throw new DatumError('BAD_REQUEST', '--merge and --replace exclude each other');
    const projectDir = path.resolve(project);
    const { projects, created } = await openProject(projectDir, !!values.create);
    const warnings: string[] = [];
    let r;
    try {
      r = await runImport(format, path.resolve(src), { projects, mode: values.replace ? 'replace' : 'merge', warn: (w) => warnings.push(w) });
      if (r.items === 0) throw nothingMatched(format.name, path.resolve(src), projectDir, projects.current()!.itemCount);
    } catch (err) {
      await removeCreated(created);
      throw err;
    }
    const out = { format: name, ...r, warnings: [...warnings, ...r.warnings] };
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      const detail = r.added === undefined ? '' : ` (${r.added} new, ${r.updated ?? 0} updated${r.removed ? `, ${r.removed} removed` : ''})`;
      process.stdout.write(`imported ${r.objects} objects into ${r.items} items${detail}\n`);
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
    }
    return 0;
  },
};

export const exportCommand: Command = {
  usage: 'datum export <format> <project> <out> [--include-predictions] [--json]',
  options: {
    'include-predictions': { type: 'boolean', description: 'also write model predictions nobody has accepted yet (with their scores where the format has a place)' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [name, project, outDir] = positionals;
    const format = name ? getFormat(name) : undefined;
    if (!format?.export) throw new DatumError('BAD_REQUEST', `usage: datum export <format> <project> <out>; formats: ${formatList('export') || '(none)'}`);
    if (!project || !outDir) throw new DatumError('BAD_REQUEST', 'usage: datum export <format> <project> <out>');
    const { projects } = await openProject(path.resolve(project), false);
    const warnings: string[] = [];
    const r = await runExport(format, path.resolve(outDir), { projects, includePredictions: !!values['include-predictions'], warn: (w) => warnings.push(w) });
    const out = { format: name, ...r, warnings: [...warnings, ...r.warnings] };
    if (values.json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      process.stdout.write(`exported ${r.objects} objects to ${r.files.length} files under ${outDir}\n`);
      for (const w of out.warnings) process.stderr.write(`warning: ${w}\n`);
    }
    return 0;
  },
};
