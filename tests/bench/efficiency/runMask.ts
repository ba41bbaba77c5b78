/**
 * 2D masks end to end: COCO val2017 image 139 (real image, real COCO polygons,
 * ../shared/data/images/coco139). Targets: its non-crowd single-part annotations with area
 * >= MIN_MASK_AREA px (multi-part ones, e.g. the dining table, are left out: one polygon per
 * object). The polygon arm always; the Segment (AI) arm when a SAM / MobileSAM export is given
 * (EFF_SAM_DIR or opts.samDir), else it is skipped and the run says why (maskArm.ts).
 */
import type { Browser } from '@playwright/test';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { itemId } from '../../../main/services/indexer';
import type { AnnotationObject } from '../../../core/document/schema';
import { DATA } from '../../support/lidarData';
import { driveArm, makeProject } from './session';
import { polygonIoU, runMaskManualArm, runMaskSegmentArm, SamWire, type MaskItem, type SegmentStats } from './maskArm';
import type { ArmLog } from './armLog';
import { MATCH_IOU } from './policy';
import type { EndQuality } from './verify';

const COCO = path.join(DATA, 'images', 'coco139');
export const MIN_MASK_AREA = 200;
export const hasMaskData = () => existsSync(path.join(COCO, '000000000139.jpg')) && existsSync(path.join(COCO, 'instances_val2017_image139.json'));

interface CocoAnn { image_id: number; iscrowd: number; area: number; segmentation: number[][] | object; bbox: number[] }

export function prepareMaskItems(dir: string, limitTargets = Infinity): MaskItem[] {
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  copyFileSync(path.join(COCO, '000000000139.jpg'), path.join(dir, 'images', '000000000139.jpg'));
  const d = JSON.parse(readFileSync(path.join(COCO, 'instances_val2017_image139.json'), 'utf8')) as { images: { id: number; width: number; height: number }[]; annotations: CocoAnn[] };
  const im = d.images[0];
  const targets = d.annotations
    .filter((a) => a.image_id === im.id && !a.iscrowd && Array.isArray(a.segmentation) && a.segmentation.length === 1 && a.area >= MIN_MASK_AREA)
    .sort((a, b) => a.bbox[0] - b.bbox[0])
    .map((a) => (a.segmentation as number[][])[0])
    .slice(0, limitTargets);
  return [{ rel: 'images/000000000139.jpg', stem: '000000000139', width: im.width, height: im.height, targets }];
}

/**
 * A promptable-segment model folder for a project's models/: `samDir` is either one model folder
 * (manifest.json with task promptable-segment, its encoder and decoder) or a models/ folder holding
 * such folders. Returns the models/ layout to copy (source -> name under models/) and the model
 * id, or why there is none.
 */
export function samModels(samDir: string | undefined): { copy: [string, string][]; modelId: string } | { problem: string } {
  if (!samDir) return { problem: 'no SAM weights offline (set EFF_SAM_DIR to a SAM / MobileSAM ONNX export: a model folder with manifest.json, encoder and decoder)' };
  if (!existsSync(samDir)) return { problem: `EFF_SAM_DIR ${samDir} does not exist` };
  const read = (d: string) => {
    const f = path.join(d, 'manifest.json');
    if (!existsSync(f)) return null;
    const m = JSON.parse(readFileSync(f, 'utf8')) as { id?: string; task?: string };
    return m.task === 'promptable-segment' ? m : null;
  };
  const own = read(samDir);
  if (own) return { copy: [[samDir, path.basename(samDir)]], modelId: own.id ?? path.basename(samDir) };
  for (const e of readdirSync(samDir, { withFileTypes: true })) {
    const m = e.isDirectory() ? read(path.join(samDir, e.name)) : null;
    if (m) return { copy: [[samDir, '.']], modelId: m.id ?? e.name };
  }
  return { problem: `EFF_SAM_DIR ${samDir} holds no manifest.json with task "promptable-segment" (docs/models.md)` };
}

/**
 * `segmentModel`: the Segment (AI) arm's model id. Its polygons keep `source: model` without
 * `accepted` (the editor's Enter does not mark them reviewed), but the annotator made and
 * confirmed each one, so they count as labels here, not as pending pre-labels.
 */
