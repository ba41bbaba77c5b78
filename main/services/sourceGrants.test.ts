/**
 * A datum.json that names a source outside the project folder (`"path": "/etc"`) must not expose
 * it: through the real router and the blob server both hosts use, /etc/hostname is unreadable
 * until the user consents, readable after, and unreadable again after a revoke. Grants live in
 * userData per project, never in datum.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostServices, type HostServices } from '../hostServices';
import { serveBlob } from './blobs';

let root: string;
let project: string;
let userData: string;
let services: HostServices;
let call: (method: string, input: unknown) => Promise<{ result?: any; error?: { code: string; message: string } }>;

const HOSTNAME = existsSync('/etc/hostname');

function open(ud = userData) {
  services = createHostServices({ userDataDir: ud, host: 'headless' });
  const conn = services.router.connect(() => {});
  call = (m, i) => conn.call(m, i) as never;
}

async function blobBody(url: string): Promise<{ status: number; text: string }> {
  const r = await serveBlob(services.projects, url, undefined);
  let text = '';
  if (Buffer.isBuffer(r.body)) text = r.body.toString();
  else if (r.body) for await (const c of r.body) text += c;
  return { status: r.status, text };
}

beforeEach(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'source-grants-'));
  project = path.join(root, 'dataset');
  userData = path.join(root, 'userData');
  mkdirSync(path.join(project, 'images'), { recursive: true });
  writeFileSync(path.join(project, 'images', 'a.png'), 'not really a png');
  writeFileSync(
    path.join(project, 'datum.json'),
    JSON.stringify({ schemaVersion: 2, name: 'downloaded', ontology: { labels: [] }, sources: [{ id: 'main', path: '.' }, { id: 'etc', path: '/etc' }], settings: {} }),
  );
  open();
  await services.grants.add(project); // the user picked this folder
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!HOSTNAME)('sources outside the project folder', () => {
  it('opening grants nothing outside; consent grants it; revoke takes it back', async () => {
    const opened = await call('project.open', { path: project });
    expect(opened.error).toBeUndefined();
    expect(opened.result.externalSources).toEqual([{ id: 'etc', path: '/etc', status: 'pending' }]);
    await call('index.refresh', { jobId: 'r1' });
    const names = async () => ((await call('items.list', { limit: 1000 })).result.items as { name: string; source: string }[]).map((i) => `${i.source}:${i.name}`);
    // Not indexed: only the project's own files.
    expect((await names()).every((n) => n.startsWith('main:'))).toBe(true);
    // Not readable by blob, whether the file exists or not (same status, no content).
    const a = await blobBody('/blob/source/etc/hostname');
    const b = await blobBody('/blob/source/etc/no-such-file');
    expect(a.status).toBe(403);
    expect(b.status).toBe(403);
    expect(a.text).toBe(b.text);
    expect(a.text).not.toContain(readFileSync('/etc/hostname', 'utf8').trim());
    // A crafted index cache listing /etc files is not trusted either.
    expect((await blobBody('/blob/source/main/../../../etc/hostname')).status).toBe(403);

    // The user consents.
    const granted = await call('project.grantSources', { ids: ['etc'] });
    expect(granted.result.externalSources).toEqual([{ id: 'etc', path: '/etc', status: 'granted' }]);
    expect((await blobBody('/blob/source/etc/hostname')).text).toBe(readFileSync('/etc/hostname', 'utf8'));
    // Stored per project in userData, not in datum.json (the dataset author's file).
    expect(JSON.parse(readFileSync(path.join(userData, 'source-grants.json'), 'utf8'))).toEqual({ [project]: ['/etc'] });
    expect(readFileSync(path.join(project, 'datum.json'), 'utf8')).not.toContain('granted');
    // Survives a restart of the host.
    open();
    await call('project.open', { path: project });
    expect((await blobBody('/blob/source/etc/hostname')).status).toBe(200);

    // Revoke: unreadable again, its items leave the list, and it stays so after a restart.
    const revoked = await call('project.revokeSource', { id: 'etc' });
    expect(revoked.result.externalSources[0].status).toBe('pending');
    expect((await blobBody('/blob/source/etc/hostname')).status).toBe(403);
    expect((await names()).every((n) => n.startsWith('main:'))).toBe(true);
    open();
    await call('project.open', { path: project });
    expect((await blobBody('/blob/source/etc/hostname')).status).toBe(403);
  });

  it('items of a pending source in a (crafted) index cache are hidden and unreadable', async () => {
    mkdirSync(path.join(project, '.datum'));
    const forged = { id: '0123456789abcdef', name: 'hostname', source: 'etc', modality: 'image', size: 1, mtime: 1, status: 'new' };
    writeFileSync(path.join(project, '.datum', 'index.json'), JSON.stringify({ version: 1, items: [forged] }));
    await call('project.open', { path: project });
    expect((await call('items.list', { limit: 10 })).result.total).toBe(0);
    expect((await call('items.get', { id: forged.id })).error?.code).toBe('NOT_FOUND');
    expect((await blobBody(`/blob/item/${forged.id}`)).status).toBe(404);
  });

  it('a --allow session grant covers the source for this process only, and is never written', async () => {
    services.grants.addSession('/etc');
    const opened = await call('project.open', { path: project });
    expect(opened.result.externalSources).toEqual([{ id: 'etc', path: '/etc', status: 'allowed' }]);
    expect((await blobBody('/blob/source/etc/hostname')).status).toBe(200);
    expect((await call('project.revokeSource', { id: 'etc' })).error?.code).toBe('BAD_REQUEST');
    expect(existsSync(path.join(userData, 'source-grants.json'))).toBe(false);
    expect(existsSync(path.join(userData, 'granted-folders.json')) && readFileSync(path.join(userData, 'granted-folders.json'), 'utf8').includes('/etc')).toBe(false);
    open(); // a new process: the grant is gone
    await call('project.open', { path: project });
    expect((await blobBody('/blob/source/etc/hostname')).status).toBe(403);
  });

  it('a relative source that climbs out, or a symlink inside the project pointing out, is outside too', async () => {
    const { symlinkSync } = await import('node:fs');
    symlinkSync('/etc', path.join(project, 'linked'));
    writeFileSync(
      path.join(project, 'datum.json'),
      JSON.stringify({ schemaVersion: 2, name: 'd', ontology: { labels: [] }, sources: [{ id: 'up', path: '../../../../../../etc' }, { id: 'ln', path: 'linked' }], settings: {} }),
    );
    const opened = await call('project.open', { path: project });
    expect(opened.result.externalSources.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual(['up:pending', 'ln:pending']);
    expect((await blobBody('/blob/source/ln/hostname')).status).toBe(403);
    expect((await blobBody('/blob/source/up/hostname')).status).toBe(403);
  });
});
