/**
 * One measurement of the medical bench in a fresh process, so its peak memory (maxRSS) is its own:
 *  - `floor DIR`: the physical floor — read every file of DIR and copy its pixel bytes (the last
 *    rows*columns*2 bytes of each uncompressed file) into fresh memory;
 *  - `build DIR`: what opening the series costs, as the app does it (main/services/dicomFiles.ts):
 *    read each file's header, group, then the worker threads (main/services/medicalWorkers, the
 *    bundled worker file named by DATUM_BENCH_MEDICAL_WORKER, as the packaged app runs it) read
 *    the pixel bytes into the shared Int16 volume and rescale them there;
 *  - `build-serial DIR`: the same on the calling thread alone (the path before the workers, and
 *    the one tiny series and hosts without threads take);
 *  - `build-buffers DIR`: the same from whole files held in memory (the path for DicomInputs
 *    that callers already hold: read every file whole, parse, group, build).
 * The first run is cold (fresh process: code not yet compiled); WARM more runs follow in the same
 * process (JIT warm). Prints {ms, warm: ms[], peakBytes, volumeBytes} as JSON; peakBytes is the
 * peak RSS (VmHWM) after the cold run minus the RSS before it (worker threads included: they are
 * this process); maxStallMs the longest event-loop stall during the cold run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildVolume, groupDicomFiles } from '../../core/medical/series';
import { filePixelReader, groupDicomFolder } from '../../main/services/dicomFiles';
import { MedicalWorkerPool } from '../../main/services/medicalWorkers/pool';

const [mode, dir, warmArg, minVoxelsArg] = process.argv.slice(2);
const warmRounds = Number(warmArg ?? 0);
const files = readdirSync(dir).sort();
const FRAME = 512 * 512 * 2;
const workerFile = process.env.DATUM_BENCH_MEDICAL_WORKER;
if (mode === 'build' && !workerFile) throw new Error('build: set DATUM_BENCH_MEDICAL_WORKER to the bundled medical-worker.js');
// Created (not started) before the clock: threads start lazily, inside the cold run, as in the host.
// A 4th argument overrides the pool's cut-off (the cut-off measurement sends every size to the threads).
const pool = mode === 'build' ? new MedicalWorkerPool({ workerUrl: pathToFileURL(workerFile!), minVoxels: minVoxelsArg ? Number(minVoxelsArg) : undefined }) : null;

/**
 * Peak RSS of this process image: VmHWM from /proc (Linux). Not getrusage's maxRSS: Linux keeps
 * ru_maxrss across fork + exec, so a child spawned by the bench (which holds the 157 MB series
 * and a volume) started with the parent's peak — every mode read ≈ 1.6x "growth", floor included.
 */
function highWaterRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function once(): Promise<number> {
  if (mode === 'floor') {
    const out = new Uint8Array(FRAME * files.length);
    files.forEach((f, k) => {
      const bytes = readFileSync(path.join(dir, f));
      out.set(bytes.subarray(bytes.length - FRAME), k * FRAME);
    });
    return out.byteLength;
  }
  if (mode === 'build' || mode === 'build-serial') {
    const stack = (await groupDicomFolder(dir, files, { pool })).studies[0].series[0].stacks[0];
    return (await buildVolume(stack, filePixelReader(dir, { pool }))).volume.data.byteLength;
  }
  const inputs = files.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
  const stack = groupDicomFiles(inputs).studies[0].series[0].stacks[0];
  return (await buildVolume(stack)).volume.data.byteLength;
}

const before = process.memoryUsage().rss;
// The longest gap between ticks of a 2 ms timer during the cold run: how long a `datum serve` host
// could not answer anything else. (perf_hooks' monitorEventLoopDelay records a stall only when its
// timer runs after it, which a build that never yields does not give it.)
let lastTick = performance.now();
let maxStallMs = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  maxStallMs = Math.max(maxStallMs, now - lastTick);
  lastTick = now;
}, 2);
const t0 = performance.now();
const volumeBytes = await once();
const ms = performance.now() - t0;
await new Promise((resolve) => setTimeout(resolve, 3));
clearInterval(ticker);
const peakBytes = highWaterRss() - before;
const warm: number[] = [];
for (let i = 0; i < warmRounds; i++) {
  global.gc?.();
  const t = performance.now();
  await once();
  warm.push(performance.now() - t);
}
await pool?.close();
process.stdout.write(JSON.stringify({ ms, warm, peakBytes, volumeBytes, maxStallMs }));
