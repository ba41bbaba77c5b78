/**
 * Reads what an Ultralytics-style trainer prints and writes, for the external back ends:
 *
 *  - the console log: per batch a progress line under the header `Epoch GPU_mem box_loss cls_loss
 *    dfl_loss Instances Size` (`  3/50  1.2G  1.234  2.345  1.111  45  640: 40%|...| 4/10 ...`),
 *    and after each epoch's validation a line `all <images> <instances> <P> <R> <mAP50> <mAP50-95>`;
 *    tqdm redraws with carriage returns, so `\r` ends a line as much as `\n` does;
 *  - `results.csv`: one row per epoch (`epoch, train/box_loss, ..., metrics/precision(B),
 *    metrics/recall(B), metrics/mAP50(B), metrics/mAP50-95(B), ...`), padded with spaces.
 *
 * Pure, so it is tested on text alone.
 */
import type { ValidationMetrics } from './job';

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Fraction of this epoch's batches done (0..1), when the line shows `i/n` batches. */
  batchFraction?: number;
  /** Loss columns of the header (`box_loss`, `cls_loss`, `dfl_loss` ...), then validation figures. */
  metrics: Record<string, number>;
  /** True for the validation line that closes an epoch. */
  validated: boolean;
}

const DEFAULT_LOSSES = ['box_loss', 'cls_loss', 'dfl_loss'];
// Strips ANSI colour codes that Ultralytics adds when it thinks it writes to a terminal.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Feeds text chunks (stdout and stderr alike) and calls `onReport` for each progress line. */
export class UltralyticsLogParser {
  private buffer = '';
  private losses = DEFAULT_LOSSES;
  private last: EpochReport | null = null;

  constructor(private readonly onReport: (r: EpochReport) => void, private readonly onLine: (line: string) => void = () => {}) {}

  push(chunk: string): void {
    this.buffer += chunk;
    const parts = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = parts.pop() ?? '';
    for (const p of parts) this.line(p);
  }

  end(): void {
    if (this.buffer) this.line(this.buffer);
    this.buffer = '';
  }

  /** The latest report seen (the last epoch and its validation figures). */
  latest(): EpochReport | null {
    return this.last;
  }

  private line(raw: string): void {
    const line = raw.replace(ANSI, '').trimEnd();
    if (!line.trim()) return;
    this.onLine(line);
    const words = line.trim().split(/\s+/);
    // Header: remember the loss names (detect: box/cls/dfl; segment adds seg_loss, pose kobj ...).
    if (words[0] === 'Epoch' && words[1] === 'GPU_mem') {
      const end = words.indexOf('Instances');
      if (end > 2) this.losses = words.slice(2, end);
      return;
    }
    const epochMatch = /^(\d+)\/(\d+)$/.exec(words[0]);
    // The second column is the GPU memory (`0G`, `1.23G`), which tells a batch line from other `i/n` text.
    if (epochMatch && /^[\d.]+G$/.test(words[1] ?? '')) {
      const epoch = Number(epochMatch[1]);
      const epochs = Number(epochMatch[2]);
      if (!(epochs > 0 && epoch <= epochs)) return;
      const metrics: Record<string, number> = {};
      this.losses.forEach((name, i) => {
        const v = Number(words[2 + i]);
        if (Number.isFinite(v)) metrics[name] = v;
      });
      // The batch counter tqdm prints after the bar: `| 4/10 [`.
      const batches = /\|\s*(\d+)\/(\d+)\s*\[/.exec(line);
      const batchFraction = batches && Number(batches[2]) > 0 ? Number(batches[1]) / Number(batches[2]) : undefined;
      this.report({ epoch, epochs, batchFraction, metrics, validated: false });
      return;
    }
    if (words[0] === 'all' && words.length >= 7 && this.last) {
      const [p, r, map50, map] = words.slice(3, 7).map(Number);
      if (![p, r, map50, map].every(Number.isFinite)) return;
      this.report({
        ...this.last,
        batchFraction: 1,
        metrics: { ...this.last.metrics, precision: p, recall: r, mAP50: map50, 'mAP50-95': map },
        validated: true,
      });
    }
  }

  private report(r: EpochReport): void {
    this.last = r;
    this.onReport(r);
  }
}

/** Rows of an Ultralytics results.csv as column -> number (column names trimmed). */
export function parseResultsCsv(text: string): Array<Record<string, number>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length < 2) return [];
  const header = lines[0].split(',').map((h) => h.trim());
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    const row: Record<string, number> = {};
    header.forEach((h, i) => {
      const v = Number(cells[i]);
      if (h && Number.isFinite(v) && cells[i]?.trim() !== '') row[h] = v;
    });
    return row;
  });
}

const COL = {
  precision: 'metrics/precision(B)',
  recall: 'metrics/recall(B)',
  map50: 'metrics/mAP50(B)',
  map: 'metrics/mAP50-95(B)',
};

/**
 * Validation metrics of the epoch Ultralytics keeps as `best.pt`: the highest fitness
 * `0.1 * mAP50 + 0.9 * mAP50-95` (ultralytics.utils.metrics.Metric.fitness). `n` is the number
 * of validation objects of the snapshot, which results.csv does not record.
 */
export function metricsFromResults(rows: Array<Record<string, number>>, n: number): ValidationMetrics | null {
  const usable = rows.filter((r) => Number.isFinite(r[COL.map]) && Number.isFinite(r[COL.map50]));
  if (!usable.length) return null;
  const fitness = (r: Record<string, number>) => 0.1 * r[COL.map50] + 0.9 * r[COL.map];
  const best = usable.reduce((a, b) => (fitness(b) > fitness(a) ? b : a));
  return {
    primary: { name: 'mAP50-95', value: best[COL.map] },
    precision: best[COL.precision],
    recall: best[COL.recall],
    mAP50: best[COL.map50],
    epoch: best.epoch,
    n,
  };
}
