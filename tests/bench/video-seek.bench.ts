/**
 * Video seek bench, in real Chromium (Debian's, like the e2e tests) against `datum serve`, driving
 * the built decoder worker (mp4box / our WebM demuxer + WebCodecs) exactly as the video editor does:
 *  - frame exactness: a VP9 WebM generated here (WebCodecs VideoEncoder in the page, muxed into
 *    WebM in Node) whose frames draw their own index as a row of black/white bits; random seeks
 *    (cold and through the worker's cache) must show exactly that index (target: all exact);
 *  - median cold seek time on ../shared/data/video/highway_720p.mp4 (H.264 720p, a key frame every
 *    30 frames): time from the request to the ImageBitmap of a random frame with the worker's cache
 *    emptied (decode from the previous key frame), target <= 100 ms, and its ratio to decoding one
 *    key frame (frame 0) the same way. Skipped with a message when ../shared/data is absent.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_PATH } from '../support/chromium';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startHost, type RunningHost } from '../e2e/host';
import type { BenchRow } from './types';
import { demuxMp4 } from '../../renderer/editors/video/demux';

const HIGHWAY = path.join(ROOT, '..', 'shared', 'data', 'video', 'highway_720p.mp4');
const CHROMIUM = CHROMIUM_PATH;
const FRAMES = 90;
const BITS = 7; // 0..127
const WIDTH = 320;
const HEIGHT = 96;
const KEY_EVERY = 30;
const FRAME_US = 40_000;

// ------------------------------------------------------------------ a minimal WebM (EBML) writer

function idBytes(id: number): number[] {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return out;
}
function uintBytes(v: number): number[] {
  const out: number[] = [];
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  return out;
}
function el(id: number, body: Uint8Array | number[]): Uint8Array {
  const data = body instanceof Uint8Array ? body : Uint8Array.from(body);
  const size = [0x01, ...Array.from({ length: 7 }, (_, i) => Math.floor(data.length / 256 ** (6 - i)) & 0xff)]; // 8-byte size
  const head = [...idBytes(id), ...size];
  const out = new Uint8Array(head.length + data.length);
  out.set(head, 0);
  out.set(data, head.length);
  return out;
}
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
};
const str = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const f64 = (v: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v);
  return b;
};

export function muxWebm(codecId: 'V_VP8' | 'V_VP9', width: number, height: number, chunks: Array<{ ts: number; key: boolean; data: Uint8Array }>): Uint8Array {
  const header = el(0x1a45dfa3, [...el(0x4286, [1]), ...el(0x42f7, [1]), ...el(0x42f2, [4]), ...el(0x42f3, [8]), ...el(0x4282, str('webm')), ...el(0x4287, [2]), ...el(0x4285, [2])]);
  const durationMs = chunks.length ? chunks[chunks.length - 1].ts / 1000 + FRAME_US / 1000 : 0;
  const info = el(0x1549a966, cat(el(0x2ad7b1, uintBytes(1_000_000)), el(0x4489, f64(durationMs)), el(0x4d80, str('datum-bench')), el(0x5741, str('datum-bench'))));
  const video = el(0xe0, cat(el(0xb0, uintBytes(width)), el(0xba, uintBytes(height))));
  const tracks = el(0x1654ae6b, el(0xae, cat(el(0xd7, [1]), el(0x73c5, [1]), el(0x83, [1]), el(0x86, str(codecId)), el(0x23e383, uintBytes(FRAME_US * 1000)), video)));
  const clusters: Uint8Array[] = [];
  let group: typeof chunks = [];
  const flush = () => {
    if (!group.length) return;
    const base = Math.round(group[0].ts / 1000);
    const blocks = group.map((c) => {
      const rel = Math.round(c.ts / 1000) - base;
      return el(0xa3, cat(Uint8Array.from([0x81, (rel >> 8) & 0xff, rel & 0xff, c.key ? 0x80 : 0]), c.data));
    });
    clusters.push(el(0x1f43b675, cat(el(0xe7, uintBytes(base)), ...blocks)));
    group = [];
  };
  for (const c of chunks) {
    if (c.key) flush();
    group.push(c);
  }
  flush();
  return cat(header, el(0x18538067, cat(info, tracks, ...clusters)));
}

// ------------------------------------------------------------------ in-page helpers

/** Encodes FRAMES frames, each showing its index as BITS black/white columns, with WebCodecs. */
async function encodeInPage(page: Page) {
  return page.evaluate(
    async ({ frames, bits, w, h, keyEvery, frameUs }) => {
      let codec = 'vp09.00.10.08';
      const base = { width: w, height: h, bitrate: 1_500_000, framerate: 25 };
      if (!(await VideoEncoder.isConfigSupported({ codec, ...base })).supported) codec = 'vp8';
      const chunks: Array<{ ts: number; key: boolean; data: number[] }> = [];
      let failure: string | null = null;
      const enc = new VideoEncoder({
        output: (c) => {
          const d = new Uint8Array(c.byteLength);
          c.copyTo(d);
          chunks.push({ ts: c.timestamp, key: c.type === 'key', data: Array.from(d) });
        },
        error: (e) => (failure = String(e)),
      });
      enc.configure({ codec, ...base });
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d')!;
      const bw = w / bits;
      for (let i = 0; i < frames; i++) {
        for (let b = 0; b < bits; b++) {
          ctx.fillStyle = (i >> b) & 1 ? '#ffffff' : '#000000';
          ctx.fillRect(b * bw, 0, bw, h);
        }
        const f = new VideoFrame(canvas, { timestamp: i * frameUs, duration: frameUs });
        enc.encode(f, { keyFrame: i % keyEvery === 0 });
        f.close();
      }
      await enc.flush();
      enc.close();
      if (failure) throw new Error(failure);
      return { codec, chunks };
    },
    { frames: FRAMES, bits: BITS, w: WIDTH, h: HEIGHT, keyEvery: KEY_EVERY, frameUs: FRAME_US },
  );
}

