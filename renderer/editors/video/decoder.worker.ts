/**
 * Frame-exact video decoding off the main thread: mp4box demuxes the MP4 (./webm the WebM), WebCodecs decodes from
 * the keyframe before the requested frame through it, and the frame comes back as an ImageBitmap.
 * Decoded frames of the group (and a few past the requested one) are kept in a small cache, so
 * stepping forward is cheap; a request overtaken by a newer one is dropped before decoding.
 */
import { decodeRange, demuxVideo, type DemuxedVideo } from './demux';
import { SUPERSEDED, type FromWorker, type ToWorker } from './protocol';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
let video: DemuxedVideo | null = null;
let config: VideoDecoderConfig | null = null;
const frameOfTimestamp = new Map<number, number>();
const cache = new Map<number, ImageBitmap>();
const CACHE_LIMIT = 24;
/** Frames decoded past the requested one (same group), so stepping forward hits the cache. */
const LOOKAHEAD = 6;
/** Frames before the requested one that are kept too (stepping back a little is cheap). */
const KEEP_BEHIND = 2;
let queue: Promise<void> = Promise.resolve();
/** Id of the newest frame request: an older one still waiting is answered 'superseded' unseen. */
let newest = 0;

const micro = (v: DemuxedVideo, t: number) => Math.round((t * 1e6) / v.timescale);

async function open(url: string): Promise<void> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  video = demuxVideo(await res.arrayBuffer());
  // a (re)opened video starts with an empty cache
  for (const b of cache.values()) b.close();
  cache.clear();
  frameOfTimestamp.clear();
  const v = video;
  v.order.forEach((sampleIndex, n) => frameOfTimestamp.set(micro(v, v.samples[sampleIndex].cts), n));
  config = { codec: v.codec, codedWidth: v.width, codedHeight: v.height, description: v.description };
  if (decoder && decoder.state !== 'closed') decoder.close();
  decoder = null;
  let supported = false;
  try {
    supported = typeof VideoDecoder !== 'undefined' && !!(await VideoDecoder.isConfigSupported(config)).supported;
  } catch {
    supported = false;
  }
  if (supported) {
    // set the decoder up now (its initialisation is most of a first seek otherwise)
    try {
      await ensureDecoder().flush();
    } catch {
      decoder = null;
    }
  }
  const times = v.order.map((i) => v.samples[i].cts / v.timescale);
  post({ type: 'info', width: v.width, height: v.height, frames: v.order.length, fps: v.fps, codec: v.codec, supported, times });
}

function remember(n: number, bmp: ImageBitmap) {
  cache.get(n)?.close();
  cache.delete(n);
  cache.set(n, bmp);
  while (cache.size > CACHE_LIMIT) {
    const [oldest, b] = cache.entries().next().value as [number, ImageBitmap];
    b.close();
    cache.delete(oldest);
  }
}

/** One decoder per open video, reused across seeks (each seek starts at a key frame after a flush). */
let decoder: VideoDecoder | null = null;
/** The seek being decoded: which output frames become bitmaps, and their conversions. */
type Job = { keepFrom: number; target: number; onTarget(): void; pending: Promise<void>[]; failure: Error | null };
let job: Job | null = null;

function ensureDecoder(): VideoDecoder {
  if (decoder && decoder.state === 'configured') return decoder;
  decoder = new VideoDecoder({
    output: (frame) => {
      const index = frameOfTimestamp.get(frame.timestamp);
      // frames before the requested one only feed the decoder; converting them costs a copy each
      if (index === undefined || !job || index < job.keepFrom) return frame.close();
      job.pending.push(
        createImageBitmap(frame).then(
          (b) => {
            remember(index, b);
            if (job && index === job.target) job.onTarget();
          },
          () => {},
        ).finally(() => frame.close()),
      );
    },
    error: (e) => {
      if (job) job.failure = e instanceof Error ? e : new Error(String(e));
    },
  });
  decoder.configure(config!);
  return decoder;
}

/**
 * Decode from the key frame before frame n through n and a few frames past it. `ready` resolves
 * once frame n is in the cache (before the look-ahead is flushed, when the decoder outputs it
 * early), `done` when the whole run is decoded.
 */
function decode(n: number): { ready: Promise<void>; done: Promise<void> } {
  let onTarget = () => {};
  const ready = new Promise<void>((resolve) => (onTarget = resolve));
  return { ready, done: run(n, onTarget) };
}

async function run(n: number, onTarget: () => void): Promise<void> {
  const v = video!;
  const { from, to: through } = decodeRange(v, n);
  let to = through;
  for (let i = through + 1; i < v.samples.length && i <= through + LOOKAHEAD && !v.samples[i].sync; i++) to = i;
  const target = Math.max(0, Math.min(v.order.length - 1, n));
  const current: Job = (job = { keepFrom: Math.max(0, target - KEEP_BEHIND), target, onTarget, pending: [], failure: null });
  const d = ensureDecoder();
  try {
    for (let i = from; i <= to; i++) {
      const s = v.samples[i];
      d.decode(new EncodedVideoChunk({ type: s.sync ? 'key' : 'delta', timestamp: micro(v, s.cts), duration: micro(v, s.duration), data: s.data }));
    }
    await d.flush();
  } catch (e) {
    current.failure ??= e instanceof Error ? e : new Error(String(e));
  }
  await Promise.all(current.pending);
  job = null;
  if (current.failure) {
    if (decoder?.state !== 'closed') decoder?.close();
    decoder = null; // a fresh one next time
    throw current.failure;
  }
}

async function frame(id: number, n: number): Promise<void> {
  if (!video) throw new Error('no video is open');
  if (id < newest) return post({ type: 'error', id, message: SUPERSEDED });
  const clamped = Math.max(0, Math.min(video.order.length - 1, n));
  let rest: Promise<void> = Promise.resolve();
  if (!cache.has(clamped)) {
    const { ready, done } = decode(clamped);
    rest = done;
    await Promise.race([ready, done]);
  }
  const b = cache.get(clamped);
  if (!b) {
    await rest;
    throw new Error(`frame ${clamped} was not produced by the decoder`);
  }
  // a copy goes out; the cached one stays for the next request
  const copy = await createImageBitmap(b);
  post({ type: 'frame', id, n: clamped, bitmap: copy }, [copy]);
  // the look-ahead finishes before the next request is handled
  await rest.catch(() => {});
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'frame') newest = Math.max(newest, m.id);
  queue = queue.then(async () => {
    try {
      if (m.type === 'open') await open(m.url);
      else await frame(m.id, m.n);
    } catch (err) {
      post({ type: 'error', id: m.type === 'frame' ? m.id : undefined, message: err instanceof Error ? err.message : String(err) });
    }
  });
};
