import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { generateDemo } from './generate';
import { readProjectFile } from '../projectFile';

describe('demo project', () => {
  it('writes images, an image sequence and a LiDAR sequence whose points agree with the boxes and the camera', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'demo-'));
    const summary = await generateDemo(dir);
    const project = await readProjectFile(dir);
    expect(project.ontology.labels.map((l) => l.id)).toContain('car');
    const meta = await sharp(path.join(dir, 'images', 'shapes_01.png')).metadata();
    expect([meta.width, meta.height]).toEqual([640, 480]);

    const seq = JSON.parse(readFileSync(path.join(dir, 'sequences', 'lidar_drive', 'sequence.json'), 'utf8'));
    expect(seq.frames).toHaveLength(summary.lidarFrames);
    const buf = readFileSync(path.join(dir, 'sequences', 'lidar_drive', seq.frames[0].cloud));
    const pts = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const boxes = JSON.parse(readFileSync(path.join(dir, 'sequences', 'lidar_drive', seq.frames[0].labels), 'utf8'));
    // Every ground-truth object is hit by the virtual LiDAR: count points inside each (slightly grown) box.
    for (const b of boxes) {
      let inside = 0;
      const c = Math.cos(-b.yaw);
      const s = Math.sin(-b.yaw);
      for (let i = 0; i < pts.length; i += 4) {
        const dx = pts[i] - b.center[0];
        const dy = pts[i + 1] - b.center[1];
        const lx = c * dx - s * dy;
        const ly = s * dx + c * dy;
        const lz = pts[i + 2] - b.center[2];
        if (Math.abs(lx) <= b.size[0] / 2 + 0.05 && Math.abs(ly) <= b.size[1] / 2 + 0.05 && Math.abs(lz) <= b.size[2] / 2 + 0.05) inside++;
      }
      expect(inside, `${b.trackId} points`).toBeGreaterThan(10);
    }
    // The camera looks forward: the red car ahead-right (y<0) shows red pixels right of centre.
    const calib = JSON.parse(readFileSync(path.join(dir, 'sequences', 'lidar_drive', 'calib.json'), 'utf8'));
    const { data, info } = await sharp(path.join(dir, 'sequences', 'lidar_drive', seq.frames[0].images.front)).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(calib.cameras.front.width);
    let redRight = 0;
    for (let y = 0; y < info.height; y++)
      for (let x = info.width / 2; x < info.width; x++) {
        const o = (y * info.width + x) * 3;
        if (data[o] > 150 && data[o + 1] < 60 && data[o + 2] < 60) redRight++;
      }
    expect(redRight).toBeGreaterThan(500);
  });
});
