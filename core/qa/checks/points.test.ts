import { describe, expect, it } from 'vitest';
import { runQa } from '../run';
import { cuboid, item, NO_ONTOLOGY, obj } from '../qa.test-helper';

function cloudAround(x: number, y: number, n: number): Float32Array {
  const p = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) p.set([x + ((i % 10) - 5) * 0.1, y + (Math.floor(i / 10) % 5) * 0.1, 0.5], i * 3);
  return p;
}

describe('too-few-points', () => {
  const positions = cloudAround(10, 0, 50);
  const points = () => ({ positions, count: 50 });
  it('reports a box with fewer points than minPoints and not a well-filled one', () => {
    const it1 = item(1, [obj('a', 'car', cuboid(10, 0.2)), obj('b', 'car', cuboid(30, 0))], { points });
    const f = runQa([it1], NO_ONTOLOGY).filter((x) => x.check === 'too-few-points');
    expect(f.map((x) => x.object)).toEqual(['b']);
    expect(f[0]).toMatchObject({ severity: 'warning', frame: 0, item: 'item1' });
    expect(f[0].message).toMatch(/0 points/);
  });
  it('honours the point cloud offset, maxRange, the threshold and the enable flag', () => {
    const shifted = () => ({ positions: cloudAround(0, 0, 50), count: 50, offset: [10, 0, 0] as const });
    expect(runQa([item(1, [obj('a', 'car', cuboid(10, 0.2))], { points: shifted })], NO_ONTOLOGY)).toEqual([]);
    const far = item(1, [obj('a', 'car', cuboid(100, 0))], { points });
    expect(runQa([far], NO_ONTOLOGY)).toEqual([]);
    const near = item(1, [obj('a', 'car', cuboid(10, 0.2))], { points });
    expect(runQa([near], NO_ONTOLOGY, { points: { minPoints: 100 } })).toHaveLength(1);
    expect(runQa([near], NO_ONTOLOGY, { points: { minPoints: 100, enabled: false } })).toHaveLength(0);
  });
  it('skips frames without points', () => {
    expect(runQa([item(1, [obj('b', 'car', cuboid(30, 0))], { points: () => null })], NO_ONTOLOGY)).toEqual([]);
  });
});
