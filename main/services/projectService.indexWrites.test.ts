import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as atomic from './atomicWrite';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';

vi.mock('./atomicWrite', async (importOriginal) => {
  const real = await importOriginal<typeof atomic>();
  return { ...real, atomicWriteJson: vi.fn(real.atomicWriteJson) };
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-index-writes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('project index writes', () => {
  it('coalesces the index writes of many status changes, and the index on disk ends with every change', async () => {
    for (let i = 0; i < 40; i++) writeFileSync(path.join(dir, `img${i}.jpg`), '');
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir, 'index writes');
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const items = projects.listItems({ offset: 0, limit: 100 } as never).items;
    expect(items).toHaveLength(40);
    const writes = vi.mocked(atomic.atomicWriteJson);
    writes.mockClear();
    // The index write that starts first is held until every save has been made, so the count does
    // not depend on how the saves interleave on a loaded machine: without coalescing every status
    // change queues its own write behind it (40), with it one more write carries them all.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const real = writes.getMockImplementation()!;
    writes.mockImplementation(async (target, value) => {
      if (String(target).endsWith(path.join('.datum', 'index.json'))) await held;
      return real(target, value);
    });
    // what pre-labelling does: one save per image, each moving the item from new to in_progress
    const saves = Promise.all(items.map(async (item) => {
      const doc = await projects.loadAnnotations(item.id);
      await projects.saveAnnotations(item.id, { ...doc, status: 'in_progress' });
    }));
    // the saves do not wait for the index write (they would deadlock on the held write otherwise)
    await Promise.race([saves, new Promise((r) => setTimeout(r, 2000))]);
    release();
    await saves;
    // the last save's index write may still be running: a refresh waits for it (writes are serialized)
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const indexWrites = writes.mock.calls.filter(([target]) => target.endsWith(path.join('.datum', 'index.json'))).length;
    expect(indexWrites).toBeGreaterThanOrEqual(2); // at least one for the saves, one for the refresh
    expect(indexWrites).toBeLessThanOrEqual(3); // the held one, the coalesced one, the refresh's (was one per status change: 40)
    const onDisk = JSON.parse(readFileSync(path.join(dir, '.datum', 'index.json'), 'utf8')) as { items: { status: string }[] };
    expect(onDisk.items.map((i) => i.status)).toEqual(items.map(() => 'in_progress'));
  });
});
