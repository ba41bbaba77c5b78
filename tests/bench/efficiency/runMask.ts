/**
 * 2D masks end to end: COCO val2017 image 139 (real image, real COCO polygons,
 * ../shared/data/images/coco139). Targets: its non-crowd single-part annotations with area
 * >= MIN_MASK_AREA px (multi-part ones, e.g. the dining table, are left out: one polygon per
 * object). Manual arm only (maskArm.ts says why there is no Segment (AI) arm).
 */
import type { Browser } from '@playwright/test';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { itemId } from '../../../main/services/indexer';
import type { AnnotationObject } from '../../../core/document/schema';
import { DATA } from '../../support/lidarData';
import { driveArm, makeProject } from './session';
import { polygonIoU, runMaskManualArm, type MaskItem } from './maskArm';
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

function verifyMaskProject(dir: string, items: readonly MaskItem[]): EndQuality {
  const source = (JSON.parse(readFileSync(path.join(dir, 'datum.json'), 'utf8')) as { sources: { id: string }[] }).sources[0].id;
  const r: EndQuality = { targets: 0, covered: 0, falseLeft: 0, pendingLeft: 0 };
  for (const item of items) {
    r.targets += item.targets.length;
    const f = path.join(dir, 'annotations', `${itemId(source, item.rel)}.json`);
    const objs = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as { objects: AnnotationObject[] }).objects.filter((o) => o.geometry.kind === 'polygon' || o.geometry.kind === 'mask') : [];
    const labels = objs.filter((o) => o.source.kind !== 'model' || o.accepted);
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
  logs: { manual?: ArmLog };
  endQuality: { manual?: EndQuality };
  untrusted: number;
}

export async function runMaskBench(browser: Browser, opts: { limitTargets?: number; say?: (l: string) => void } = {}): Promise<MaskRun> {
  const say = opts.say ?? (() => {});
  const base = mkdtempSync(path.join(os.tmpdir(), 'effbench-mask-'));
  const seed = path.join(base, 'seed');
  const items = prepareMaskItems(seed, opts.limitTargets);
  say(`2D masks: COCO image 139, ${items.reduce((s, i) => s + i.targets.length, 0)} target outlines (area >= ${MIN_MASK_AREA} px); manual polygon arm only (no SAM weights offline)`);
  const run: MaskRun = { items, logs: {}, endQuality: {}, untrusted: 0 };
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
  return run;
}
