/** User-level actions that talk to the host; components call these, never rpc directly for flows. */
import type { ProjectInfo } from '../../preload/contract';
import { rpc, newJobId, RpcError } from '../transport';
import { rememberProject } from '../persistence/db';
import { endJob, startJob, updateJob, useApp } from './appStore';

export function reportError(err: unknown): void {
  if (err instanceof RpcError && err.code === 'CANCELLED') return;
  useApp.getState().set({ error: err instanceof Error ? err.message : String(err) });
}

async function enterProject(project: ProjectInfo): Promise<void> {
  useApp.getState().set({ project, view: 'browser', itemId: null });
  await rememberProject(project.path, project.name);
  if (project.indexStale) void refreshIndex();
}

export async function refreshIndex(): Promise<void> {
  const id = newJobId('index');
  startJob(id, 'indexing');
  try {
    const r = await rpc.call('index.refresh', { jobId: id });
    const project = await rpc.call('project.current', {});
    const changed = r.added + r.removed + r.changed > 0;
    useApp.setState((s) => ({ project, indexVersion: changed ? s.indexVersion + 1 : s.indexVersion }));
  } catch (err) {
    reportError(err);
  } finally {
    endJob(id);
  }
}

/** The user consents to reading these source folders outside the project; their items are indexed. */
export async function grantSources(ids: string[]): Promise<void> {
  try {
    useApp.getState().set({ project: await rpc.call('project.grantSources', { ids }) });
    await refreshIndex();
  } catch (err) {
    reportError(err);
  }
}

/** Withdraw the stored consent for one outside source; its items leave the dataset. */
export async function revokeSource(id: string): Promise<void> {
  try {
    const project = await rpc.call('project.revokeSource', { id });
    useApp.setState((s) => ({ project, indexVersion: s.indexVersion + 1 }));
  } catch (err) {
    reportError(err);
  }
}

export async function cancelJob(id: string): Promise<void> {
  await rpc.call('jobs.cancel', { jobId: id }).catch(reportError);
}

export async function openProjectAt(path: string): Promise<void> {
  try {
    const project = await rpc.call('project.open', { path }).catch(async (err) => {
      // A plain dataset folder (no datum.json yet) becomes a project in place.
      if (err instanceof RpcError && err.code === 'NOT_FOUND') return rpc.call('project.create', { path });
      throw err;
    });
    await enterProject(project);
  } catch (err) {
    reportError(err);
  }
}

export async function pickAndOpenFolder(): Promise<void> {
  try {
    const { path } = await rpc.call('project.pickFolder', {});
    if (path) await openProjectAt(path);
  } catch (err) {
    reportError(err);
  }
}

export async function openDemo(): Promise<void> {
  const id = newJobId('demo');
  startJob(id, 'demo');
  try {
    await enterProject(await rpc.call('project.openDemo', {}));
  } catch (err) {
    reportError(err);
  } finally {
    endJob(id);
  }
}

export async function closeProject(): Promise<void> {
  await rpc.call('project.close', {}).catch(reportError);
  useApp.getState().set({ project: null, view: 'start', itemId: null });
}

/** Wire host events into the store once at boot. */
export function subscribeHostEvents(): void {
  rpc.on('job.progress', (d) => {
    const p = d as { jobId: string; done: number; total: number | null; phase: string };
    updateJob(p.jobId, p.done, p.total, p.phase);
  });
  rpc.on('project.changed', (d) => {
    useApp.setState((s) => ({ indexVersion: s.indexVersion + 1 }));
    // The ontology or settings changed in another window: take the host's copy.
    const reason = (d as { reason?: string }).reason;
    if (reason === 'ontology' || reason === 'settings') {
      rpc.call('project.current', {}).then((project) => {
        const open = useApp.getState().project;
        if (project && open && project.path === open.path) useApp.getState().set({ project });
      }, reportError);
    }
  });
  rpc.on('connection' as never, (d) => useApp.getState().set({ connected: (d as { connected: boolean }).connected }));
  rpc.on('menu', (d) => {
    const action = (d as { action: string }).action;
    if (action === 'open-folder') void pickAndOpenFolder();
    if (action === 'open-demo') void openDemo();
    if (action === 'shortcuts') useApp.getState().set({ shortcutsOpen: true });
    if (action === 'connect-team') useApp.getState().set({ view: 'start' });
  });
}
