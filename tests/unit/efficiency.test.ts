/**
 * The efficiency benchmark's pure parts (tests/bench/efficiency): the KLM cost of an input log,
 * the annotator's correction policy on the editor's own box edits, the prediction-to-target
 * assignment, and the report's threshold sweep and break-even precision.
 */
import { describe, expect, it } from 'vitest';
import type { Cuboid3D } from '../../core/document/schema';
import { bevIoU } from '../../core/lidar/iou';
import { KLM, klmCost, type InputEvent } from '../bench/efficiency/klm';
import { assign, CORRECTION_KEYS, good3d, heightIoU, keepRefit, MAX_CORRECTION_KEYS, nextCorrection, quality3d } from '../bench/efficiency/policy';
import { breakEvenPrecision, renderMarkdown, renderSvg, summarise, thresholdSweep } from '../bench/efficiency/report';
import type { ArmLog } from '../bench/efficiency/armLog';
import { assign2d, iou2d } from '../bench/efficiency/imageArm';
import { polygonIoU, simplifyRing } from '../bench/efficiency/maskArm';
import { centroid, interiorPoint, nextPrompt } from '../bench/efficiency/maskPrompt';
import { qaTriage } from '../bench/efficiency/qaTriage';
import { itemId } from '../../main/services/indexer';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const key = (k: string, repeat = false): InputEvent => ({ t: 0, type: 'key', key: k, repeat });
const down = (x = 0, y = 0): InputEvent => ({ t: 0, type: 'down', x, y, button: 0 });
const up = (path = 0): InputEvent => ({ t: 0, type: 'up', x: 0, y: 0, button: 0, path });

describe('klmCost', () => {
  it('prices a click as pointing plus press and release', () => {
    const c = klmCost([down(), up()], 0);
    expect(c).toMatchObject({ clicks: 1, drags: 0, interactions: 1, homings: 0 });
    expect(c.seconds).toBeCloseTo(KLM.pointing + 2 * KLM.button, 9);
  });

  it('prices a drag as two pointings and reports its path', () => {
    const c = klmCost([down(), up(120)], 0);
    expect(c).toMatchObject({ clicks: 0, drags: 1, dragPx: 120 });
    expect(c.seconds).toBeCloseTo(2 * KLM.pointing + 2 * KLM.button, 9);
  });

  it('charges homing between mouse and keyboard, one M per decision and per new key run, nothing for auto-repeat', () => {
    // click, then ArrowUp x3 (one run), Shift+ArrowLeft (a new run: two keystrokes), an auto-repeat.
    const ev = [down(), up(), key('ArrowUp'), key('ArrowUp'), key('ArrowUp'), key('Shift'), key('ArrowLeft'), key('ArrowLeft', true)];
    const c = klmCost(ev, 1);
    expect(c.keystrokes).toBe(5);
    expect(c.homings).toBe(1);
    expect(c.mentals).toBe(2); // the decision + the switch from ArrowUp to ArrowLeft
    expect(c.interactions).toBe(6);
    expect(c.seconds).toBeCloseTo(KLM.pointing + 2 * KLM.button + 5 * KLM.keystroke + KLM.homing + 2 * KLM.mental, 9);
  });

  it('carries the hand position into a segment', () => {
    expect(klmCost([key('Delete')], 0, 'mouse').homings).toBe(1);
    expect(klmCost([key('Delete')], 0, 'keyboard').homings).toBe(0);
  });

  it('counts wheel notches with one pointing per run', () => {
    const w: InputEvent = { t: 0, type: 'wheel', x: 0, y: 0, dy: 100 };
    const c = klmCost([w, w, w], 0);
    expect(c.wheelNotches).toBe(3);
    expect(c.seconds).toBeCloseTo(KLM.pointing + 3 * KLM.button, 9);
  });
});

const car = (x: number, y: number, yaw = 0, l = 4, w = 1.7, h = 1.5, z = -0.9): Cuboid3D => ({ kind: 'cuboid3d', center: [x, y, z], size: [l, w, h], yaw });

