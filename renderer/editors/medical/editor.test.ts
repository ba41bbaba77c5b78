import { describe, expect, it } from 'vitest';
import { LabelHistory } from './labelHistory';
import { createLabelmap, paintDisc } from '../../../core/medical/segmentation';

describe('LabelHistory', () => {
  it('undoes and redoes gestures storing only the changed range', () => {
    const map = createLabelmap({ dims: [64, 64, 8], spacing: [1, 1, 2] });
    const h = new LabelHistory();
    h.begin(map.data);
    paintDisc(map, { orientation: 'axial', index: 3 }, [32, 32], 5, 1);
    expect(h.end(map.data)).toBe(true);
    const afterFirst = map.data.slice();
    h.begin(map.data);
    paintDisc(map, { orientation: 'coronal', index: 32 }, [10, 2], 3, 2);
    h.end(map.data);
    const afterSecond = map.data.slice();
    h.begin(map.data);
    expect(h.end(map.data)).toBe(false); // an empty gesture is not a step

    expect(h.undo(map.data)).toBe(true);
    expect(map.data).toEqual(afterFirst);
    expect(h.undo(map.data)).toBe(true);
    expect(map.data.every((v) => v === 0)).toBe(true);
    expect(h.undo(map.data)).toBe(false);
    h.redo(map.data);
    h.redo(map.data);
    expect(map.data).toEqual(afterSecond);
    expect(h.canRedo).toBe(false);
  });
});

describe('edge letters', () => {
  it('label an LPS axial stack as radiologists expect (R on the left, A on top)', async () => {
    const { edgeLetters } = await import('./SliceView');
    const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    expect(edgeLetters(identity, 'axial')).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(edgeLetters(identity, 'coronal')).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    expect(edgeLetters(identity, 'sagittal')).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });
});

describe('display flips', () => {
  it('keep LPS stacks as they are and mirror RAS-stored volumes into the radiological convention', async () => {
    const { displayFlip } = await import('./SliceView');
    const lps = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    for (const o of ['axial', 'coronal'] as const) expect(displayFlip(lps, o)).toMatchObject({ flipX: false, flipY: false });
    // NIfTI RAS identity seen in LPS: i points right, j anterior.
    const ras = [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const axial = displayFlip(ras, 'axial');
    expect(axial).toMatchObject({ flipX: true, flipY: true });
    expect(axial.letters).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(displayFlip(ras, 'sagittal').letters).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
  });
});
