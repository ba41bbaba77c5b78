/**
 * One measurement in a fresh process, for tests/bench/cold.bench.ts (bundled by esbuild into
 * .bench/cold/probe.mjs, so no TypeScript loader is timed). Prints one JSON line:
 * { coldMs, warmMs, count }. coldMs is the first run in this process (fresh heap, cold JIT: what a
 * user meets opening a file); warmMs the median of the next runs in the same process.
 *
 *   cloud FILE   read + parse through the product's reader (readCloudFile: the CLI's and the
 *                Node worker's path)
 *   floor FILE   the physical floor of a loader: read every byte of the file once (1 MiB reused
 *                buffer) and copy it into fresh memory of the file's size
 *   index DIR    index a folder as a first open does (indexSources with no cached index)
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readCloudFile } from '../../../main/services/pointcloud/readCloudFile';
import { indexSources } from '../../../main/services/indexer';

const [mode, target] = process.argv.slice(2);
const WARM_RUNS = mode === 'index' ? 1 : 4;

function floor(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const out = new Uint8Array(size);
    const chunk = new Uint8Array(Math.min(size, 1 << 20));
    for (let at = 0; at < size; ) {
      const got = readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
      if (got <= 0) break;
      out.set(got === chunk.length ? chunk : chunk.subarray(0, got), at);
      at += got;
    }
    return out.length;
  } finally {
    closeSync(fd);
  }
}

async function once(): Promise<number> {
  if (mode === 'cloud') return (await readCloudFile(target)).count;
  if (mode === 'floor') return floor(target);
  if (mode === 'index') {
    const r = await indexSources([{ spec: { id: 'main', path: '.' }, absPath: target }], [], () => {}, new AbortController().signal);
    return r.items.length;
  }
  throw new Error(`unknown mode ${mode}`);
}

const t0 = performance.now();
const count = await once();
const coldMs = performance.now() - t0;
const warm: number[] = [];
for (let i = 0; i < WARM_RUNS; i++) {
  const t = performance.now();
  await once();
  warm.push(performance.now() - t);
}
warm.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ coldMs, warmMs: warm[Math.floor(warm.length / 2)], count }) + '\n');
