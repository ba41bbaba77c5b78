import { describe, expect, it } from 'vitest';
import { CloudCache } from './cloudCache';

/** A loader over named byte sizes that records what it was asked for and can be made to fail. */
function loader(sizes: Record<string, number>, failing = new Set<string>()) {
  const calls: string[] = [];
  const load = async (key: string) => {
    calls.push(key);
    await new Promise((r) => setTimeout(r, 1));
    if (failing.has(key)) throw new Error(`${key}: cannot read`);
    return { key, bytes: sizes[key] };
  };
  return { calls, load };
}

describe('CloudCache', () => {
  it('loads each frame once, shares a load in flight, and counts hits and misses', async () => {
    const { calls, load } = loader({ a: 10, b: 10 });
    const cache = new CloudCache(load, (v) => v.bytes, 100);
    const [x, y] = await Promise.all([cache.get('a'), cache.get('a')]);
    expect(x).toBe(y);
    cache.prefetch(['b', 'a']);
    await cache.get('b');
    await cache.get('a');
    expect(calls).toEqual(['a', 'b']);
    expect(cache.stats).toMatchObject({ misses: 1, hits: 3, bytes: 20, entries: 2 });
  });

  it('read (a background job such as propagation) caches frames without moving the pin off the frame on screen', async () => {
    const { load } = loader({ s: 60, r1: 60, r2: 60 });
    const cache = new CloudCache(load, (v) => v.bytes, 100);
    await cache.get('s');
    await cache.read('r1');
    await cache.read('r2');
    // Over budget twice: the read frames go, the one on screen stays.
    expect(cache.has('s')).toBe(true);
    expect(cache.has('r1')).toBe(false);
  });

  it('evicts least recently used frames beyond the budget, never the one on screen', async () => {
    const { calls, load } = loader({ f0: 40, f1: 40, f2: 40, f3: 40 });
    const cache = new CloudCache(load, (v) => v.bytes, 100);
    await cache.get('f0');
    await cache.get('f1');
    await cache.get('f0'); // f0 used more recently than f1
    await cache.get('f2'); // 120 > 100: f1 goes
    expect(cache.has('f1')).toBe(false);
    expect(cache.has('f0') && cache.has('f2')).toBe(true);
    // A prefetch that overflows evicts the least recent, but not the pinned frame (f2).
    cache.prefetch(['f3']);
    await new Promise((r) => setTimeout(r, 10));
    expect(cache.has('f2')).toBe(true);
    expect(cache.has('f0')).toBe(false);
    expect(cache.stats.evictions).toBe(2);
    expect(cache.stats.bytes).toBe(80);
    await cache.get('f1'); // evicted, so loaded again
    expect(calls.filter((c) => c === 'f1')).toHaveLength(2);
  });

  it('keeps a frame larger than the whole budget while it is on screen', async () => {
    const { load } = loader({ huge: 500, small: 10 });
    const cache = new CloudCache(load, (v) => v.bytes, 100);
    await cache.get('huge');
    expect(cache.has('huge')).toBe(true);
    await cache.get('small'); // now huge is not pinned and over budget
    expect(cache.has('huge')).toBe(false);
    expect(cache.has('small')).toBe(true);
  });

  it('does not cache failures: the error reaches the caller and the next request retries', async () => {
    const failing = new Set(['bad']);
    const { calls, load } = loader({ bad: 10 }, failing);
    const cache = new CloudCache(load, (v) => v.bytes, 100);
    await expect(cache.get('bad')).rejects.toThrow('bad: cannot read');
    cache.prefetch(['bad']); // swallowed
    await new Promise((r) => setTimeout(r, 10));
    failing.clear();
    await expect(cache.get('bad')).resolves.toMatchObject({ key: 'bad' });
    expect(calls).toEqual(['bad', 'bad', 'bad']);
    expect(cache.stats.entries).toBe(1);
  });
});