describe('policy', () => {
  it('height IoU is vertical overlap over union', () => {
    expect(heightIoU(car(0, 0, 0, 4, 2, 2, 0), car(0, 0, 0, 4, 2, 2, 1))).toBeCloseTo(1 / 3, 9);
    expect(heightIoU(car(0, 0), car(0, 0))).toBe(1);
    expect(quality3d(car(0, 0), car(0, 0, 0, 4, 1.7, 1.5, 5))).toBe(0);
  });

  it('keyboard corrections reach the bar from typical fit errors within the cap, with the editor\'s own edits', () => {
    const gt = car(12, -3, 0.4);
    const starts = [
      { ...gt, center: [12.6, -2.6, -0.9] as [number, number, number] },
      { ...gt, yaw: 0.4 + (14 * Math.PI) / 180, size: [3.4, 1.6, 1.5] as [number, number, number] },
      { ...gt, yaw: 0.4 + Math.PI / 2, size: [1.7, 4, 1.5] as [number, number, number] }, // heading off by 90°, sides swapped
      { ...gt, center: [12, -3, -0.3] as [number, number, number], size: [4.5, 1.7, 1.0] as [number, number, number] },
    ];
    for (const start of starts) {
      let b = start;
      let keys = 0;
      while (!good3d(b, gt) && keys < MAX_CORRECTION_KEYS) {
        const k = nextCorrection(b, gt);
        expect(k).not.toBeNull();
        b = k!.apply(b);
        keys++;
      }
      expect(good3d(b, gt)).toBe(true);
    }
  });

  it('keeps a re-fit that brings the box closer or to the bar, undoes one that makes it worse', () => {
    const gt = car(12, -3, 0.4);
    const off = { ...gt, center: [12.8, -3, gt.center[2]] as [number, number, number] };
    const nearer = { ...gt, center: [12.3, -3, gt.center[2]] as [number, number, number] };
    const further = { ...gt, center: [13.4, -3, gt.center[2]] as [number, number, number] };
    expect(keepRefit(off, nearer, gt)).toBe(true);
    expect(keepRefit(off, further, gt)).toBe(false);
    expect(keepRefit(off, off, gt)).toBe(false); // no change: nothing gained
    expect(keepRefit(further, gt, gt)).toBe(true);
  });

  it('has every LiDAR nudge, coarse and fine', () => {
    expect(CORRECTION_KEYS).toHaveLength(28);
    expect(new Set(CORRECTION_KEYS.map((k) => k.press)).size).toBe(28);
  });

  it('assigns predictions one to one, best overlap first; the rest are false', () => {
    const targets = [car(10, 0), car(10, 3)];
    const preds = [
      { id: 'a', label: 'car', box: car(10.2, 0) }, // best for target 0
      { id: 'b', label: 'car', box: car(10.8, 0.4) }, // also overlaps target 0, less
      { id: 'c', label: 'pedestrian', box: car(10, 2.8) }, // target 1, wrong class: still close
      { id: 'd', label: 'car', box: car(30, 0) },
    ];
    const a = assign(preds, targets);
    expect(a.byGt.get(0)).toBe('a');
    expect(a.byGt.get(1)).toBe('c');
    expect(a.falsePreds.sort()).toEqual(['b', 'd']);
    expect(bevIoU(preds[1].box, targets[0])).toBeGreaterThan(0.3);
    expect(a.ignored).toEqual([]);
  });

  it('leaves alone an unmatched prediction on a labelled non-target object (bird\'s-eye IoU >= 0.5), like KITTI DontCare', () => {
    const targets = [car(10, 0)];
    const ignore = [car(20, 0), car(40, 0)];
    const preds = [
      { id: 'a', label: 'car', box: car(10, 0) },
      { id: 'b', label: 'car', box: car(20.3, 0) }, // on the small car: ignored
      { id: 'c', label: 'car', box: car(42.5, 0) }, // overlaps the other, but under 0.5: false
      { id: 'd', label: 'car', box: car(30, 0) },
    ];
    expect(bevIoU(preds[2].box, ignore[1])).toBeLessThan(0.5);
    const a = assign(preds, targets, ignore);
    expect(a.byGt.get(0)).toBe('a');
    expect(a.ignored).toEqual(['b']);
    expect(a.falsePreds.sort()).toEqual(['c', 'd']);
    // A prediction that matches a target is the target's, whatever lies around it.
    expect(assign(preds, targets, [car(10, 0)]).byGt.get(0)).toBe('a');
  });
});

