/**
 * Builds the services and the router once per host process. Both hosts call this; they differ
 * only in the capabilities they pass in (see rpc/handlers.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { createHandlers, type HostCapabilities } from './rpc/handlers';
import { createRouter, type Router } from './rpc/router';
import { GrantStore } from './services/grants';
import { PathGuard } from './services/pathGuard';
import { ProjectService } from './services/projectService';
import { ModelService } from './services/models';

import { VERSION } from './version';

export { VERSION };

export interface HostServices {
  projects: ProjectService;
  grants: GrantStore;
  guard: PathGuard;
  router: Router;
  models: ModelService;
}

export function createHostServices(opts: {
  userDataDir: string | null;
  host: HostCapabilities['host'];
  pickFolder?: HostCapabilities['pickFolder'];
  demoDir?: string;
  /** PostgreSQL URL for the project store (`datum serve --database`). */
  database?: string;
}): HostServices {
  const guard = new PathGuard();
  const grants = new GrantStore(opts.userDataDir);
  const projects = new ProjectService(guard, grants, { database: opts.database });
  const demoDir = opts.demoDir ?? path.join(opts.userDataDir ?? os.tmpdir(), 'demo-project');
  const models = new ModelService(opts.userDataDir ? path.join(opts.userDataDir, 'models') : null);
  const router = createRouter(
    createHandlers(projects, grants, { host: opts.host, version: VERSION, pickFolder: opts.pickFolder, demoDir }, models),
    projects.events,
  );
  return { projects, grants, guard, router, models };
}

/** userData for the headless host and the CLI: $DATUM_HOME, else the platform's config folder. */
export function defaultUserDataDir(): string {
  if (process.env.DATUM_HOME) return process.env.DATUM_HOME;
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'Datum');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Datum');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'datum');
}
