import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { FileFormatError } from './errors';
import { kittiCameraModel, kittiRectToVelo, kittiVeloToRect, parseKittiCalib } from './kitti';
import { invert4, multiply4, transformPoint } from './matrix';
import { checkExtrinsic, projectCuboidWireframe, projectPoints, type CameraModel } from './camera';
import { nuScenesCameraModels } from './nuscenes';
import { parseSustechCalib } from './sustech';
import { parseInfoJson } from '../formats/nuscenes/infoJson';
import { makeCuboid } from '../lidar/box';
import {
  HAS_DATA, KITTI_FRAMES, NUSCENES_INFO, SKIP_MESSAGE, dataPath, readKittiCloud, readNuScenesCloud, readSustechCloud, readText,
} from '../../tests/support/lidarData';

/** A camera at the LiDAR origin looking along +x (camera z = lidar x, camera x = -lidar y, camera y = -lidar z). */
const forwardCamera: CameraModel = {
  width: 1000,
  height: 500,
  K: [500, 0, 500, 0, 500, 250, 0, 0, 1],
  lidarToCamera: [0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, 0, 0, 0, 1],
};

/** A near half-turn rotation is its own inverse: inverting it only moves the camera a little and cannot be detected. */
function isNearlySelfInverse(cam: CameraModel): boolean {
  const T = cam.lidarToCamera;
  return Math.abs(T[1] - T[4]) + Math.abs(T[2] - T[8]) + Math.abs(T[6] - T[9]) < 0.2;
}

describe('projection', () => {
  it('projects points and hides those behind the camera', () => {
    const uvd = projectPoints(new Float32Array([10, 0, 0, 10, -2, 1, -5, 0, 0]), 3, forwardCamera);
    expect(uvd[0]).toBeCloseTo(500);
    expect(uvd[1]).toBeCloseTo(250);
    expect(uvd[3]).toBeCloseTo(600);
    expect(uvd[4]).toBeCloseTo(200);
    expect(uvd[5]).toBeCloseTo(10);
    expect(Number.isNaN(uvd[6])).toBe(true);
  });

  it('clips cuboid edges at the near plane instead of wrapping them', () => {
    // A long box straddling the camera: its rear half is behind the camera.
    const segs = projectCuboidWireframe(makeCuboid([0, 0, 0], [10, 2, 2], 0), forwardCamera);
    expect(segs.length).toBe(8); // front face (4) + 4 long edges cut at the near plane; rear face dropped
    for (const s of segs) for (const p of [s.a, s.b]) expect(Number.isFinite(p[0]) && Number.isFinite(p[1])).toBe(true);
    // The long edges keep the side of the image they are on: left edges stay left (u < cx).
    const longEdges = segs.filter((s) => s.edge < 8 && (s.edge % 2 === 0));
    for (const s of longEdges) expect(Math.sign(s.a[0] - 500)).toBe(Math.sign(s.b[0] - 500));
    // Fully visible box: all 12 edges
    expect(projectCuboidWireframe(makeCuboid([20, 0, 0], [4, 2, 2], 0.3), forwardCamera).length).toBe(12);
    // Fully behind: none
    expect(projectCuboidWireframe(makeCuboid([-20, 0, 0], [4, 2, 2], 0.3), forwardCamera).length).toBe(0);
  });

  it('inverts matrices', () => {
    const m = [0.9, -0.1, 0.2, 3, 0.1, 1.1, 0, -2, 0.05, 0, 0.95, 1, 0, 0, 0, 1];
    const id = multiply4(m, invert4(m));
    id.forEach((v, i) => expect(v).toBeCloseTo(i % 5 === 0 ? 1 : 0, 10));
  });
});

