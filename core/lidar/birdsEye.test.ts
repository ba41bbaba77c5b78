import { describe, expect, it } from 'vitest';
import { BIRDS_EYE_BACKGROUND, heightColor, rasterizeBirdsEye } from './birdsEye';

const px = (img: { width: number; data: Uint8Array }, row: number, col: number) => Array.from(img.data.slice((row * img.width + col) * 4, (row * img.width + col) * 4 + 4));
const BG = [...BIRDS_EYE_BACKGROUND, 255];

describe('rasterizeBirdsEye', () => {
  it('an empty cloud is the background', () => {
    const img = rasterizeBirdsEye(new Float32Array(0), 0, { size: 8 });
    expect(img.width).toBe(8);
    expect(img.data.length).toBe(8 * 8 * 4);
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) expect(px(img, r, c)).toEqual(BG);
  });

  it('puts +x up and +y left, colours by the highest point, skips non-finite points', () => {
    // A square of four corner points (x, y = ±10) plus a tall point at the front-left corner.
    const pts = [
      [10, 10, 0], // front-left -> top-left
      [10, 10, 5], // same pixel, higher: wins
      [10, -10, 0], // front-right -> top-right
      [-10, 10, 0], // rear-left -> bottom-left
      [-10, -10, 0], // rear-right -> bottom-right
      [NaN, 0, 0],
    ];
    const img = rasterizeBirdsEye(Float32Array.from(pts.flat()), pts.length, { size: 21 });
    const lit: [number, number][] = [];
    for (let r = 0; r < 21; r++) for (let c = 0; c < 21; c++) if (px(img, r, c).join() !== BG.join()) lit.push([r, c]);
    expect(lit).toHaveLength(4);
    const [tl, tr, bl, br] = [lit[0], lit[1], lit[2], lit[3]];
    expect(tl[0]).toBe(tr[0]);
    expect(bl[0]).toBe(br[0]);
    expect(tl[0]).toBeLessThan(bl[0]); // front (+x) is up
    expect(tl[1]).toBeLessThan(tr[1]); // left (+y) is left
    // The top-left pixel holds the tall point (2 hits, top of the range: red-ish); the others the low ones.
    const top = px(img, tl[0], tl[1]);
    const low = px(img, br[0], br[1]);
    expect(top[0]).toBeGreaterThan(top[2]);
    expect(low[2]).toBeGreaterThan(low[0]);
  });

  it('a few far returns do not shrink the scene', () => {
    // 1000 points on a 20 m disc plus 5 returns 500 m away.
    const pts: number[] = [];
    for (let i = 0; i < 1000; i++) pts.push(20 * Math.cos(i), 20 * Math.sin(i * 1.7), 0);
    for (let i = 0; i < 5; i++) pts.push(500, 500, 0);
    const img = rasterizeBirdsEye(Float32Array.from(pts), pts.length / 3, { size: 64 });
    let litCount = 0;
    for (let p = 0; p < 64 * 64; p++) if (img.data[p * 4] !== BG[0] || img.data[p * 4 + 2] !== BG[2]) litCount++;
    expect(litCount).toBeGreaterThan(200); // spread over the image, not a dot
  });

  it('height colour ramp goes from blue to red and clamps', () => {
    expect(heightColor(0)[2]).toBeGreaterThan(heightColor(0)[0]);
    expect(heightColor(1)[0]).toBeGreaterThan(heightColor(1)[2]);
    expect(heightColor(-3)).toEqual(heightColor(0));
    expect(heightColor(NaN)).toEqual(heightColor(0));
  });
});
