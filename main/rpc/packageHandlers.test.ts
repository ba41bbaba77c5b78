/**
 * `package.*` through the real router and handlers (what the Merge package dialog calls), on the
 * real-data fixture: export from the app, inspect (nothing written), merge with a decision per
 * conflict, outputs checked by the contract's schemas; a package outside the open project and the
 * allowed folders is FORBIDDEN; predictions name the models pre-labelling needs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostServices, type HostServices } from '../hostServices';
import { hasSampleData, homeProject } from '../services/packages/testing/fixture';
import { readPackage } from '../services/packages/container';
import { ReviewService } from '../services/review';

describe.skipIf(!hasSampleData)('package RPC surface', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'datum-pkg-rpc-'));
  const dir = path.join(tmp, 'home');
  let host: HostServices;
  let image: string;
  beforeAll(async () => {
    (await homeProject(dir)).close();
    host = createHostServices({ userDataDir: null, host: 'headless', demoDir: path.join(tmp, 'demo') });
    await host.projects.open(dir);
    await host.projects.refreshIndex(() => {}, new AbortController().signal);
    image = host.projects.listItems({ offset: 0, limit: 100 }).items.find((i) => i.modality === 'image')!.id;
  }, 60_000);
  afterAll(async () => {
    await host?.models.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exports, inspects and merges through the router', async () => {
    const conn = host.router.connect(() => {});
    // A pending prediction of the built-in 3D proposals: the package names that model with its source.
    const doc = await host.projects.loadAnnotations(image);
    const pred = { ...doc.objects[0], id: 'pred-1', source: { kind: 'model' as const, model: 'proposals3d@1', score: 0.8 } };
    await new ReviewService(host.projects).saveFromEditor(image, { ...doc, objects: [...doc.objects, pred] }, undefined, doc.revision ?? 0);

    const file = path.join(dir, 'out.datumpkg');
    const r = await conn.call('package.export', { path: file, items: [image] });
    expect('result' in r && r.result).toMatchObject({ items: 1, data: 'embedded', models: ['proposals3d'] });
    expect((await readPackage(file)).manifest.models[0]).toMatchObject({ id: 'proposals3d', source: 'app' });

    const plan = await conn.call('package.inspect', { path: file });
    expect('result' in plan && plan.result).toMatchObject({ items: 1, counts: { takeTheirs: 0, conflicts: 0 }, conflicts: [] });
    const merged = await conn.call('package.merge', { path: file, decisions: {} });
    expect('result' in merged && merged.result).toMatchObject({ written: 0, unchanged: 1 });

    const outside = await conn.call('package.inspect', { path: path.join(tmp, 'elsewhere.datumpkg') });
    expect('error' in outside && outside.error.code).toBe('FORBIDDEN');
    const relative = await conn.call('package.merge', { path: 'out.datumpkg' });
    expect('error' in relative && relative.error.code).toBe('BAD_REQUEST');
    conn.close();
  });
});
