import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelService } from '../models';
import { deepMerge } from './importPlan';
import { DATA, HAVE_ULTRAFACE, HAVE_YOLOX, NEEDS_DATA, ULTRAFACE, YOLOX } from './testing/fixtures';

const service = new ModelService(null);
const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-import-plan-'));
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deepMerge', () => {
  it('merges nested objects key by key; arrays, scalars and null replace; undefined keeps', () => {
    const preset = { adapter: 'ultraface', input: { width: 320, height: 240, mean: [127, 127, 127], std: [128, 128, 128], resize: 'stretch' }, thresholds: { score: 0.7, nms: 0.3 } };
    expect(deepMerge(preset, { input: { width: 640, height: 480, mean: [0, 0, 0] }, thresholds: { score: undefined, nms: 0.5 } })).toEqual({
      adapter: 'ultraface',
      input: { width: 640, height: 480, mean: [0, 0, 0], std: [128, 128, 128], resize: 'stretch' },
      thresholds: { score: 0.7, nms: 0.5 },
    });
    expect(preset.input.width).toBe(320); // the preset itself is not changed
    expect(deepMerge({ a: { b: 1 } }, { a: null })).toEqual({ a: null });
    expect(deepMerge({ a: [1, 2, 3] }, { a: [4] })).toEqual({ a: [4] });
  });
});

describe('presets of the issue #20 detectors on graphs with their exports\' signatures', () => {
  it('a NanoDet-Plus 416 export fits its preset; a YuNet preset on it names the output count', async () => {
    const { writeFileSync } = await import('node:fs');
    const { constantModel } = await import('./testing/onnxGraph');
    const file = path.join(dir, 'nanodet-plus-m_416.onnx');
    // 52² + 26² + 13² + 7² = 3598 cells, 80 classes + 4 x 8 bins
    writeFileSync(file, constantModel([{ name: 'data', dims: [1, 3, 416, 416] }], [{ name: 'output', dims: [1, 3598, 112], data: new Float32Array(3598 * 112) }]));
    const plan = await service.planImport(file, { preset: 'nanodet' });
    expect(plan.problems).toEqual([]);
    expect(plan.manifest.input).toMatchObject({ width: 416, height: 416, channelOrder: 'bgr', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], resize: 'stretch' });
    const wrong = await service.planImport(file, { preset: 'yunet' });
    expect(wrong.problems).toEqual(['the graph outputs 1 tensor (output float32 [1, 3598, 112]), the yunet preset expects 12: cls, obj, bbox and kps at strides 8, 16, 32']);
  });
});

describe.skipIf(!HAVE_ULTRAFACE || !HAVE_YOLOX)(`import plans with the real models ${NEEDS_DATA}`, () => {
  it('a partial manifest keeps the preset\'s mean, std and resize (issue #20)', async () => {
    const plan = await service.planImport(ULTRAFACE, { preset: 'ultraface', manifest: { input: { width: 320, height: 240 } } as never });
    expect(plan.problems).toEqual([]);
    expect(plan.manifest.input).toMatchObject({ width: 320, height: 240, mean: [127, 127, 127], std: [128, 128, 128], resize: 'stretch', channelOrder: 'rgb' });
    expect(plan.manifest.thresholds).toMatchObject({ score: 0.7, nms: 0.3 });
  });

  it('a size the graph does not have is refused with both sizes named; nothing is copied', async () => {
    const plan = await service.planImport(ULTRAFACE, { preset: 'ultraface', manifest: { input: { width: 640, height: 480 } } as never });
    expect(plan.problems).toEqual(['input input is fixed at 320 x 240 in the graph, the manifest asks for 640 x 480 (a model for another size needs its own export)']);
    const dest = path.join(dir, 'refused');
    await expect(service.import(ULTRAFACE, { preset: 'ultraface', manifest: { input: { width: 640, height: 480 } } as never, destRoot: dest })).rejects.toThrow(/fixed at 320 x 240 in the graph/);
    expect(existsSync(dest)).toBe(false);
  });

  it('the input size comes from the graph when the preset says another one', async () => {
    // asked for explicitly, a size the graph does not have is a problem; unsaid, the graph's is used
    const plan = await service.planImport(YOLOX, { preset: 'yolox', manifest: { input: { width: 640, height: 640 } } as never });
    expect(plan.problems[0]).toMatch(/fixed at 416 x 416/);
    const fromPreset = await service.planImport(ULTRAFACE, { manifest: { task: 'detect2d', adapter: 'ultraface', input: { mean: [127, 127, 127], std: [128, 128, 128], resize: 'stretch' } } as never });
    expect(fromPreset.problems).toEqual([]);
    expect(fromPreset.manifest.input).toMatchObject({ width: 320, height: 240 });
    expect(fromPreset.notes).toEqual(['input size 320 x 240 read from the graph']);
  });

  it('names the mismatch when a preset does not fit the graph', async () => {
    const plan = await service.planImport(ULTRAFACE, { preset: 'yolov8' });
    expect(plan.problems).toEqual([
      'the graph outputs 2 tensors (scores float32 [1, 4420, 2], boxes float32 [1, 4420, 4]), the yolov8 preset expects 1: [1, 4 + classes, N] (segment2d: + [1, 32, h, w] prototypes)',
    ]);
    // and the graph's own size replaced the preset's 640 x 640
    expect(plan.manifest.input).toMatchObject({ width: 320, height: 240 });
    const yolox = await service.planImport(YOLOX, { preset: 'ultraface' });
    expect(yolox.problems[0]).toMatch(/^the graph outputs 1 tensor \(output float32 \[1, 3549, 85\]\), the ultraface preset expects 2/);
    expect(yolox.graph.inputs).toEqual([{ name: 'images', type: 'float32', shape: [1, 3, 416, 416] }]);
  });

  it('CLI: --dry-run --json prints the effective manifest and copies nothing; --manifest takes inline JSON', async () => {
    const { spawnSync } = await import('node:child_process');
    const root = path.resolve(__dirname, '../../..');
    const project = path.join(dir, 'cli-project');
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'main/cli/index.ts'), 'models', 'import', ULTRAFACE, '--preset', 'ultraface', '--manifest', '{"thresholds":{"score":0.6}}', '--dry-run', '--json', '--project', project, '--sample', path.join(DATA, 'images/coco139/000000000139.jpg')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dryRun).toBe(true);
    expect(out.manifest).toMatchObject({ adapter: 'ultraface', input: { mean: [127, 127, 127], std: [128, 128, 128] }, thresholds: { score: 0.6, nms: 0.3 } });
    expect(out.graph.outputs.map((o: { name: string }) => o.name)).toEqual(['scores', 'boxes']);
    expect(out.sample.warnings).toEqual([]);
    expect(existsSync(path.join(project, 'models'))).toBe(false);
    expect(readFileSync(ULTRAFACE).length).toBeGreaterThan(0);
  }, 120_000);
});