describe('report', () => {
  // Decision-only steps cost exactly k x M, which makes the arithmetic checkable by hand.
  const step = (item: string, s: ArmLog['steps'][number]['step'], target: number | null, decisions: number) => ({ item, step: s, target, decisions, events: [], wallMs: 10 });
  const manual: ArmLog = {
    steps: [step('f', 'create', 0, 2), step('f', 'create', 1, 2)],
    targets: [
      { item: 'f', target: 0, outcome: 'created', via: 'fit', quality: 0.8, correctionKeys: 0 },
      { item: 'f', target: 1, outcome: 'created', via: 'fit', quality: 0.8, correctionKeys: 0 },
    ],
    deleted: [],
    errors: [],
  };
  const ai: ArmLog = {
    steps: [step('f', 'delete', null, 1), step('f', 'accept', 0, 1), step('f', 'create', 1, 2)],
    targets: [
      { item: 'f', target: 0, outcome: 'accepted', via: 'prelabel', quality: 0.8, score: 0.9, correctionKeys: 0 },
      { item: 'f', target: 1, outcome: 'created', via: 'fit', quality: 0.8, correctionKeys: 0 },
    ],
    deleted: [{ item: 'f', score: 0.5 }],
    errors: [],
  };

  it('summarises cost per object, by step, with precision', () => {
    const m = summarise('manual', manual, 2);
    const a = summarise('ai-review', ai, 2);
    expect(m.secondsPerObject).toBeCloseTo(2 * KLM.mental, 9);
    expect(a.secondsPerObject).toBeCloseTo(2 * KLM.mental, 9);
    expect(a.predictions).toEqual({ total: 2, accepted: 1, corrected: 0, deleted: 1, precision: 0.5 });
    expect(a.costliestStep).toBe('create');
    expect(m.failures).toBe(0);
  });

  it('recomposes the threshold sweep from per-object costs', () => {
    const [low, mid, high] = thresholdSweep(manual, ai, [0.4, 0.6, 0.95]);
    expect(low.ratioToManual).toBeCloseTo(1, 9); // the false pre-label is paid for
    expect(mid.ratioToManual).toBeCloseTo(0.75, 9); // it is filtered out, the good one kept
    expect(mid.precision).toBe(1);
    expect(high.ratioToManual).toBeCloseTo(1, 9); // no pre-label left: the manual cost
    expect(high.predictions).toBe(0);
  });

  it('shares a step done once for several targets (Shift+Enter) among them in the sweep', () => {
    const both: ArmLog = {
      steps: [step('f', 'accept', 0, 1), step('f', 'accept', 1, 1), { ...step('f', 'accept', null, 2), shared: [{ item: 'f', target: 0 }, { item: 'f', target: 1 }] }],
      targets: [
        { item: 'f', target: 0, outcome: 'accepted', via: 'prelabel', quality: 0.8, score: 0.9, correctionKeys: 0 },
        { item: 'f', target: 1, outcome: 'accepted', via: 'prelabel', quality: 0.8, score: 0.5, correctionKeys: 0 },
      ],
      deleted: [],
      errors: [],
    };
    // Target 0 (0.9) costs M + half the shared 2 M; target 1 (0.5) is dropped at 0.6 and costs its manual 2 M.
    const [all, high] = thresholdSweep(manual, both, [0.4, 0.6]);
    expect(all.secondsPerObject).toBeCloseTo(2 * KLM.mental, 9);
    expect(high.secondsPerObject).toBeCloseTo((2 * KLM.mental + 2 * KLM.mental) / 2, 9);
    expect(summarise('ai', both, 2).byStep.accept?.mentals).toBe(4);
  });

  it('finds the precision at which pre-labels stop paying off', () => {
    const m = summarise('manual', manual, 2);
    const a = summarise('ai-review', ai, 2);
    expect(breakEvenPrecision(m, a, ai)).toBeCloseTo(0.5, 9);
  });

  it('renders the table and the chart', () => {
    const m = summarise('manual', manual, 2);
    const a = { ...summarise('ai-review', ai, 2), ratioToManual: 1 };
    const r = { modality: '3D', dataset: 'd', items: 1, arms: [m, a], sweep: thresholdSweep(manual, ai, [0.4]), target: 0.5, endQuality: {} };
    expect(renderMarkdown(r)).toContain('| ai-review | 2 | 0 (0) |');
    expect(renderMarkdown(r)).toContain('missed; the costliest step of ai-review is "create"');
    expect(renderSvg([r])).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });
});

