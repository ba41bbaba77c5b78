/**
 * A project's trained model versions (issue #17): `<project>/models/<modelId>/versions.json` lists
 * them and says which one is promoted; each lives in `versions/<n>/` (model.onnx, manifest.json,
 * metrics.json, snapshot.json). Installing is atomic: the files are written into a staging folder
 * beside the versions, fsynced, renamed to `versions/<n>` and only then listed in versions.json
 * (itself written atomically), so a killed job leaves either the old list or the new one; a
 * renamed but unlisted folder is ignored (and its number never reused).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { atomicWriteJson } from '../atomicWrite';
import { promoteVersion, rollbackVersion, type ModelVersion, type ModelVersions } from '../../../core/training/job';

const MODEL_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const modelRoot = (projectDir: string, modelId: string): string => {
  if (!MODEL_ID.test(modelId)) throw new Error(`"${modelId.slice(0, 80)}" is not a model id`);
  return path.join(projectDir, 'models', modelId);
};
export const versionsFile = (projectDir: string, modelId: string) => path.join(modelRoot(projectDir, modelId), 'versions.json');
export const versionDir = (projectDir: string, modelId: string, version: number) => path.join(modelRoot(projectDir, modelId), 'versions', String(version));

export async function readVersions(projectDir: string, modelId: string): Promise<ModelVersions> {
  try {
    const v = JSON.parse(await fs.readFile(versionsFile(projectDir, modelId), 'utf8')) as ModelVersions;
    return { modelId, promoted: v.promoted ?? null, versions: Array.isArray(v.versions) ? v.versions : [], history: Array.isArray(v.history) ? v.history : [] };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { modelId, promoted: null, versions: [], history: [] };
    throw new Error(`${versionsFile(projectDir, modelId)}: ${(e as Error).message}`);
  }
}

/** Every model of the project that has trained versions. */
export async function listTrained(projectDir: string): Promise<ModelVersions[]> {
  const root = path.join(projectDir, 'models');
  let names: string[] = [];
  try {
    names = (await fs.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() && MODEL_ID.test(d.name)).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const out: ModelVersions[] = [];
  for (const n of names) if (existsSync(path.join(root, n, 'versions.json'))) out.push(await readVersions(projectDir, n));
  return out;
}

// One writer per model at a time in this process (two jobs finishing together get numbers in turn).
const locks = new Map<string, Promise<unknown>>();
async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  locks.set(key, run.catch(() => {}));
  return run;
}

async function fsyncDir(dir: string) {
  const h = await fs.open(dir, 'r').catch(() => null);
  if (!h) return;
  await h.sync().catch(() => {});
  await h.close();
}

export interface VersionFiles {
  /** ONNX file to copy in as model.onnx. */
  onnxPath: string;
  /** manifest.json (file is set to model.onnx, trained.version to the new number). */
  manifest: Record<string, unknown> & { trained: { task: string; params?: Record<string, unknown> } };
  metrics: unknown;
  snapshot: unknown;
}

/**
 * Install a new version; `decide(versions)` runs under the lock once the files are in place and
 * says whether the new version becomes the promoted one. Returns the new entry and list.
 */
export async function installVersion(
  projectDir: string,
  modelId: string,
  files: VersionFiles,
  meta: Omit<ModelVersion, 'version' | 'dir'>,
  decide: (current: ModelVersions) => boolean,
  signal?: AbortSignal,
): Promise<{ version: ModelVersion; versions: ModelVersions; promoted: boolean }> {
  return withLock(modelId, async () => {
    const current = await readVersions(projectDir, modelId);
    const vroot = path.join(modelRoot(projectDir, modelId), 'versions');
    await fs.mkdir(vroot, { recursive: true });
    const onDisk = (await fs.readdir(vroot)).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    const n = Math.max(0, ...onDisk, ...current.versions.map((v) => v.version)) + 1;
    const staging = path.join(vroot, `.staging-${n}-${process.pid}-${Date.now()}`);
    await fs.mkdir(staging);
    try {
      await fs.copyFile(files.onnxPath, path.join(staging, 'model.onnx'));
      const manifest = { ...files.manifest, id: modelId, file: 'model.onnx', trained: { ...files.manifest.trained, version: n } };
      const write = async (name: string, v: unknown) => {
        const h = await fs.open(path.join(staging, name), 'w');
        await h.writeFile(JSON.stringify(v, null, 1) + '\n');
        await h.sync();
        await h.close();
      };
      await write('manifest.json', manifest);
      await write('metrics.json', files.metrics);
      await write('snapshot.json', files.snapshot);
      const h = await fs.open(path.join(staging, 'model.onnx'), 'r+');
      await h.sync();
      await h.close();
      await fsyncDir(staging);
      if (signal?.aborted) throw Object.assign(new Error('training cancelled'), { name: 'AbortError' });
      await fs.rename(staging, path.join(vroot, String(n)));
      await fsyncDir(vroot);
    } catch (e) {
      await fs.rm(staging, { recursive: true, force: true });
      throw e;
    }
    const version: ModelVersion = { ...meta, version: n, dir: `versions/${n}` };
    const listed: ModelVersions = { ...current, versions: [...current.versions, version] };
    const promoted = decide(current);
    const next = promoted ? promoteVersion(listed, n) : listed;
    await atomicWriteJson(versionsFile(projectDir, modelId), next);
    return { version, versions: next, promoted };
  });
}

export async function setPromoted(projectDir: string, modelId: string, change: (v: ModelVersions) => ModelVersions): Promise<ModelVersions> {
  return withLock(modelId, async () => {
    const v = await readVersions(projectDir, modelId);
    if (!v.versions.length) throw Object.assign(new Error(`${modelId} has no trained versions in this project`), { code: 'NOT_FOUND' });
    const next = change(v);
    await atomicWriteJson(versionsFile(projectDir, modelId), next);
    return next;
  });
}

export const promote = (projectDir: string, modelId: string, version: number) => setPromoted(projectDir, modelId, (v) => promoteVersion(v, version));
export const rollback = (projectDir: string, modelId: string, to?: number | null) => setPromoted(projectDir, modelId, (v) => rollbackVersion(v, to));

/** Staging folders a killed job left behind (never listed): removed when a job starts. */
export async function removeStaleStaging(projectDir: string, modelId: string): Promise<void> {
  const vroot = path.join(modelRoot(projectDir, modelId), 'versions');
  const names = await fs.readdir(vroot).catch(() => [] as string[]);
  for (const n of names) if (n.startsWith('.staging-')) await fs.rm(path.join(vroot, n), { recursive: true, force: true });
}
