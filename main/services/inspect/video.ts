/**
 * `datum inspect` for videos: MP4 through mp4box's demuxer (exact sample count), WebM through
 * a small EBML walk of the header elements we need (size, duration, codec). Neither decodes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFile, type Movie } from 'mp4box';
import { DatumError } from '../../rpc/errors';

export interface VideoInspection {
  format: 'mp4' | 'webm';
  modality: 'video';
  width: number;
  height: number;
  durationS: number;
  frames: number | null;
  fps: number | null;
  codec: string;
  size: number;
}

export async function inspectVideo(file: string): Promise<VideoInspection> {
  const bytes = await fs.readFile(file);
  const name = path.basename(file);
  return name.toLowerCase().endsWith('.webm') ? inspectWebm(bytes, name) : inspectMp4(bytes, name);
}

function inspectMp4(bytes: Buffer, name: string): VideoInspection {
  const mp4 = createFile();
  let info: Movie | null = null;
  let error: string | null = null;
  mp4.onReady = (i: Movie) => (info = i);
  mp4.onError = (e: unknown) => (error = String(e));
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer & { fileStart: number };
  ab.fileStart = 0;
  mp4.appendBuffer(ab);
  mp4.flush();
  const movie = info as Movie | null;
  const track = movie?.videoTracks?.[0];
  if (!movie || !track || error) throw new DatumError('BAD_FILE', `${name}: not a readable MP4 video${error ? ` (${error})` : ' (no video track found)'}`);
  const durationS = track.duration / track.timescale;
  return {
    format: 'mp4',
    modality: 'video',
    width: track.video?.width ?? track.track_width,
    height: track.video?.height ?? track.track_height,
    durationS,
    frames: track.nb_samples,
    fps: durationS > 0 ? Math.round((track.nb_samples / durationS) * 1000) / 1000 : null,
    codec: track.codec,
    size: bytes.byteLength,
  };
}

// EBML element ids (Matroska/WebM) that we read.
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const CODEC_ID = 0x86;
const VIDEO = 0xe0;
const PIXEL_WIDTH = 0xb0;
const PIXEL_HEIGHT = 0xba;
const CONTAINERS = new Set([SEGMENT, INFO, TRACKS, TRACK_ENTRY, VIDEO]);

function inspectWebm(bytes: Buffer, name: string): VideoInspection {
  if (bytes.readUInt32BE(0) !== 0x1a45dfa3) throw new DatumError('BAD_FILE', `${name}: not a WebM file (no EBML header)`);
  let scale = 1_000_000;
  let duration = 0;
  let width = 0;
  let height = 0;
  let codec = '';
  const walk = (start: number, end: number, depth: number) => {
    let p = start;
    while (p < end && depth < 6) {
      const id = readVint(bytes, p, true);
      if (!id) return;
      const size = readVint(bytes, p + id.length, false);
      if (!size) return;
      const data = p + id.length + size.length;
      const unknownSize = size.value === -1;
      const stop = unknownSize ? end : Math.min(end, data + size.value);
      if (CONTAINERS.has(id.value)) walk(data, stop, depth + 1);
      else if (id.value === TIMECODE_SCALE) scale = readUint(bytes, data, size.value);
      else if (id.value === DURATION) duration = size.value === 4 ? bytes.readFloatBE(data) : bytes.readDoubleBE(data);
      else if (id.value === PIXEL_WIDTH && !width) width = readUint(bytes, data, size.value);
      else if (id.value === PIXEL_HEIGHT && !height) height = readUint(bytes, data, size.value);
      else if (id.value === CODEC_ID && !codec) codec = bytes.toString('latin1', data, data + size.value);
      if (id.value === 0x1f43b675) return; // first Cluster: the headers are behind us
      p = stop;
    }
  };
  walk(0, bytes.byteLength, 0);
  if (!width || !height) throw new DatumError('BAD_FILE', `${name}: WebM without a video track size`);
  return { format: 'webm', modality: 'video', width, height, durationS: (duration * scale) / 1e9, frames: null, fps: null, codec, size: bytes.byteLength };
}

function readVint(b: Buffer, p: number, keepMarker: boolean): { value: number; length: number } | null {
  if (p >= b.byteLength) return null;
  const first = b[p];
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8 || p + length > b.byteLength) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[p + i];
    if (b[p + i] !== 0xff) allOnes = false;
  }
  return { value: !keepMarker && allOnes ? -1 : value, length };
}

function readUint(b: Buffer, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[p + i];
  return v;
}
