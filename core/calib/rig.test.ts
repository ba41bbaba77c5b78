import { describe, expect, it } from 'vitest';
import { boxAreaInImage, cameraForScene, cameraSlots, rankCameras, resolveCameraModel } from './rig';
import { projectPoints, type CameraModel } from './camera';
import { rasterizeDepth, turbo } from './depthOverlay';
import { kittiCameraModel, parseKittiCalib } from './kitti';
import { kittiLabelToCuboid, parseKittiLabels } from '../formats/kitti/labels';
import { makeCuboid } from '../lidar/box';
import { HAS_DATA, NUSCENES_INFO, NUSCENES_LIDAR, readKittiCloud, readNuScenesCloud, readSustechCloud, readText } from '../../tests/support/lidarData';

describe('cameraSlots', () => {
  it('KITTI: P2 then P3 from the calib companion', () => {
    const slots = cameraSlots({ companions: { image: 'image_2/000001.png', 'image:image_3': 'image_3/000001.png', calib: 'calib/000001.txt', labels: 'label_2/000001.txt' } });
    expect(slots.map((s) => [s.name, s.image, s.calib])).toEqual([
      ['image_2', 'image_2/000001.png', { kind: 'kitti', file: 'calib/000001.txt', index: 2 }],
      ['image_3', 'image_3/000001.png', { kind: 'kitti', file: 'calib/000001.txt', index: 3 }],
    ]);
  });
  it('SUSTech: every camera with its calib JSON, front first', () => {
    const slots = cameraSlots({
      companions: { image: 'camera/front/000965.jpg', 'image:left': 'camera/left/000965.jpg', 'image:right': 'camera/right/000965.jpg', 'calib:front': 'calib/camera/front.json', 'calib:right': 'calib/camera/right.json' },
    });
    expect(slots.map((s) => s.name)).toEqual(['front', 'left', 'right']);
    expect(slots[0].calib).toEqual({ kind: 'sustech', file: 'calib/camera/front.json' });
    expect(slots[1].calib).toBeNull(); // no calib/camera/left.json: shown without projection
  });
  it('nuScenes: the six channels from the file names, CAM_FRONT first, matched by the lidar file', () => {
    const cams = ['CAM_BACK', 'CAM_BACK_LEFT', 'CAM_FRONT', 'CAM_FRONT_LEFT'];
    const companions: Record<string, string> = { info: 'x.pkl.json' };
    for (const c of cams) companions[`image:${c}`] = `log__${c}__123.jpg`;
    const slots = cameraSlots({ itemName: 'sub/log__LIDAR_TOP__9.pcd.bin', companions });
    expect(slots.map((s) => s.name)).toEqual(['CAM_FRONT', 'CAM_FRONT_LEFT', 'CAM_BACK_LEFT', 'CAM_BACK']);
    expect(slots[0].calib).toEqual({ kind: 'nuscenes', file: 'x.pkl.json', camera: 'CAM_FRONT', lidar: 'log__LIDAR_TOP__9.pcd.bin' });
  });
  it('sequence frames: images relative to the item, calibration by camera name', () => {
    const slots = cameraSlots({ frameImages: { left: 'camera/left/1.jpg', front: 'camera/front/1.jpg' }, sequenceCalibration: 'calibration.json' });
    expect(slots.map((s) => [s.name, s.base, s.calib?.kind])).toEqual([
      ['front', 'item', 'sequence'],
      ['left', 'item', 'sequence'],
    ]);
    expect(cameraSlots({ frameImages: { cam: 'a.jpg' } })[0].calib).toBeNull();
  });
});

describe('cameraForScene', () => {
  it('projects recentred points as the file coordinates would', () => {
    const cam: CameraModel = { width: 100, height: 50, K: [50, 0, 50, 0, 50, 25, 0, 0, 1], lidarToCamera: [0, -1, 0, 0.1, 0, 0, -1, 0.2, 1, 0, 0, 0.3, 0, 0, 0, 1] };
    const offset = [1000, -2000, 5] as const;
    const file = new Float32Array([1010, -1999, 5.5]);
    const scene = new Float32Array([10, 1, 0.5]);
    const a = projectPoints(file, 1, cam), b = projectPoints(scene, 1, cameraForScene(cam, offset));
    for (let k = 0; k < 3; k++) expect(b[k]).toBeCloseTo(a[k], 3);
  });
});

describe('rankCameras', () => {
  // Two cameras at the origin, one looking along +x, one along -x.
  const forward: CameraModel = { width: 1000, height: 500, K: [700, 0, 500, 0, 700, 250, 0, 0, 1], lidarToCamera: [0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, 0, 0, 0, 1] };
  const backward: CameraModel = { ...forward, lidarToCamera: [0, 1, 0, 0, 0, 0, -1, 0, -1, 0, 0, 0, 0, 0, 0, 1] };
  it('puts the camera the box projects into first; no box keeps the order', () => {
    const behind = makeCuboid([-10, 0, 0], [4, 2, 1.5], 0);
    expect(boxAreaInImage(behind, forward)).toBe(0);
    expect(boxAreaInImage(behind, backward)).toBeGreaterThan(10_000);
    expect(rankCameras(behind, [forward, null, backward])).toEqual([2, 0, 1]);
    expect(rankCameras(makeCuboid([10, 0, 0], [4, 2, 1.5], 0), [forward, null, backward])).toEqual([0, 1, 2]);
    expect(rankCameras(null, [forward, backward])).toEqual([0, 1]);
  });
});

