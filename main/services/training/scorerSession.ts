/**
 * ONNX Runtime sessions of the small trained heads (detect3d scorer, accept2d model): a few kB, run
 * on the CPU in this thread (the inference worker is for image-sized tensors). Cached by path and
 * modification time, so a newly promoted version is a new session.
 */
import { statSync } from 'node:fs';
import { INPUT_NAME, OUTPUT_NAME } from '../../../core/training/linearHeads';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
const sessions = new Map<string, Promise<Session>>();

async function session(file: string): Promise<Session> {
  const key = `${file}@${statSync(file).mtimeMs}`;
  let s = sessions.get(key);
  if (!s) {
    s = (async () => {
      const ort = (await import('onnxruntime-node')).default as unknown as Ort;
      return ort.InferenceSession.create(file, { executionProviders: ['cpu'], intraOpNumThreads: 1, logSeverityLevel: 3 });
    })();
    s.catch(() => sessions.delete(key));
    sessions.set(key, s);
  }
  return s;
}

/** scores (n x k) of a linear-heads model file for row-major features (n x d). */
export async function runHeads(file: string, features: Float32Array, n: number, d: number): Promise<Float32Array> {
  if (!n) return new Float32Array(0);
  const ort = (await import('onnxruntime-node')).default as unknown as Ort;
  const s = await session(file);
  const out = await s.run({ [INPUT_NAME]: new ort.Tensor('float32', features, [n, d]) });
  return out[OUTPUT_NAME].data as Float32Array;
}

export async function closeHeadSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const s of all) await (await s.catch(() => null))?.release();
}
