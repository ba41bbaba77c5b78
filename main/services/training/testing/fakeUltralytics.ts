/**
 * Test trainer: a stand-in for the Ultralytics `yolo` command, run as a real child process
 * (`node --import tsx fakeUltralytics.ts detect train data=... epochs=3 ...`). It is not a mock of
 * the back end: the back end spawns it, parses what it prints and imports what it writes.
 *
 *  - `detect train`: reads data.yaml and the YOLO labels the back end exported, prints Ultralytics'
 *    console layout (header, `i/N` batch lines redrawn with \r, a validation `all` line per epoch)
 *    with falling losses, writes `<project>/<name>/results.csv` in Ultralytics' columns and
 *    `weights/best.pt` (JSON here: where the data is).
 *  - `export model=.../best.pt format=onnx imgsz=S`: writes `best.onnx` beside it, a real ONNX
 *    graph (onnx-proto) with YOLOv8's signature (`images` [1, 3, S, S] → `output0` [1, 4 + C, N])
 *    whose output is the first validation image's labels as boxes in letterboxed input pixels at
 *    score 0.9: a model that "learned" that image, so a test can check boxes end to end.
 *
 * Environment: FAKE_EPOCH_MS (sleep per epoch, default 0; also the argument fake_epoch_ms=N), FAKE_SPAWN_CHILD=1 (start a grandchild
 * that sleeps, pid written to `<run>/child.pid`, for the cancel test), FAKE_FAIL=1 (exit 2).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import sharp from 'sharp';
import { buildModel } from '../../inference/testing/onnxGraph';

const args = process.argv.slice(2);
const kv = Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
const words = args.filter((a) => !a.includes('='));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out = (s: string) => process.stdout.write(s);
const f4 = (v: number) => v.toPrecision(4).padStart(11);

async function train(): Promise<void> {
  const dataYaml = kv.data;
  const data = yaml.load(await fs.readFile(dataYaml, 'utf8')) as { train: string; val: string; names: string[] };
  const root = path.dirname(dataYaml);
  const valImages = (await fs.readdir(path.join(root, data.val))).sort();
  const epochs = Number(kv.epochs ?? 3);
  const run = path.join(kv.project ?? 'runs/detect', kv.name ?? 'train');
  await fs.mkdir(path.join(run, 'weights'), { recursive: true });
  await fs.writeFile(path.join(run, 'trainer.pid'), String(process.pid));
  if (process.env.FAKE_SPAWN_CHILD === '1') {
    // A worker the way a data loader forks one: same process group, outlives nothing on its own.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await fs.writeFile(path.join(run, 'child.pid'), String(child.pid));
  }
  out(`Ultralytics 8.3.0 🚀 Python-3.11 torch-2.5.0 CPU (fake trainer for tests)\n`);
  out(`train: Scanning ${root}/labels/train... ${valImages.length} images\n`);
  if (process.env.FAKE_FAIL === '1') {
    process.stderr.write('RuntimeError: fake failure for tests\n');
    process.exit(2);
  }
  const csv = ['                  epoch,         train/box_loss,         train/cls_loss,         train/dfl_loss,   metrics/precision(B),      metrics/recall(B),       metrics/mAP50(B),    metrics/mAP50-95(B)'];
  out(`\n${['Epoch', 'GPU_mem', 'box_loss', 'cls_loss', 'dfl_loss', 'Instances', 'Size'].map((s) => s.padStart(11)).join('')}\n`);
  const batches = 4;
  for (let e = 1; e <= epochs; e++) {
    const box = 2 / (1 + e * 0.5), cls = 3 / (1 + e * 0.6), dfl = 1.5 / (1 + e * 0.2);
    for (let b = 1; b <= batches; b++) {
      out(`\r${`${e}/${epochs}`.padStart(11)}${'0G'.padStart(11)}${f4(box)}${f4(cls)}${f4(dfl)}${'12'.padStart(11)}${String(kv.imgsz ?? 640).padStart(11)}: ${Math.round((b / batches) * 100)}%|███| ${b}/${batches} [00:01<00:00,  1.00it/s]`);
      await sleep(Number(kv.fake_epoch_ms ?? process.env.FAKE_EPOCH_MS ?? 0) / batches);
    }
    out('\n');
    const p = 0.3 + 0.5 * (e / epochs), r = 0.2 + 0.5 * (e / epochs), m50 = 0.25 + 0.5 * (e / epochs), m = 0.1 + 0.4 * (e / epochs);
    out(`${'Class'.padStart(22)}${['Images', 'Instances', 'Box(P', 'R', 'mAP50', 'mAP50-95)'].map((s) => s.padStart(11)).join('')}: 100%|███| 1/1\n`);
    out(`${'all'.padStart(22)}${String(valImages.length).padStart(11)}${'9'.padStart(11)}${[p, r, m50, m].map((v) => v.toPrecision(3).padStart(11)).join('')}\n`);
    csv.push([e, box, cls, dfl, p, r, m50, m].map((v) => String(Number(v.toFixed(5))).padStart(23)).join(','));
    await fs.writeFile(path.join(run, 'results.csv'), csv.join('\n') + '\n');
  }
  await fs.writeFile(path.join(run, 'weights', 'best.pt'), JSON.stringify({ data: path.resolve(dataYaml) }));
  out(`\n${epochs} epochs completed in 0.001 hours.\nResults saved to ${run}\n`);
}

async function exportOnnx(): Promise<void> {
  const weights = kv.model;
  const { data: dataYaml } = JSON.parse(await fs.readFile(weights, 'utf8')) as { data: string };
  const data = yaml.load(await fs.readFile(dataYaml, 'utf8')) as { val: string; names: string[] };
  const root = path.dirname(dataYaml);
  const size = Number(kv.imgsz ?? 640);
  const nc = data.names.length;
  const image = (await fs.readdir(path.join(root, data.val))).sort()[0];
  const meta = await sharp(path.join(root, data.val, image)).metadata();
  const labelFile = path.join(root, data.val.replace(/^images/, 'labels'), image.replace(/\.[^.]+$/, '.txt'));
  const lines = (await fs.readFile(labelFile, 'utf8')).split('\n').filter(Boolean).map((l) => l.split(' ').map(Number));
  // Letterbox as YOLOv8 (scale to fit, pad centred): normalized label -> input pixels.
  const W = meta.width!, H = meta.height!;
  const s = Math.min(size / W, size / H);
  const padX = (size - W * s) / 2, padY = (size - H * s) / 2;
  const n = Math.max(8, lines.length);
  const outData = new Float32Array((4 + nc) * n);
  lines.forEach(([cls, cx, cy, w, h], i) => {
    outData[i] = cx * W * s + padX;
    outData[n + i] = cy * H * s + padY;
    outData[2 * n + i] = w * W * s;
    outData[3 * n + i] = h * H * s;
    outData[(4 + cls) * n + i] = 0.9;
  });
  // images -> ReduceMean (keeps the input in the graph) ; output0 = constant + 0 * mean.
  const onnx = buildModel({
    inputs: [{ name: 'images', dims: [1, 3, size, size] }],
    outputs: [{ name: 'output0', dims: [1, 4 + nc, n] }],
    initializers: [
      { name: 'learned', dims: [1, 4 + nc, n], data: outData },
      { name: 'zero', dims: [1], data: new Float32Array([0]) },
    ],
    nodes: [
      { op: 'ReduceMean', inputs: ['images'], outputs: ['mean'], attrs: { keepdims: 0 } },
      { op: 'Mul', inputs: ['mean', 'zero'], outputs: ['nothing'] },
      { op: 'Add', inputs: ['learned', 'nothing'], outputs: ['output0'] },
    ],
  });
  const target = weights.replace(/\.pt$/, '.onnx');
  await fs.writeFile(target, onnx);
  out(`ONNX: export success ✅ 0.1s, saved as '${target}' (${(onnx.length / 1024).toFixed(1)} KB)\n`);
}

const main = words.includes('export') ? exportOnnx : words.includes('train') ? train : null;
if (!main) {
  process.stderr.write(`usage: fakeUltralytics detect train data=... | export model=... (got ${args.join(' ')})\n`);
  process.exit(64);
}
main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
