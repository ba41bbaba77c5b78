/**
 * WebM / Matroska demuxing for frame-exact decoding of VP8 / VP9 (pure, no DOM): an EBML walk
 * Segment → Info (TimecodeScale, Duration) → Tracks (the first video track: CodecID, pixel size,
 * CodecPrivate) → Clusters (Timecode) → SimpleBlock / BlockGroup (keyframe flag, or no
 * ReferenceBlock). The result has the same shape as the MP4 demuxer's, with the timescale in
 * Matroska ticks per second, so the decoder worker treats both containers alike.
 */
import type { DemuxedVideo, VideoSample } from './videoTypes';

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  DefaultDuration: 0x23e383,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  ReferenceBlock: 0xfb,
  BlockDuration: 0x9b,
} as const;

/** Level-1 elements: an unknown-size Cluster ends where the next of these starts. */
const TOP_LEVEL = new Set([0x114d9b74, ID.Info, ID.Tracks, ID.Cluster, 0x1c53bb6b, 0x1941a469, 0x1043a770, 0x1254c367]);

type Element = { id: number; start: number; end: number; unknownSize: boolean };

export function isWebm(buffer: ArrayBuffer | Uint8Array): boolean {
  const b = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength));
  return b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3;
}

class Reader {
  constructor(readonly b: Uint8Array) {}

  /** A variable-length integer at pos: its value (marker kept for IDs) and length. */
  vint(pos: number, keepMarker: boolean): { value: number; length: number; allOnes: boolean } {
    const first = this.b[pos];
    if (first === undefined) throw new Error('WebM: truncated file');
    let length = 1;
    while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
    if (length > 8) throw new Error(`WebM: bad variable-length integer at byte ${pos}`);
    if (pos + length > this.b.length) throw new Error('WebM: truncated file');
    let value = keepMarker ? first : first & (0xff >> length);
    let allOnes = value === 0xff >> length;
    for (let i = 1; i < length; i++) {
      const byte = this.b[pos + i];
      value = value * 256 + byte;
      if (byte !== 0xff) allOnes = false;
    }
    return { value, length, allOnes };
  }

  element(pos: number, limit: number): Element {
    const id = this.vint(pos, true);
    const size = this.vint(pos + id.length, false);
    const start = pos + id.length + size.length;
    const unknownSize = size.allOnes;
    return { id: id.value, start, end: unknownSize ? limit : Math.min(limit, start + size.value), unknownSize };
  }

  uint(e: Element): number {
    let v = 0;
    for (let i = e.start; i < e.end; i++) v = v * 256 + this.b[i];
    return v;
  }

  float(e: Element): number {
    const view = new DataView(this.b.buffer, this.b.byteOffset + e.start, e.end - e.start);
    return e.end - e.start === 4 ? view.getFloat32(0) : e.end - e.start === 8 ? view.getFloat64(0) : 0;
  }

  string(e: Element): string {
    let s = '';
    for (let i = e.start; i < e.end && this.b[i] !== 0; i++) s += String.fromCharCode(this.b[i]);
    return s;
  }

  *children(parent: { start: number; end: number }): Generator<Element> {
    let pos = parent.start;
    while (pos < parent.end) {
      const e = this.element(pos, parent.end);
      yield e;
      pos = e.end;
    }
  }
}

type VideoTrack = { number: number; codecId: string; width: number; height: number; codecPrivate?: Uint8Array; defaultDurationNs?: number };

