import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { createHostServices, defaultUserDataDir } from '../../hostServices';
import { startHeadlessHost } from '../../server/headlessHost';
import { DatumError } from '../../rpc/errors';
import { isDatabaseUrl } from '../../services/store/openStore';

export const serve: Command = {
  usage: 'datum serve <project-dir> [--database postgres://...] [--port N] [--host ADDR] [--allow DIR]...',
  options: {
    port: { type: 'string', description: 'port to listen on (default: a free one)' },
    host: { type: 'string', description: 'address to bind (default 127.0.0.1; anything else is reachable from the network)' },
    allow: { type: 'string', multiple: true, description: 'another folder the browser may open or create projects in' },
    token: { type: 'string', description: 'use this access token instead of a random one (tests)' },
    create: { type: 'boolean', description: 'make a project if <project-dir> has no datum.json yet' },
    database: {
      type: 'string',
      description: 'team server: keep documents, ontology, settings and records in this PostgreSQL database (postgres://user@host/db; overrides datum.json\'s "database"; items stay in the project folder, on a path every host mounts)',
    },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const dir = positionals[0] ? path.resolve(positionals[0]) : null;
    const userData = defaultUserDataDir();
    const database = values.database as string | undefined;
    if (database !== undefined && !isDatabaseUrl(database)) throw new DatumError('BAD_REQUEST', `--database needs a postgres:// URL, not "${database.slice(0, 80)}"`);
    const services = createHostServices({ userDataDir: userData, host: 'headless', database });
    // Command-line grants hold for this process only (memory, never userData), and are given
    // before the project opens so an --allow'ed folder named as a source is readable. A start
    // that fails below ends the process, so it leaves nothing granted.
    for (const a of (values.allow as string[] | undefined) ?? []) services.grants.addSession(path.resolve(a));
    if (dir) {
      const hasProject = existsSync(path.join(dir, 'datum.json'));
      if (!hasProject && !values.create) {
        throw new DatumError('NOT_FOUND', `${dir} has no datum.json: pass --create to make a project over this folder, or run "datum demo ${positionals[0]}"`);
      }
      services.grants.addSession(dir);
      const info = hasProject ? await services.projects.open(dir) : await services.projects.create(dir);
      const store = services.projects.requireStore();
      if (store.kind === 'postgres') {
        // A new database starts empty: importing the folder's work is an explicit, separate step.
        const [docs, ontology] = await Promise.all([store.listDocumentIds(), store.getRecord('project', 'ontology')]);
        if (!docs.length && !ontology) {
          process.stderr.write(`note: the database holds no documents of this project yet; to bring the folder's annotations: datum project migrate ${positionals[0]} --to <the database URL>\n`);
        }
      }
      const pending = (info.externalSources ?? []).filter((s) => s.status === 'pending');
      if (pending.length) {
        process.stderr.write(`note: ${pending.length} source folder(s) outside the project are not read until allowed: ${pending.map((s) => s.path).join(', ')} (pass --allow DIR, or allow them in the page)\n`);
      }
    }
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      process.stderr.write(`warning: binding ${host} makes Datum reachable from other machines; the token is the only protection. Prefer an SSH tunnel.\n`);
    }
    const server = await startHeadlessHost({
      router: services.router,
      projects: services.projects,
      rendererDir: rendererDir(),
      host,
      port: values.port ? Number(values.port) : 0,
      token: values.token as string | undefined,
    });
    if (values.json) process.stdout.write(JSON.stringify({ url: server.url, port: server.port, token: server.token }) + '\n');
    else process.stdout.write(`Datum is serving ${dir ?? '(no project)'}\nOpen ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () =>
        server
          .close()
          .then(() => services.projects.close())
          .then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};

function rendererDir(): string {
  // DATUM_RENDERER_DIR: another build of the renderer (the E2E tests serve dist/renderer-test,
  // the variant with test hooks; see renderer/testHooks.ts).
  const override = process.env.DATUM_RENDERER_DIR;
  if (override) {
    if (!existsSync(path.join(override, 'index.html'))) throw new DatumError('NOT_FOUND', `DATUM_RENDERER_DIR=${override} holds no index.html`);
    return path.resolve(override);
  }
  // dist/main/cli.js -> dist/renderer
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, '..', 'renderer'), path.join(here, '..', '..', 'dist', 'renderer'), path.join(here, '..', '..', '..', 'dist', 'renderer')]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  throw new DatumError('NOT_FOUND', 'the renderer is not built: run "npm run build" first');
}
