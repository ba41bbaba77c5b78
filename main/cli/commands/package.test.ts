/**
 * `datum package` through the CLI entry point, on the real-data fixture: export by items, verify,
 * import, a conflict made on both sides, merge refusing (exit 3, nothing written) and then
 * `--resolve theirs`; argument errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../index';
import { PathGuard } from '../../services/pathGuard';
import { ProjectService } from '../../services/projectService';
import { ReviewService } from '../../services/review';
import { hasSampleData, homeProject } from '../../services/packages/testing/fixture';
import type { ItemDocument } from '../../../core/document/schema';

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  try {
    return { code: await main(args), out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

async function edit(dir: string, itemId: string, f: (d: ItemDocument) => ItemDocument): Promise<void> {
  const p = new ProjectService(new PathGuard());
  await p.open(dir);
  await p.refreshIndex(() => {}, new AbortController().signal);
  const doc = await p.loadAnnotations(itemId);
  await new ReviewService(p).saveFromEditor(itemId, f(doc), undefined, doc.revision ?? 0);
  p.close();
}

describe.skipIf(!hasSampleData)('datum package', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'datum-cli-pkg-'));
  const home = path.join(tmp, 'home');
  let ids: string[];
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  beforeAll(async () => {
    const p = await homeProject(home);
    ids = p.listItems({ offset: 0, limit: 100 }).items.filter((i) => i.modality === 'image').map((i) => i.id);
    p.close();
  }, 60_000);

  it('export, verify, import, merge with a conflict', async () => {
    const pkg = path.join(tmp, 'a.datumpkg');
    const e = await run(['package', 'export', home, '--items', ids.slice(0, 2).join(','), pkg, '--json']);
    expect(e.code, e.out).toBe(0);
    expect(JSON.parse(e.out)).toMatchObject({ items: 2, data: 'embedded' });
    const v = await run(['package', 'verify', pkg]);
    expect(v.out).toMatch(/^ok: .* 2 items, \d+ entries verified/);
    const off = path.join(tmp, 'off');
    expect((await run(['package', 'import', pkg, off])).code).toBe(0);

    const shift = (d: ItemDocument, dx: number): ItemDocument => ({ ...d, objects: d.objects.map((o, i) => (i === 0 && o.geometry.kind === 'box2d' ? { ...o, geometry: { ...o.geometry, x1: o.geometry.x1 + dx } } : o)) });
    await edit(off, ids[0], (d) => shift(d, 5));
    await edit(home, ids[0], (d) => shift(d, -5));
    const back = path.join(tmp, 'back.datumpkg');
    expect((await run(['package', 'export', off, '--filter', 'modality=image', back])).code).toBe(0);

    const refused = await run(['package', 'merge', home, back]);
    expect(refused.code).toBe(3);
    expect(refused.out).toMatch(/conflict [0-9a-f]{16}\/object:\S+ .*changed-both/);
    expect(refused.out).toMatch(/nothing written: 1 conflict/);
    const ok = await run(['package', 'merge', home, back, '--resolve', 'theirs', '--json']);
    expect(ok.code, ok.out).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ written: 1, unchanged: 1 });
    const again = await run(['package', 'merge', home, back, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ written: 0, unchanged: 2 });
  }, 60_000);

  it('argument errors', async () => {
    expect((await run(['package', 'export', home, path.join(tmp, 'x.datumpkg')])).out).toMatch(/exactly one of --job, --items or --filter/);
    expect((await run(['package', 'export', home, '--filter', 'colour=red', path.join(tmp, 'x.datumpkg')])).out).toMatch(/unknown key "colour"/);
    expect((await run(['package', 'merge', home, path.join(tmp, 'none.datumpkg'), '--resolve', 'maybe'])).out).toMatch(/--resolve takes ours, theirs or ask/);
    expect((await run(['package', 'verify', path.join(tmp, 'none.datumpkg')])).code).toBe(1);
  });
});
