/**
 * `datum demo <dir>` and the desktop app's "Open demo": writes a complete, small project made
 * entirely by code (nothing downloaded): still images with shapes, an image sequence, and a LiDAR
 * sequence with a calibrated camera and ground-truth boxes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { atomicWriteJson } from '../atomicWrite';
import { PROJECT_SCHEMA_VERSION, writeProjectFile } from '../projectFile';
import type { Ontology } from '../../../core/document/schema';
import { demoCamera, drawShapes, lidarScan, renderCamera, sceneAt } from './scene';

export const DEMO_IMAGE_COUNT = 6;
export const DEMO_SEQUENCE_FRAMES = 12;
export const DEMO_LIDAR_FRAMES = 5;

export const DEMO_ONTOLOGY: Ontology = {
  labels: [
    { id: 'car', name: 'Car', color: '#4363d8', hotkey: '1', kinds: ['box2d', 'cuboid3d', 'polygon'], attributes: [
      { id: 'parked', name: 'Parked', type: 'bool', scope: 'track', required: false, default: false },
      { id: 'occluded', name: 'Occluded', type: 'bool', scope: 'frame', required: false, default: false },
    ] },
    { id: 'pedestrian', name: 'Pedestrian', color: '#e6194b', hotkey: '2', kinds: ['box2d', 'cuboid3d', 'skeleton'], attributes: [
      { id: 'pose', name: 'Pose', type: 'enum', options: ['standing', 'walking', 'sitting'], scope: 'frame', required: true, default: 'walking' },
    ] },
    { id: 'cyclist', name: 'Cyclist', color: '#3cb44b', hotkey: '3', kinds: ['box2d', 'cuboid3d'], attributes: [] },
    { id: 'square', name: 'Square', color: '#f58231', hotkey: '4', kinds: ['box2d', 'polygon', 'mask'], attributes: [] },
    { id: 'circle', name: 'Circle', color: '#911eb4', hotkey: '5', kinds: ['box2d', 'polygon', 'mask'], attributes: [] },
    { id: 'triangle', name: 'Triangle', color: '#46f0f0', hotkey: '6', kinds: ['box2d', 'polygon', 'mask'], attributes: [] },
  ],
};

export interface DemoSummary {
  dir: string;
  images: number;
  sequenceFrames: number;
  lidarFrames: number;
  lidarPoints: number;
}

export async function generateDemo(dir: string, onProgress?: (done: number, total: number) => void): Promise<DemoSummary> {
  const total = DEMO_IMAGE_COUNT + DEMO_SEQUENCE_FRAMES + DEMO_LIDAR_FRAMES;
  let done = 0;
  const tick = () => onProgress?.(++done, total);
  await fs.mkdir(dir, { recursive: true });

  // Still images, with their shapes' boxes as ground truth.
  await fs.mkdir(path.join(dir, 'images'), { recursive: true });
  const truth: Record<string, unknown> = {};
  for (let i = 0; i < DEMO_IMAGE_COUNT; i++) {
    const { rgb, shapes } = drawShapes(640, 480, 1000 + i);
    const name = `shapes_${String(i + 1).padStart(2, '0')}.png`;
    await writePng(path.join(dir, 'images', name), rgb, 640, 480);
    truth[name] = shapes;
    tick();
  }
  await atomicWriteJson(path.join(dir, 'images', 'ground_truth.json'), truth);

  // An image sequence: a square gliding across a gradient.
  const seqDir = path.join(dir, 'sequences', 'gliding_square');
  await fs.mkdir(seqDir, { recursive: true });
  const frames: string[] = [];
  for (let f = 0; f < DEMO_SEQUENCE_FRAMES; f++) {
    const w = 480;
    const h = 270;
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) rgb.set([40 + (x * 60) / w, 60 + (y * 80) / h, 110], (y * w + x) * 3);
    const x0 = 20 + f * 30;
    const y0 = 90 + Math.round(20 * Math.sin(f / 2));
    for (let y = y0; y < y0 + 60; y++) for (let x = x0; x < x0 + 60; x++) rgb.set([250, 200, 40], (y * w + x) * 3);
    const name = `${String(f).padStart(6, '0')}.png`;
    await writePng(path.join(seqDir, name), rgb, w, h);
    frames.push(name);
    tick();
  }
  await atomicWriteJson(path.join(seqDir, 'sequence.json'), { kind: 'images', fps: 10, frames });

  // A LiDAR sequence fused with a calibrated virtual camera.
  const lidarDir = path.join(dir, 'sequences', 'lidar_drive');
  for (const sub of ['velodyne', 'camera', 'labels']) await fs.mkdir(path.join(lidarDir, sub), { recursive: true });
  const cam = demoCamera();
  await atomicWriteJson(path.join(lidarDir, 'calib.json'), {
    cameras: { front: { width: cam.width, height: cam.height, intrinsic: cam.K, lidarToCamera: cam.lidarToCamera } },
  });
  const lidarFrames: { cloud: string; images: Record<string, string>; labels: string }[] = [];
  let lidarPoints = 0;
  for (let f = 0; f < DEMO_LIDAR_FRAMES; f++) {
    const boxes = sceneAt(f);
    const scan = lidarScan(boxes, 77 + f);
    lidarPoints += scan.length / 4;
    const stem = String(f).padStart(6, '0');
    await fs.writeFile(path.join(lidarDir, 'velodyne', `${stem}.bin`), new Uint8Array(scan.buffer, scan.byteOffset, scan.byteLength));
    await writePng(path.join(lidarDir, 'camera', `${stem}.png`), renderCamera(boxes, cam), cam.width, cam.height);
    await atomicWriteJson(
      path.join(lidarDir, 'labels', `${stem}.json`),
      boxes.map((b) => ({ trackId: b.trackId, label: b.label, center: b.center, size: b.size, yaw: b.yaw })),
    );
    lidarFrames.push({ cloud: `velodyne/${stem}.bin`, images: { front: `camera/${stem}.png` }, labels: `labels/${stem}.json` });
    tick();
  }
  await atomicWriteJson(path.join(lidarDir, 'sequence.json'), {
    kind: 'pointcloud',
    fps: 10,
    pointFormat: 'kitti-bin',
    calibration: 'calib.json',
    frames: lidarFrames,
  });

  await writeProjectFile(dir, {
    schemaVersion: PROJECT_SCHEMA_VERSION,
    name: 'Datum demo',
    ontology: DEMO_ONTOLOGY,
    sources: [{ id: 'main', path: '.' }],
    settings: {},
    createdAt: Date.now(),
  });
  return { dir, images: DEMO_IMAGE_COUNT, sequenceFrames: DEMO_SEQUENCE_FRAMES, lidarFrames: DEMO_LIDAR_FRAMES, lidarPoints };
}

async function writePng(file: string, rgb: Uint8Array, width: number, height: number): Promise<void> {
  await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toFile(file);
}
