import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { decodeSemanticKittiLabels, encodeSemanticKittiLabels, semanticKittiLabelBytes } from './semantickitti/labels';
import { exportNuScenesInfo, importNuScenesInfo, type NuScenesInfo } from './nuscenes/boxes';
import { parseInfoJson } from './nuscenes/infoJson';
import { importSustechSequence, parseSustechFrame } from './sustech/labels';
import { interpolateCuboidTrack } from '../lidar/interpolate';
import { AnnotationObject, Track } from '../document/schema';
import { pointsInBox } from '../lidar/box';
import { HAS_DATA, NUSCENES_INFO, SKIP_MESSAGE, dataPath, readNuScenesCloud, readSustechCloud, readText } from '../../tests/support/lidarData';

describe('SemanticKITTI .label', () => {
  it('packs class (low 16) and instance (high 16) little-endian, and reads back', () => {
    const classes = new Uint16Array([0, 1, 2, 1, 7]);
    const labels = encodeSemanticKittiLabels(classes, [0, 10, 40], new Uint16Array([0, 3, 0, 65535, 1]));
    expect(Array.from(labels)).toEqual([0, (3 << 16) + 10, 40, ((65535 << 16) >>> 0) + 10, 1 << 16]);
    const bytes = semanticKittiLabelBytes(labels);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([10, 0, 3, 0]);
    const back = decodeSemanticKittiLabels(bytes);
    expect(Array.from(back.semantic)).toEqual([0, 10, 40, 10, 0]);
    expect(Array.from(back.instance)).toEqual([0, 3, 0, 65535, 1]);
    expect(Array.from(encodeSemanticKittiLabels(new Uint16Array([2]), (c) => c * 100))).toEqual([200]);
    expect(() => decodeSemanticKittiLabels(new Uint8Array(5), 'x.label')).toThrow(/x\.label/);
  });
});

describe('nuScenes info JSON', () => {
  it('reads Python NaN tokens as null but leaves strings alone, and writes a minimal file without a base', () => {
    const text = '{"metainfo":{"categories":{"car":0}},"data_list":[{"token":"NaN-token","instances":[' +
      '{"bbox_3d":[1,2,3,4,2,1.5,0.5],"bbox_label_3d":0,"velocity":[NaN,-Infinity]}]}]}';
    const item = importNuScenesInfo(text, 'mini.pkl.json');
    expect(item.frames[0].name).toBe('NaN-token');
    expect(item.frames[0].objects[0].attributes.velocity_x).toBeUndefined();
    const out = JSON.parse(exportNuScenesInfo(item.frames, item.categories)) as NuScenesInfo;
    expect(out.data_list[0].instances![0].bbox_3d).toEqual([1, 2, 3, 4, 2, 1.5, 0.5]);
    expect(out.data_list[0].instances![0].velocity).toEqual([null, null]);
    expect(() => exportNuScenesInfo(item.frames, {})).toThrow(/label "car" has no category id/);
    expect(() => importNuScenesInfo('{"data_list":[{"instances":[{"bbox_3d":[1,2],"bbox_label_3d":0}]}]}', 'b.json')).toThrow(
      /b\.json: data_list\[0\]\.instances\[0\]: bbox_3d must hold 7 finite numbers/,
    );
  });
});

describe('SUSTech labels', () => {
  it('names the file and box on bad input', () => {
    expect(() => parseSustechFrame('[{"psr":{"position":{"x":1}}}]', '000001.json')).toThrow(/000001\.json: box 0 psr\.position/);
  });
});

describe.skipIf(!HAS_DATA)(`real nuScenes and SUSTech labels (${HAS_DATA ? 'shared data' : SKIP_MESSAGE})`, () => {
  it('nuScenes: imports 69 boxes that hold their points, exports the same numbers', () => {
    const text = readText('nuscenes', NUSCENES_INFO);
    const item = importNuScenesInfo(text, NUSCENES_INFO);
    expect(item.frames.length).toBe(1);
    const objs = item.frames[0].objects;
    expect(objs.length).toBe(69);
    expect(new Set(objs.map((o) => o.label))).toContain('car');
    for (const o of objs) expect(() => AnnotationObject.parse(o)).not.toThrow();
    const cloud = readNuScenesCloud();
    // z is the box centre: the boxes hold (about) the annotated number of points
    let annotated = 0, found = 0;
    for (const o of objs) {
      if (o.geometry.kind !== 'cuboid3d') continue;
      annotated += o.attributes.num_lidar_pts as number;
      found += pointsInBox(cloud.positions, cloud.count, o.geometry);
    }
    expect(found / annotated).toBeGreaterThan(0.9);
    expect(found / annotated).toBeLessThan(1.1);

    const base = parseInfoJson(text, NUSCENES_INFO) as NuScenesInfo;
    const out = JSON.parse(exportNuScenesInfo(item.frames, item.categories, base)) as NuScenesInfo;
    const a = base.data_list[0].instances!;
    const b = out.data_list[0].instances!;
    expect(b.length).toBe(a.length);
    a.forEach((ins, i) => {
      ins.bbox_3d.forEach((v, k) => expect(b[i].bbox_3d[k]).toBeCloseTo(v, 9));
      expect(b[i].bbox_label_3d).toBe(ins.bbox_label_3d);
      expect(b[i].num_lidar_pts).toBe(ins.num_lidar_pts);
    });
    expect(out.data_list[0].images).toEqual(base.data_list[0].images);
  });

  it('SUSTech: the sequence becomes tracks keyed by obj_id, boxes hold points', () => {
    const names = readdirSync(dataPath('sustech', 'label')).filter((n) => n.endsWith('.json')).sort();
    const item = importSustechSequence(names.map((name) => ({ name, text: readText('sustech', 'label', name) })));
    expect(item.frames.map((f) => f.name)).toEqual(names.map((n) => n.replace('.json', '')));
    expect(item.tracks.length).toBeGreaterThan(5);
    for (const t of item.tracks) {
      expect(() => Track.parse(t)).not.toThrow();
      const frames = t.keyframes.map((k) => k.frame);
      expect([...frames].sort((a, b) => a - b)).toEqual(frames);
      expect(new Set(frames).size).toBe(frames.length);
    }
    const car8 = item.tracks.find((t) => t.id === '8')!;
    expect(car8.label).toBe('Car');
    expect(car8.keyframes[0].frame).toBe(0);
    const first = interpolateCuboidTrack(car8.keyframes, 0)!.geometry;
    expect(first.center[0]).toBeCloseTo(4.1449631260256865);
    expect(first.size[0]).toBeCloseTo(4.5);
    expect(first.rollPitch?.[0]).toBeCloseTo(-0.05381384131006369);
    // Frame 0 is 000950: most of its car boxes contain LiDAR points.
    const cloud = readSustechCloud(names[0].replace('.json', ''));
    const cars = item.tracks.filter((t) => t.label === 'Car' && t.keyframes[0].frame === 0);
    const withPoints = cars.filter((t) => {
      const g = t.keyframes[0].geometry;
      return g.kind === 'cuboid3d' && pointsInBox(cloud.positions, cloud.count, g) > 5;
    });
    expect(withPoints.length / cars.length).toBeGreaterThan(0.8);
  });
});
