import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';

const USAGE = 'datum project migrate <folder|postgres://...> --to <postgres://...|folder> [--overwrite]';

export const project: Command = {
  usage: USAGE,
  options: {
    to: { type: 'string', description: 'where the project goes: a postgres:// URL, or a project folder (made from the database when it has no datum.json)' },
    overwrite: { type: 'boolean', description: 'replace target entries that are newer or different (default: refuse the whole run and list them)' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [sub, from] = positionals;
    if (sub !== 'migrate' || !from || !values.to) throw new DatumError('BAD_REQUEST', `usage: ${USAGE}`);
    const { migrateProject } = await import('../../services/store/migrate');
    const r = await migrateProject(from, values.to as string, { overwrite: !!values.overwrite, actor: process.env.USER });
    if (values.json) {
      process.stdout.write(JSON.stringify(r) + '\n');
    } else {
      process.stdout.write(
        `Migrated ${r.from} -> ${r.to}\n` +
          `  documents: ${r.documents.written} written, ${r.documents.unchanged} already there${r.documents.onlyInTarget ? `, ${r.documents.onlyInTarget} only in the target (kept)` : ''}\n` +
          `  records:   ${r.records.written} written, ${r.records.unchanged} already there\n`,
      );
    }
    return 0;
  },
};
