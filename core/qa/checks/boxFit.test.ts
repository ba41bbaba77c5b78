/**
 * box-fit on synthetic hard scenes the model was not fitted on (tests/tools/boxfit-fit.ts fits on
 * seeds 1–4 of each family; these are seeds 7 and 8): the shipped proposals as pre-labels, sorted
 * right / wrong by the efficiency bench's policy against the scene's exact ground truth.
 */
import { describe, expect, it } from 'vitest';
import type { AnnotationObject, Cuboid3D } from '../../document/schema';
import { proposeBoxes } from '../../lidar/propose';
import { nearFarScene, parkedRowsScene } from '../../../tests/support/hardScenes';
import { assign, good3d, MIN_POINTS } from '../../../tests/bench/efficiency/policy';
import { documentToQaItem, runQa } from '../index';

const scenes = [parkedRowsScene(7), nearFarScene(7), parkedRowsScene(8), nearFarScene(8)];
const asPrelabel = (id: string, label: string, box: Cuboid3D): AnnotationObject => ({ id, label, frame: 0, attributes: {}, zOrder: 0, source: { kind: 'model', model: 'proposals3d', score: 0.9 }, geometry: box });
const flaggedIds = (objects: AnnotationObject[], cloud: { positions: Float32Array; count: number }, config = {}) =>
  new Set(runQa([documentToQaItem({ objects, tracks: [] }, { id: 'x', name: 'x', points: () => cloud })], { labels: [] }, config).filter((f) => f.check === 'box-fit').map((f) => f.object));

describe('box-fit', () => {
  const judged = scenes.map((s) => {
    const props = proposeBoxes(s.cloud.positions, s.cloud.count);
    const targets = s.vehicles.filter((v) => (v.label === 'car' || v.label === 'van') && v.points >= MIN_POINTS).map((v) => v.box);
    const ignore = s.vehicles.map((v) => v.box).filter((b) => !targets.includes(b));
    const plan = assign(props.map((p, i) => ({ id: `p${i}`, label: p.label, box: p.box })), targets, ignore);
    const gtOf = new Map([...plan.byGt].map(([g, id]) => [id, g]));
    const objects = props.map((p, i) => asPrelabel(`p${i}`, p.label, p.box));
    const right = objects.filter((o) => gtOf.has(o.id) && o.label === 'car' && good3d(o.geometry as Cuboid3D, targets[gtOf.get(o.id)!])).map((o) => o.id);
    const wrong = objects.filter((o) => !right.includes(o.id) && !plan.ignored.includes(o.id)).map((o) => o.id);
    return { s, objects, right, wrong, flagged: flaggedIds(objects, s.cloud) };
  });

  it('flags most wrong pre-labels and few right ones (held-out synthetic scenes, n >= 30 right)', () => {
    const right = judged.reduce((n, j) => n + j.right.length, 0), wrong = judged.reduce((n, j) => n + j.wrong.length, 0);
    const rightFlagged = judged.reduce((n, j) => n + j.right.filter((id) => j.flagged.has(id)).length, 0);
    const wrongFlagged = judged.reduce((n, j) => n + j.wrong.filter((id) => j.flagged.has(id)).length, 0);
    expect(right).toBeGreaterThanOrEqual(30);
    expect(wrong).toBeGreaterThanOrEqual(10);
    expect(wrongFlagged / wrong).toBeGreaterThanOrEqual(0.5);
    expect(rightFlagged / right).toBeLessThanOrEqual(0.2);
  });

  it('flags right pre-labels once they are moved off their car, turned across it or sunk into the ground', () => {
    let n = 0, flagged = 0;
    for (const j of judged) {
      const ok = j.objects.filter((o) => j.right.includes(o.id) && !j.flagged.has(o.id));
      const spoilt = ok.flatMap((o) => {
        const b = o.geometry as Cuboid3D;
        const side: [number, number] = [-Math.sin(b.yaw), Math.cos(b.yaw)];
        return [
          asPrelabel(`${o.id}-moved`, o.label, { ...b, center: [b.center[0] + side[0] * 1.2, b.center[1] + side[1] * 1.2, b.center[2]] }),
          asPrelabel(`${o.id}-turned`, o.label, { ...b, yaw: b.yaw + Math.PI / 2 }),
          asPrelabel(`${o.id}-sunk`, o.label, { ...b, center: [b.center[0], b.center[1], b.center[2] - 0.6] }),
        ];
      });
      const f = flaggedIds(spoilt, j.s.cloud);
      n += spoilt.length;
      flagged += spoilt.filter((o) => f.has(o.id)).length;
    }
    expect(n).toBeGreaterThanOrEqual(30);
    expect(flagged / n).toBeGreaterThanOrEqual(0.9);
  });

  it('says why, judges only pre-labels by default, and honours the bar and the enable flag', () => {
    const j = judged.find((x) => x.wrong.some((id) => x.flagged.has(id)))!;
    const id = j.wrong.find((w) => j.flagged.has(w))!;
    const o = j.objects.find((x) => x.id === id)!;
    const f = runQa([documentToQaItem({ objects: [o], tracks: [] }, { id: 'x', name: 'x', points: () => j.s.cloud })], { labels: [] }).find((x) => x.check === 'box-fit')!;
    expect(f).toMatchObject({ severity: 'warning', object: id, frame: 0 });
    expect(f.message).toMatch(/likely wrong \(\d+ %\).*points inside at \d+ m/);
    const human = { ...o, source: { kind: 'human' as const } };
    expect(flaggedIds([human], j.s.cloud).size).toBe(0);
    expect(flaggedIds([human], j.s.cloud, { fit: { scope: 'all' } }).size).toBe(1);
    expect(flaggedIds([o], j.s.cloud, { fit: { minSuspicion: 1 } }).size).toBe(0);
    expect(flaggedIds([o], j.s.cloud, { fit: { enabled: false } }).size).toBe(0);
  });
});