function verifyMaskProject(dir: string, items: readonly MaskItem[], segmentModel?: string): EndQuality {
  const source = (JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] }).sources[0].id;
  const r: EndQuality = { targets: 0, covered: 0, falseLeft: 0, pendingLeft: 0 };
  for (const item of items) {
    r.targets += item.targets.length;
    const f = path.join(dir, 'annotations', `${itemId(source, item.rel)}.json`);
    const objs = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { objects: AnnotationObject[] }).objects.filter((o) => o.geometry.kind === 'polygon' || o.geometry.kind === 'mask') : [];
    const labels = objs.filter((o) => o.source.kind !== 'model' || o.accepted || (segmentModel !== undefined && o.source.model === segmentModel));
    r.pendingLeft += objs.length - labels.length;
    const pairs: { g: number; id: string; v: number }[] = [];
    item.targets.forEach((t, g) => labels.forEach((o) => {
      if (o.geometry.kind !== 'polygon') return;
      const v = polygonIoU((o.geometry as { points: number[] }).points, t);
      if (v >= MATCH_IOU) pairs.push({ g, id: o.id, v });
    }));
    pairs.sort((a, b) => b.v - a.v);
    const usedG = new Set<number>(), usedO = new Set<string>();
    for (const p of pairs) if (!usedG.has(p.g) && !usedO.has(p.id)) (usedG.add(p.g), usedO.add(p.id), r.covered++);
    r.falseLeft += labels.length - usedO.size;
  }
  return r;
}

export interface MaskRun {
  items: MaskItem[];
  logs: { manual?: ArmLog; segment?: ArmLog };
  endQuality: { manual?: EndQuality; segment?: EndQuality };
  untrusted: number;
  /** The Segment (AI) arm: how it went, or why it did not run. */
  segment: { stats: SegmentStats; modelId: string } | { skipped: string };
}

export async function runMaskBench(browser: Browser, opts: { limitTargets?: number; say?: (l: string) => void; samDir?: string; arms?: readonly ('manual' | 'segment')[] } = {}): Promise<MaskRun> {
  const say = opts.say ?? (() => {});
  const arms = opts.arms ?? ['manual', 'segment'];
  const base = mkdtempSync(path.join(os.tmpdir(), 'effbench-mask-'));
  const seed = path.join(base, 'seed');
  const items = prepareMaskItems(seed, opts.limitTargets);
  const sam = samModels(opts.samDir ?? process.env.EFF_SAM_DIR);
  say(`2D masks: COCO image 139, ${items.reduce((s, i) => s + i.targets.length, 0)} target outlines (area >= ${MIN_MASK_AREA} px); polygon arm${'problem' in sam ? `; Segment (AI) arm skipped: ${sam.problem}` : ` and Segment (AI) arm (model ${sam.modelId})`}`);
  const run: MaskRun = { items, logs: {}, endQuality: {}, untrusted: 0, segment: 'problem' in sam ? { skipped: sam.problem } : { stats: { kept: [], fallbacks: 0 }, modelId: sam.modelId } };
  if (arms.includes('manual')) {
    const dir = path.join(base, 'manual');
    cpSync(seed, dir, { recursive: true });
    await makeProject(dir);
    const d = await driveArm(browser, dir, '2D masks', async (page) => {
      const log = await runMaskManualArm(page, items);
      return { log, quality: verifyMaskProject(dir, items) };
    });
    run.logs.manual = d.result.log;
    run.endQuality.manual = d.result.quality;
    run.untrusted += d.untrusted;
    say(`2D masks manual: done in ${d.seconds.toFixed(0)} s`);
  }
  if (arms.includes('segment') && !('problem' in sam)) {
    const dir = path.join(base, 'segment');
    cpSync(seed, dir, { recursive: true });
    for (const [from, to] of sam.copy) cpSync(from, path.join(dir, 'models', to), { recursive: true });
    await makeProject(dir);
    let wire: SamWire | undefined;
    const d = await driveArm(
      browser,
      dir,
      '2D masks, Segment (AI)',
      async (page) => {
        const r = await runMaskSegmentArm(page, items, wire!);
        return { ...r, quality: verifyMaskProject(dir, items, sam.modelId) };
      },
      (page) => (wire = new SamWire(page)),
    );
    run.logs.segment = d.result.log;
    run.endQuality.segment = d.result.quality;
    run.untrusted += d.untrusted;
    run.segment = { stats: d.result.stats, modelId: sam.modelId };
    say(`2D masks Segment (AI): done in ${d.seconds.toFixed(0)} s (${d.result.stats.kept.length} kept from the model, ${d.result.stats.fallbacks} drawn with the polygon tool)`);
  }
  return run;
}
