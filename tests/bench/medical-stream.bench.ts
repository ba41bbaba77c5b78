/**
 * Time to the first image vs the full volume when opening a DICOM series, before (whole: open
 * decodes everything, then /blob/volume) and after streaming (medical-stream-child.ts), on the
 * generated 512×512×300 CT and the real `dicom/mr3slice` series. Each measurement is a fresh
 * process; the modes are interleaved round by round (ROUNDS rounds, medians), and the 1-minute load
 * average is printed beside the figures. Targets are ratios measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticCtSeries } from '../../core/medical/synthetic';
import { PathGuard } from '../../main/services/pathGuard';
import { ProjectService } from '../../main/services/projectService';
import type { BenchRow } from './types';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, 'medical-stream-child.ts');
const SHARED = path.resolve(HERE, '../../../shared/data/dicom/mr3slice');
const ROUNDS = Number(process.env.MEDSTREAM_ROUNDS ?? 5);

interface Run {
  headerMs: number;
  firstMs: number;
  fullMs: number;
}

function child(mode: 'whole' | 'stream', dir: string): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, mode, dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`medical-stream-child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function project(files: { name: string; bytes: Uint8Array }[] | string): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'datum-medstream-bench-'));
  const dir = path.join(root, 'series');
  if (typeof files === 'string') cpSync(files, dir, { recursive: true });
  else {
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(path.join(dir, f.name), f.bytes);
  }
  const projects = new ProjectService(new PathGuard());
  await projects.create(root);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  return root;
}

/**
 * `targets`: false for a series too small for streaming to matter (3 slices open whole in ~25 ms
 * on a quiet machine; the stream's fixed cost, a few ms, is then the whole difference), whose
 * ratios are printed without a target.
 */
function measure(label: string, dir: string, targets = true): BenchRow[] {
  const runs = { whole: [] as Run[], stream: [] as Run[] };
  const loads: number[] = [];
  child('stream', dir); // one untimed open: the files in the page cache for both modes alike
  for (let i = 0; i < ROUNDS; i++) {
    runs.whole.push(child('whole', dir));
    runs.stream.push(child('stream', dir));
    loads.push(os.loadavg()[0]);
  }
  const m = (mode: 'whole' | 'stream', k: keyof Run) => median(runs[mode].map((r) => r[k]));
  const n = `n = ${ROUNDS} processes each, interleaved, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores`;
  const firstRatio = m('stream', 'firstMs') / m('whole', 'firstMs');
  const fullRatio = m('stream', 'fullMs') / m('whole', 'fullMs');
  return [
    { name: `${label}: before (whole) time to first image = full volume, median (${n})`, value: +m('whole', 'firstMs').toFixed(0), unit: 'ms' },
    { name: `${label}: streamed, medical.open answers (header), median`, value: +m('stream', 'headerMs').toFixed(0), unit: 'ms' },
    { name: `${label}: streamed, time to first image (middle slice placed), median`, value: +m('stream', 'firstMs').toFixed(0), unit: 'ms' },
    { name: `${label}: streamed, time to full volume (DONE), median`, value: +m('stream', 'fullMs').toFixed(0), unit: 'ms' },
    { name: `${label}: first image, streamed / before (median of ${ROUNDS} each)`, value: +firstRatio.toFixed(3), unit: 'x before', ...(targets ? { target: '<= 0.25', pass: firstRatio <= 0.25 } : {}) },
    { name: `${label}: full volume, streamed / before`, value: +fullRatio.toFixed(2), unit: 'x before', ...(targets ? { target: '<= 1.1', pass: fullRatio <= 1.1 } : {}) },
  ];
}

export default async function medicalStreamBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ct = await project(syntheticCtSeries({ size: 512, slices: 300 }));
  try {
    rows.push(...measure('CT 512x512x300 (generated)', ct));
  } finally {
    rmSync(ct, { recursive: true, force: true });
  }
  if (existsSync(SHARED)) {
    const mr = await project(SHARED);
    try {
      rows.push(...measure('real dicom/mr3slice (512x512x3 MR)', mr, false));
    } finally {
      rmSync(mr, { recursive: true, force: true });
    }
  } else rows.push({ name: `real series: skipped (${SHARED} absent)`, value: 0, unit: '(skipped)' });
  return rows;
}
