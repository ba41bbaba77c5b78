import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Geometry } from '../../../../core/document/schema';
import { dragHandle, extent, handles, hits } from '../../../../core/editing/image/geometry';
import { createTool, type ToolContext } from './index';
import { parseSkeleton } from './skeleton';

const skeleton = { points: ['head', 'l_hand', 'r_hand', 'hip'], edges: [[0, 1], [0, 2], [0, 3]] as [number, number][] };
const ctx = (over: Partial<ToolContext> = {}): ToolContext => ({ objects: [], selection: [], scale: 1, width: 100, height: 80, brushRadius: 3, skeleton, ...over });
const P = (x: number, y: number) => ({ x, y });
const click = (t: ReturnType<typeof createTool>, x: number, y: number, mods = {}) => {
  t.down({ ...P(x, y), ...mods }, ctx());
  return t.up({ ...P(x, y), ...mods }, ctx());
};

describe('skeleton tool', () => {
  it('places keypoints in order; X skips (visibility 0); Shift+click is occluded; the last one creates', () => {
    const t = createTool('skeleton');
    t.move(P(5, 5), ctx());
    expect(t.preview()).toMatchObject({ type: 'shape', note: { text: '1/4 head' } });
    expect(click(t, 50, 10)).toEqual([]);
    expect(t.busy()).toBe(true);
    expect(t.key('x', ctx())).toEqual([]); // l_hand skipped
    expect(click(t, 70, 30, { shift: true })).toEqual([]);
    t.move(P(50, 60), ctx());
    expect(t.preview()).toMatchObject({ note: { text: '4/4 hip' }, geometry: { visibility: [2, 0, 1, 0] } });
    expect(click(t, 50, 60)).toEqual([
      { type: 'create', geometry: { kind: 'skeleton', points: [50, 10, 0, 0, 70, 30, 50, 60], visibility: [2, 0, 1, 2] } },
    ]);
    expect(t.busy()).toBe(false);
  });

  it('Backspace steps back, Enter finishes with the rest skipped, Escape cancels, clicks are clamped', () => {
    const t = createTool('skeleton');
    click(t, 10, 10);
    click(t, 20, 20);
    t.key('Backspace', ctx());
    click(t, 200, -5);
    expect(t.key('Enter', ctx())).toEqual([{ type: 'create', geometry: { kind: 'skeleton', points: [10, 10, 100, 0, 0, 0, 0, 0], visibility: [2, 2, 0, 0] } }]);
    click(t, 10, 10);
    expect(t.key('Escape', ctx())).toEqual([]);
    expect(t.busy()).toBe(false);
    expect(t.key('Enter', ctx())).toBeNull(); // nothing to finish: the editor may use the key
  });

  it('skipping every keypoint creates nothing', () => {
    const t = createTool('skeleton');
    for (let i = 0; i < 3; i++) expect(t.key('x', ctx())).toEqual([]);
    expect(t.key('X', ctx())).toEqual([]);
    expect(t.busy()).toBe(false);
  });

  it('a placed keypoint can be dragged while drawing', () => {
    const t = createTool('skeleton');
    click(t, 10, 10);
    t.down(P(11, 11), ctx());
    t.move(P(30, 40), ctx());
    expect(t.up(P(30, 40), ctx())).toEqual([]); // a drag, not a new keypoint
    click(t, 60, 10);
    click(t, 70, 10);
    const [cmd] = click(t, 80, 10);
    expect((cmd as { geometry: Geometry }).geometry).toEqual({ kind: 'skeleton', points: [30, 40, 60, 10, 70, 10, 80, 10], visibility: [2, 2, 2, 2] });
  });

  it('does nothing when the label declares no skeleton', () => {
    const t = createTool('skeleton');
    const c = ctx({ skeleton: undefined });
    t.down(P(10, 10), c);
    expect(t.up(P(10, 10), c)).toEqual([]);
    expect(t.key('x', c)).toBeNull();
    expect(t.busy()).toBe(false);
  });

  it('a stored skeleton: skipped keypoints have no handle, no extent, no hit; the select tool drags keypoints', () => {
    const g: Geometry = { kind: 'skeleton', points: [50, 10, 0, 0, 70, 30], visibility: [2, 0, 1] };
    expect(extent(g)).toEqual([50, 10, 70, 30]);
    expect(handles(g).map((h) => h.id)).toEqual(['v0', 'v2']);
    expect(hits(g, P(0, 0), 3)).toBe(false);
    expect(dragHandle(g, 'v2', P(75, 35))).toEqual({ ...g, points: [50, 10, 0, 0, 75, 35] });
    const o: AnnotationObject = { id: 's', label: 'person', geometry: g, frame: 0, attributes: {}, source: { kind: 'human' }, zOrder: 0 };
    const sel = createTool('select');
    const c = ctx({ objects: [o], selection: ['s'] });
    sel.down(P(70, 30), c);
    expect(sel.up(P(72, 28), c)).toEqual([{ type: 'update', id: 's', action: 'reshape', geometry: { ...g, points: [50, 10, 0, 0, 72, 28] } }]);
  });
});

describe('skeleton in the ontology editor', () => {
  it('parses keypoint names and 1-based edges, dropping bad edges', () => {
    expect(parseSkeleton(' head, l_hand ,r_hand,', '1-2, 1 - 3, 2-9, 3-3')).toEqual({ points: ['head', 'l_hand', 'r_hand'], edges: [[0, 1], [0, 2]] });
    expect(parseSkeleton('  ', '1-2')).toBeUndefined();
  });
});
