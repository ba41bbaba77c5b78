/**
 * Inference worker entry (worker_threads). Owns every ONNX Runtime session, cached per model id and
 * reused across runs; tensors arrive and leave as transferred ArrayBuffers. Bundled on its own as
 * `inference-worker.js` (see runtime.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import type { Provider, WorkerReply, WorkerRequest, IoInfo } from './protocol';
import type { TensorData } from './types';

const port = parentPort;
if (!port) throw new Error('inference worker must run in a worker thread');

interface Loaded {
  session: ort.InferenceSession;
  path: string;
  provider: Provider;
}
const sessions = new Map<string, Loaded>();
let sessionsCreated = 0;

function io(names: readonly string[], meta: readonly ort.InferenceSession.ValueMetadata[] | undefined): IoInfo[] {
  return names.map((name, i) => {
    const m = meta?.[i] as { isTensor?: boolean; type?: string; shape?: (number | string)[] } | undefined;
    return { name, type: m?.isTensor ? m.type : undefined, shape: m?.isTensor ? m.shape?.map((d) => (typeof d === 'number' ? d : -1)) : undefined };
  });
}

/**
 * Why a provider cannot work here, without asking ONNX Runtime (which logs an error for each failed
 * attempt): the CUDA/TensorRT provider libraries are separate files that a CPU-only install lacks.
 */
function unavailable(provider: Provider): string | undefined {
  if (provider !== 'cuda') return undefined;
  try {
    const root = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const dir = path.join(root, 'bin');
    const found = (d: string): boolean =>
      readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? found(path.join(d, e.name)) : /onnxruntime_providers_cuda\.(so|dll)$/.test(e.name)));
    if (existsSync(dir) && !found(dir)) return 'CUDA provider library is not installed (npm install --onnxruntime-node-install=cuda12)';
  } catch {
    // unknown layout: let ONNX Runtime try
  }
  return undefined;
}

async function load(modelId: string, path: string, providers: Provider[], threads: number) {
  const have = sessions.get(modelId);
  if (have && have.path === path) return { created: false, ...describe(have) };
  if (have) {
    await have.session.release();
    sessions.delete(modelId);
  }
  const errors: string[] = [];
  for (const provider of providers) {
    const why = unavailable(provider);
    if (why) {
      errors.push(`${provider}: ${why}`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      const loaded = { session, path, provider };
      sessions.set(modelId, loaded);
      sessionsCreated++;
      return { created: true, errors, ...describe(loaded) };
    } catch (e) {
      errors.push(`${provider}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`${path}: cannot open model (${errors.join('; ')})`);
}

function describe(l: Loaded) {
  return { provider: l.provider, inputs: io(l.session.inputNames, l.session.inputMetadata), outputs: io(l.session.outputNames, l.session.outputMetadata) };
}

async function run(modelId: string, feeds: Record<string, TensorData>, outputNames?: string[]) {
  const l = sessions.get(modelId);
  if (!l) throw new Error(`model ${modelId} is not loaded`);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  const result = outputNames ? await l.session.run(ortFeeds, outputNames) : await l.session.run(ortFeeds);
  const out: Record<string, TensorData> = {};
  const transfer: ArrayBuffer[] = [];
  for (const [name, t] of Object.entries(result)) {
    let data = t.data as TensorData['data'];
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength || !(data.buffer instanceof ArrayBuffer)) data = data.slice();
    out[name] = { type: t.type as TensorData['type'], dims: [...t.dims], data };
    transfer.push(data.buffer as ArrayBuffer);
  }
  return { out, transfer };
}

port.on('message', async (msg: WorkerRequest) => {
  const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
  try {
    switch (msg.op) {
      case 'load':
        reply({ id: msg.id, ok: true, result: await load(msg.modelId, msg.path, msg.providers, msg.threads) });
        break;
      case 'run': {
        const { out, transfer } = await run(msg.modelId, msg.feeds, msg.outputs);
        if (!msg.giveBack) {
          reply({ id: msg.id, ok: true, result: out }, transfer);
          break;
        }
        // the inputs go back (transferred, not copied) so the host refills them for the next image
        for (const t of Object.values(msg.feeds)) if (!transfer.includes(t.data.buffer as ArrayBuffer)) transfer.push(t.data.buffer as ArrayBuffer);
        port.postMessage({ id: msg.id, ok: true, result: out, returned: msg.feeds } satisfies WorkerReply, transfer);
        break;
      }
      case 'release': {
        const l = sessions.get(msg.modelId);
        sessions.delete(msg.modelId);
        if (l) await l.session.release();
        reply({ id: msg.id, ok: true, result: null });
        break;
      }
      case 'stats':
        reply({ id: msg.id, ok: true, result: { sessionsCreated, sessions: [...sessions.keys()] } });
        break;
    }
  } catch (e) {
    reply({ id: msg.id, ok: false, error: (e as Error).message });
  }
});
