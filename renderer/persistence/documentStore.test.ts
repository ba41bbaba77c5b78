/**
 * Crash recovery, for real: a real headless host (in-process) over a real WebSocket, IndexedDB
 * from fake-indexeddb (same Dexie code as the browser). We "kill" the renderer by dropping a store
 * before its debounced save, and "kill" the host by closing it while edits are made.
 */
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHostServices } from '../../main/hostServices';
import { startHeadlessHost, type HeadlessHost } from '../../main/server/headlessHost';
import { createClient } from '../transport/client';
import { nodeWsTransport } from './testing/nodeWsTransport';
import { DatumDB } from './db';
import { DocumentStore } from './documentStore';
import type { ItemDocument } from '../../core/document/schema';

const projectDir = mkdtempSync(path.join(os.tmpdir(), 'recover-'));
writeFileSync(path.join(projectDir, 'a.png'), 'x');
const renderer = mkdtempSync(path.join(os.tmpdir(), 'r-'));
writeFileSync(path.join(renderer, 'index.html'), '');

async function boot(): Promise<{ host: HeadlessHost; itemId: string; url: string }> {
  const s = createHostServices({ userDataDir: null, host: 'headless' });
  await s.projects.create(projectDir);
  await s.projects.refreshIndex(() => {}, new AbortController().signal);
  const host = await startHeadlessHost({ router: s.router, projects: s.projects, rendererDir: renderer, token: 't' });
  const itemId = s.projects.listItems({ offset: 0, limit: 10 }).items[0].id;
  return { host, itemId, url: `ws://127.0.0.1:${host.port}/rpc?token=t` };
}

function docWith(itemId: string, n: number): ItemDocument {
  return {
    schemaVersion: 1,
    itemId,
    status: 'in_progress',
    objects: Array.from({ length: n }, (_, i) => ({
      id: `o${i}`,
      label: 'car',
      frame: 0,
      geometry: { kind: 'box2d' as const, x1: i, y1: i, x2: i + 10, y2: i + 10 },
      attributes: {},
      source: { kind: 'human' as const },
      zOrder: 0,
    })),
    tracks: [],
    pointLabels: [],
  };
}

const hosts: HeadlessHost[] = [];
afterAll(async () => {
  for (const h of hosts) await h.close();
});

describe('DocumentStore crash recovery', () => {
  it('recovers edits after the renderer dies before saving', async () => {
    const { host, itemId, url } = await boot();
    hosts.push(host);
    const db = new DatumDB('recover-renderer');
    const store = new DocumentStore(createClient(nodeWsTransport(url)), projectDir, db, 60_000 /* never fires */);
    await store.commit(itemId, docWith(itemId, 1), 'add', { added: ['o0'] });
    await store.commit(itemId, docWith(itemId, 2), 'add', { added: ['o1'] });
    expect(await store.pendingEdits(itemId)).toBe(2);
    // Renderer killed: the store is gone, nothing reached the host.
    const fresh = new DocumentStore(createClient(nodeWsTransport(url)), projectDir, db);
    const { document, recovered } = await fresh.load(itemId);
    expect(recovered).toBe(true);
    expect(document.objects).toHaveLength(2);
    const onDisk = JSON.parse(readFileSync(path.join(projectDir, 'annotations', `${itemId}.json`), 'utf8'));
    expect(onDisk.objects).toHaveLength(2);
    expect(await fresh.pendingEdits(itemId)).toBe(0);
  });

  it('keeps edits made while the host is down and saves them after it comes back', async () => {
    const first = await boot();
    const db = new DatumDB('recover-host');
    const store = new DocumentStore(createClient(nodeWsTransport(first.url)), projectDir, db, 10);
    await first.host.close(); // host killed
    await store.commit(first.itemId, docWith(first.itemId, 5), 'add', {});
    await new Promise((r) => setTimeout(r, 100)); // the debounced save fails
    expect(await store.pendingEdits(first.itemId)).toBe(1);
    const second = await boot();
    hosts.push(second.host);
    const again = new DocumentStore(createClient(nodeWsTransport(second.url)), projectDir, db);
    const { document, recovered } = await again.load(second.itemId);
    expect(recovered).toBe(true);
    expect(document.objects).toHaveLength(5);
    const onDisk = JSON.parse(readFileSync(path.join(projectDir, 'annotations', `${second.itemId}.json`), 'utf8'));
    expect(onDisk.objects).toHaveLength(5);
  });
});
