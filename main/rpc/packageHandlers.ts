/**
 * `package.*` methods (preload/packageContract.ts): task packages from the app. Package files are
 * read and written only inside the open project or a folder this host may open (the path guard).
 */
import path from 'node:path';
import type { Handlers } from './router';
import { DatumError } from './errors';
import type { ProjectService } from '../services/projectService';
import type { ReviewService } from '../services/review';
import { PackageMerger } from '../services/packages/merge';
import { exportPackage } from '../services/packages/export';
import type { Selection } from '../services/packages/format';
import { jobRecordReader } from '../services/packages/jobs';

type PackageHandlers = Pick<Handlers, 'package.inspect' | 'package.merge' | 'package.export'>;

export function packageHandlers(projects: ProjectService, review: ReviewService, changed: (reason: string) => void): PackageHandlers {
  const file = (p: string) => {
    if (!path.isAbsolute(p)) throw new DatumError('BAD_REQUEST', `path must be absolute: ${p}`);
    return projects.guard.check(p);
  };
  const merger = () => new PackageMerger(projects, review);
  return {
    'package.inspect': async ({ path: p }) => merger().inspect(file(p)),
    'package.merge': async ({ path: p, decisions, resolve }, ctx) => {
      const r = await merger().merge(file(p), { decisions, resolve, actor: ctx.caller?.name });
      if (r.written) changed('review');
      return r;
    },
    'package.export': async ({ path: p, items, filter, job, withData }) => {
      const given = [items, filter, job].filter((x) => x !== undefined).length;
      if (given !== 1) throw new DatumError('BAD_REQUEST', 'say which items: exactly one of items, filter or job');
      const selection: Selection = items ? { kind: 'items', items } : filter ? { kind: 'filter', ...filter } : { kind: 'job', job: job! };
      return exportPackage(projects, file(p), { selection, withData, readRecord: jobRecordReader(projects) });
    },
  };
}
