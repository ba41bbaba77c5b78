/**
 * Running an import or export for a host (the CLI; the app would call the same): the format does
 * the work, this adds what every format shares. An export folder inside the project is recorded
 * (exportRecord.ts) so the next rescan does not index it.
 */
import path from 'node:path';
import { exportFolders, recordExportFolder } from '../exportRecord';
import type { ProjectService } from '../projectService';
import type { ExchangeContext, ExchangeFormat, ExportResult, ImportResult } from './registry';

export async function runImport(format: ExchangeFormat, src: string, ctx: ExchangeContext): Promise<ImportResult> {
  if (!format.import) throw new Error(`${format.name} cannot import`);
  return format.import(src, ctx);
}

export async function runExport(format: ExchangeFormat, out: string, ctx: ExchangeContext): Promise<ExportResult> {
  if (!format.export) throw new Error(`${format.name} cannot export`);
  const r = await format.export(out, ctx);
  const folder = out.toLowerCase().endsWith('.json') ? path.dirname(out) : out; // nuScenes writes one file
  await recordProjectExport(ctx.projects, folder);
  return r;
}

/** Record an export folder of the open project (medical exports use it too), so rescans skip it. */
export async function recordProjectExport(projects: ProjectService, folder: string): Promise<boolean> {
  const info = projects.current()!;
  const roots = info.sources.map((s) => path.resolve(info.path, s.path));
  return recordExportFolder(info.path, roots, folder, (dir) => holdsItems(projects, dir));
}

/** Whether any indexed item lies in `dir` (then it is the user's data, not only our output). */
function holdsItems(projects: ProjectService, dir: string): boolean {
  const info = projects.current()!;
  for (let offset = 0; ; offset += 1000) {
    const page = projects.listItems({ offset, limit: 1000 });
    for (const item of page.items) {
      const spec = info.sources.find((s) => s.id === item.source);
      if (!spec) continue;
      const abs = path.resolve(info.path, spec.path, item.name);
      if (abs === dir || abs.startsWith(dir + path.sep)) return true;
    }
    if (offset + 1000 >= page.total) return false;
  }
}

export { exportFolders };
