/**
 * The pointpillars adapter against real ONNX Runtime sessions. No trained PointPillars weights can
 * be downloaded here, so the model is a graph with the export's exact signature whose outputs are
 * known functions of its inputs (testing/pointPillarsModel.ts): the expectations below are computed
 * by hand from the raw KITTI file, independently of core/lidar/pillars.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePointCloud } from '../../../../core/formats/pointcloud';
import { bevIoU } from '../../../../core/lidar/iou';
import { openDetector3d, type Detector3D } from '../detector3d';
import { importModel } from '../library';
import { parseManifest } from '../manifest';
import { InferenceRuntime } from '../runtime';
import { DATA, NEEDS_DATA, entry } from '../testing/fixtures';
import { buildModel } from '../testing/onnxGraph';
import { GRAPH, KITTI_ANCHORS, pointPillarsGraph, pointPillarsManifest, type TestGraphOptions } from '../testing/pointPillarsModel';
import type { CuboidPrediction } from '../types';
import { anchorCandidates, anchorGrid, featureMap, limitPeriod } from './pointpillars';

const runtime = new InferenceRuntime({ threads: 1, providers: ['cpu'] });
const dir = mkdtempSync(path.join(tmpdir(), 'datum-pp-'));
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

const KITTI = { pointCloudRange: [0, -39.68, -3, 69.12, 39.68, 1] as [number, number, number, number, number, number], voxelSize: [0.16, 0.16, 4] as [number, number, number] };

describe('anchors (OpenPCDet KITTI PointPillars)', () => {
  it('spans the range on a 248 x 216 map, 6 anchors per location, z at the anchor centre', () => {
    const map = featureMap(KITTI, 2);
    expect(map).toEqual({ H: 248, W: 216 });
    const a = anchorGrid({ anchors: KITTI_ANCHORS, alignCenter: false }, KITTI, map);
    expect(a.length).toBe(248 * 216 * 6 * 7);
    const at = (r: number, c: number, k: number) => Array.from(a.subarray(((r * 216 + c) * 6 + k) * 7, ((r * 216 + c) * 6 + k + 1) * 7));
    const close = (got: number[], want: number[]) => got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    close(at(0, 0, 0), [0, -39.68, -1.0, 3.9, 1.6, 1.56, 0]);
    close(at(0, 0, 1), [0, -39.68, -1.0, 3.9, 1.6, 1.56, 1.57]);
    close(at(0, 0, 2), [0, -39.68, 0.265, 0.8, 0.6, 1.73, 0]);
    close(at(0, 1, 5), [69.12 / 215, -39.68, 0.265, 1.76, 0.6, 1.73, 1.57]);
    close(at(247, 215, 0), [69.12, 39.68, -1.0, 3.9, 1.6, 1.56, 0]);
    // align_center: cell centres
    const b = anchorGrid({ anchors: KITTI_ANCHORS, alignCenter: true }, KITTI, map);
    close(Array.from(b.subarray(0, 2)), [0.16, -39.52]);
  });

  it('decodes residuals and the direction classifier like OpenPCDet (nhwc and nchw alike)', () => {
    expect(limitPeriod(-0.48539, 0, Math.PI)).toBeCloseTo(Math.PI - 0.48539, 6);
    const anchors = Float32Array.from([1, 2, -1, 3.9, 1.6, 1.56, 0, 5, 6, -1, 3.9, 1.6, 1.56, Math.PI / 2]);
    const diag = Math.hypot(3.9, 1.6);
    // two locations (W = 2), one anchor, one class; residuals, then dir logits [bin0, bin1]
    const cls = [2, 3];
    const box = [[0.1, -0.2, 0.5, Math.log(2), 0, 0, 0.3], [0, 0, 0, 0, 0, 0, 0.3]];
    const dir = [[0, 1], [1, 0]];
    const nchw = (rows: number[][]) => Float32Array.from(rows[0].flatMap((_, ch) => rows.map((r) => r[ch])));
    const head = { dirOffset: 0.78539, dirLimitOffset: 0, numDirBins: 2, nms: { classAgnostic: false, preMax: 10, maxDetections: 10 } };
    for (const layout of ['nhwc', 'nchw'] as const) {
      const set = anchorCandidates({
        cls: { data: Float32Array.from(cls), channels: 1, layout },
        box: { data: layout === 'nhwc' ? Float32Array.from(box.flat()) : nchw(box), channels: 7, layout },
        dir: { data: layout === 'nhwc' ? Float32Array.from(dir.flat()) : nchw(dir), channels: 2, layout },
        anchors,
        map: { H: 1, W: 2 },
        numClasses: 1,
        head,
        scoreThreshold: 0.5,
      });
      expect(set.count).toBe(2);
      const b0 = Array.from(set.boxes.subarray(0, 7));
      [1 + 0.1 * diag, 2 - 0.2 * diag, 0.5 * 1.56 - 1, 7.8, 1.6, 1.56, 0.3].forEach((v, i) => expect(b0[i]).toBeCloseTo(v, 4));
      expect(set.scores[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
      // anchor yaw pi/2 + 0.3, bin 0: limit_period(1.8708 - 0.785, 0, pi) + 0.785 = 1.8708
      expect(set.boxes[13]).toBeCloseTo(Math.PI / 2 + 0.3, 4);
    }
    // bin 0 for anchor 0 gives the opposite heading: 0.3 - pi
    const flipped = anchorCandidates({
      cls: { data: Float32Array.of(2), channels: 1, layout: 'nhwc' },
      box: { data: Float32Array.from(box[0]), channels: 7, layout: 'nhwc' },
      dir: { data: Float32Array.of(1, 0), channels: 2, layout: 'nhwc' },
      anchors: anchors.subarray(0, 7),
      map: { H: 1, W: 1 },
      numClasses: 1,
      head,
      scoreThreshold: 0.5,
    });
    expect(flipped.boxes[6]).toBeCloseTo(0.3 - Math.PI, 4);
    // 9 residuals per anchor (nuScenes velocity): the two extra values are skipped, not read as the next anchor's
    const nine = anchorCandidates({
      cls: { data: Float32Array.of(2, 3), channels: 2, layout: 'nhwc' },
      box: { data: Float32Array.from([...box[0], 9, 9, ...box[1], 9, 9]), channels: 18, layout: 'nhwc' },
      dir: { data: Float32Array.from([0, 1, 1, 0]), channels: 4, layout: 'nhwc' },
      anchors: Float32Array.from([...anchors.subarray(0, 7), ...anchors.subarray(0, 7)]),
      map: { H: 1, W: 1 },
      numClasses: 1,
      head: { ...head, boxCodeSize: 9 },
      scoreThreshold: 0.5,
    });
    expect(nine.count).toBe(2);
    expect(Array.from(nine.boxes.subarray(7, 14)).map((v) => Number(v.toFixed(4)))).toEqual([1, 2, -1, 3.9, 1.6, 1.56, Number((0.3 - Math.PI).toFixed(4))]);
  });
});

const KITTI_BIN = path.join(DATA, 'kitti', 'velodyne', '000000.bin');
const HAVE_KITTI = existsSync(KITTI_BIN);

/** By hand from the raw file: kept points (first 32 per pillar) and their z, per 2 x 2 pillar block. */
function blocksByHand(raw: Float32Array): Map<string, { cnt: number; sumZ: number }> {
  const pillars = new Map<string, { n: number; sumZ: number }>();
  for (let i = 0; i < raw.length / 4; i++) {
    const [x, y, z] = [raw[i * 4], raw[i * 4 + 1], raw[i * 4 + 2]];
    if (x < 0 || x >= 69.12 || y < -39.68 || y >= 39.68 || z < -3 || z >= 1) continue;
    const key = `${Math.floor((y + 39.68) / 0.16)},${Math.floor(x / 0.16)}`;
    const p = pillars.get(key) ?? { n: 0, sumZ: 0 };
    if (p.n < 32) {
      p.n++;
      p.sumZ += z;
    }
    pillars.set(key, p);
  }
  const blocks = new Map<string, { cnt: number; sumZ: number }>();
  for (const [key, p] of pillars) {
    const [cy, cx] = key.split(',').map(Number);
    const bk = `${cy >> 1},${cx >> 1}`;
    const b = blocks.get(bk) ?? { cnt: 0, sumZ: 0 };
    b.cnt += p.n;
    b.sumZ += p.sumZ;
    blocks.set(bk, b);
  }
  return blocks;
}

