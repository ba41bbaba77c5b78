/**
 * Model library: model folders (`<root>/<model-id>/manifest.json` + ONNX files) found in the
 * project's `models/`, the user's model folder and the app's own `models/` (built-ins). A project
 * model overrides a user model of the same id, which overrides an app model.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { atomicWriteJson } from '../atomicWrite';
import { parseManifest, type ModelManifest, type ModelManifestInput } from './manifest';
import type { IoInfo } from './protocol';
import { unpackedPath } from '../packaging/asar';
import { isInside } from '../pathGuard';
import { bindPointPillars } from './adapters/pointpillarsIo';

export type ModelSource = 'app' | 'user' | 'project';

export interface ModelEntry {
  manifest: ModelManifest;
  source: ModelSource;
  dir: string;
  manifestPath: string;
  /** Absolute ONNX path (the encoder for SAM); absent for built-ins without a model file. */
  modelPath?: string;
  decoderPath?: string;
  /** A trained version of the project's library (main/services/training) that is promoted. */
  version?: number;
  /** accept2d: the promoted acceptance model that filters / re-scores this detector's predictions. */
  acceptance?: { version: number; modelPath: string; params: Record<string, unknown> };
}

export interface LibraryDirs {
  /** Project folder; its `models/` subfolder is searched. */
  projectDir?: string;
  /** User model folder (searched as is), e.g. `<userData>/models`. */
  userDir?: string;
  /** App model folder; defaults to `appModelsDir()`. `null` to skip. */
  appDir?: string | null;
}

export interface DiscoverResult {
  models: ModelEntry[];
  /** Model folders that could not be read, with the reason (the others still load). */
  problems: { path: string; message: string }[];
}

/** The `models/` folder at the root of the app (found beside the package.json above this module). */
export function appModelsDir(from = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'models'))) return path.join(dir, 'models');
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(from, '../../../models');
}

