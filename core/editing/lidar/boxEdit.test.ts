import { describe, expect, it } from 'vitest';
import type { Cuboid3D } from '../../document/schema';
import { dragFace, footprintContains, moveLocal, resize, rotate, toLocal, writeBoxLines, VERTS_PER_BOX } from './boxEdit';

const box: Cuboid3D = { kind: 'cuboid3d', center: [10, 5, -1], size: [4, 2, 1.5], yaw: Math.PI / 2 };

describe('cuboid edits', () => {
  it('moves in the box frame', () => {
    const m = moveLocal(box, 1, 0, 0.5); // heading is +y
    expect(m.center[0]).toBeCloseTo(10);
    expect(m.center[1]).toBeCloseTo(6);
    expect(m.center[2]).toBeCloseTo(-0.5);
  });
  it('drags one face and keeps the opposite one', () => {
    const d = dragFace(box, 0, 1, 3); // front face from +2 to +3
    expect(d.size[0]).toBeCloseTo(5);
    const back = toLocal(d, 10, 5 - 2, -1)[0]; // old back face
    expect(back).toBeCloseTo(-d.size[0] / 2);
    const h = dragFace(box, 2, 1, 1.25);
    expect(h.size[2]).toBeCloseTo(2);
    expect(h.center[2] - h.size[2] / 2).toBeCloseTo(-1.75); // bottom stays
  });
  it('resizes, rotates and tests footprints', () => {
    expect(resize(box, 1, -5).size[1]).toBeGreaterThan(0);
    expect(rotate(box, Math.PI).yaw).toBeCloseTo(-Math.PI / 2);
    expect(footprintContains(box, 10.9, 6.9)).toBe(true);
    expect(footprintContains(box, 11.5, 5)).toBe(false);
  });
  it('writes 30 line vertices per box', () => {
    const pos = new Float32Array(VERTS_PER_BOX * 3);
    const col = new Float32Array(VERTS_PER_BOX * 3);
    expect(writeBoxLines(box, [1, 0, 0], pos, col, 0)).toBe(VERTS_PER_BOX);
    expect(col[0]).toBe(1);
  });
});
