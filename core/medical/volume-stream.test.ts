import { describe, expect, it } from 'vitest';
import { encodeRecordHeader, placePlane, planeOfSourceSlice, RECORD, RecordParser, type StreamRecord } from './volume-stream';
import { reorientArray } from './reorient';
import type { Vec3 } from './types';

const PERMS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

describe('volume stream records', () => {
  it('reassembles records split at every byte boundary', () => {
    const payloads = [new Uint8Array([1, 2, 3, 4, 5, 6]), new Uint8Array(0), new Uint8Array([9, 8, 7])];
    const parts = payloads.flatMap((p, i) => [encodeRecordHeader(i === 1 ? RECORD.PROGRESS : RECORD.PLANE, i, 2, 10 + i, p.length), p]);
    const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) body.set(p, (at += p.length) - p.length);
    for (const step of [1, 3, 7, 20, 21, body.length]) {
      const parser = new RecordParser();
      const got: StreamRecord[] = [];
      for (let i = 0; i < body.length; i += step) parser.push(body.subarray(i, i + step), (r) => got.push({ ...r, payload: r.payload.slice() }));
      expect(parser.idle).toBe(true);
      expect(got.map((r) => [r.kind, r.timepoint, r.axis, r.index, [...r.payload]])).toEqual(payloads.map((p, i) => [i === 1 ? RECORD.PROGRESS : RECORD.PLANE, i, 2, 10 + i, [...p]]));
    }
    expect(() => new RecordParser().push(encodeRecordHeader(99, 0, 0, 0, 0), () => {})).toThrow(/unknown record kind/);
  });

  it('places source slices as canonical planes exactly as reorientArray does, for all 48 axis orders and signs', () => {
    const sdims: Vec3 = [5, 4, 3];
    const src = Int16Array.from({ length: 60 }, (_, i) => i * 7 - 100);
    for (const perm of PERMS)
      for (let f = 0; f < 8; f++) {
        const flip = [!!(f & 1), !!(f & 2), !!(f & 4)];
        const dims = perm.map((p) => sdims[p]) as Vec3;
        const r = { perm, flip, dims, identity: perm.join() === '0,1,2' && f === 0 };
        const expected = reorientArray(src, r as never, 'toCanonical');
        const got = new Int16Array(60);
        for (let k = 0; k < 3; k++) {
          const { axis, index, plane } = planeOfSourceSlice(src.subarray(k * 20, (k + 1) * 20), r, dims, k);
          placePlane(got, dims, 0, axis, index, plane);
        }
        expect([...got], `perm ${perm} flip ${flip}`).toEqual([...expected]);
      }
  });
});
