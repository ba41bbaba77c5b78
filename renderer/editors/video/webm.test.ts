import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRange, demuxVideo } from './demux';
import { demuxWebm, isWebm } from './webm';

const WEBM = fileURLToPath(new URL('../../../../shared/data/video/highway_720p.vp9.webm', import.meta.url));

describe.skipIf(!existsSync(WEBM))('WebM demux for frame-exact seeking (needs ../shared/data, skipped when absent)', () => {
  const bytes = () => {
    const b = readFileSync(WEBM);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };

  it('lists the 38 VP9 frames with increasing timestamps, the first a key frame', () => {
    const buf = bytes();
    expect(isWebm(buf)).toBe(true);
    const v = demuxWebm(buf);
    expect(v).toMatchObject({ width: 1280, height: 720, timescale: 1000 });
    expect(v.codec).toMatch(/^vp09\.0\d\.\d\d\.(08|10|12)$/);
    expect(v.samples).toHaveLength(38);
    expect(v.fps).toBeCloseTo(25, 0);
    expect(v.samples[0].sync).toBe(true);
    const cts = v.order.map((i) => v.samples[i].cts);
    for (let i = 1; i < cts.length; i++) expect(cts[i]).toBeGreaterThan(cts[i - 1]);
    for (const s of v.samples) {
      expect(s.data.length).toBeGreaterThan(0);
      expect(s.duration).toBeGreaterThan(0);
    }
    // a VP9 key frame starts with frame_marker 0b10 and the sync code after the header bits
    expect(v.samples[0].data[0] >> 6).toBe(2);
  });

  it('demuxVideo picks the container by its magic and seeks from the previous key frame', () => {
    const v = demuxVideo(bytes());
    expect(v.codec.startsWith('vp09')).toBe(true);
    const r = decodeRange(v, 30);
    expect(v.samples[r.from].sync).toBe(true);
    expect(r.from).toBeLessThanOrEqual(30);
    expect(r.to).toBe(30);
  });

  it('rejects what is not Matroska', () => {
    expect(() => demuxWebm(new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70]))).toThrow(/not a WebM/);
  });
});

// ------------------------------------------------------------------ synthetic files

const id = (v: number) => {
  const out: number[] = [];
  for (; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return out;
};
const el = (i: number, body: number[], unknownSize = false) => [...id(i), ...(unknownSize ? [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] : [0x40 | (body.length >> 8), body.length & 0xff]), ...body];
const str = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const block = (rel: number, payload: number) => [0x81, (rel >> 8) & 0xff, rel & 0xff, 0, payload];

function synthetic(codecId: string, codecPrivate: number[] | null): Uint8Array {
  const header = el(0x1a45dfa3, el(0x4282, str('matroska')));
  const info = el(0x1549a966, el(0x2ad7b1, [0x0f, 0x42, 0x40]));
  const track = el(0xae, [...el(0xd7, [1]), ...el(0x83, [1]), ...el(0x86, str(codecId)), ...(codecPrivate ? el(0x63a2, codecPrivate) : []), ...el(0xe0, [...el(0xb0, [0x01, 0x40]), ...el(0xba, [0xf0])])]);
  // audio track 2 whose blocks must be ignored
  const audio = el(0xae, [...el(0xd7, [2]), ...el(0x83, [2]), ...el(0x86, str('A_OPUS'))]);
  const tracks = el(0x1654ae6b, [...track, ...audio]);
  // cluster 1 (unknown size, as live recorders write): a key BlockGroup, a delta BlockGroup, an audio block
  const c1 = el(0x1f43b675, [...el(0xe7, [0]), ...el(0xa0, el(0xa1, block(0, 1))), ...el(0xa0, [...el(0xa1, block(33, 2)), ...el(0xfb, [0xdf])]), ...el(0xa3, [0x82, 0, 10, 0x80, 9])], true);
  // cluster 2: SimpleBlocks, key then delta
  const c2 = el(0x1f43b675, [...el(0xe7, [100]), ...el(0xa3, [0x81, 0, 0, 0x80, 3]), ...el(0xa3, [0x81, 0, 33, 0, 4])]);
  return Uint8Array.from([...header, ...el(0x18538067, [...info, ...tracks, ...c1, ...c2], true)]);
}

describe('WebM demux on synthetic files', () => {
  it('reads BlockGroups (key = no ReferenceBlock), unknown-size clusters, skips other tracks', () => {
    const v = demuxWebm(synthetic('V_VP8', null));
    expect(v).toMatchObject({ codec: 'vp8', width: 320, height: 240, timescale: 1000 });
    expect(v.samples.map((s) => [s.cts, s.sync, s.data[0]])).toEqual([
      [0, true, 1],
      [33, false, 2],
      [100, true, 3],
      [133, false, 4],
    ]);
    expect(decodeRange(v, 3)).toMatchObject({ from: 2, to: 3, target: 3 });
  });

  it('takes AV1 / H.264 codec strings and descriptions from CodecPrivate; unknown codecs keep their id', () => {
    const av1 = demuxWebm(synthetic('V_AV1', [0x81, 0x08, 0x0c, 0x00]));
    expect(av1.codec).toBe('av01.0.08M.08');
    expect(Array.from(av1.description!)).toEqual([0x81, 0x08, 0x0c, 0x00]);
    expect(demuxWebm(synthetic('V_MPEG4/ISO/AVC', [1, 0x64, 0x00, 0x1f, 0xff])).codec).toBe('avc1.64001f');
    expect(demuxWebm(synthetic('V_THEORA', null)).codec).toBe('V_THEORA');
  });
});
