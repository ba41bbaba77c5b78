/**
 * The `local` back end: the TypeScript trainers of core/training run in the host process on the
 * snapshot's table and export their model to ONNX (core/training/linearHeads.ts). Always
 * available, air-gapped, CPU; seconds to a minute.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TrainedArtifacts, TrainingBackend, TrainingContext, TrainingJobSpec, TrainingTask } from '../../../core/training/job';
import { evaluateDetect3d, trainDetect3d } from '../../../core/training/detect3d';
import { evaluateAccept2d, trainAccept2d } from '../../../core/training/accept2d';
import { toOnnx } from '../../../core/training/linearHeads';
import type { SnapshotTable } from './snapshot';

export const TABLE_FILE = 'table.json';

export const localBackend: TrainingBackend = {
  kind: 'local',
  supports: (task: TrainingTask) => task === 'detect3d' || task === 'accept2d',
  async run(job: TrainingJobSpec, ctx: TrainingContext): Promise<TrainedArtifacts> {
    const table = JSON.parse(await fs.readFile(path.join(ctx.snapshotDir, TABLE_FILE), 'utf8')) as SnapshotTable;
    const onnxPath = path.join(ctx.workDir, 'model.onnx');
    if (table.task === 'detect3d') {
      let steps = 0;
      const t0 = performance.now();
      const r = trainDetect3d(table.frames, {
        signal: ctx.signal,
        onStep: ({ step, loss, head }) => {
          steps++;
          ctx.progress({ phase: 'train', fraction: 0.45 + Math.min(0.3, steps * 0.01), epoch: step, metrics: { [`loss_${head}`]: Math.round(loss * 1e5) / 1e5 }, message: `${head} head, Newton step ${step}` });
        },
      });
      ctx.log(`detect3d: ${r.examples.car} car examples (${r.examples.carPositive} positive), ${r.examples.vru} pedestrian/cyclist (${r.examples.vruPositive} positive), ${(performance.now() - t0).toFixed(0)} ms`);
      const metrics = evaluateDetect3d(table.frames, r.scorer, 'val');
      ctx.progress({ phase: 'evaluate', fraction: 0.8, metrics: { ap50: metrics.primary.value, precision: metrics.precision ?? 0, recall: metrics.recall ?? 0 } });
      await fs.writeFile(onnxPath, toOnnx(r.scorer.model));
      return {
        onnxPath,
        manifest: {
          task: 'detect3d',
          adapter: 'proposals3d',
          classes: ['car', 'pedestrian', 'cyclist'],
          thresholds: { score: r.scorer.threshold, nms: 0.3 },
          trained: { task: 'detect3d', params: { scorer: r.scorer.model, refine: r.scorer.refine, threshold: r.scorer.threshold } },
        },
        metrics: { ...metrics, trainLossFirst: round(r.loss.car[0] ?? 0), trainLossLast: round(r.loss.car[r.loss.car.length - 1] ?? 0), trainExamples: r.examples.car + r.examples.vru },
      };
    }
    if (table.task === 'accept2d') {
      const r = trainAccept2d(table.rows, {
        signal: ctx.signal,
        onStep: (step, loss) => ctx.progress({ phase: 'train', fraction: 0.45 + Math.min(0.3, step * 0.02), epoch: step, metrics: { loss: Math.round(loss * 1e5) / 1e5 } }),
      });
      const metrics = evaluateAccept2d(table.rows, r.model, 'val');
      ctx.log(`accept2d: ${r.n} reviewed predictions, L2 strength ${r.lambda} (cross-validated log-loss by group: ${JSON.stringify(r.cvLoss)})`);
      ctx.progress({ phase: 'evaluate', fraction: 0.8, metrics: { keepF1: metrics.primary.value, precision: metrics.precision ?? 0, recall: metrics.recall ?? 0 } });
      await fs.writeFile(onnxPath, toOnnx(r.model.model));
      return {
        onnxPath,
        manifest: {
          task: 'detect2d',
          adapter: 'accept2d',
          classes: r.model.classes,
          trained: { task: 'accept2d', params: { model: r.model.model, classes: r.model.classes, threshold: r.model.threshold, detector: table.modelId } },
        },
        metrics: { ...metrics, trainLossFirst: round(r.loss[0]), trainLossLast: round(r.loss[r.loss.length - 1]), trainExamples: r.n },
      };
    }
    throw new Error(`the local back end does not train ${job.task}`);
  },
};

const round = (v: number) => Math.round(v * 1e5) / 1e5;
