import { describe, expect, it } from 'vitest';
import { defaultIntraOpThreads } from './threads';

describe('defaultIntraOpThreads', () => {
  it('leaves one core to decoding and the host, at least 1, at most 8', () => {
    expect([1, 2, 3, 4, 8, 16, 64].map((c) => defaultIntraOpThreads(c, undefined))).toEqual([1, 1, 2, 3, 7, 8, 8]);
  });
  it('DATUM_INFERENCE_THREADS overrides; nonsense is ignored', () => {
    expect(defaultIntraOpThreads(2, '4')).toBe(4);
    expect(defaultIntraOpThreads(16, '0')).toBe(8);
    expect(defaultIntraOpThreads(16, 'many')).toBe(8);
  });
});