describe.skipIf(!HAVE_KITTI)(`pointpillars on a real KITTI frame through ONNX Runtime ${NEEDS_DATA}`, () => {
  const raw = HAVE_KITTI ? (() => { const b = readFileSync(KITTI_BIN); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); })() : new Float32Array();
  const blocks = blocksByHand(raw);
  const counts = [...blocks.values()].map((b) => b.cnt).sort((a, b) => b - a);
  // T between the 12th and 13th fullest block: a dozen-odd Car candidates, clustered where points are dense
  const T = (counts[11] + counts[12]) / 2;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const blockAt = (p: CuboidPrediction, centre: boolean) => {
    const [x, y] = p.cuboid.center;
    const c = Math.round(centre ? x / 0.32 - 0.5 : (x * 215) / 69.12);
    const r = Math.round(centre ? (y + 39.68) / 0.32 - 0.5 : ((y + 39.68) * 247) / 79.36);
    return { r, c, b: blocks.get(`${r},${c}`) };
  };

  async function detector(id: string, o: TestGraphOptions, extra = {}): Promise<Detector3D> {
    const file = path.join(dir, `${id}.onnx`);
    writeFileSync(file, pointPillarsGraph(o));
    return openDetector3d(runtime, entry(pointPillarsManifest(id, o, extra), file));
  }
  async function cloud() {
    const c = await parsePointCloud(readFileSync(KITTI_BIN), '000000.bin');
    return { positions: c.positions, count: c.count, offset: c.offset, intensity: c.fields.find((f) => f.name === 'intensity')!.data };
  }
  // the OpenPCDet-layout result, which the other layouts must reproduce (computed once, on first use)
  let referenceRun: Promise<CuboidPrediction[]> | undefined;
  const reference = () => (referenceRun ??= detector('pp-openpcdet', { layout: 'openpcdet', head: 'anchor', threshold: T, capacity: 16000 }).then(async (d) => d.predict(await cloud())));

  it('OpenPCDet layout: the best Car box sits on the anchor over the fullest pillar block, z = its mean z, yaw from the direction bin', { timeout: 60_000 }, async () => {
    const det = await detector('pp-openpcdet', { layout: 'openpcdet', head: 'anchor', threshold: T, capacity: 16000 });
    expect(det.binding).toMatchObject({ voxels: 'voxels', num: { name: 'voxel_num', mode: 'count', type: 'int32' }, coords: { name: 'voxel_idxs' }, capacity: 16000, outputLayout: 'nhwc' });
    const preds = await reference();
    const cars = preds.filter((p) => p.label === 'Car');
    const peds = preds.filter((p) => p.label === 'Pedestrian');
    expect(cars.length).toBeGreaterThan(0);
    expect(preds[0].label).toBe('Car');
    // best box: the fullest block
    const top = blockAt(cars[0], false);
    expect(top.b!.cnt).toBe(counts[0]);
    expect(cars[0].score).toBeCloseTo(sig(counts[0] - T), 5);
    expect(cars[0].cuboid.center[0]).toBeCloseTo((top.c * 69.12) / 215, 3);
    expect(cars[0].cuboid.center[1]).toBeCloseTo(-39.68 + (top.r * 79.36) / 247, 3);
    expect(cars[0].cuboid.center[2]).toBeCloseTo(top.b!.sumZ / top.b!.cnt, 3);
    cars[0].cuboid.size.forEach((v, i) => expect(v).toBeCloseTo([GRAPH.carLength, 1.6, 1.56][i], 4));
    expect(cars[0].cuboid.yaw).toBeCloseTo(GRAPH.residualYaw, 4); // anchor 0, bin 1
    // every box is a block above its class threshold, scored from its own count
    for (const p of cars) {
      const { b } = blockAt(p, false);
      expect(b!.cnt).toBeGreaterThan(T);
      expect(p.score).toBeCloseTo(sig(b!.cnt - T), 5);
    }
    // NMS: kept Car boxes do not overlap (IoU <= 0.01), and it did suppress neighbours
    const cand = [...blocks.values()].filter((b) => b.cnt > T).length;
    expect(cars.length).toBeLessThan(cand);
    const box = (p: CuboidPrediction) => ({ kind: 'cuboid3d' as const, ...p.cuboid });
    for (let i = 0; i < cars.length; i++) for (let j = i + 1; j < cars.length; j++) expect(bevIoU(box(cars[i]), box(cars[j]))).toBeLessThanOrEqual(0.01);
    // per-class NMS keeps Pedestrians on top of Cars; anchor 2 with bin 0 points the other way
    expect(peds.length).toBeGreaterThan(0);
    for (const p of peds) {
      expect(blockAt(p, false).b!.cnt).toBeGreaterThan(T + 1);
      expect(p.cuboid.yaw).toBeCloseTo(GRAPH.residualYaw - Math.PI, 4);
      p.cuboid.size.forEach((v, i) => expect(v).toBeCloseTo([0.8, 0.6, 1.73][i], 4));
    }

    // class-agnostic (OpenPCDet's KITTI setting): no two kept boxes overlap, whatever their class
    const agn = await (await detector('pp-agnostic', { layout: 'openpcdet', head: 'anchor', threshold: T, capacity: 16000 }, { head: { ...pointPillarsManifest('a', { layout: 'openpcdet', head: 'anchor', threshold: T, capacity: 1 }).head, nms: { classAgnostic: true } } })).predict(await cloud());
    for (let i = 0; i < agn.length; i++) for (let j = i + 1; j < agn.length; j++) expect(bevIoU(box(agn[i]), box(agn[j]))).toBeLessThanOrEqual(0.01);
    expect(agn.filter((p) => p.label === 'Pedestrian').length).toBeLessThan(peds.length);
  });

  it('mmdeploy layout (raw points, num_points, coors, NCHW head, dynamic pillar count) and voxel_num per pillar give the same boxes', { timeout: 60_000 }, async () => {
    const ref = await reference();
    expect(ref.length).toBeGreaterThan(0);
    const mm = await detector('pp-mmdeploy', { layout: 'mmdeploy', head: 'anchor', threshold: T, capacity: -1 });
    expect(mm.binding).toMatchObject({ num: { name: 'num_points', mode: 'per-pillar' }, coords: { name: 'coors' }, capacity: undefined, outputLayout: 'nchw', outputs: ['cls_score', 'bbox_pred', 'dir_cls_pred'] });
    const perPillar = await detector('pp-perpillar', { layout: 'openpcdet', head: 'anchor', threshold: T, capacity: 16000, voxelNum: 'per-pillar' });
    expect(perPillar.binding.num.mode).toBe('per-pillar');
    for (const det of [mm, perPillar]) {
      const preds = await det.predict(await cloud());
      expect(preds.length).toBe(ref.length);
      preds.forEach((p, i) => {
        expect(p.label).toBe(ref[i].label);
        expect(p.score).toBeCloseTo(ref[i].score, 5);
        p.cuboid.center.forEach((v, k) => expect(v).toBeCloseTo(ref[i].cuboid.center[k], 3));
      });
    }
  });

  it('centre head: boxes at 3x3 heatmap peaks, centre from the offset, size from log dims, yaw from sin/cos', { timeout: 60_000 }, async () => {
    const det = await detector('pp-center', { layout: 'openpcdet', head: 'center', threshold: T, capacity: 16000 });
    expect(det.binding.outputs).toEqual(['hm', 'reg', 'height', 'dim', 'rot']);
    const preds = await det.predict(await cloud());
    expect(preds.length).toBeGreaterThan(0);
    const top = blockAt(preds[0], true);
    expect(top.b!.cnt).toBe(counts[0]);
    expect(preds[0].cuboid.center[0]).toBeCloseTo((top.c + 0.5) * 0.32, 3);
    expect(preds[0].cuboid.center[1]).toBeCloseTo((top.r + 0.5) * 0.32 - 39.68, 3);
    expect(preds[0].cuboid.center[2]).toBeCloseTo(top.b!.sumZ / top.b!.cnt, 3);
    preds[0].cuboid.size.forEach((v, i) => expect(v).toBeCloseTo(GRAPH.centerSize[i], 4));
    expect(preds[0].cuboid.yaw).toBeCloseTo(GRAPH.centerYaw, 4);
    for (const p of preds) {
      const { r, c, b } = blockAt(p, true);
      expect(b!.cnt).toBeGreaterThan(T);
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) expect(blocks.get(`${r + dr},${c + dc}`)?.cnt ?? 0).toBeLessThanOrEqual(b!.cnt);
    }
  });

  it('a cancelled run rejects with AbortError', async () => {
    const det = await detector('pp-openpcdet', { layout: 'openpcdet', head: 'anchor', threshold: T, capacity: 16000 });
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(det.predict(await cloud(), { signal: ctrl.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('importing a PointPillars export checks its signature', () => {
  const o: TestGraphOptions = { layout: 'openpcdet', head: 'anchor', threshold: 5, capacity: 1000 };
  const partial = () => {
    const { id: _id, file: _file, ...m } = pointPillarsManifest('pp', o);
    return m;
  };
  const write = (name: string, g: Uint8Array) => {
    const file = path.join(dir, name);
    writeFileSync(file, g);
    return file;
  };

  it('accepts the exact signature and writes the manifest', { timeout: 30_000 }, async () => {
    const e = await importModel(write('good.onnx', pointPillarsGraph(o)), partial(), { destRoot: path.join(dir, 'lib') });
    expect(e.manifest).toMatchObject({ adapter: 'pointpillars', task: 'detect3d', voxel: { layout: 'openpcdet', maxPointsPerVoxel: 32 } });
    expect(JSON.parse(readFileSync(e.manifestPath, 'utf8')).head.anchors).toHaveLength(3);
  });

  it('refuses wrong input names, shapes, features and head outputs, naming the file and the problem', { timeout: 30_000 }, async () => {
    const cases: [string, Uint8Array, RegExp, object?][] = [
      ['names.onnx', pointPillarsGraph({ ...o, inputOverride: { voxels: { name: 'points', dims: [1000, 32, 10] } } }), /names\.onnx: does not fit a pointpillars model: no input voxels \(the openpcdet layout needs inputs voxels, voxel_num, voxel_idxs; the model has points, voxel_num, voxel_idxs\)/],
      ['points.onnx', pointPillarsGraph({ ...o, inputOverride: { voxels: { name: 'voxels', dims: [1000, 20, 10] } } }), /points\.onnx: .*input voxels holds 20 points per voxel, the manifest's maxPointsPerVoxel is 32/],
      ['features.onnx', pointPillarsGraph({ ...o, inputOverride: { voxels: { name: 'voxels', dims: [1000, 32, 9] } } }), /features\.onnx: .*input voxels has 9 features per point, the manifest's features are 10 \(x, y, z, intensity, xc, yc, zc, xp, yp, zp\)/],
      ['idx.onnx', pointPillarsGraph({ ...o, inputOverride: { coords: { name: 'voxel_idxs', dims: [1000, 3], type: 'int32' } } }), /idx\.onnx: .*input voxel_idxs has shape \[1000, 3\], expected \[V, 4\]/],
      ['classes.onnx', pointPillarsGraph(o), /classes\.onnx: .*output cls_preds \(class scores\) has shape \[1, 248, 216, 18\], expected \[1, 248, 216, 24\]/, { classes: ['Car', 'Pedestrian', 'Cyclist', 'Van'] }],
      ['grid.onnx', pointPillarsGraph(o), /grid\.onnx: .*output box_preds \(box residuals\) has shape \[1, 248, 216, 42\], expected \[1, 198, 173, 42\]/, { voxel: { ...partial().voxel, voxelSize: [0.2, 0.2, 4] } }],
    ];
    // CUDA-PointPillars' own pointpillar.onnx scatters with a TensorRT plugin
    const plugin = buildModel({ inputs: [{ name: 'voxels', dims: [1000, 32, 10] }], outputs: [{ name: 'cls_preds', dims: [1000, 32, 10] }], nodes: [{ op: 'PPScatterPlugin', inputs: ['voxels'], outputs: ['cls_preds'] }] });
    cases.push(['plugin.onnx', plugin, /plugin\.onnx: not a loadable ONNX model: .*No Op registered for PPScatterPlugin.* \(PPScatterPlugin is not a standard ONNX operator, e\.g\. a TensorRT plugin/]);
    for (const [name, graph, message, extra] of cases) {
      const file = write(name, graph);
      await expect(importModel(file, { ...partial(), ...extra }, { destRoot: path.join(dir, 'lib') })).rejects.toThrow(message);
      expect(existsSync(path.join(dir, 'lib', name.replace('.onnx', '')))).toBe(false); // nothing left behind
    }
  });

  it('refuses a manifest without voxel or head settings before copying anything', () => {
    expect(() => parseManifest({ id: 'p', name: 'P', task: 'detect3d', adapter: 'pointpillars', file: 'p.onnx', classes: ['Car'] }, 'models/p/manifest.json')).toThrow(
      /models\/p\/manifest\.json: invalid model manifest: voxel: adapter pointpillars needs voxel settings .*; head: adapter pointpillars needs head settings/,
    );
    expect(() => parseManifest({ ...pointPillarsManifest('p', o), task: 'detect2d' })).toThrow(/task: adapter pointpillars is a detect3d model/);
    expect(() => parseManifest({ ...pointPillarsManifest('p', o), voxel: { ...pointPillarsManifest('p', o).voxel!, pointCloudRange: [0, 0, 0, -1, 1, 1] } })).toThrow(/voxel: pointCloudRange max x must be above its min/);
  });
});
