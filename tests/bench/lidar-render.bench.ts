/**
 * 2 million points stay interactive: the LiDAR editor in real Chromium (Playwright, Debian's
 * chromium, SwiftShader WebGL as in tests/playwright.config.ts) against `datum serve`, on a
 * generated project with a 2,000,000-point and a 100,000-point KITTI-format `.bin`.
 *
 * Per cloud: open it in the editor, orbit (pointer drags on the canvas, fixed number of moves),
 * and record
 *  - frame times = intervals between requestAnimationFrame callbacks while dragging (rAF is
 *    wrapped before the app loads; the canvas uses frameloop="demand", so every rAF callback is
 *    a render the editor asked for). SwiftShader rasterises on the CPU in Chromium's GPU process,
 *    so the 2M/100k ratio measures CPU rasterisation + vertex work of 20x more points on this
 *    machine, an upper bound of what a real GPU costs; the absolute milliseconds are not GPU figures.
 *  - JS bytes allocated per frame while orbiting (CDP sampling heap profiler, collected objects
 *    included) and the retained heap growth after a forced GC.
 *  - idle: after the drag, 2 s with nothing changing: rAF callbacks (must be 0: no render loop)
 *    and JS bytes allocated.
 * Needs the built app (`npm run build`). Runs in well under 2 minutes.
 */
import { chromium, type Page } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost } from '../e2e/host';
import type { BenchRow } from './types';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';

const BROWSER = CHROMIUM_PATH;
const ARGS = [...CHROMIUM_ARGS, '--enable-precise-memory-info'];

/** A street-like scan: ground rings around the sensor plus box-shaped clusters, x y z intensity. */
function makeCloud(n: number, seed: number): Buffer {
  const a = new Float32Array(n * 4);
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    if (i % 5) {
      const r = 3 + rnd() * 70;
      const t = rnd() * Math.PI * 2;
      a[o] = r * Math.cos(t);
      a[o + 1] = r * Math.sin(t);
      a[o + 2] = -1.7 + rnd() * 0.05;
    } else {
      const k = Math.floor(rnd() * 40);
      a[o] = -40 + (k % 8) * 10 + rnd() * 4;
      a[o + 1] = -20 + Math.floor(k / 8) * 10 + rnd() * 1.8;
      a[o + 2] = -1.7 + rnd() * 1.6;
    }
    a[o + 3] = rnd();
  }
  return Buffer.from(a.buffer);
}

interface Measure {
  frames: number;
  medianFrameMs: number;
  medianJsMs: number;
  p90FrameMs: number;
  bytesPerFrame: number;
  retainedGrowth: number;
  idleRaf: number;
  idleBytes: number;
}

const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] : NaN);
const p90 = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.9))] : NaN);

function sampledBytes(node: { selfSize: number; children: unknown[] }): number {
  let s = node.selfSize;
  for (const c of node.children as (typeof node)[]) s += sampledBytes(c);
  return s;
}

