/**
 * `npm run bench`: runs every tests/bench/*.bench.ts (or the ones named on the command line: a
 * file is run when its name contains one of the words), prints each row with its target, and exits
 * non-zero if a row with a target failed. Figures are ratios against baselines measured in the
 * same run: the machines are noisy.
 *
 * `npm run bench cold` prints issue #19's whole table: the cold-start rows (cold.bench.ts) and,
 * after them, the YOLOX-nano pre-labelling row (tests/bench/inference/coldRows.ts), unless the
 * selection also runs inference.bench.ts, which measures pre-labelling in full.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './types';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !wanted.length || wanted.some((w) => f.includes(w)))
  .sort();

let failed = 0;
for (const f of files) {
  const started = performance.now();
  process.stdout.write(`\n## ${f}\n`);
  try {
    const mod = (await import(pathToFileURL(path.join(here, f)).href)) as { default: () => Promise<BenchRow[]> };
    const rows = await mod.default();
    if (f === 'cold.bench.ts' && !files.includes('inference.bench.ts')) {
      const extra = (await import('./inference/coldRows')) as { default: () => Promise<BenchRow[]> };
      rows.push(...(await extra.default()));
    }
    for (const r of rows) {
      const verdict = r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL';
      if (r.pass === false) failed++;
      process.stdout.write(`${verdict.padEnd(5)} ${r.name}: ${formatValue(r.value)} ${r.unit}${r.target ? ` (target ${r.target})` : ''}\n`);
    }
  } catch (err) {
    failed++;
    process.stdout.write(`FAIL  ${f} crashed: ${(err as Error).stack ?? err}\n`);
  }
  process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`\n${failed ? `${failed} benchmark target(s) missed` : 'all benchmark targets met'}\n`);
process.exitCode = failed ? 1 : 0;

function formatValue(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);
}
