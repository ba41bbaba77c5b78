import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRange, demuxMp4 } from './demux';

const MP4 = fileURLToPath(new URL('../../../../shared/data/video/highway_720p.mp4', import.meta.url));

describe.skipIf(!existsSync(MP4))('MP4 demux for frame-exact seeking (needs ../shared/data, skipped when absent)', () => {
  it('lists 38 frames in presentation order with the avcC description', () => {
    const b = readFileSync(MP4);
    const v = demuxMp4(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    expect(v).toMatchObject({ width: 1280, height: 720, timescale: expect.any(Number) });
    expect(v.codec).toMatch(/^avc1\./);
    expect(v.samples).toHaveLength(38);
    expect(v.fps).toBeCloseTo(25, 0);
    expect(v.description!.length).toBeGreaterThan(8);
    expect(v.samples[0].sync).toBe(true);
    const cts = v.order.map((i) => v.samples[i].cts);
    expect([...cts].sort((a, b) => a - b)).toEqual(cts);
    const r = decodeRange(v, 20);
    expect(v.samples[r.from].sync).toBe(true);
    expect(r.from).toBeLessThanOrEqual(r.target);
    expect(r.to).toBeGreaterThanOrEqual(r.target);
  });
});
