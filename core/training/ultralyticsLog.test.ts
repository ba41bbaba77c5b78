import { describe, expect, it } from 'vitest';
import { metricsFromResults, parseResultsCsv, UltralyticsLogParser, type EpochReport } from './ultralyticsLog';

// Lines as Ultralytics 8.x prints them (BaseTrainer.progress_string / DetectionValidator), tqdm redraws with \r.
const LOG = [
  'Ultralytics 8.3.0 🚀 Python-3.11 torch-2.5.0 CPU',
  '',
  '      Epoch    GPU_mem   box_loss   cls_loss   dfl_loss  Instances       Size',
  '\r        1/2         0G      1.812      3.401      1.502         45        640:  50%|█████     | 1/2 [00:02<00:02,  2.1s/it]',
  '\r        1/2         0G      1.701      3.302      1.480         38        640: 100%|██████████| 2/2 [00:04<00:00,  2.0s/it]\n',
  '                 Class     Images  Instances      Box(P          R      mAP50  mAP50-95): 100%|██████████| 1/1 [00:00<00:00,  1.2it/s]\n',
  '                   all          3         17      0.512      0.423      0.456      0.321\n',
  '\u001b[34m\u001b[1m        2/2         0G      1.501      2.902      1.380         40        640: 100%|██████████| 2/2 [00:04<00:00,  2.0s/it]\u001b[0m\n',
  '                   all          3         17      0.612      0.523      0.556      0.421\n',
].join('');

describe('UltralyticsLogParser', () => {
  it('turns batch and validation lines into epoch reports, in chunks split anywhere', () => {
    const reports: EpochReport[] = [];
    const lines: string[] = [];
    const p = new UltralyticsLogParser((r) => reports.push(r), (l) => lines.push(l));
    for (let i = 0; i < LOG.length; i += 7) p.push(LOG.slice(i, i + 7));
    p.end();
    expect(reports.map((r) => [r.epoch, r.epochs, r.batchFraction, r.validated])).toEqual([
      [1, 2, 0.5, false],
      [1, 2, 1, false],
      [1, 2, 1, true],
      [2, 2, 1, false],
      [2, 2, 1, true],
    ]);
    expect(reports[0].metrics).toEqual({ box_loss: 1.812, cls_loss: 3.401, dfl_loss: 1.502 });
    expect(reports[4].metrics).toMatchObject({ box_loss: 1.501, precision: 0.612, recall: 0.523, mAP50: 0.556, 'mAP50-95': 0.421 });
    expect(p.latest()?.validated).toBe(true);
    expect(lines.some((l) => l.includes('\u001b'))).toBe(false);
  });

  it('takes the loss names from the header (segmentation adds seg_loss)', () => {
    const reports: EpochReport[] = [];
    const p = new UltralyticsLogParser((r) => reports.push(r));
    p.push('      Epoch    GPU_mem   box_loss   seg_loss   cls_loss   dfl_loss  Instances       Size\n');
    p.push('        3/10      1.2G      1.1      2.2      3.3      4.4         9        640: 100%|█| 5/5 [00:01<00:00]\n');
    expect(reports[0]).toMatchObject({ epoch: 3, epochs: 10, batchFraction: 1, metrics: { box_loss: 1.1, seg_loss: 2.2, cls_loss: 3.3, dfl_loss: 4.4 } });
  });

  it('ignores lines that only look alike', () => {
    const reports: EpochReport[] = [];
    const p = new UltralyticsLogParser((r) => reports.push(r));
    p.push('all 3 17 0.5 0.4 0.3 0.2\n'); // a validation line before any epoch
    p.push('12/10 x\nall done\n3/4 of the files\n');
    p.end();
    expect(reports).toEqual([]);
  });
});

describe('results.csv', () => {
  const csv = [
    '                  epoch,         train/box_loss,   metrics/precision(B),      metrics/recall(B),       metrics/mAP50(B),    metrics/mAP50-95(B)',
    '                      1,                   1.8,                    0.4,                    0.3,                    0.5,                   0.30',
    '                      2,                   1.5,                    0.6,                    0.5,                    0.4,                   0.32',
    '                      3,                   1.4,                    0.7,                    0.6,                    0.9,                   0.31',
    '',
  ].join('\n');

  it('parses padded columns and picks the epoch Ultralytics keeps (fitness 0.1 mAP50 + 0.9 mAP50-95)', () => {
    const rows = parseResultsCsv(csv);
    expect(rows).toHaveLength(3);
    expect(rows[1]['metrics/mAP50-95(B)']).toBe(0.32);
    // fitness: 0.32, 0.328, 0.369 -> epoch 3 although its mAP50-95 is not the highest
    expect(metricsFromResults(rows, 40)).toEqual({ primary: { name: 'mAP50-95', value: 0.31 }, precision: 0.7, recall: 0.6, mAP50: 0.9, epoch: 3, n: 40 });
  });

  it('gives null without metric columns', () => {
    expect(metricsFromResults(parseResultsCsv('epoch,train/box_loss\n1,2\n'), 10)).toBeNull();
    expect(parseResultsCsv('')).toEqual([]);
  });
});