describe('2D policy', () => {
  it('IoU of boxes', () => {
    expect(iou2d({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 5, y1: 0, x2: 15, y2: 10 })).toBeCloseTo(1 / 3, 9);
    expect(iou2d({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 20, y1: 0, x2: 30, y2: 10 })).toBe(0);
  });

  it('assigns one to one, best first', () => {
    const t = [{ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 100, y1: 0, x2: 120, y2: 20 }];
    const a = assign2d([
      { id: 'a', box: { x1: 1, y1: 0, x2: 10, y2: 10 } },
      { id: 'b', box: { x1: 0, y1: 0, x2: 12, y2: 10 } },
      { id: 'c', box: { x1: 300, y1: 0, x2: 310, y2: 10 } },
    ], t);
    expect(a.byGt.get(0)).toBe('a');
    expect(a.byGt.has(1)).toBe(false);
    expect(a.falsePreds.sort()).toEqual(['b', 'c']);
  });
});

describe('mask arm geometry', () => {
  it('polygon IoU: identical squares 1, half-overlapping 1/3, disjoint 0', () => {
    const sq = (x: number) => [x, 0, x + 10, 0, x + 10, 10, x, 10];
    expect(polygonIoU(sq(0), sq(0))).toBeCloseTo(1, 6);
    expect(polygonIoU(sq(0), sq(5))).toBeCloseTo(1 / 3, 2);
    expect(polygonIoU(sq(0), sq(20))).toBe(0);
  });
  it('Douglas-Peucker drops collinear and near-collinear vertices of a ring, keeps corners', () => {
    const ring = [0, 0, 5, 0.5, 10, 0, 10, 5, 10, 10, 5, 10, 0, 10, 0, 5];
    const s = simplifyRing(ring, 2);
    expect(s.length / 2).toBe(4);
    expect(polygonIoU(s, ring)).toBeGreaterThan(0.95);
    expect(simplifyRing(ring, 0.1).length / 2).toBe(5); // the 0.5 px bump is kept at a fine tolerance
  });
});

describe('mask arm, Segment (AI) prompts (maskPrompt)', () => {
  const rect = (x1: number, y1: number, x2: number, y2: number) => [x1, y1, x2, y1, x2, y2, x1, y2];
  const inRing = (flat: number[], x: number, y: number) => polygonIoU(flat, [x - 0.5, y - 0.5, x + 0.5, y - 0.5, x + 0.5, y + 0.5, x - 0.5, y + 0.5]) > 0;
  it('first click: the centroid of a convex outline', () => {
    const [x, y] = interiorPoint(rect(10, 20, 50, 40));
    expect(x).toBeCloseTo(30, 6);
    expect(y).toBeCloseTo(30, 6);
  });
  it('first click: the pole of inaccessibility when the centroid is outside (a C shape), deep inside the outline', () => {
    // a C: 60 x 60 with a 40 x 40 notch cut from the right; its centroid (22, 30) lies in the notch
    const c = [0, 0, 60, 0, 60, 10, 20, 10, 20, 50, 60, 50, 60, 60, 0, 60];
    const [cx, cy] = centroid(c);
    const [x, y] = interiorPoint(c);
    expect(inRing(c, x, y)).toBe(true);
    expect([x, y]).not.toEqual([cx, cy]);
    // in the C's thick spine (x < 20), near its middle height: at least 5 px from every edge
    expect(x).toBeGreaterThanOrEqual(5);
    expect(x).toBeLessThanOrEqual(15);
  });
  it('next click: positive in the largest missed region, negative in the largest wrong one, null when they agree', () => {
    const gt = rect(0, 0, 40, 20);
    // the mask covers only the left quarter: the missed part (right 3/4) is larger
    const p1 = nextPrompt(gt, rect(0, 0, 10, 20))!;
    expect(p1.label).toBe(1);
    expect(p1.x).toBeGreaterThan(10);
    expect(p1.area).toBe(30 * 20);
    // the mask spills far below the target: the wrong part is larger, the point lies in it
    const p2 = nextPrompt(gt, rect(0, 0, 40, 80))!;
    expect(p2.label).toBe(0);
    expect(p2.y).toBeGreaterThan(20);
    expect(p2.area).toBe(40 * 60);
    // no mask at all: a positive point inside the target
    const p3 = nextPrompt(gt, null)!;
    expect(p3.label).toBe(1);
    expect(inRing(gt, p3.x, p3.y)).toBe(true);
    expect(nextPrompt(gt, gt)).toBeNull();
  });
});

