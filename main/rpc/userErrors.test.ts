/**
 * Failures caused by what the user named or put on disk come back as BAD_FILE / BAD_REQUEST /
 * NOT_FOUND / FORBIDDEN, never INTERNAL (which means a Datum bug). Real services, real router,
 * real files.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHostServices } from '../hostServices';
import type { Connection } from './router';

describe('errors caused by user input are not INTERNAL', () => {
  const project = mkdtempSync(path.join(os.tmpdir(), 'usererr-'));
  let conn: Connection;
  let brokenId: string;

  beforeAll(async () => {
    mkdirSync(path.join(project, 'imgs'));
    writeFileSync(path.join(project, 'imgs', 'broken.png'), 'this is not a PNG at all');
    writeFileSync(path.join(project, 'plain-file.txt'), 'not a folder');
    const services = createHostServices({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'ud-')), host: 'headless' });
    await services.grants.add(project);
    await services.projects.create(project);
    await services.projects.refreshIndex(() => {}, new AbortController().signal);
    conn = services.router.connect(() => {});
    const list = (await conn.call('items.list', {})) as { result: { items: { id: string; name: string }[] } };
    brokenId = list.result.items.find((i) => i.name.endsWith('broken.png'))!.id;
  });

  it('image.info on a file that is not an image is BAD_FILE naming it', async () => {
    const r = await conn.call('image.info', { itemId: brokenId });
    expect(r).toMatchObject({ error: { code: 'BAD_FILE', message: expect.stringContaining('broken.png') } });
  });

  it('a saved label map that is not JSON is BAD_FILE', async () => {
    mkdirSync(path.join(project, 'annotations'), { recursive: true });
    writeFileSync(path.join(project, 'annotations', `${brokenId}.labelmap.json`), '{"segments": [');
    const r = await conn.call('medical.loadLabelmap', { itemId: brokenId });
    expect(r).toMatchObject({ error: { code: 'BAD_FILE', message: expect.stringContaining('.labelmap.json') } });
  });

  it('opening a file as a project is BAD_REQUEST, not INTERNAL', async () => {
    const r = await conn.call('project.open', { path: path.join(project, 'plain-file.txt') });
    expect('error' in r && r.error.code).toMatch(/^(BAD_REQUEST|NOT_FOUND)$/);
    const r2 = await conn.call('project.create', { path: path.join(project, 'plain-file.txt') });
    expect('error' in r2 && r2.error.code).toMatch(/^(BAD_REQUEST|NOT_FOUND)$/);
  });
});