/** Directory of an installed npm package, looked up from `from` upwards. */
function packageDir(pkg: string, from: string[]): string | undefined {
  for (const start of from) {
    let dir = start;
    for (;;) {
      const cand = path.join(dir, 'node_modules', pkg);
      if (existsSync(path.join(cand, 'package.json'))) return cand;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

/**
 * Absolute path of a manifest's `file` / `decoderFile`. The file must stay inside the model folder
 * (or the named npm package): the manifest may come from a downloaded project's `models/`, so
 * `../../etc/x` or an absolute path is refused, and so is a symlink whose target leaves the folder
 * (checked on the resolved path, after every link).
 */
function resolveFile(m: ModelManifest, dir: string, rel: string | undefined, manifestPath: string): string | undefined {
  if (!rel) return undefined;
  const outside = () => new Error(`${manifestPath}: file ${rel} must be a file inside the model folder`);
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel) || rel.split(/[\\/]/).includes('..') || rel.includes('\0')) throw outside();
  let base = dir;
  if (m.package) {
    const pd = packageDir(m.package, [dir, path.dirname(fileURLToPath(import.meta.url)), process.cwd()]);
    if (!pd) throw new Error(`${manifestPath}: package ${m.package} (for ${rel}) is not installed`);
    base = pd;
  }
  // packaged app: ONNX Runtime reads files natively, so use the copy electron-builder unpacked
  const abs = unpackedPath(path.join(base, rel));
  if (!lexists(abs)) throw new Error(`${manifestPath}: model file ${abs} does not exist`);
  // A link that leaves the folder and a dangling link get the same answer, so the message does
  // not tell whether the target exists.
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    throw outside();
  }
  if (!isInside(real, realpathSync(unpackedPath(base))) || !statSync(real).isFile()) throw outside();
  return real;
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Read a manifest file and resolve its model files. `manifestPath` must be a real file (a link to a
 * manifest elsewhere would let a model folder borrow someone else's files).
 */
export async function readManifestFile(manifestPath: string, source: ModelSource): Promise<ModelEntry> {
  const dir = path.dirname(manifestPath);
  let json: unknown;
  try {
    if (lstatSync(manifestPath).isSymbolicLink() && !isInside(realpathSync(manifestPath), realpathSync(dir))) throw Object.assign(new Error('a link out of the model folder'), { code: 'ELINK' });
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${manifestPath}: ${code === 'ENOENT' ? 'missing' : code === 'ELINK' ? 'a link out of the model folder' : `not valid JSON (${(e as Error).message})`}`);
  }
  const manifest = parseManifest(json, manifestPath);
  return {
    manifest,
    source,
    dir,
    manifestPath,
    modelPath: resolveFile(manifest, dir, manifest.file, manifestPath),
    decoderPath: resolveFile(manifest, dir, manifest.decoderFile, manifestPath),
  };
}

/** Read one model folder. */
export async function readModelFolder(dir: string, source: ModelSource): Promise<ModelEntry> {
  return readManifestFile(path.join(dir, 'manifest.json'), source);
}

async function scan(root: string, source: ModelSource, out: Map<string, ModelEntry>, problems: DiscoverResult['problems']) {
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return; // no such folder: nothing to add
  }
  for (const name of names) {
    const dir = path.join(root, name);
    if (!existsSync(path.join(dir, 'manifest.json'))) continue;
    try {
      const e = await readModelFolder(dir, source);
      out.set(e.manifest.id, e);
    } catch (err) {
      problems.push({ path: dir, message: (err as Error).message });
    }
  }
}

/** Every model in the app, user and project folders (later ones override earlier ones by id). */
export async function discoverModels(dirs: LibraryDirs = {}): Promise<DiscoverResult> {
  const byId = new Map<string, ModelEntry>();
  const problems: DiscoverResult['problems'] = [];
  const app = dirs.appDir === undefined ? appModelsDir() : dirs.appDir;
  if (app) await scan(app, 'app', byId, problems);
  if (dirs.userDir) await scan(dirs.userDir, 'user', byId, problems);
  if (dirs.projectDir) {
    await scan(path.join(dirs.projectDir, 'models'), 'project', byId, problems);
    await applyPromoted(path.join(dirs.projectDir, 'models'), byId, problems);
  }
  return { models: [...byId.values()].sort((a, b) => a.manifest.id.localeCompare(b.manifest.id)), problems };
}

/**
 * Promoted trained versions (`<id>/versions.json`, main/services/training/library.ts): a detect3d
 * version replaces the model of its id (the built-in proposals' scorer); an accept2d version
 * attaches to the detector of its id as its acceptance model. Unpromoted versions change nothing.
 */
async function applyPromoted(root: string, byId: Map<string, ModelEntry>, problems: DiscoverResult['problems']) {
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const listFile = path.join(root, name, 'versions.json');
    if (!existsSync(listFile)) continue;
    try {
      const list = JSON.parse(await readFile(listFile, 'utf8')) as { promoted?: number | null };
      const n = list.promoted;
      if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) continue;
      const e = await readManifestFile(path.join(root, name, 'versions', String(n), 'manifest.json'), 'project');
      if (e.manifest.id !== name) throw new Error(`${e.manifestPath}: id ${e.manifest.id} is not the model's id ${name}`);
      const trained = e.manifest.trained;
      if (trained?.task === 'accept2d') {
        const base = byId.get(name);
        if (base && e.modelPath) byId.set(name, { ...base, acceptance: { version: n, modelPath: e.modelPath, params: trained.params } });
      } else byId.set(name, { ...e, version: n });
    } catch (err) {
      problems.push({ path: path.join(root, name), message: (err as Error).message });
    }
  }
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Input/output names and shapes of an ONNX file (opens a short-lived CPU session in this thread). */
export async function inspectOnnx(file: string): Promise<{ inputs: IoInfo[]; outputs: IoInfo[] }> {
  // the CommonJS package has no `default` when loaded as ESM by tsx
  const mod = (await import('onnxruntime-node')) as typeof import('onnxruntime-node') & { default?: typeof import('onnxruntime-node') };
  const ort = mod.default ?? mod;
  let session;
  try {
    session = await ort.InferenceSession.create(file, { executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3 });
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    // e.g. CUDA-PointPillars' pointpillar.onnx scatters with a TensorRT plugin ONNX Runtime lacks
    const op = /No Op registered for (\S+)/.exec(msg)?.[1];
    const hint = op ? ` (${op} is not a standard ONNX operator, e.g. a TensorRT plugin: export the model with standard operators, see docs/models.md)` : '';
    throw new Error(`${file}: not a loadable ONNX model: ${msg}${hint}`);
  }
  const io = (names: readonly string[], meta: readonly unknown[]): IoInfo[] =>
    names.map((name, i) => {
      const m = meta[i] as { isTensor?: boolean; type?: string; shape?: (number | string)[] };
      return { name, type: m?.isTensor ? m.type : undefined, shape: m?.isTensor ? m.shape?.map((d) => (typeof d === 'number' ? d : -1)) : undefined };
    });
  const r = { inputs: io(session.inputNames, session.inputMetadata), outputs: io(session.outputNames, session.outputMetadata) };
  await session.release();
  return r;
}

const fixed = (d: number | undefined) => d !== undefined && d >= 0;

/** Problems with a model's inputs/outputs for its manifest (empty when it fits). Pure. */
export function checkModelIo(m: ModelManifest, io: { inputs: IoInfo[]; outputs: IoInfo[] }, role: 'model' | 'decoder' = 'model'): string[] {
  const problems: string[] = [];
  if (role === 'decoder') {
    const names = new Set(io.inputs.map((i) => i.name));
    for (const n of ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input', 'orig_im_size'])
      if (!names.has(n)) problems.push(`decoder has no input ${n}`);
    if (!io.outputs.some((o) => o.name === 'masks')) problems.push('decoder has no output masks');
    return problems;
  }
  // LiDAR detectors take pillars, not an image: their own input/output rules
  if (m.adapter === 'pointpillars') return bindPointPillars(m, io).problems;
  const inp = m.input!;
  const input = inp.name ? io.inputs.find((i) => i.name === inp.name) : io.inputs[0];
  if (!input) return [`no input named ${inp.name ?? '(any)'}; inputs: ${io.inputs.map((i) => i.name).join(', ')}`];
  const s = input.shape;
  if (s) {
    if (s.length !== 4) problems.push(`input ${input.name} has rank ${s.length}, expected 4`);
    else {
      const [c, h, w] = inp.layout === 'nchw' ? [s[1], s[2], s[3]] : [s[3], s[1], s[2]];
      if (fixed(c) && c !== 3) problems.push(`input ${input.name} has ${c} channels, expected 3`);
      if (inp.resize !== 'dynamic') {
        if (fixed(h) && h !== inp.height) problems.push(`input ${input.name} height is ${h}, manifest says ${inp.height}`);
        if (fixed(w) && w !== inp.width) problems.push(`input ${input.name} width is ${w}, manifest says ${inp.width}`);
      }
    }
  }
  const outs = m.outputs ? m.outputs.map((n) => io.outputs.find((o) => o.name === n)) : io.outputs;
  if (m.outputs) m.outputs.forEach((n, i) => { if (!outs[i]) problems.push(`no output named ${n}`); });
  const o0 = outs[0]?.shape;
  const nc = m.classes.length;
  switch (m.adapter) {
    case 'yolox':
    case 'yolov5':
      if (o0 && o0.length !== 3) problems.push(`output ${outs[0]!.name} has rank ${o0.length}, expected [1, N, 5 + classes]`);
      else if (o0 && nc && fixed(o0[2]) && o0[2] !== 5 + nc) problems.push(`output ${outs[0]!.name} has ${o0[2]} values per anchor, expected 5 + ${nc} classes`);
      break;
    case 'yolov8': {
      if (o0 && o0.length !== 3) { problems.push(`output ${outs[0]!.name} has rank ${o0.length}, expected [1, 4 + classes, N]`); break; }
      const seg = m.task === 'segment2d';
      if (seg && outs.length < 2) problems.push('segmentation model needs a second (prototype) output');
      const nm = seg ? (outs[1]?.shape?.[1] ?? 32) : 0;
      if (o0 && nc && fixed(o0[1]) && o0[1] !== 4 + nc + nm) problems.push(`output ${outs[0]!.name} has ${o0[1]} channels, expected 4 + ${nc} classes${seg ? ` + ${nm} mask coefficients` : ''}`);
      break;
    }
    case 'ultraface':
      if (outs.length < 2) problems.push('UltraFace needs two outputs (scores, boxes)');
      else {
        if (outs[0]?.shape && fixed(outs[0].shape[2]) && outs[0].shape[2] !== 2) problems.push(`output ${outs[0].name} should be [1, N, 2] scores`);
        if (outs[1]?.shape && fixed(outs[1].shape[2]) && outs[1].shape[2] !== 4) problems.push(`output ${outs[1].name} should be [1, N, 4] boxes`);
      }
      break;
    case 'ppocr-det':
      if (o0 && o0.length !== 4) problems.push(`output ${outs[0]!.name} should be a [1, 1, H, W] probability map`);
      break;
    case 'sam':
      if (!io.outputs.some((o) => o.name === 'image_embeddings') && io.outputs.length !== 1) problems.push('encoder should have an image_embeddings output');
      break;
  }
  return problems;
}

/** What the user says about a model being imported; id defaults to the file name, file and sha256 are filled in. */
export type ImportManifest = Omit<ModelManifestInput, 'file' | 'sha256' | 'id' | 'name'> & { id?: string; name?: string };

export interface ImportOptions {
  /** Folder that receives `<id>/` (a project's `models/` or the user folder). */
  destRoot: string;
  source?: ModelSource;
  /** SAM: the decoder ONNX to copy alongside. */
  decoderPath?: string;
  overwrite?: boolean;
}

/**
 * Copy an ONNX model into `<destRoot>/<id>/`, hash it, check it opens and that its inputs and
 * outputs fit the manifest, then write manifest.json. Nothing is left behind when a check fails.
 */
export async function importModel(onnxPath: string, partial: ImportManifest, options: ImportOptions): Promise<ModelEntry> {
  try {
    const st = await stat(onnxPath);
    if (!st.isFile()) throw new Error('not a file');
  } catch (e) {
    throw new Error(`${onnxPath}: cannot read model file (${(e as Error).message})`);
  }
  const base = path.basename(onnxPath);
  const id = partial.id ?? base.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  const decoderBase = options.decoderPath ? path.basename(options.decoderPath) : undefined;
  // validate the manifest before touching the disk
  const draft = parseManifest({ ...partial, name: partial.name ?? id, id, file: base, decoderFile: decoderBase ?? partial.decoderFile }, `${onnxPath} (manifest)`);
  const dir = path.join(options.destRoot, id);
  if (existsSync(dir)) {
    if (!options.overwrite) throw new Error(`${dir}: a model with id ${id} already exists`);
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  try {
    const dest = path.join(dir, base);
    await copyFile(onnxPath, dest);
    const sha256 = await sha256File(dest);
    const problems = checkModelIo(draft, await inspectOnnx(dest));
    if (options.decoderPath) {
      const dd = path.join(dir, decoderBase!);
      await copyFile(options.decoderPath, dd);
      problems.push(...checkModelIo(draft, await inspectOnnx(dd), 'decoder').map((p) => `${options.decoderPath}: ${p}`));
    }
    if (problems.length) throw new Error(`${onnxPath}: does not fit a ${draft.adapter} model: ${problems.join('; ')}`);
    const manifest = parseManifest({ ...draft, sha256 }, `${onnxPath} (manifest)`);
    await atomicWriteJson(path.join(dir, 'manifest.json'), manifest);
    return readModelFolder(dir, options.source ?? 'user');
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Whether a model file still matches its manifest's sha256 (true when the manifest has none). */
export async function verifyModel(e: ModelEntry): Promise<boolean> {
  if (!e.manifest.sha256 || !e.modelPath) return true;
  return (await sha256File(e.modelPath)) === e.manifest.sha256;
}