describe('AI + QA question (qaTriage)', () => {
  it('counts which pre-labels the automatic checks flag, sorted by the policy into right and wrong', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qatriage-'));
    try {
      const gt = car(10, 3, 0);
      // What a sensor at the origin sees of the car: its rear face, the side facing it and its roof, on flat ground
      // (box-fit re-fits the box to these); nothing where the false pre-label sits.
      const pts: number[] = [];
      const [cx, cy, cz] = gt.center, [l, w, h] = gt.size, bottom = cz - h / 2;
      for (let i = 0; i < 20; i++) for (let j = 0; j < 15; j++) pts.push(cx - l / 2 + 0.02, cy - w / 2 + 0.05 + (i * (w - 0.1)) / 19, bottom + 0.2 + (j * (h - 0.25)) / 14, 0);
      for (let i = 0; i < 20; i++) for (let j = 0; j < 10; j++) pts.push(cx - l / 2 + 0.1 + (i * (l - 0.2)) / 19, cy - w / 2 + 0.05 + (j * (w - 0.1)) / 9, cz + h / 2 - 0.02, 0);
      for (let i = 0; i < 40; i++) for (let j = 0; j < 15; j++) pts.push(cx - l / 2 + 0.05 + (i * (l - 0.1)) / 39, cy - w / 2 + 0.02, bottom + 0.2 + (j * (h - 0.25)) / 14, 0);
      for (let gx = 2; gx < 40; gx += 0.5) for (let gy = -10; gy < 10; gy += 0.5) {
        if (Math.abs(gx - cx) < l / 2 + 0.3 && Math.abs(gy - cy) < w / 2 + 0.3) continue;
        pts.push(gx, gy, bottom, 0);
      }
      mkdirSync(path.join(dir, 'velodyne'));
      mkdirSync(path.join(dir, 'annotations'));
      writeFileSync(path.join(dir, 'velodyne', '000000.bin'), Buffer.from(new Float32Array(pts).buffer));
      writeFileSync(path.join(dir, 'datum.json'), JSON.stringify({ schemaVersion: 2, name: 't', ontology: { labels: [{ id: 'car', name: 'car', color: '#ff0000', kinds: [], attributes: [] }] }, sources: [{ id: 'main', path: '.' }], settings: {} }));
      const pred = (id: string, box: Cuboid3D) => ({ id, label: 'car', geometry: box, frame: 0, attributes: {}, source: { kind: 'model', model: 'proposals3d', score: 0.9 }, zOrder: 0, updatedAt: 0 });
      const id = itemId('main', 'velodyne/000000.bin');
      writeFileSync(path.join(dir, 'annotations', `${id}.json`), JSON.stringify({ schemaVersion: 1, itemId: id, objects: [pred('right', gt), pred('false', car(30, 8, 0))], tracks: [], pointLabels: [] }));
      const r = qaTriage(dir, [{ stem: '000000', targets: [gt], ignore: [] }]);
      expect(r).toMatchObject({ right: 1, rightFlagged: 0, wrong: 1, wrongFlagged: 1, ignored: 0 });
      expect(r.byCheck).toEqual({ 'box-fit': 1 }); // the empty false box; the car seen as an L (rear + side + roof) is not flagged
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
