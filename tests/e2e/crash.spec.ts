/**
 * Kill the host (SIGKILL) while it saves a large annotation document: the file on disk must be
 * the old version or the new one, never a torn mix, and the host must open the project again.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { runCli, startHost } from './host';

function bigDoc(itemId: string, version: string, n: number) {
  return {
    schemaVersion: 1,
    itemId,
    status: 'in_progress',
    objects: Array.from({ length: n }, (_, i) => ({
      id: `${version}-${i}`,
      label: 'car',
      frame: 0,
      geometry: { kind: 'polygon', points: Array.from({ length: 40 }, (_, k) => i + k * 0.5) },
      attributes: { note: version },
    })),
    tracks: [],
    pointLabels: [],
  };
}

test('SIGKILL during a large save never tears the document', async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'crash-')), 'demo');
  expect((await runCli(['demo', dir])).code).toBe(0);
  for (let round = 0; round < 4; round++) {
    const host = await startHost([dir]);
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/rpc?token=${host.token}`, { origin: host.origin });
    await new Promise((r) => ws.once('open', r));
    let nextId = 1;
    const call = (method: string, params: unknown) =>
      new Promise<any>((resolve) => {
        const id = nextId++;
        const onMsg = (raw: WebSocket.RawData) => {
          const m = JSON.parse(String(raw));
          if (m.id === id) {
            ws.off('message', onMsg);
            resolve(m);
          }
        };
        ws.on('message', onMsg);
        ws.send(JSON.stringify({ id, method, params }));
      });
    await call('index.refresh', { jobId: 'i' });
    const items = (await call('items.list', {})).result.items;
    const itemId = items[0].id;
    const file = path.join(dir, 'annotations', `${itemId}.json`);
    // Establish a known "old" version on disk.
    const saved = await call('annotations.save', { itemId, document: bigDoc(itemId, `old${round}`, 200) });
    expect(saved.result.savedAt).toBeGreaterThan(0);
    // Fire a big new version (~8 MB) and kill the host while it is being written.
    const big = bigDoc(itemId, `new${round}`, 12_000);
    ws.send(JSON.stringify({ id: 9999, method: 'annotations.save', params: { itemId, document: big } }));
    await new Promise((r) => setTimeout(r, 40 + round * 60));
    await host.stop('SIGKILL');
    ws.terminate();
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect([`old${round}`, `new${round}`]).toContain(onDisk.objects[0].attributes.note);
    expect(onDisk.objects.length === 200 || onDisk.objects.length === 12_000).toBe(true);
  }
  // The project still opens and indexes after all those kills.
  const host = await startHost([dir]);
  await host.stop();
});
