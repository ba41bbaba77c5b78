import { describe, expect, it } from 'vitest';
import { createLabelmap } from '../../../../core/medical/segmentation';
import { applyLabelEdit, createMedicalTool, type MedicalCommand, type MedicalToolContext, type SlicePointer } from './index';

const ctx: MedicalToolContext = { plane: { orientation: 'axial', index: 2 }, dims: [20, 10, 4], width: 20, height: 10, pixelSpacing: [1, 1], brushMm: 2, label: 3 };
const P = (x: number, y: number): SlicePointer => ({ x, y });
const plane = ctx.plane;
const volume = { dims: [20, 10, 4] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], channels: 1 as const, data: new Int16Array(800).map((_, i) => i % 20) };

describe('medical brush and eraser', () => {
  it('a press, two moves and the release are one gesture of stroke segments', () => {
    const t = createMedicalTool('brush');
    expect(t.down(P(2, 3), ctx)).toEqual([{ type: 'begin' }, { type: 'stroke', plane, from: null, to: [2, 3], radiusMm: 2, pixelSpacing: [1, 1], label: 3, erase: false }]);
    expect(t.busy()).toBe(true);
    expect(t.move(P(5, 3), ctx)).toEqual([expect.objectContaining({ type: 'stroke', from: [2, 3], to: [5, 3] })]);
    expect(t.move(P(5, 6), ctx)).toEqual([expect.objectContaining({ type: 'stroke', from: [5, 3], to: [5, 6] })]);
    expect(t.up(P(5, 6), ctx)).toEqual([{ type: 'end' }]);
    expect(t.busy()).toBe(false);
    expect(t.move(P(9, 9), ctx)).toEqual([]); // hovering paints nothing
    expect(t.up(P(9, 9), ctx)).toEqual([]);
  });

  it('the eraser strokes with erase set', () => {
    const t = createMedicalTool('eraser');
    expect(t.down(P(1, 1), ctx)[1]).toMatchObject({ type: 'stroke', erase: true, label: 3 });
  });

  it('a stroke segment paints discs along the line without gaps; erasing clears them', () => {
    const map = createLabelmap(volume);
    const at = (x: number, y: number) => map.data[2 * 200 + y * 20 + x];
    const t = createMedicalTool('brush');
    let n = 0;
    for (const c of [...t.down(P(2, 5), ctx), ...t.move(P(16, 5), ctx), ...t.up(P(16, 5), ctx)]) if (c.type === 'stroke') n += applyLabelEdit(map, volume, c);
    expect(n).toBeGreaterThan(30);
    for (let x = 2; x <= 16; x++) expect(at(x, 5)).toBe(3);
    expect(map.data.slice(0, 400).every((v) => v === 0)).toBe(true); // other slices untouched
    const e = createMedicalTool('eraser');
    for (const c of e.down(P(9, 5), ctx)) if (c.type === 'stroke') applyLabelEdit(map, volume, c);
    expect(at(9, 5)).toBe(0);
    expect(at(2, 5)).toBe(3);
  });
});

describe('medical polygon', () => {
  const square = (t: ReturnType<typeof createMedicalTool>) => {
    for (const [x, y] of [[2, 2], [8, 2], [8, 8]]) {
      t.down(P(x, y), ctx);
      t.up(P(x, y), ctx);
    }
  };

  it('presses add vertices (previewed); Enter fills it as one gesture', () => {
    const t = createMedicalTool('polygon');
    expect(t.key('Enter', ctx)).toBeNull(); // nothing drawn: the key is not the tool's
    square(t);
    expect(t.busy()).toBe(true);
    expect(t.preview()).toEqual({ type: 'polygon', points: [2, 2, 8, 2, 8, 8] });
    expect(t.key('Enter', ctx)).toEqual([{ type: 'begin' }, { type: 'fillPolygon', plane, points: [2, 2, 8, 2, 8, 8], label: 3 }, { type: 'end' }]);
    expect(t.busy()).toBe(false);
    expect(t.preview()).toBeNull();
  });

  it('a double-click closes it; fewer than three vertices fill nothing', () => {
    const t = createMedicalTool('polygon');
    square(t);
    expect(t.dblclick(P(8, 8), ctx).map((c) => c.type)).toEqual(['begin', 'fillPolygon', 'end']);
    t.down(P(1, 1), ctx);
    t.down(P(4, 1), ctx);
    expect(t.dblclick(P(4, 1), ctx)).toEqual([]);
    expect(t.busy()).toBe(false);
  });

  it('Escape drops it without a command; other keys are passed on; cancel drops it too', () => {
    const t = createMedicalTool('polygon');
    square(t);
    expect(t.key('Backspace', ctx)).toBeNull();
    expect(t.key('Escape', ctx)).toEqual([]);
    expect(t.preview()).toBeNull();
    square(t);
    t.cancel();
    expect(t.busy()).toBe(false);
  });

  it('the fill labels the voxels inside on the view slice', () => {
    const map = createLabelmap(volume);
    const t = createMedicalTool('polygon');
    for (const [x, y] of [[2, 2], [12, 2], [12, 8], [2, 8]]) t.down(P(x, y), ctx);
    const [, fill] = t.key('Enter', ctx)!;
    expect(applyLabelEdit(map, volume, fill as Extract<MedicalCommand, { type: 'fillPolygon' }>)).toBeGreaterThan(40);
    expect(map.data[2 * 200 + 5 * 20 + 7]).toBe(3);
    expect(map.data[2 * 200 + 0 * 20 + 0]).toBe(0);
  });
});

describe('medical threshold fill', () => {
  it('labels the voxels in [min, max] (either order) on the plane only', () => {
    const map = createLabelmap(volume);
    const n = applyLabelEdit(map, volume, { type: 'threshold', plane, min: 12, max: 10, label: 5 });
    expect(n).toBe(3 * 10); // x = 10, 11, 12 on each of the 10 rows
    expect(map.data[2 * 200 + 11]).toBe(5);
    expect(map.data[11]).toBe(0);
  });
});

describe('medical crosshair, measure and pan', () => {
  it('navigate: press and drag move the crosshair to the voxel under the pointer, clamped', () => {
    const t = createMedicalTool('navigate');
    expect(t.move(P(3, 3), ctx)).toEqual([]);
    expect(t.down(P(3.4, 4.6), ctx)).toEqual([{ type: 'cursor', voxel: [3, 5, 2] }]);
    expect(t.move(P(40, -3), ctx)).toEqual([{ type: 'cursor', voxel: [19, 0, 2] }]);
    expect(t.up(P(40, -3), ctx)).toEqual([]);
    expect(t.move(P(1, 1), ctx)).toEqual([]);
  });

  it('measure: press and drag set the measurement from the press point', () => {
    const t = createMedicalTool('measure');
    expect(t.down(P(1, 2), ctx)).toEqual([{ type: 'measure', a: [1, 2], b: [1, 2] }]);
    expect(t.move(P(4, 6), ctx)).toEqual([{ type: 'measure', a: [1, 2], b: [4, 6] }]);
    expect(t.up(P(4, 6), ctx)).toEqual([]);
    expect(t.move(P(9, 9), ctx)).toEqual([]);
  });

  it('pan returns no commands (the view pans itself)', () => {
    const t = createMedicalTool('pan');
    expect([...t.down(P(1, 1), ctx), ...t.move(P(5, 5), ctx), ...t.up(P(5, 5), ctx)]).toEqual([]);
    expect(t.key('Escape', ctx)).toBeNull();
  });
});