type SeekResult = { info: { frames: number; codec: string; supported: boolean }; results: Array<{ n: number; ms: number; got?: number }> };

/**
 * Opens `videoPath` (served by a route) in the built decoder worker and requests `seeks` frames
 * one after another. reopen: empty the worker's cache before each (a cold seek). bits: read the
 * frame's index from its pixels.
 */
async function seekInPage(page: Page, workerUrl: string, videoPath: string, seeks: number[], reopen: boolean, bits: number): Promise<SeekResult> {
  return page.evaluate(
    async ({ workerUrl, videoPath, seeks, reopen, bits }) => {
      const url = URL.createObjectURL(await (await fetch(videoPath)).blob());
      const worker = new Worker(workerUrl, { type: 'module' });
      let nextId = 0;
      const waiting = new Map<number, { resolve(b: ImageBitmap): void; reject(e: Error): void }>();
      let opened: { resolve(i: any): void; reject(e: Error): void } | null = null;
      worker.onmessage = (e: MessageEvent) => {
        const m = e.data;
        if (m.type === 'info') opened?.resolve(m);
        else if (m.type === 'frame') waiting.get(m.id)?.resolve(m.bitmap);
        else if (m.id !== undefined) waiting.get(m.id)?.reject(new Error(m.message));
        else opened?.reject(new Error(m.message));
      };
      const open = () =>
        new Promise<any>((resolve, reject) => {
          opened = { resolve, reject };
          worker.postMessage({ type: 'open', url });
        });
      const frame = (n: number) =>
        new Promise<ImageBitmap>((resolve, reject) => {
          const id = ++nextId;
          waiting.set(id, { resolve, reject });
          worker.postMessage({ type: 'frame', id, n });
        });
      const info = await open();
      const canvas = new OffscreenCanvas(1, 1);
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const results: Array<{ n: number; ms: number; got?: number }> = [];
      for (const n of seeks) {
        if (reopen) await open();
        const t0 = performance.now();
        const bmp = await frame(n);
        const ms = performance.now() - t0;
        let got: number | undefined;
        if (bits) {
          canvas.width = bmp.width;
          canvas.height = bmp.height;
          ctx.drawImage(bmp, 0, 0);
          const y = Math.floor(bmp.height / 2);
          const row = ctx.getImageData(0, y, bmp.width, 1).data;
          got = 0;
          for (let b = 0; b < bits; b++) {
            const x = Math.floor(((b + 0.5) * bmp.width) / bits);
            if (row[4 * x] > 127) got |= 1 << b;
          }
        }
        bmp.close();
        results.push({ n, ms, got });
      }
      worker.terminate();
      URL.revokeObjectURL(url);
      return { info: { frames: info.frames, codec: info.codec, supported: info.supported }, results };
    },
    { workerUrl, videoPath, seeks, reopen, bits },
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** Deterministic pseudo-random frame indices. */
function randomFrames(count: number, frames: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % frames;
  });
}