describe('calibration errors', () => {
  it('names the file and the problem', () => {
    expect(() => parseKittiCalib('P0: 1 2 3\n', '000123.txt')).toThrow(/000123\.txt: P0: expected 12 numbers, found 3/);
    expect(() => parseKittiCalib('P0: 1 2 x 4 5 6 7 8 9 10 11 12', 'a.txt')).toThrow(FileFormatError);
    expect(() => parseKittiCalib('garbage', 'b.txt')).toThrow(/b\.txt: line "garbage" has no "name:" prefix/);
    const good = 'P0: ' + '1 '.repeat(12);
    expect(() => parseKittiCalib(good, 'c.txt')).toThrow(/c\.txt: missing P1/);
    expect(() => parseSustechCalib('{"intrinsic":[1,2]}', 'front.json')).toThrow(/front\.json: "intrinsic" has 2 numbers, expected 9/);
    expect(() => parseSustechCalib('{', 'front.json')).toThrow(/front\.json: not valid JSON/);
    expect(() => nuScenesCameraModels({ images: { CAM_FRONT: { cam2img: [[1]], lidar2cam: [] } } }, 'x.pkl.json')).toThrow(
      /x\.pkl\.json: CAM_FRONT\.cam2img/,
    );
  });
});

describe.skipIf(!HAS_DATA)(`real calibration (${HAS_DATA ? 'shared data' : SKIP_MESSAGE})`, () => {
  it('KITTI: camera model reproduces P2 * R0 * Tr and the extrinsic check passes, and fails when inverted', () => {
    for (const f of KITTI_FRAMES) {
      const calib = parseKittiCalib(readText('kitti', 'calib', `${f}.txt`), `${f}.txt`);
      const cam = kittiCameraModel(calib);
      const P2 = [...calib.P[2], 0, 0, 0, 1];
      const full = multiply4(P2, kittiVeloToRect(calib));
      const p = [15, 2, -0.5];
      const h = transformPoint(full, p);
      const uvd = projectPoints(new Float32Array(p), 1, cam);
      expect(uvd[0]).toBeCloseTo(h[0] / h[2], 3);
      expect(uvd[1]).toBeCloseTo(h[1] / h[2], 3);
      const back = transformPoint(kittiRectToVelo(calib), transformPoint(kittiVeloToRect(calib), p));
      back.forEach((v, i) => expect(v).toBeCloseTo(p[i], 9));

      const cloud = readKittiCloud(f);
      const ok = checkExtrinsic(cloud.positions, cloud.count, cam);
      expect(ok.ok, ok.warnings.join('; ')).toBe(true);
      const bad = checkExtrinsic(cloud.positions, cloud.count, { ...cam, lidarToCamera: invert4(cam.lidarToCamera) });
      expect(bad.ok).toBe(false);
      expect(bad.warnings[0]).toMatch(/inverted|almost no points/);
    }
  });

  it('nuScenes: six cameras, extrinsic check passes, inverted fails', () => {
    const info = (parseInfoJson(readText('nuscenes', NUSCENES_INFO), NUSCENES_INFO) as { data_list: Array<Parameters<typeof nuScenesCameraModels>[0]> }).data_list[0];
    const cams = nuScenesCameraModels(info, NUSCENES_INFO);
    expect(Object.keys(cams).sort()).toEqual(
      ['CAM_BACK', 'CAM_BACK_LEFT', 'CAM_BACK_RIGHT', 'CAM_FRONT', 'CAM_FRONT_LEFT', 'CAM_FRONT_RIGHT'],
    );
    const cloud = readNuScenesCloud();
    for (const cam of Object.values(cams)) {
      const ok = checkExtrinsic(cloud.positions, cloud.count, cam);
      expect(ok.ok, ok.warnings.join('; ')).toBe(true);
      if (isNearlySelfInverse(cam)) continue;
      const bad = checkExtrinsic(cloud.positions, cloud.count, { ...cam, lidarToCamera: invert4(cam.lidarToCamera) });
      expect(bad.ok, `${cam.name} inverted`).toBe(false);
    }
  });

  it('SUSTech: calib JSON parses, extrinsic check passes, inverted fails', () => {
    const cloud = readSustechCloud('000950');
    for (const file of readdirSync(dataPath('sustech', 'calib', 'camera'))) {
      const cam = parseSustechCalib(readText('sustech', 'calib', 'camera', file), file, 2048, 1536, file);
      const ok = checkExtrinsic(cloud.positions, cloud.count, cam);
      expect(ok.ok, ok.warnings.join('; ')).toBe(true);
      if (isNearlySelfInverse(cam)) continue;
      const bad = checkExtrinsic(cloud.positions, cloud.count, { ...cam, lidarToCamera: invert4(cam.lidarToCamera) });
      expect(bad.ok, `${file} inverted`).toBe(false);
    }
  });
});
