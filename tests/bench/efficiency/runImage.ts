/**
 * 2D boxes end to end: the 11 camera images of KITTI tracking drive 0001 (real images, real 2D
 * labels). Targets: cars and vans KITTI counts as "hard" or easier (box height >= 25 px,
 * occlusion <= 2, truncation <= 0.5); the other labelled boxes are not targets, so a pre-label on
 * one of them is deleted (conservative, the AI arm pays). The AI arm's project imports the shipped
 * YOLOX-nano (../shared/data/models/yolox-nano, `datum models import --preset yolox`) and is
 * pre-labelled with `datum prelabel` at the model's default threshold.
 */
import type { Browser } from '@playwright/test';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseKittiLabels } from '../../../core/formats/kitti/labels';
import { itemId } from '../../../main/services/indexer';
import type { AnnotationObject } from '../../../core/document/schema';
import { DATA } from '../../support/lidarData';
import { runCli } from '../../e2e/host';
import { driveArm, makeProject, settledQuality } from './session';
import { iou2d, runImageArm, type Box, type ImageItem } from './imageArm';
import type { ArmLog } from './armLog';
import { MATCH_IOU } from './policy';
import type { EndQuality } from './verify';

const KITTI = path.join(DATA, 'kitti-tracking-0001', 'training');
export const YOLOX_DIR = path.join(DATA, 'models', 'yolox-nano');
export const hasImageData = () => existsSync(path.join(KITTI, 'image_2')) && existsSync(path.join(YOLOX_DIR, 'yolox_nano.onnx'));

export function prepareImageItems(dir: string, limit = Infinity): ImageItem[] {
  mkdirSync(path.join(dir, 'image_2'), { recursive: true });
  const stems = readdirSync(path.join(KITTI, 'image_2')).filter((n) => n.endsWith('.png')).map((n) => n.slice(0, -4)).sort().slice(0, limit);
  return stems.map((stem) => {
    copyFileSync(path.join(KITTI, 'image_2', `${stem}.png`), path.join(dir, 'image_2', `${stem}.png`));
    const targets: Box[] = parseKittiLabels(readFileSync(path.join(KITTI, 'label_2', `${stem}.txt`), 'utf8'), `${stem}.txt`)
      .filter((l) => (l.type === 'Car' || l.type === 'Van') && l.bbox[3] - l.bbox[1] >= 25 && l.occluded <= 2 && l.truncated <= 0.5)
      .map((l) => ({ x1: l.bbox[0], y1: l.bbox[1], x2: l.bbox[2], y2: l.bbox[3] }))
      .sort((a, b) => a.x1 - b.x1);
    return { rel: `image_2/${stem}.png`, stem, targets };
  });
}

function verifyImageProject(dir: string, items: readonly ImageItem[]): EndQuality {
  const source = (JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] }).sources[0].id;
  const r: EndQuality = { targets: 0, covered: 0, falseLeft: 0, pendingLeft: 0 };
  for (const item of items) {
    r.targets += item.targets.length;
    const f = path.join(dir, 'annotations', `${itemId(source, item.rel)}.json`);
    const objs = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { objects: AnnotationObject[] }).objects.filter((o) => o.geometry.kind === 'box2d') : [];
    const labels = objs.filter((o) => o.source.kind !== 'model' || o.accepted);
    r.pendingLeft += objs.length - labels.length;
    const used = new Set<string>();
    for (const t of item.targets) {
      const hit = labels.find((o) => !used.has(o.id) && o.label === 'car' && iou2d(o.geometry as unknown as Box, t) >= MATCH_IOU);
      if (hit) (used.add(hit.id), r.covered++);
    }
    r.falseLeft += labels.length - used.size;
  }
  return r;
}

export interface ImageRun {
  items: ImageItem[];
  logs: Partial<Record<'manual' | 'ai-review', ArmLog>>;
  endQuality: Partial<Record<'manual' | 'ai-review', EndQuality>>;
  untrusted: number;
}

export async function runImageBench(browser: Browser, opts: { limitItems?: number; say?: (l: string) => void } = {}): Promise<ImageRun> {
  const say = opts.say ?? (() => {});
  const base = mkdtempSync(path.join(os.tmpdir(), 'effbench-2d-'));
  const seed = path.join(base, 'seed');
  const items = prepareImageItems(seed, opts.limitItems);
  say(`2D: ${items.length} KITTI tracking images, ${items.reduce((s, i) => s + i.targets.length, 0)} target vehicles`);
  const run: ImageRun = { items, logs: {}, endQuality: {}, untrusted: 0 };
  for (const arm of ['manual', 'ai-review'] as const) {
    const dir = path.join(base, arm);
    cpSync(seed, dir, { recursive: true });
    await makeProject(dir);
    if (arm !== 'manual') {
      const imp = await runCli(['models', 'import', path.join(YOLOX_DIR, 'yolox_nano.onnx'), '--preset', 'yolox', '--classes', path.join(YOLOX_DIR, 'coco_classes.txt'), '--project', dir, '--json']);
      if (imp.code !== 0) throw new Error(`datum models import failed: ${imp.stderr || imp.stdout}`);
      const id = (JSON.parse(imp.stdout) as { id?: string; model?: { id: string } }).id ?? (JSON.parse(imp.stdout) as { model: { id: string } }).model.id;
      const r = await runCli(['prelabel', dir, '--model', id, '--json'], { DATUM_INFERENCE_PROVIDERS: 'cpu' });
      if (r.code !== 0) throw new Error(`datum prelabel failed: ${r.stderr || r.stdout}`);
      say(`2D ${arm}: ${JSON.parse(r.stdout).predictions} pre-labels (${id})`);
    }
    const d = await driveArm(browser, dir, `2D ${arm}`, async (page) => {
      const log = await runImageArm(page, items, arm !== 'manual');
      return { log, quality: await settledQuality(() => verifyImageProject(dir, items), (q) => q.pendingLeft === 0) };
    });
    run.logs[arm] = d.result.log;
    run.endQuality[arm] = d.result.quality;
    run.untrusted += d.untrusted;
    say(`2D ${arm}: done in ${d.seconds.toFixed(0)} s`);
  }
  return run;
}