describe('rasterizeDepth', () => {
  it('turbo runs from blue to red', () => {
    const lo = turbo(0.15), hi = turbo(0.95);
    expect(lo[2]).toBeGreaterThan(lo[0]);
    expect(hi[0]).toBeGreaterThan(hi[2]);
  });
  it('the nearest point wins a pixel; points outside the image are not drawn', () => {
    const cam: CameraModel = { width: 100, height: 50, K: [50, 0, 50, 0, 50, 25, 0, 0, 1], lidarToCamera: [0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, 0, 0, 0, 1] };
    // Two points on the optical axis (far then near), one behind the camera, one far off to the side.
    const pts = new Float32Array([40, 0, 0, 2, 0, 0, -5, 0, 0, 10, 100, 0]);
    const o = rasterizeDepth(pts, 4, cam, { dot: 1, maxDepth: 40 });
    expect(o.drawn).toBe(2);
    const p = (25 * 100 + 50) * 4;
    // Near (2 m of 40): red end of the reversed turbo.
    expect(o.rgba[p]).toBeGreaterThan(o.rgba[p + 2]);
    expect(o.rgba[p + 3]).toBeGreaterThan(200);
    let opaque = 0;
    for (let i = 3; i < o.rgba.length; i += 4) if (o.rgba[i]) opaque++;
    expect(opaque).toBe(1);
  });
});

describe.skipIf(!HAS_DATA)('real calibrations', () => {
  it('KITTI P2 and P3 both see the labelled car', () => {
    const calibText = readText('kitti', 'calib', '000001.txt');
    const [p2, p3] = cameraSlots({ companions: { image: 'image_2/000001.png', 'image:image_3': 'image_3/000001.png', calib: 'calib/000001.txt' } }).map((s) => resolveCameraModel(s, calibText, 1242, 375)!);
    expect(p2.name).toBe('P2');
    expect(p3.name).toBe('P3');
    const calib = parseKittiCalib(calibText);
    const car = parseKittiLabels(readText('kitti', 'label_2', '000001.txt')).find((l) => l.type === 'Car')!;
    const box = kittiLabelToCuboid(car, calib);
    expect(boxAreaInImage(box, p2)).toBeGreaterThan(0);
    // P3 sits 0.54 m to the right of P2: the car's centre lands ~0.54 * fx / depth px further left.
    const c = new Float32Array(box.center);
    const u2 = projectPoints(c, 1, p2)[0], u3 = projectPoints(c, 1, p3)[0];
    const depth = projectPoints(c, 1, p2)[2];
    expect(u2 - u3).toBeCloseTo((0.54 * p2.K[0]) / depth, -1);
    // The real cloud drawn on P2: most of the image's points are drawn, in the lower half mostly.
    const cloud = readKittiCloud('000001');
    const o = rasterizeDepth(cloud.positions, cloud.count, kittiCameraModel(calib, 2), { scale: 0.5 });
    expect(o.drawn).toBeGreaterThan(10_000);
    expect(o.maxDepth).toBeGreaterThan(20);
  });
  it('nuScenes: the six cameras of the sample resolve from the info file and the front one sees points', () => {
    const info = readText('nuscenes', NUSCENES_INFO);
    const names = ['CAM_FRONT', 'CAM_FRONT_RIGHT', 'CAM_FRONT_LEFT', 'CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT'];
    const companions: Record<string, string> = { info: NUSCENES_INFO };
    for (const n of names) companions[`image:${n}`] = `n015__${n}__1.jpg`;
    const slots = cameraSlots({ itemName: NUSCENES_LIDAR, companions });
    const models = slots.map((s) => resolveCameraModel(s, info, 1600, 900)!);
    expect(models.map((m) => m.name)).toEqual(slots.map((s) => s.name));
    const cloud = readNuScenesCloud();
    for (const m of models) expect(rasterizeDepth(cloud.positions, cloud.count, m).drawn).toBeGreaterThan(500);
  });
  it('SUSTech: the front calib JSON through its slot', () => {
    const [front] = cameraSlots({ companions: { image: 'camera/front/000965.jpg', 'calib:front': 'calib/camera/front.json' } });
    const m = resolveCameraModel(front, readText('sustech', 'calib', 'camera', 'front.json'), 2048, 1536)!;
    const cloud = readSustechCloud('000965');
    expect(rasterizeDepth(cloud.positions, cloud.count, m, { scale: 0.25 }).drawn).toBeGreaterThan(2000);
  });
});
