import { describe, expect, it } from 'vitest';
import { QaConfig, qaConfig } from './config';
import { runQa, summarize } from './run';
import { documentToQaItem } from './fromDocument';
import { cuboid, item, NO_ONTOLOGY, obj, track } from './qa.test-helper';
import { emptyDocument } from '../document/schema';

describe('runQa', () => {
  it('stock config parses from {} and partial configs keep the other defaults', () => {
    const c = qaConfig({ tracks: { minJump: 5 } });
    expect(c.tracks.minJump).toBe(5);
    expect(c.tracks.jumpFactor).toBe(3);
    expect(c.points.minPoints).toBe(5);
    expect(() => QaConfig.parse({ duplicates: { iou2d: 2 } })).toThrow();
  });
  it('reports progress and stops on abort', () => {
    const items = [item(1), { ...item(1), id: 'b' }];
    const seen: number[] = [];
    runQa(items, NO_ONTOLOGY, {}, { progress: (d, t) => seen.push(d / t) });
    expect(seen).toEqual([0.5, 1]);
    const ac = new AbortController();
    ac.abort();
    expect(() => runQa(items, NO_ONTOLOGY, {}, { signal: ac.signal })).toThrow(/cancelled/);
  });
  it('findings carry item, frame, object, check, severity, message', () => {
    const f = runQa([item(1, [obj('a', 'car', cuboid(0, 0, [0, 1, 1]))])], NO_ONTOLOGY);
    expect(f).toEqual([{ check: 'bad-size', severity: 'error', item: 'item1', frame: 0, object: 'a', message: expect.any(String) }]);
    expect(summarize(f)).toEqual({ error: 1, warning: 0, info: 0 });
  });
  it('documentToQaItem lists every frame of a sequence and passes tracks through', () => {
    const doc = { ...emptyDocument('x'), tracks: [track('t', 'car', [{ frame: 1, geometry: cuboid(0, 0) }])], objects: [obj('o', 'car', cuboid(9, 9), 2)] };
    const q = documentToQaItem(doc, { id: 'x', name: 'x', frameCount: 4 });
    expect(q.frames.map((f) => [f.frame, f.objects.length])).toEqual([[0, 0], [1, 0], [2, 1], [3, 0]]);
    expect(q.tracks).toHaveLength(1);
  });
});
