import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Geometry } from '../../../../core/document/schema';
import { maskBitmap } from '../../../../core/geometry/rle';
import { createTool, type ToolContext } from './index';
import { rotatedFromClicks } from './rotatedBox';

const obj = (id: string, geometry: Geometry, extra: Partial<AnnotationObject> = {}): AnnotationObject => ({
  id,
  label: 'car',
  geometry,
  frame: 0,
  attributes: {},
  source: { kind: 'human' },
  zOrder: 0,
  ...extra,
});
const ctx = (over: Partial<ToolContext> = {}): ToolContext => ({ objects: [], selection: [], scale: 1, width: 100, height: 80, brushRadius: 3, ...over });
const P = (x: number, y: number) => ({ x, y });

describe('box tool', () => {
  it('press-drag-release makes one box, clamped to the image', () => {
    const t = createTool('box');
    const c = ctx();
    t.down(P(10, 10), c);
    t.move(P(30, 20), c);
    expect(t.preview()).toEqual({ type: 'shape', geometry: { kind: 'box2d', x1: 10, y1: 10, x2: 30, y2: 20 } });
    expect(t.up(P(120, 5), c)).toEqual([{ type: 'create', geometry: { kind: 'box2d', x1: 10, y1: 5, x2: 100, y2: 10 } }]);
    expect(t.preview()).toBeNull();
  });
  it('a click draws nothing; Escape cancels', () => {
    const t = createTool('box');
    t.down(P(10, 10), ctx());
    expect(t.up(P(10.5, 10.5), ctx())).toEqual([]);
    t.down(P(10, 10), ctx());
    t.move(P(40, 40), ctx());
    expect(t.busy()).toBe(true);
    expect(t.key('Escape', ctx())).toEqual([]);
    expect(t.busy()).toBe(false);
  });
});

describe('polygon, polyline and points tools', () => {
  it('clicks add vertices, Backspace removes one, Enter closes', () => {
    const t = createTool('polygon');
    for (const p of [P(0, 0), P(10, 0), P(10, 10), P(0, 20)]) t.up(p, ctx());
    t.key('Backspace', ctx());
    expect(t.key('Enter', ctx())).toEqual([{ type: 'create', geometry: { kind: 'polygon', points: [0, 0, 10, 0, 10, 10] } }]);
  });
  it('clicking the first vertex closes; too few vertices make nothing', () => {
    const t = createTool('polygon');
    for (const p of [P(0, 0), P(10, 0), P(10, 10), P(1, 1)]) t.up(p, ctx());
    expect(t.busy()).toBe(false);
    const u = createTool('polygon');
    u.up(P(0, 0), ctx());
    u.up(P(5, 0), ctx());
    expect(u.key('Enter', ctx())).toEqual([]);
  });
  it('a double-click finishes a polyline without a duplicate last vertex', () => {
    const t = createTool('polyline');
    t.up(P(0, 0), ctx());
    t.up(P(20, 20), ctx());
    t.up(P(20, 20), ctx());
    expect(t.dblclick(P(20, 20), ctx())).toEqual([{ type: 'create', geometry: { kind: 'polyline', points: [0, 0, 20, 20] } }]);
  });
  it('points collects clicks', () => {
    const t = createTool('points');
    t.up(P(1, 2), ctx());
    t.up(P(30, 40), ctx());
    expect(t.key('Enter', ctx())).toEqual([{ type: 'create', geometry: { kind: 'points', points: [1, 2, 30, 40] } }]);
  });
});

describe('rotated box tool', () => {
  it('three clicks: edge, then height', () => {
    const g = rotatedFromClicks(P(0, 0), P(10, 0), P(5, 4));
    expect(g).toMatchObject({ kind: 'rotatedBox', cx: 5, cy: 2, w: 10, h: 4, angle: 0 });
    const t = createTool('rotatedBox');
    t.up(P(10, 10), ctx());
    t.up(P(10, 30), ctx());
    const [cmd] = t.up(P(4, 30), ctx());
    expect(cmd.type).toBe('create');
    const r = (cmd as { geometry: Extract<Geometry, { kind: 'rotatedBox' }> }).geometry;
    expect(r.angle).toBeCloseTo(Math.PI / 2);
    expect(r.w).toBeCloseTo(20);
    expect(r.h).toBeCloseTo(6);
    expect(r.cx).toBeCloseTo(7);
    expect(r.cy).toBeCloseTo(20);
  });
});

