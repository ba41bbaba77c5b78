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
