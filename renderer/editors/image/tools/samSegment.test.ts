import { describe, expect, it } from 'vitest';
import { createSamTool, type SamBox, type SamPoint } from './samSegment';
import { createTool } from './index';
import type { ToolContext } from './types';

const ctx: ToolContext = { objects: [], selection: [], scale: 1, width: 100, height: 80, brushRadius: 5 };
const tick = () => new Promise((r) => setTimeout(r, 0));
/** A click: press and release at the same place. */
const click = (tool: ReturnType<typeof createSamTool>, p: { x: number; y: number }, shift = false) => {
  tool.down({ ...p, shift }, ctx);
  tool.up({ ...p, shift }, ctx);
};

describe('Segment (AI) tool', () => {
  it('sends clicks (Shift = background), previews the polygon and Enter creates it with source model', async () => {
    const calls: SamPoint[][] = [];
    const boxes: (SamBox | undefined)[] = [];
    let changed = 0;
    const tool = createSamTool({
      modelId: 'tiny-sam',
      segment: async (pts, box) => (calls.push(pts), boxes.push(box), { polygon: [10, 10, 50, 10, 50, 40, 10, 40], score: 0.9234 }),
      changed: () => changed++,
    });
    expect(tool.key('Enter', ctx)).toBeNull(); // nothing to accept: the key is not the tool's
    click(tool, { x: 20, y: 20 });
    click(tool, { x: 70, y: 70 }, true);
    await tick();
    expect(calls).toEqual([[{ x: 20, y: 20, label: 1 }], [{ x: 20, y: 20, label: 1 }, { x: 70, y: 70, label: 0 }]]);
    expect(boxes).toEqual([undefined, undefined]);
    expect(changed).toBe(2);
    expect(tool.busy()).toBe(true);
    expect(tool.preview()).toMatchObject({ type: 'shape', geometry: { kind: 'polygon', points: [10, 10, 50, 10, 50, 40, 10, 40] } });
    const cmds = tool.key('Enter', ctx)!;
    expect(cmds).toEqual([{ type: 'create', geometry: { kind: 'polygon', points: [10, 10, 50, 10, 50, 40, 10, 40] }, source: { kind: 'model', model: 'tiny-sam', score: 0.923 } }]);
    expect(tool.busy()).toBe(false);
    expect(tool.preview()).toBeNull();
  });

  it('ignores a stale answer, Escape drops the points, and without a model the tool is inert', async () => {
    let resolveFirst!: (v: { polygon: number[]; score: number }) => void;
    let n = 0;
    const tool = createSamTool({
      modelId: 'm',
      segment: (pts) => (n++ === 0 ? new Promise((r) => (resolveFirst = r)) : Promise.resolve({ polygon: [0, 0, 5, 0, 5, 5], score: pts.length / 10 })),
      changed: () => {},
    });
    click(tool, { x: 1, y: 1 });
    click(tool, { x: 2, y: 2 });
    await tick();
    resolveFirst({ polygon: [9, 9, 9, 9, 9, 9], score: 1 });
    await tick();
    expect(tool.preview()).toMatchObject({ geometry: { points: [0, 0, 5, 0, 5, 5] } });
    expect(tool.key('Escape', ctx)).toEqual([]);
    expect(tool.busy()).toBe(false);
    const inert = createTool('segment');
    expect(inert.down({ x: 1, y: 1 }, ctx)).toEqual([]);
    expect(inert.busy()).toBe(false);
  });

  it('press-drag draws a box prompt (clamped to the image, replaced by the next box), points refine it, Backspace undoes prompts', async () => {
    const calls: [SamPoint[], SamBox | undefined][] = [];
    const tool = createSamTool({
      modelId: 'm',
      segment: async (pts, box) => (calls.push([pts, box]), { polygon: [0, 0, 9, 0, 9, 9], score: 0.5 }),
      changed: () => {},
    });
    tool.down({ x: 10, y: 12 }, ctx);
    tool.move({ x: 30, y: 20 }, ctx);
    // while dragging, the box itself is previewed and nothing is asked yet
    expect(tool.preview()).toEqual({ type: 'shape', geometry: { kind: 'box2d', x1: 10, y1: 12, x2: 30, y2: 20 } });
    expect(calls).toEqual([]);
    tool.up({ x: 130, y: -5 }, ctx); // released outside the 100 x 80 image
    await tick();
    expect(calls).toEqual([[[], [10, 0, 100, 12]]]);
    expect(tool.box()).toEqual([10, 0, 100, 12]);
    click(tool, { x: 40, y: 6 }, true); // a background point inside the box
    await tick();
    expect(calls[1]).toEqual([[{ x: 40, y: 6, label: 0 }], [10, 0, 100, 12]]);
    // a 2-pixel wiggle is a click, not a box
    tool.down({ x: 50, y: 50 }, ctx);
    tool.move({ x: 51, y: 51 }, ctx);
    tool.up({ x: 51, y: 51 }, ctx);
    await tick();
    expect(calls[2][0]).toHaveLength(2);
    tool.down({ x: 60, y: 60 }, ctx);
    tool.up({ x: 20, y: 30 }, ctx); // a second box replaces the first
    await tick();
    expect(calls[3][1]).toEqual([20, 30, 60, 60]);
    expect(tool.key('Backspace', ctx)).toEqual([]);
    expect(tool.key('Backspace', ctx)).toEqual([]);
    await tick();
    expect(calls.at(-1)).toEqual([[], [20, 30, 60, 60]]);
    expect(tool.key('Backspace', ctx)).toEqual([]); // the box goes last
    await tick();
    expect(tool.box()).toBeNull();
    expect(tool.preview()).toBeNull();
    expect(tool.busy()).toBe(false);
    expect(tool.key('Backspace', ctx)).toBeNull();
  });

  it('Enter keeps the box-prompted polygon; Escape mid-drag cancels the drag', async () => {
    const tool = createSamTool({ modelId: 'm', segment: async () => ({ polygon: [1, 1, 8, 1, 8, 8], score: 0.8 }), changed: () => {} });
    tool.down({ x: 5, y: 5 }, ctx);
    tool.move({ x: 25, y: 25 }, ctx);
    expect(tool.key('Escape', ctx)).toEqual([]);
    expect(tool.preview()).toBeNull();
    tool.down({ x: 5, y: 5 }, ctx);
    tool.up({ x: 25, y: 25 }, ctx);
    await tick();
    expect(tool.key('Enter', ctx)).toEqual([{ type: 'create', geometry: { kind: 'polygon', points: [1, 1, 8, 1, 8, 8] }, source: { kind: 'model', model: 'm', score: 0.8 } }]);
    expect(tool.box()).toBeNull();
  });
});
