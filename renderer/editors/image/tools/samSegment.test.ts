import { describe, expect, it } from 'vitest';
import { createSamTool, type SamPoint } from './samSegment';
import { createTool } from './index';
import type { ToolContext } from './types';

const ctx: ToolContext = { objects: [], selection: [], scale: 1, width: 100, height: 80, brushRadius: 5 };
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Segment (AI) tool', () => {
  it('sends clicks (Shift = background), previews the polygon and Enter creates it with source model', async () => {
    const calls: SamPoint[][] = [];
    let changed = 0;
    const tool = createSamTool({
      modelId: 'tiny-sam',
      segment: async (pts) => (calls.push(pts), { polygon: [10, 10, 50, 10, 50, 40, 10, 40], score: 0.9234 }),
      changed: () => changed++,
    });
    expect(tool.key('Enter', ctx)).toBeNull(); // nothing to accept: the key is not the tool's
    tool.down({ x: 20, y: 20 }, {}, ctx);
    tool.down({ x: 70, y: 70 }, { shift: true }, ctx);
    await tick();
    expect(calls).toEqual([[{ x: 20, y: 20, label: 1 }], [{ x: 20, y: 20, label: 1 }, { x: 70, y: 70, label: 0 }]]);
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
    tool.down({ x: 1, y: 1 }, {}, ctx);
    tool.down({ x: 2, y: 2 }, {}, ctx);
    await tick();
    resolveFirst({ polygon: [9, 9, 9, 9, 9, 9], score: 1 });
    await tick();
    expect(tool.preview()).toMatchObject({ geometry: { points: [0, 0, 5, 0, 5, 5] } });
    expect(tool.key('Escape', ctx)).toEqual([]);
    expect(tool.busy()).toBe(false);
    const inert = createTool('segment');
    expect(inert.down({ x: 1, y: 1 }, {}, ctx)).toEqual([]);
    expect(inert.busy()).toBe(false);
  });
});
