/**
 * MP4 demuxing for frame-exact decoding (mp4box): the video track's samples in decode order, the
 * decoder configuration (codec string and avcC/hvcC/vpcC/av1C description) and the presentation
 * order, so "frame n" is the n-th sample by composition time, not a guess from a timestamp.
 */
import { createFile, DataStream, Endianness, MP4BoxBuffer } from 'mp4box';
import { demuxWebm, isWebm } from './webm';

export type { DemuxedVideo, VideoSample } from './videoTypes';
import type { DemuxedVideo, VideoSample } from './videoTypes';

/** MP4 / MOV or WebM / Matroska (VP8, VP9), told apart by the first bytes. */
export function demuxVideo(buffer: ArrayBuffer): DemuxedVideo {
  return isWebm(buffer) ? demuxWebm(buffer) : demuxMp4(buffer);
}

export function demuxMp4(buffer: ArrayBuffer): DemuxedVideo {
  const mp4 = createFile();
  const samples: VideoSample[] = [];
  let error: string | null = null;
  let trackId = -1;
  let info: { codec: string; width: number; height: number; timescale: number; nb: number } | null = null;
  mp4.onError = (e: unknown) => (error = String(e));
  mp4.onReady = (i: { videoTracks: Array<{ id: number; codec: string; video?: { width: number; height: number }; timescale: number; nb_samples: number }> }) => {
    const t = i.videoTracks[0];
    if (!t?.video) return;
    trackId = t.id;
    info = { codec: t.codec, width: t.video.width, height: t.video.height, timescale: t.timescale, nb: t.nb_samples };
    mp4.setExtractionOptions(t.id, null, { nbSamples: Infinity as unknown as number });
    mp4.start();
  };
  mp4.onSamples = (_id: number, _user: unknown, batch: Array<{ data?: Uint8Array; cts: number; dts: number; duration: number; is_sync: boolean }>) => {
    for (const s of batch) samples.push({ data: new Uint8Array(s.data!), cts: s.cts, dts: s.dts, duration: s.duration, sync: s.is_sync });
  };
  mp4.appendBuffer(MP4BoxBuffer.fromArrayBuffer(buffer, 0));
  mp4.flush();
  if (error) throw new Error(`not a readable MP4: ${error}`);
  const meta = info as { codec: string; width: number; height: number; timescale: number; nb: number } | null;
  if (!meta || trackId < 0) throw new Error('the file has no video track');
  const order = samples.map((_, i) => i).sort((a, b) => samples[a].cts - samples[b].cts);
  const totalDuration = samples.reduce((s, x) => s + x.duration, 0);
  const fps = totalDuration ? (samples.length * meta.timescale) / totalDuration : 25;
  return { codec: meta.codec, width: meta.width, height: meta.height, timescale: meta.timescale, description: description(mp4, trackId), samples, order, fps };
}

function description(mp4: ReturnType<typeof createFile>, trackId: number): Uint8Array | undefined {
  const trak = mp4.getTrackById(trackId) as unknown as { mdia: { minf: { stbl: { stsd: { entries: Array<Record<string, { write(s: DataStream): void } | undefined>> } } } } };
  for (const entry of trak.mdia.minf.stbl.stsd.entries) {
    const box = entry.avcC ?? entry.hvcC ?? entry.vpcC ?? entry.av1C;
    if (box) {
      const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
      box.write(stream);
      return new Uint8Array(stream.buffer as ArrayBuffer, 8); // drop the box header
    }
  }
  return undefined;
}

/** Decode-order indices to feed for frame n: from the last sync sample at or before it through it. */
export function decodeRange(v: DemuxedVideo, n: number): { from: number; to: number; target: number } {
  const target = v.order[Math.max(0, Math.min(v.order.length - 1, n))];
  let from = target;
  while (from > 0 && !v.samples[from].sync) from--;
  // B-frames: a frame is output only after the later references are decoded; feed every sample
  // whose presentation time is at or before the target's (and all before it in decode order).
  let to = target;
  for (let i = target + 1; i < v.samples.length && !v.samples[i].sync; i++) if (v.samples[i].cts <= v.samples[target].cts) to = i;
  return { from, to, target };
}
