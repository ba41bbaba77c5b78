/**
 * How many ONNX Runtime intra-op threads a session gets, decided from the machine's cores.
 *
 * Pre-labelling overlaps image k + 1's decode and letterbox (sharp / libvips) with image k's
 * inference (predictor.ts), and the host keeps answering the page meanwhile; so one core is left
 * to them and the rest go to the model: 1 thread on 1-2 cores, cores - 1 above, at most 8 (a
 * detector the size of YOLOX-nano gains little past that). It was a fixed 2, which on a 2-core
 * machine let the model take both cores from the decoding. `npm run bench inference` compares the
 * pipeline with a bare session.run loop at this count and at 1 (docs/models.md, docs/performance.md).
 * DATUM_INFERENCE_THREADS overrides (a number >= 1).
 */
import { availableParallelism } from 'node:os';

export function defaultIntraOpThreads(cores: number = availableParallelism(), env: string | undefined = process.env.DATUM_INFERENCE_THREADS): number {
  const forced = env ? Math.floor(Number(env)) : NaN;
  if (Number.isFinite(forced) && forced >= 1) return Math.min(forced, 64);
  return Math.max(1, Math.min(8, cores - 1));
}
