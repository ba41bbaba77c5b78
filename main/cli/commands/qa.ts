/**
 * `datum qa <project> [--json] [--config file] [--fail-on error|warning]`: run the QA checks
 * (core/qa) over every item's annotation document. Point-cloud items (single clouds and
 * pointcloud sequences) get their points for the too-few-points check. The configuration comes
 * from --config, else from qa.json in the project folder, else the defaults.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { loadQaConfig, runQaOnProject } from '../../services/qa';
import { summarize, type Finding, type QaConfig } from '../../../core/qa';

export interface QaReport {
  findings: Finding[];
}

/** Open the project, index it and run the checks (the same code as the app's qa.run). */
export async function runProjectQa(dir: string, config: QaConfig, warn: (w: string) => void = () => {}): Promise<QaReport> {
  const projects = new ProjectService(new PathGuard());
  if (!existsSync(path.join(dir, 'datum.json'))) throw new DatumError('NOT_FOUND', `${dir} has no datum.json`);
  await projects.open(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  try {
    const { findings } = await runQaOnProject(projects, config, { warn });
    return { findings };
  } finally {
    projects.close();
  }
}

export const qa: Command = {
  usage: 'datum qa <project> [--config file] [--fail-on error|warning] [--json]',
  options: {
    config: { type: 'string', description: 'QA configuration JSON (default: <project>/qa.json, else built-in)' },
    'fail-on': { type: 'string', description: 'exit 1 when a finding of this severity (or worse) exists' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [project] = positionals;
    if (!project) throw new DatumError('BAD_REQUEST', 'usage: datum qa <project>');
    const failOn = values['fail-on'] as string | undefined;
    if (failOn !== undefined && failOn !== 'error' && failOn !== 'warning') throw new DatumError('BAD_REQUEST', '--fail-on takes error or warning');
    const dir = path.resolve(project);
    const config = await loadQaConfig(dir, values.config as string | undefined);
    const warnings: string[] = [];
    const report = await runProjectQa(dir, config, (w) => warnings.push(w));
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    if (values.json) process.stdout.write(JSON.stringify(report) + '\n');
    else {
      for (const f of report.findings)
        process.stdout.write(`${f.severity.padEnd(7)} ${f.check.padEnd(20)} ${f.item}${f.frame !== null ? ` frame ${f.frame}` : ''}${f.object ? ` ${f.object}` : ''}: ${f.message}\n`);
      const s = summarize(report.findings);
      process.stdout.write(`${s.error} errors, ${s.warning} warnings, ${s.info} info\n`);
    }
    const s = summarize(report.findings);
    if (failOn === 'error' && s.error > 0) return 1;
    if (failOn === 'warning' && s.error + s.warning > 0) return 1;
    return 0;
  },
};
