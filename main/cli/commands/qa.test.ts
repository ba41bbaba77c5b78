import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../index';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import { emptyDocument, type Cuboid3D, type Ontology } from '../../../core/document/schema';

const car = (x: number, y: number): Cuboid3D => ({ kind: 'cuboid3d', center: [x, y, 0.8], size: [4.2, 1.8, 1.6], yaw: 0 });

/** KITTI .bin (x y z intensity) with 200 points inside a car-sized box at (x, 0). */
function cloud(x: number): Buffer {
  const n = 200;
  const f = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) f.set([x - 1.5 + (i % 20) * 0.15, -0.6 + Math.floor(i / 20) * 0.12, 0.3 + (i % 7) * 0.15, 0.5], i * 4);
  return Buffer.from(f.buffer);
}

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(args);
    return { code, out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe('datum qa', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'datum-qa-'));
    mkdirSync(path.join(dir, 'drive'));
    const frames = [0, 1, 2, 3, 4].map((i) => ({ cloud: `${i}.bin` }));
    for (let i = 0; i < 5; i++) writeFileSync(path.join(dir, 'drive', `${i}.bin`), cloud(10 + i * 0.5));
    writeFileSync(path.join(dir, 'drive', 'sequence.json'), JSON.stringify({ kind: 'pointcloud', pointFormat: 'kitti-bin', frames }));
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).png().toFile(path.join(dir, 'street.png'));

    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const ontology: Ontology = {
      labels: [
        { id: 'car', name: 'Car', color: '#ff0000', kinds: ['cuboid3d', 'box2d'], attributes: [] },
        { id: 'sign', name: 'Sign', color: '#00ff00', kinds: ['box2d'], attributes: [{ id: 'kind', name: 'kind', type: 'text', scope: 'track', required: true }] },
      ],
    };
    await projects.updateOntology(ontology);
    const items = projects.listItems({ offset: 0, limit: 100 }).items;
    const seq = items.find((i) => i.modality === 'pointcloud-sequence')!;
    const img = items.find((i) => i.modality === 'image')!;
    const kf = (frame: number, geometry: Cuboid3D) => ({ frame, geometry, outside: false, occluded: false, attributes: {} });
    await projects.saveAnnotations(seq.id, {
      ...emptyDocument(seq.id),
      tracks: [
        // keyed on every frame but 2: a gap; its points are there
        { id: 't1', label: 'car', attributes: {}, source: { kind: 'human' }, zOrder: 0, keyframes: [0, 1, 3, 4].map((f) => kf(f, car(10 + f * 0.5, 0))) },
        // a box over empty space: too few points on every frame
        { id: 't2', label: 'car', attributes: {}, source: { kind: 'human' }, zOrder: 0, keyframes: [0, 1, 2, 3, 4].map((f) => kf(f, car(-20, 15))) },
      ],
    });
    const box = (x1: number, y1: number, x2: number, y2: number) => ({ kind: 'box2d' as const, x1, y1, x2, y2 });
    const o = (id: string, label: string, g: ReturnType<typeof box>, attributes = {}) => ({ id, label, geometry: g, frame: 0, attributes, source: { kind: 'human' as const }, zOrder: 0 });
    await projects.saveAnnotations(img.id, {
      ...emptyDocument(img.id),
      objects: [o('a', 'car', box(10, 10, 30, 30)), o('b', 'car', box(11, 10, 30, 30)), o('s', 'sign', box(50, 5, 70, 20))],
    });
    projects.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints {"findings": [...]} with the documented fields', async () => {
    const { code, out } = await run(['qa', dir, '--json']);
    expect(code).toBe(0);
    const { findings } = JSON.parse(out) as { findings: Array<Record<string, unknown>> };
    for (const f of findings) expect(Object.keys(f).sort()).toEqual(['check', 'frame', 'item', 'message', 'object', 'severity']);
    const got = findings.map((f) => `${f.check}:${f.severity}:${f.frame}:${f.object}`).sort();
    expect(got).toEqual(
      [
        'duplicate:error:0:a',
        'missing-attribute:error:0:s',
        'outside-image:warning:0:s',
        'track-gap:warning:2:t1',
        ...[0, 1, 2, 3, 4].map((f) => `too-few-points:warning:${f}:t2`),
      ].sort(),
    );
  });

  it('reads --config (and qa.json) and --fail-on', async () => {
    const cfg = path.join(dir, 'strict.json');
    writeFileSync(cfg, JSON.stringify({ tracks: { enabled: false }, points: { enabled: false } }));
    const { out } = await run(['qa', dir, '--json', '--config', cfg]);
    const checks = (JSON.parse(out).findings as Array<{ check: string }>).map((f) => f.check).sort();
    expect(checks).toEqual(['duplicate', 'missing-attribute', 'outside-image']);
    writeFileSync(path.join(dir, 'qa.json'), JSON.stringify({ duplicates: { enabled: false } }));
    const second = JSON.parse((await run(['qa', dir, '--json'])).out).findings as Array<{ check: string }>;
    expect(second.some((f) => f.check === 'duplicate')).toBe(false);
    rmSync(path.join(dir, 'qa.json'));
    expect((await run(['qa', dir, '--json', '--fail-on', 'error'])).code).toBe(1);
    writeFileSync(cfg, JSON.stringify({ tracks: { minJump: -1 } }));
    const bad = await run(['qa', dir, '--json', '--config', cfg]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).error.code).toBe('BAD_REQUEST');
  });
});
