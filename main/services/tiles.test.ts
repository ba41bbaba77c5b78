import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { serveBlob } from './blobs';
import { imageInfo, levelCount } from './tiles';

async function body(b: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(b)) return b;
  const chunks: Buffer[] = [];
  for await (const c of b as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('image tiles', () => {
  it('levels: the coarsest level fits one tile', () => {
    expect(levelCount(512, 300)).toBe(1);
    expect(levelCount(513, 10)).toBe(2);
    expect(levelCount(10000, 10000)).toBe(6); // 10000/32 = 312.5 <= 512
  });

  it('serves 512 px tiles of every level from a cache inside the project, and refuses bad paths', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-tiles-'));
    mkdirSync(path.join(dir, 'img'));
    // 1300 x 700: left half red, right half blue
    await sharp({ create: { width: 1300, height: 700, channels: 3, background: '#ff0000' } })
      .composite([{ input: { create: { width: 650, height: 700, channels: 3, background: '#0000ff' } }, left: 650, top: 0 }])
      .png()
      .toFile(path.join(dir, 'img', 'big.png'));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const item = projects.listItems({ offset: 0, limit: 10 }).items.find((i) => i.name.endsWith('big.png'))!;
    expect(await imageInfo(projects.itemPath(item.id))).toEqual({ width: 1300, height: 700, levels: 3, tileSize: 512 });

    const tile = async (l: number, x: number, y: number) => {
      const r = await serveBlob(projects, `/blob/tile/${item.id}/${l}/${x}/${y}`, undefined);
      return { status: r.status, type: r.headers['content-type'], buf: r.status === 200 ? await body(r.body) : null };
    };
    const t00 = await tile(0, 0, 0);
    expect(t00.status).toBe(200);
    expect(t00.type).toBe('image/jpeg');
    expect(await sharp(t00.buf!).metadata()).toMatchObject({ width: 512, height: 512 });
    // the last column / row are cut at the image edge
    expect(await sharp((await tile(0, 2, 1)).buf!).metadata()).toMatchObject({ width: 1300 - 1024, height: 700 - 512 });
    const right = await sharp((await tile(0, 2, 0)).buf!).raw().toBuffer();
    expect(right[2]).toBeGreaterThan(200); // blue
    expect(right[0]).toBeLessThan(60);
    // level 2: the whole image in one 325 x 175 tile
    expect(await sharp((await tile(2, 0, 0)).buf!).metadata()).toMatchObject({ width: 325, height: 175 });
    // out of range and malformed
    expect((await tile(0, 3, 0)).status).toBe(404);
    expect((await tile(3, 0, 0)).status).toBe(404);
    expect((await serveBlob(projects, `/blob/tile/${item.id}/0/..%2F..%2Fx/0`, undefined)).status).toBe(404);
    expect((await serveBlob(projects, `/blob/tile/nope/0/0/0`, undefined)).status).toBe(404);
    // cached under .datum/tiles
    const cache = path.join(dir, '.datum', 'tiles');
    expect(readdirSync(cache).filter((f) => !f.startsWith('.'))).toHaveLength(1);
    expect(existsSync(path.join(cache, readdirSync(cache)[0], 'p.dzi'))).toBe(true);
  });
});