describe('select tool', () => {
  const box = obj('a', { kind: 'box2d', x1: 10, y1: 10, x2: 30, y2: 30 });
  const poly = obj('p', { kind: 'polygon', points: [50, 10, 70, 10, 70, 30] }, { zOrder: 1 });

  it('click selects the topmost object, empty space clears, shift toggles', () => {
    const t = createTool('select');
    expect(t.down(P(20, 20), ctx({ objects: [box, poly] }))).toEqual([{ type: 'select', ids: ['a'] }]);
    t.up(P(20, 20), ctx());
    expect(t.down(P(90, 70), ctx({ objects: [box, poly], selection: ['a'] }))).toEqual([{ type: 'select', ids: [] }]);
    expect(t.down({ ...P(65, 15), shift: true }, ctx({ objects: [box, poly], selection: ['a'] }))).toEqual([{ type: 'select', ids: ['a', 'p'] }]);
  });

  it('dragging a body moves it in one update', () => {
    const t = createTool('select');
    const c = ctx({ objects: [box], selection: ['a'] });
    t.down(P(20, 20), c);
    t.move(P(25, 22), c);
    expect(t.preview()).toMatchObject({ replaces: 'a', geometry: { x1: 15, y1: 12 } });
    expect(t.up(P(30, 25), c)).toEqual([{ type: 'update', id: 'a', action: 'move', geometry: { kind: 'box2d', x1: 20, y1: 15, x2: 40, y2: 35 } }]);
  });

  it('dragging a corner handle resizes with the opposite corner fixed', () => {
    const t = createTool('select');
    const c = ctx({ objects: [box], selection: ['a'] });
    t.down(P(30, 30), c);
    expect(t.up(P(40, 35), c)).toEqual([{ type: 'update', id: 'a', action: 'reshape', geometry: { kind: 'box2d', x1: 10, y1: 10, x2: 40, y2: 35 } }]);
  });

  it('polygon: midpoint inserts a vertex, Alt+click removes one', () => {
    const square = obj('q', { kind: 'polygon', points: [0, 0, 40, 0, 40, 40, 0, 40] });
    const t = createTool('select');
    const c = ctx({ objects: [square], selection: ['q'] });
    t.down(P(20, 0), c);
    const [ins] = t.up(P(20, -5), c);
    expect(ins).toMatchObject({ type: 'update', action: 'add vertex', geometry: { points: [0, 0, 20, -5, 40, 0, 40, 40, 0, 40] } });
    expect(t.down({ ...P(40, 40), alt: true }, c)).toEqual([{ type: 'update', id: 'q', action: 'remove vertex', geometry: { kind: 'polygon', points: [0, 0, 40, 0, 0, 40] } }]);
  });

  it('locked objects select but do not move', () => {
    const t = createTool('select');
    const locked = { ...box, locked: true };
    const c = ctx({ objects: [locked], selection: ['a'] });
    expect(t.down(P(20, 20), c)).toEqual([]);
    t.move(P(40, 40), c);
    expect(t.up(P(40, 40), c)).toEqual([]);
  });

  it('rotated box: the rotation handle turns it', () => {
    const r = obj('r', { kind: 'rotatedBox', cx: 50, cy: 40, w: 20, h: 10, angle: 0 });
    const t = createTool('select');
    const c = ctx({ objects: [r], selection: ['r'] });
    t.down(P(50, 35 - 24), c); // the handle sits 24 screen px above the top edge
    const [cmd] = t.up(P(80, 40), c);
    expect((cmd as { geometry: { angle: number } }).geometry.angle).toBeCloseTo(Math.PI / 2);
  });
});

describe('brush and eraser', () => {
  it('a brush stroke creates a mask; the eraser clears it from the selected mask', () => {
    const brush = createTool('brush');
    const c = ctx({ width: 20, height: 10, brushRadius: 2 });
    brush.down(P(5, 5), c);
    brush.move(P(15, 5), c);
    expect(brush.preview()).toMatchObject({ type: 'stroke', radius: 2, erase: false });
    const [cmd] = brush.up(P(15, 5), c);
    expect(cmd.type).toBe('create');
    const mask = (cmd as { geometry: Extract<Geometry, { kind: 'mask' }> }).geometry;
    expect(mask.size).toEqual([10, 20]);
    const bits = maskBitmap(mask);
    expect(bits[5 * 20 + 10]).toBe(1);
    expect(bits[0]).toBe(0);

    const eraser = createTool('eraser');
    const m = obj('m', mask);
    const c2 = ctx({ width: 20, height: 10, brushRadius: 3, objects: [m], selection: ['m'] });
    eraser.down(P(10, 5), c2);
    const [upd] = eraser.up(P(10, 5), c2);
    expect(upd).toMatchObject({ type: 'update', id: 'm', action: 'erase' });
    const after = maskBitmap((upd as { geometry: Extract<Geometry, { kind: 'mask' }> }).geometry);
    expect(after[5 * 20 + 10]).toBe(0);
    expect(after[5 * 20 + 5]).toBe(1);
  });
  it('erasing everything deletes the mask; erasing nothing does nothing', () => {
    const brush = createTool('brush');
    const c = ctx({ width: 10, height: 10, brushRadius: 1 });
    brush.down(P(5, 5), c);
    const [cmd] = brush.up(P(5, 5), c);
    const m = obj('m', (cmd as { geometry: Geometry }).geometry);
    const eraser = createTool('eraser');
    const c2 = ctx({ width: 10, height: 10, brushRadius: 4, objects: [m] });
    eraser.down(P(5, 5), c2);
    expect(eraser.up(P(5, 5), c2)).toEqual([{ type: 'delete', id: 'm' }]);
    eraser.down(P(0, 0), ctx({ width: 10, height: 10 }));
    expect(eraser.up(P(0, 0), ctx({ width: 10, height: 10 }))).toEqual([]);
  });
});
