import { describe, expect, it } from 'vitest';
import type { Cuboid3D } from '../document/schema';
import type { CameraModel } from '../calib/camera';
import { BIRDS_EYE_BACKGROUND } from './birdsEye';
import { cameraCropRect, rasterizeBoxCrop } from './boxCrop';

const isBg = (p: number[]) => p.every((v, i) => v === BIRDS_EYE_BACKGROUND[i]);

describe('bird\'s-eye crop of one box', () => {
  it('shows the box frame heading up: a point ahead of the box is above the centre, one to its left is left', () => {
    // A car heading +y (yaw 90°) at (10, 5): "ahead" is +y in the sensor frame, "left" is -x.
    const box: Cuboid3D = { kind: 'cuboid3d', center: [10, 5, 0.8], size: [4, 2, 1.6], yaw: Math.PI / 2 };
    const pts = new Float32Array([
      10, 5 + 1.5, 0.8, // inside, 1.5 m ahead
      10 - 0.8, 5, 0.8, // inside, 0.8 m to the left
      10, 5 + 2.7, 0.8, // outside, 2.7 m ahead
      10, 5, 9, // far above: not drawn
    ]);
    const img = rasterizeBoxCrop(pts, 4, box, { size: 100, margin: 1 }); // 6 m across, 16.7 px/m
    const drawn: { x: number; y: number; bright: number }[] = [];
    for (let i = 0; i < 100 * 100; i++) {
      const p = Array.from(img.data.slice(i * 4, i * 4 + 3));
      if (!isBg(p) && !(p[0] === 240 && p[1] === 244)) drawn.push({ x: i % 100, y: Math.floor(i / 100), bright: Math.max(...p) });
    }
    // the three points below the top, nothing else but the white outline
    expect(drawn).toHaveLength(3);
    const near = (x: number, y: number) => drawn.find((d) => Math.abs(d.x - x) <= 1 && Math.abs(d.y - y) <= 1);
    const ahead = near(50, 25), left = near(37, 50), outside = near(50, 5);
    expect({ ahead, left, outside }).toMatchObject({ ahead: expect.anything(), left: expect.anything(), outside: expect.anything() });
    // the box's own points are drawn brighter than the one outside it at the same height
    expect(ahead!.bright).toBeGreaterThan(outside!.bright);
  });
});

describe('camera crop rectangle', () => {
  // Camera at the sensor looking along +x: camera x = -y, y = -z, z = x.
  const camera: CameraModel = { width: 1000, height: 500, K: [500, 0, 500, 0, 500, 250, 0, 0, 1], lidarToCamera: [0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, 0, 0, 0, 1] };
  it('frames the projected box with a margin, clipped to the image', () => {
    const r = cameraCropRect({ kind: 'cuboid3d', center: [10, 0, 0], size: [2, 2, 2], yaw: 0 }, camera)!;
    // corners at depth 9..11, |y|,|z| <= 1: u in 500 ± 500/9 (55.6 px), v in 250 ± 55.6
    expect(r.left).toBeGreaterThanOrEqual(420);
    expect(r.left).toBeLessThan(444);
    expect(r.width).toBeGreaterThan(111);
    expect(r.width).toBeLessThan(160);
    expect(r.segments).toHaveLength(12);
    expect(Math.min(...r.segments.flatMap((s) => [s.a[0], s.b[0]]))).toBeGreaterThan(0);
  });
  it('is null behind the camera or outside the image', () => {
    expect(cameraCropRect({ kind: 'cuboid3d', center: [-10, 0, 0], size: [2, 2, 2], yaw: 0 }, camera)).toBeNull();
    expect(cameraCropRect({ kind: 'cuboid3d', center: [5, 40, 0], size: [2, 2, 2], yaw: 0 }, camera)).toBeNull();
  });
});
