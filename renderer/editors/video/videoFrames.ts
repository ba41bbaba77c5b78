/**
 * Frame n of a video as an ImageBitmap. WebCodecs in a worker when the browser can decode the
 * stream (exact: frame n is the n-th sample by presentation time); otherwise a hidden <video>
 * element seeked to the middle of frame n's display interval, using the container's timestamps.
 */
import type { FromWorker, VideoInfo } from './protocol';

export class VideoFrames {
  private worker = new Worker(new URL('./decoder.worker.ts', import.meta.url), { type: 'module' });
  private nextId = 1;
  private waiting = new Map<number, { resolve(b: ImageBitmap): void; reject(e: Error): void }>();
  private opened: { resolve(i: VideoInfo): void; reject(e: Error): void } | null = null;
  private element: HTMLVideoElement | null = null;
  private seekChain: Promise<unknown> = Promise.resolve();
  info: VideoInfo | null = null;

  constructor(private readonly url: string) {
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === 'info') {
        const { type: _t, ...info } = m;
        this.info = info;
        this.opened?.resolve(info);
      } else if (m.type === 'frame') {
        this.waiting.get(m.id)?.resolve(m.bitmap);
        this.waiting.delete(m.id);
      } else if (m.id !== undefined) {
        this.waiting.get(m.id)?.reject(new Error(m.message));
        this.waiting.delete(m.id);
      } else this.opened?.reject(new Error(m.message));
    };
  }

  open(): Promise<VideoInfo> {
    return new Promise((resolve, reject) => {
      this.opened = { resolve, reject };
      this.worker.postMessage({ type: 'open', url: this.url });
    });
  }

  frame(n: number): Promise<ImageBitmap> {
    if (this.info && !this.info.supported) return this.fallbackFrame(n);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'frame', id, n });
    });
  }

  private fallbackFrame(n: number): Promise<ImageBitmap> {
    const info = this.info!;
    const job = this.seekChain.then(async () => {
      if (!this.element) {
        const v = document.createElement('video');
        v.muted = true;
        v.preload = 'auto';
        v.src = this.url;
        await new Promise<void>((res, rej) => {
          v.onloadeddata = () => res();
          v.onerror = () => rej(new Error('the video element cannot play this file'));
        });
        this.element = v;
      }
      const v = this.element;
      const t = info.times[Math.max(0, Math.min(info.frames - 1, n))] + 0.25 / info.fps;
      await new Promise<void>((res) => {
        v.onseeked = () => res();
        v.currentTime = t;
      });
      return createImageBitmap(v);
    });
    this.seekChain = job.catch(() => {});
    return job;
  }

  dispose(): void {
    this.worker.terminate();
    for (const w of this.waiting.values()) w.reject(new Error('closed'));
    this.waiting.clear();
    if (this.element) this.element.src = '';
  }
}
