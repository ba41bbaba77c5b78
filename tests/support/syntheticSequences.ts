/**
 * Generated LiDAR sequences with known motion, ray-cast by the demo's virtual 32-beam LiDAR
 * (main/services/demo/scene.ts: ground plane, boxes, range noise), each cloud in the moving
 * sensor's own frame as real drives are. Scenarios:
 *  - parked: the ego drives at 10 m/s down a street with two rows of parked cars and buildings;
 *  - traffic: the ego follows a car at its speed, an oncoming car passes, another overtakes;
 *  - turning: a car drives a 12 m-radius curve (0.08 rad per frame) while the ego turns gently;
 *  - occlusion: a car passes behind a parked van (hidden for a few frames), static sensor.
 * Labels are the true boxes (car-* only; walls and the van are scenery), times in 10 Hz frames.
 * Test/bench only.
 */
import type { Cuboid3D } from '../../core/document/schema';
import { invertRigid, transformCuboid, type Rigid2D } from '../../core/lidar/egoMotion';
import { pointsInBox } from '../../core/lidar/box';
import { lidarScan, SENSOR_HEIGHT, type SceneBox } from '../../main/services/demo/scene';
import type { LabelledSequence, SequenceFrame } from './trackScenes';

interface WorldBox {
  id: string;
  label: 'car' | 'scenery';
  box: Cuboid3D;
}

const GROUND = -SENSOR_HEIGHT;
const car = (id: string, x: number, y: number, yaw: number, l = 4.3, w = 1.8, h = 1.5): WorldBox => ({
  id, label: 'car', box: { kind: 'cuboid3d', center: [x, y, GROUND + h / 2], size: [l, w, h], yaw },
});
const block = (id: string, x: number, y: number, l: number, w: number, h = 2.8, yaw = 0): WorldBox => ({
  id, label: 'scenery', box: { kind: 'cuboid3d', center: [x, y, GROUND + h / 2], size: [l, w, h], yaw },
});

/** Buildings with gaps and a few poles along both sides of a street running along x. */
function street(x0: number, x1: number, side = 11): WorldBox[] {
  const out: WorldBox[] = [];
  let k = 0;
  for (let x = x0; x < x1; x += 17) {
    out.push(block(`b${k++}`, x + 6, side, 12, 3), block(`b${k++}`, x + 2, -side - 1, 10 + (k % 3) * 2, 3));
    out.push(block(`p${k++}`, x + 13, side - 3, 0.3, 0.3), block(`p${k++}`, x + 9, -side + 2.5, 0.3, 0.3));
  }
  return out;
}

function render(name: string, frames: number, egoAt: (f: number) => Rigid2D, worldAt: (f: number) => WorldBox[]): LabelledSequence {
  const out: SequenceFrame[] = [];
  for (let f = 0; f < frames; f++) {
    // World → sensor: the inverse of the ego pose.
    const toSensor = invertRigid(egoAt(f));
    const boxes = worldAt(f).map((w) => ({ ...w, box: transformCuboid(w.box, toSensor) }));
    const scene: SceneBox[] = boxes.map((b) => ({
      trackId: b.id, label: 'car', center: b.box.center, size: b.box.size, yaw: b.box.yaw, color: [0, 0, 0],
    }));
    const scan = lidarScan(scene, 1000 + f, 32, 1800);
    const count = scan.length / 4;
    const positions = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) positions.set(scan.subarray(i * 4, i * 4 + 3), i * 3);
    const labels = boxes
      .filter((b) => b.label === 'car' && Math.hypot(b.box.center[0], b.box.center[1]) < 60)
      .map((b) => ({ trackId: b.id, label: 'Car', box: b.box, points: pointsInBox(positions, count, b.box) }));
    out.push({ name: `${name}-${f}`, time: f, cloud: { positions, count }, labels });
  }
  return { name: `synthetic-${name}`, frames: out };
}

function parked(): LabelledSequence {
  const cars: WorldBox[] = [];
  for (let i = 0; i < 9; i++) cars.push(car(`L${i}`, -10 + i * 6.2 + (i % 2) * 0.4, 5.2, 0.02 * (i % 3)), car(`R${i}`, -6 + i * 6.5, -5.4, Math.PI + 0.03 * (i % 2)));
  const scenery = street(-40, 80);
  return render('parked', 12, (f) => ({ yaw: 0, tx: f * 1.0, ty: 0 }), () => [...cars, ...scenery]);
}

function traffic(): LabelledSequence {
  const scenery = [...street(-40, 120), ...[0, 1, 2, 3].map((i) => car(`P${i}`, 10 + i * 14, -6, 0))];
  return render('traffic', 12, (f) => ({ yaw: 0, tx: f * 0.8, ty: 0 }), (f) => [
    car('lead', 12 + f * 0.8, 0, 0),
    car('oncoming', 45 - f * 1.1, 3.5, Math.PI, 4.6, 1.9, 1.6),
    car('overtaker', -12 + f * 1.4, 3.3, 0, 4.0, 1.75, 1.45),
    ...scenery.map((s) => ({ ...s, label: s.id.startsWith('P') ? ('car' as const) : s.label })),
  ]);
}

function turning(): LabelledSequence {
  const r = 12, w = 0.08;
  const scenery = [block('w1', 10, 22, 30, 2), block('w2', -8, 8, 2, 20), block('w3', 30, -6, 3, 25), block('k', 6, -10, 6, 6)];
  return render('turning', 12, (f) => ({ yaw: 0.02 * f, tx: f * 0.5, ty: 0.005 * f * f }), (f) => {
    const a = -Math.PI / 2 + w * f;
    return [car('turner', 14 + r * Math.cos(a), r + r * Math.sin(a) - 4, a + Math.PI / 2), car('parked-t', 4, -5, 0.3), ...scenery];
  });
}

function occlusion(): LabelledSequence {
  const scenery = [block('van', 9, 4.5, 5.5, 2.1, 2.6), block('w', 0, 16, 40, 2), block('w2', -15, 0, 2, 30), block('w3', 22, -9, 14, 2)];
  return render('occlusion', 12, () => ({ yaw: 0, tx: 0, ty: 0 }), (f) => [car('passer', -2 + f * 1.2, 8.5, 0), car('still', 6, -5, -0.4), ...scenery]);
}

export function syntheticSequences(): LabelledSequence[] {
  return [parked(), traffic(), turning(), occlusion()];
}