function topSites(node: { selfSize: number; children: unknown[]; callFrame: { functionName: string; url: string; lineNumber: number } }, acc = new Map<string, number>()) {
  const k = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}`;
  acc.set(k, (acc.get(k) ?? 0) + node.selfSize);
  for (const c of node.children as (typeof node)[]) topSites(c, acc);
  return acc;
}

async function measure(page: Page, url: string, stem: string, points: number, moves: number): Promise<Measure> {
  await page.goto(url);
  await page.getByTestId('job-progress').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
  await page.getByTestId('search').fill(stem);
  await page.getByTestId('item-tile').first().waitFor();
  await page.getByTestId('item-tile').first().dblclick();
  const count = page.getByTestId('point-count');
  for (let t0 = Date.now(); ; ) {
    const text = (await count.innerText({ timeout: 5_000 }).catch(() => '')).replace(/\D/g, '');
    if (Number(text) === points) break;
    if (Date.now() - t0 > 45_000) {
      await page.screenshot({ path: path.join(os.tmpdir(), `lidar-render-${stem}.png`) });
      throw new Error(`${stem}: the editor did not show ${points} points (last: "${await count.innerText().catch(() => '?')}")`);
    }
    await page.waitForTimeout(200);
  }
  // Settled: the first renders (canvas creation, colours, frame index) are over once no rAF has run for 500 ms.
  for (let t0 = Date.now(), last = -1; Date.now() - t0 < 20_000; ) {
    const n = await page.evaluate(() => (window as unknown as { __raf: { n: number } }).__raf.n);
    if (n === last) break;
    last = n;
    await page.waitForTimeout(500);
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap0 = (await cdp.send('Runtime.getHeapUsage')).usedSize;

  const box = (await page.getByTestId('pointcloud-viewer').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.evaluate(() => (window as unknown as { __raf: { n: number } }).__raf.n = 0);
  await cdp.send('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  // Orbit: two drags (left button rotates), moves paced at ~60 Hz.
  for (const dir of [1, -1]) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= moves / 2; i++) {
      await page.mouse.move(cx + dir * i * 12, cy + Math.sin(i / 3) * 20);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
  }
  await page.waitForTimeout(300); // last frame
  const { profile } = (await cdp.send('HeapProfiler.stopSampling')) as { profile: { head: { selfSize: number; children: unknown[] } } };
  const raf = await page.evaluate(() => {
    const r = (window as unknown as { __raf: { n: number; t: Float64Array; d: Float64Array } }).__raf;
    return { t: Array.from(r.t.subarray(0, r.n)), d: Array.from(r.d.subarray(0, r.n)) };
  });
  const times = raf.t;
  if (process.env.BENCH_DEBUG)
    console.log([...topSites(profile.head as never).entries()].sort((a, b) => b[1] - a[1]).slice(0, 15));
  const deltas = times.slice(1).map((t, i) => t - times[i]).filter((d) => d < 2000);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap1 = (await cdp.send('Runtime.getHeapUsage')).usedSize;

  // Idle: nothing changes for 2 s.
  await page.waitForTimeout(500);
  await page.evaluate(() => (window as unknown as { __raf: { n: number } }).__raf.n = 0);
  await cdp.send('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  await page.waitForTimeout(2000);
  const idle = (await cdp.send('HeapProfiler.stopSampling')) as { profile: { head: { selfSize: number; children: unknown[] } } };
  const idleRaf = await page.evaluate(() => (window as unknown as { __raf: { n: number } }).__raf.n);
  await cdp.detach();
  return {
    frames: times.length,
    medianFrameMs: median(deltas),
    medianJsMs: median(raf.d),
    p90FrameMs: p90(deltas),
    bytesPerFrame: sampledBytes(profile.head) / Math.max(1, times.length),
    retainedGrowth: heap1 - heap0,
    idleRaf,
    idleBytes: sampledBytes(idle.profile.head),
  };
}

export default async function lidarRenderBench(): Promise<BenchRow[]> {
  if (!existsSync(path.join(ROOT, 'dist', 'renderer')) || !existsSync(path.join(ROOT, 'dist', 'main', 'cli.js')))
    throw new Error('build the app first (npm run build)');
  if (!BROWSER) throw new Error('no Chromium at /usr/bin/chromium (set CHROMIUM_PATH)');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-lidar-render-'));
  const dir = path.join(tmp, 'clouds');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'small_100k.bin'), makeCloud(100_000, 1));
  writeFileSync(path.join(dir, 'big_2m.bin'), makeCloud(2_000_000, 2));
  const host = await startHost([dir, '--create']);
  const browser = await chromium.launch({ executablePath: BROWSER, headless: true, args: ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    // Count rAF callbacks (into a preallocated array, so the counting itself allocates nothing).
    await context.addInitScript(() => {
      const r = { n: 0, t: new Float64Array(100_000), d: new Float64Array(100_000) };
      (window as unknown as { __raf: typeof r }).__raf = r;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb: FrameRequestCallback) =>
        raf((ts) => {
          if (r.n < r.t.length) r.t[r.n] = performance.now();
          const k = r.n++;
          cb(ts);
          if (k < r.d.length) r.d[k] = performance.now() - r.t[k];
        });
    });
    const page = await context.newPage();
    const small = await measure(page, host.url, 'small_100k', 100_000, 40);
    const big = await measure(page, host.url, 'big_2m', 2_000_000, 16);
    await context.close();
    const kb = (b: number) => Math.round(b / 102.4) / 10;
    return [
      { name: 'orbit frame time, 100k points (median rAF interval while dragging, SwiftShader)', value: small.medianFrameMs, unit: `ms (p90 ${small.p90FrameMs.toFixed(1)}, ${small.frames} frames)` },
      { name: 'orbit frame time, 2M points (median rAF interval while dragging, SwiftShader)', value: big.medianFrameMs, unit: `ms (p90 ${big.p90FrameMs.toFixed(1)}, ${big.frames} frames)` },
      { name: 'JS time per render (rAF callback), 100k / 2M points', value: small.medianJsMs, unit: `ms / ${big.medianJsMs.toFixed(1)} ms` },
      { name: 'frame-time ratio 2M / 100k (CPU rasteriser: 20x points)', value: big.medianFrameMs / small.medianFrameMs, unit: 'x' },
      // ~50 KB a frame whatever the cloud size: three.js matrix updates (boxed doubles in Matrix4
      // maths, OrbitControls), not buffers; a per-frame copy of the cloud would be >= 24 MB at 2M.
      { name: 'JS allocated per orbit frame, 2M points (sampled)', value: kb(big.bytesPerFrame), unit: 'KB', target: '< 256 KB (no per-frame buffers)', pass: big.bytesPerFrame < 256 * 1024 },
      { name: 'JS allocated per orbit frame, 100k points (sampled)', value: kb(small.bytesPerFrame), unit: 'KB' },
      { name: 'per-frame allocation 2M / 100k (independent of the point count)', value: big.bytesPerFrame / small.bytesPerFrame, unit: 'x', target: '< 2', pass: big.bytesPerFrame / small.bytesPerFrame < 2 },
      { name: 'JS heap retained after orbit (after GC), 2M points', value: kb(big.retainedGrowth), unit: 'KB', target: '< 2048 KB', pass: big.retainedGrowth < 2048 * 1024 },
      { name: 'rAF renders during 2 s idle (frameloop=demand), 2M + 100k', value: big.idleRaf + small.idleRaf, unit: 'callbacks', target: '= 0', pass: big.idleRaf + small.idleRaf === 0 },
      { name: 'JS allocated during 2 s idle, 2M points (sampled)', value: kb(big.idleBytes), unit: 'KB', target: '< 64 KB', pass: big.idleBytes < 64 * 1024 },
    ];
  } finally {
    await browser.close();
    await host.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