export function demuxWebm(buffer: ArrayBuffer | Uint8Array): DemuxedVideo {
  const b = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (!isWebm(b)) throw new Error('not a WebM / Matroska file');
  const r = new Reader(b);
  let segment: Element | null = null;
  for (const e of r.children({ start: 0, end: b.length })) if (e.id === ID.Segment && !segment) segment = e;
  if (!segment) throw new Error('WebM: no Segment');

  let timecodeScale = 1_000_000;
  let durationTicks = 0;
  let track: VideoTrack | null = null;
  const blocks: Array<{ time: number; data: Uint8Array; key: boolean; durationTicks?: number }> = [];

  const readBlock = (e: Element, clusterTime: number, simple: boolean, keyByGroup: boolean, groupDuration?: number) => {
    if (!track) return;
    const tn = r.vint(e.start, false);
    if (tn.value !== track.number) return;
    const p = e.start + tn.length;
    const rel = (b[p] << 24) >> 16 | b[p + 1]; // signed 16-bit
    const flags = b[p + 2];
    if (flags & 0x06) throw new Error('WebM: laced video blocks are not supported');
    const key = simple ? !!(flags & 0x80) : keyByGroup;
    blocks.push({ time: clusterTime + rel, data: b.subarray(p + 3, e.end), key, durationTicks: groupDuration });
  };

  let pos = segment.start;
  const end = segment.end;
  while (pos < end) {
    const e = r.element(pos, end);
    if (e.id === ID.Info) {
      let duration = 0;
      for (const c of r.children(e)) {
        if (c.id === ID.TimecodeScale) timecodeScale = r.uint(c);
        else if (c.id === ID.Duration) duration = r.float(c);
      }
      durationTicks = duration;
    } else if (e.id === ID.Tracks && !track) {
      for (const entry of r.children(e)) {
        if (entry.id !== ID.TrackEntry) continue;
        const t: Partial<VideoTrack> & { type?: number } = {};
        for (const c of r.children(entry)) {
          if (c.id === ID.TrackNumber) t.number = r.uint(c);
          else if (c.id === ID.TrackType) t.type = r.uint(c);
          else if (c.id === ID.CodecID) t.codecId = r.string(c);
          else if (c.id === ID.CodecPrivate) t.codecPrivate = b.slice(c.start, c.end);
          else if (c.id === ID.DefaultDuration) t.defaultDurationNs = r.uint(c);
          else if (c.id === ID.Video)
            for (const v of r.children(c)) {
              if (v.id === ID.PixelWidth) t.width = r.uint(v);
              else if (v.id === ID.PixelHeight) t.height = r.uint(v);
            }
        }
        if (t.type === 1 && t.number !== undefined && !track) track = { number: t.number, codecId: t.codecId ?? '', width: t.width ?? 0, height: t.height ?? 0, codecPrivate: t.codecPrivate, defaultDurationNs: t.defaultDurationNs };
      }
    } else if (e.id === ID.Cluster) {
      let clusterTime = 0;
      let cpos = e.start;
      let cend = e.end;
      while (cpos < cend) {
        const c = r.element(cpos, cend);
        if (e.unknownSize && TOP_LEVEL.has(c.id)) {
          cend = cpos; // the cluster ended; the outer loop continues from here
          break;
        }
        if (c.id === ID.Timecode) clusterTime = r.uint(c);
        else if (c.id === ID.SimpleBlock) readBlock(c, clusterTime, true, false);
        else if (c.id === ID.BlockGroup) {
          let block: Element | null = null;
          let referenced = false;
          let duration: number | undefined;
          for (const g of r.children(c)) {
            if (g.id === ID.Block) block = g;
            else if (g.id === ID.ReferenceBlock) referenced = true;
            else if (g.id === ID.BlockDuration) duration = r.uint(g);
          }
          if (block) readBlock(block, clusterTime, false, !referenced, duration);
        }
        cpos = c.end;
      }
      pos = cend;
      continue;
    }
    pos = e.end;
  }
  if (!track) throw new Error('the file has no video track');
  if (!blocks.length) throw new Error('WebM: the video track has no frames');
  const { codec, description } = codecOf(track, blocks[0].data);

  // Blocks are stored in decode order with presentation timestamps (VP8 / VP9: the same order;
  // VP9 hidden frames travel inside superframes); H.264 B-frames are reordered by `order`.
  const timescale = 1e9 / timecodeScale; // ticks per second
  const defaultTicks = track.defaultDurationNs ? track.defaultDurationNs / timecodeScale : 0;
  const samples: VideoSample[] = blocks.map((blk, i) => {
    const next = blocks[i + 1];
    const duration = blk.durationTicks ?? (next ? next.time - blk.time : defaultTicks || Math.max(1, durationTicks - blk.time) || 1);
    return { data: blk.data, cts: blk.time, dts: blk.time, duration: Math.max(0, duration), sync: blk.key };
  });
  const order = samples.map((_, i) => i).sort((a, c) => samples[a].cts - samples[c].cts || a - c);
  const span = durationTicks > 0 ? durationTicks : samples.reduce((s, x) => s + x.duration, 0);
  const fps = track.defaultDurationNs ? 1e9 / track.defaultDurationNs : span ? (samples.length * timescale) / span : 25;
  return { codec, width: track.width, height: track.height, timescale, description, samples, order, fps };
}

/**
 * WebCodecs codec string (and description) for the Matroska CodecID: VP8, VP9 (profile and bit
 * depth from CodecPrivate or the first frame), AV1 and H.264 (from their av1C / avcC
 * CodecPrivate). Anything else keeps its CodecID, which WebCodecs rejects, so the editor falls
 * back to seeking a <video> element.
 */
function codecOf(track: VideoTrack, first: Uint8Array | undefined): { codec: string; description?: Uint8Array } {
  const p = track.codecPrivate;
  const two = (n: number) => String(Math.max(0, n)).padStart(2, '0');
  if (track.codecId === 'V_VP8') return { codec: 'vp8' };
  if (track.codecId === 'V_VP9') {
    let profile = -1;
    let level = 10;
    let depth = 8;
    // CodecPrivate: ID (1 profile, 2 level, 3 bit depth), length, value
    for (let i = 0; p && i + 2 < p.length; i += 2 + p[i + 1]) {
      if (p[i] === 1) profile = p[i + 2];
      else if (p[i] === 2) level = p[i + 2] || level;
      else if (p[i] === 3) depth = p[i + 2] || depth;
    }
    // uncompressed header: frame_marker (2 bits), profile_low_bit, profile_high_bit
    if (profile < 0 && first && first.length) profile = ((first[0] >> 5) & 1) | (((first[0] >> 4) & 1) << 1);
    return { codec: `vp09.${two(profile)}.${two(level)}.${two(depth)}` };
  }
  if (track.codecId === 'V_AV1' && p && p.length >= 4) {
    const profile = p[1] >> 5;
    const level = p[1] & 0x1f;
    const tier = p[2] & 0x80 ? 'H' : 'M';
    const depth = p[2] & 0x40 ? (p[2] & 0x20 ? 12 : 10) : 8;
    return { codec: `av01.${profile}.${two(level)}${tier}.${two(depth)}`, description: p };
  }
  if (track.codecId === 'V_MPEG4/ISO/AVC' && p && p.length >= 4) {
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    return { codec: `avc1.${hex(p[1])}${hex(p[2])}${hex(p[3])}`, description: p };
  }
  return { codec: track.codecId || 'unknown' };
}