export default async function videoSeekBench(): Promise<BenchRow[]> {
  if (!CHROMIUM) return [{ name: 'video seek: skipped, no Chromium at /usr/bin/chromium (set CHROMIUM_PATH)', value: 0, unit: '' }];
  const assets = path.join(ROOT, 'dist', 'renderer', 'assets');
  const worker = existsSync(assets) ? readdirSync(assets).find((f) => /^decoder\.worker-.*\.js$/.test(f)) : undefined;
  if (!worker) return [{ name: 'video seek: skipped, build the renderer first (npm run build)', value: 0, unit: '' }];

  const rows: BenchRow[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-video-'));
  let host: RunningHost | null = null;
  let browser: Browser | null = null;
  try {
    host = await startHost([dir, '--create']);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    // blob: URLs for the worker's fetch (the app's CSP allows only its own origin for connections)
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    // tsx (esbuild keepNames) wraps functions in __name(); the evaluated callbacks need it too
    await page.addInitScript('globalThis.__name = (f) => f');
    const served = new Map<string, Uint8Array>();
    await page.route('**/__bench/*', (route) => {
      const body = served.get(new URL(route.request().url()).pathname.split('/').pop()!);
      return body ? route.fulfill({ status: 200, body: Buffer.from(body), contentType: 'application/octet-stream' }) : route.fulfill({ status: 404 });
    });
    await page.goto(host.url);
    const workerUrl = `${host.origin}/assets/${worker}`;

    // 1) frame exactness on a generated video whose frames carry their own index
    const encoded = await encodeInPage(page);
    const webm = muxWebm(encoded.codec === 'vp8' ? 'V_VP8' : 'V_VP9', WIDTH, HEIGHT, encoded.chunks.map((c) => ({ ts: c.ts, key: c.key, data: Uint8Array.from(c.data) })));
    served.set('index.webm', webm);
    const targets = randomFrames(40, FRAMES, 7);
    const warm = await seekInPage(page, workerUrl, '/__bench/index.webm', targets, false, BITS);
    const cold = await seekInPage(page, workerUrl, '/__bench/index.webm', targets.slice(0, 15), true, BITS);
    const all = [...warm.results, ...cold.results];
    const exact = all.filter((r) => r.got === r.n).length;
    const wrong = all.filter((r) => r.got !== r.n).slice(0, 5).map((r) => `${r.n}->${r.got}`);
    rows.push({
      name: `generated ${encoded.codec} ${WIDTH}x${HEIGHT} ${warm.info.frames} frames (key every ${KEY_EVERY}), random seeks: exact frames ${exact}/${all.length}${wrong.length ? ` (wrong: ${wrong.join(', ')})` : ''}`,
      value: exact,
      unit: `/ ${all.length} exact`,
      target: `${all.length}/${all.length}`,
      pass: exact === all.length && warm.info.frames === FRAMES,
    });

    // 2) seek time on the real 720p H.264 clip
    if (!existsSync(HIGHWAY)) {
      rows.push({ name: 'highway_720p.mp4 seek time: skipped, needs ../shared/data/video beside the repository', value: 0, unit: '' });
    } else {
      served.set('highway.mp4', new Uint8Array(readFileSync(HIGHWAY)));
      const frames = 38;
      const seeks = randomFrames(15, frames, 11);
      const seek = await seekInPage(page, workerUrl, '/__bench/highway.mp4', [0, ...seeks], true, 0);
      const one = await seekInPage(page, workerUrl, '/__bench/highway.mp4', [0, 0, 0, 0, 0, 0, 0], true, 0);
      const seekMs = median(seek.results.slice(1).map((r) => r.ms));
      const oneMs = median(one.results.slice(1).map((r) => r.ms));
      // baseline: bare WebCodecs in the page, one configured decoder, decode + flush of the key frame
      const b = readFileSync(HIGHWAY);
      const v = demuxMp4(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      const rawMs = await page.evaluate(
        async ({ codec, width, height, description, key }) => {
          const times: number[] = [];
          const d = new VideoDecoder({ output: (f) => f.close(), error: () => {} });
          d.configure({ codec, codedWidth: width, codedHeight: height, description: Uint8Array.from(description) });
          const data = Uint8Array.from(key);
          for (let i = 0; i < 8; i++) {
            const t0 = performance.now();
            d.decode(new EncodedVideoChunk({ type: 'key', timestamp: i, data }));
            await d.flush();
            times.push(performance.now() - t0);
          }
          d.close();
          return times.slice(1).sort((a, c) => a - c)[3];
        },
        { codec: v.codec, width: v.width, height: v.height, description: Array.from(v.description ?? []), key: Array.from(v.samples[0].data) },
      );
      const how = seek.info.supported ? 'WebCodecs' : 'NOT decodable by WebCodecs here';
      const load = `load avg ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
      rows.push({ name: `highway_720p.mp4 (${seek.info.codec}, ${how}) median cold seek to a random frame (${load})`, value: +seekMs.toFixed(1), unit: 'ms', target: '<= 100 ms', pass: seek.info.supported && seekMs <= 100 });
      rows.push({ name: 'highway_720p.mp4 median seek to frame 0 (one key frame) through the worker', value: +oneMs.toFixed(1), unit: 'ms' });
      rows.push({ name: 'highway_720p.mp4 median bare WebCodecs decode + flush of one key frame (baseline)', value: +rawMs.toFixed(1), unit: 'ms' });
      rows.push({ name: 'highway_720p.mp4 random seek / one bare key-frame decode', value: +(seekMs / rawMs).toFixed(2), unit: 'x' });
    }
  } finally {
    await browser?.close();
    await host?.stop();
  }
  return rows;
}
