import { describe, expect, it } from 'vitest';
import { initialWorkspace, workspaceReducer, BRUSH_MM } from './workspace';
import { applyImported, fromBase64, nextSegment, renumberImported, segmentLut, toBase64 } from './segmentsIo';
import { blendLabels } from './drawSlice';
import { SEGMENT_COLORS } from '../../../core/medical/segmentation';

const init = () => initialWorkspace({ dims: [64, 48, 5], spacing: [1, 1, 2], window: { center: 40, width: 400 }, invert: false, range: [-1000, 3000], activeLabel: 1 });

describe('medical workspace state', () => {
  it('starts in the middle of the volume with the header window and a brush sized to the slice', () => {
    const s = init();
    expect(s.cursor).toEqual([32, 24, 2]);
    expect(s.counts).toEqual({ axial: 5, coronal: 48, sagittal: 64 });
    expect(s.brushMm).toBe(1);
    expect(s.threshold).toEqual([40, 3000]);
    expect(s.tool).toBe('navigate');
  });

  it('scrolls the active view within its slices', () => {
    let s = init();
    s = workspaceReducer(s, { type: 'scrollSlices', delta: 10 });
    expect(s.cursor).toEqual([32, 24, 4]);
    const same = workspaceReducer(s, { type: 'scrollSlices', delta: 1 });
    expect(same).toBe(s); // at the end nothing changes
    s = workspaceReducer(workspaceReducer(s, { type: 'set', patch: { activeView: 'sagittal' } }), { type: 'scrollSlices', delta: -40 });
    expect(s.cursor).toEqual([0, 24, 4]);
  });

  it('steps the brush within its bounds, toggles invert, bumps fit, and a no-op set keeps the state', () => {
    let s = init();
    for (let i = 0; i < 40; i++) s = workspaceReducer(s, { type: 'brush', larger: true });
    expect(s.brushMm).toBe(BRUSH_MM.max);
    for (let i = 0; i < 60; i++) s = workspaceReducer(s, { type: 'brush', larger: false });
    expect(s.brushMm).toBe(BRUSH_MM.min);
    s = workspaceReducer(workspaceReducer(s, { type: 'toggleInvert' }), { type: 'fit' });
    expect([s.invert, s.fitToken]).toEqual([true, 1]);
    expect(workspaceReducer(s, { type: 'set', patch: { tool: 'navigate', activeView: 'axial' } })).toBe(s);
    expect(workspaceReducer(s, { type: 'set', patch: { tool: 'pan' } }).tool).toBe('pan');
  });
});

describe('medical segments', () => {
  const seg = (number: number, color: [number, number, number]) => ({ number, label: `s${number}`, color });

  it('finds the lowest free number with its colour', () => {
    expect(nextSegment([seg(1, [1, 1, 1]), seg(3, [3, 3, 3])])).toEqual({ number: 2, color: SEGMENT_COLORS[1] });
    expect(nextSegment(Array.from({ length: 255 }, (_, i) => seg(i + 1, [0, 0, 0])))).toBeNull();
  });

  it('renumbers imported segments after the existing ones, recolours clashes, and writes their voxels', () => {
    const { map, added } = renumberImported([seg(1, [255, 0, 0]), seg(4, [0, 255, 0])], [seg(1, [255, 0, 0]), seg(2, [1, 2, 3])]);
    expect(added.map((s) => s.number)).toEqual([5, 6]);
    expect(added[0].color).toEqual(SEGMENT_COLORS[4]);
    expect(added[1].color).toEqual([1, 2, 3]);
    const data = new Uint8Array([0, 1, 5, 4]);
    expect(applyImported(data, new Uint8Array([1, 0, 1, 2]), map)).toBe(2);
    expect([...data]).toEqual([5, 1, 5, 6]);
  });

  it('round-trips base64 and builds the colour table', () => {
    const bytes = new Uint8Array(70000).map((_, i) => i % 251);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    const lut = segmentLut([seg(2, [9, 8, 7])]);
    expect([...lut.subarray(6, 9)]).toEqual([9, 8, 7]);
  });

  it('blends labels over grey at the overlay opacity', () => {
    const out = new Uint8ClampedArray(8);
    const lut = new Uint8Array(256 * 3);
    lut.set([200, 0, 100], 3);
    blendLabels([100, 50], [1, 0], lut, 0.5, out);
    expect([...out]).toEqual([150, 50, 100, 255, 50, 50, 50, 255]);
  });
});
