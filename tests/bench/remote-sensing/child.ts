/**
 * One fresh host process of the remote-sensing bench: opens the COG the way the host does
 * (main/services/geotiff.ts), serves the first screen of a 1400 × 860 view (overview + visible
 * tiles, JPEG-encoded into a tile cache), then pans at full resolution. Prints one JSON line.
 *
 * Bytes read are /proc/self/io rchar deltas (every read() the process made during the step).
 * TIFF blocks decoded are counted at geotiff's getTileOrStrip (one call per block read + decoded).
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addDecoder, BaseDecoder, GeoTIFFImage } from 'geotiff';
import { geoTileFile, openGeoTiff } from '../../../main/services/geotiff';
import { levelCount, TILE_SIZE } from '../../../main/services/tiles';
import { visibleTiles, type Affine6 } from '../../../renderer/viewports/visibleTiles';

const [file, cacheDir, mode, decoder] = process.argv.slice(2);

if (decoder === 'pako') {
  // the baseline of the native-zlib decoder (main/services/geotiffDecoders.ts): geotiff's own pako inflate
  const { inflate } = (await import('pako' as string)) as { inflate(b: Uint8Array): Uint8Array };
  class PakoDecoder extends BaseDecoder {
    override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
      return inflate(new Uint8Array(buffer as ArrayBuffer)).buffer;
    }
  }
  addDecoder([8, 32946], () => Promise.resolve(PakoDecoder as unknown as typeof BaseDecoder));
}
const VW = 1400;
const VH = 860;

function rchar(): number {
  const m = /rchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

let blocks = 0;
const proto = GeoTIFFImage.prototype as unknown as { getTileOrStrip: (...a: unknown[]) => Promise<unknown> };
const orig = proto.getTileOrStrip;
proto.getTileOrStrip = function (...a: unknown[]) {
  blocks++;
  return orig.apply(this, a);
};

async function serve(o: NonNullable<Awaited<ReturnType<typeof openGeoTiff>>>, refs: { level: number; x: number; y: number }[]) {
  // the browser asks up to 6 tiles at a time per host; the host serves them concurrently
  let i = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (i < refs.length) {
        const r = refs[i++];
        await geoTileFile(cacheDir, o, r.level, r.x, r.y);
      }
    }),
  );
}

async function main() {
  rmSync(cacheDir, { recursive: true, force: true });
  const r0 = rchar();
  const t0 = performance.now();
  const o = (await openGeoTiff(file))!;
  const tOpen = performance.now() - t0;
  const { width, height } = o.info;
  const img = { width, height, levels: levelCount(width, height), tileSize: TILE_SIZE };
  // "fit": the whole image in the view, as the viewer opens it
  const s = Math.min(VW / width, VH / height) * 0.96;
  const fit: Affine6 = [(VW - width * s) / 2, s, 0, (VH - height * s) / 2, 0, s];
  const first = visibleTiles(img, fit, VW, VH);
  await serve(o, first.tiles);
  const tFirst = performance.now() - t0;
  const bytesFirst = rchar() - r0;
  const blocksFirst = blocks;
  const out: Record<string, unknown> = { tOpen, tFirst, bytesFirst, blocksFirst, tilesFirst: first.tiles.length, level: first.level, overviews: o.info.overviews, rssFirst: process.memoryUsage().rss };

  if (mode === 'full') {
    // warm: same process (file open, stretch measured), tile cache emptied: the same screen again
    rmSync(cacheDir, { recursive: true, force: true });
    const w0 = performance.now();
    await serve(o, first.tiles);
    out.tWarm = performance.now() - w0;
    // 1:1 at the centre, then pans of 700 px right / 430 px down: tiles the viewer newly asks for, TIFF blocks decoded
    let cx = width / 2;
    let cy = height / 2;
    const at = (x: number, y: number): Affine6 => [VW / 2 - x, 1, 0, VH / 2 - y, 0, 1];
    let prev = new Set(visibleTiles(img, at(cx, cy), VW, VH).tiles.map((r) => `${r.level}/${r.x}/${r.y}`));
    await serve(o, visibleTiles(img, at(cx, cy), VW, VH).tiles);
    const pans: { asked: number; decodedBlocks: number; allowedBlocks: number; ms: number; bytes: number }[] = [];
    const rssStart = process.memoryUsage().rss;
    let rssPeak = rssStart;
    for (let k = 0; k < 40; k++) {
      if (k % 10 < 5) cx += 700;
      else cy += 430;
      if (cx > width - VW) cx = VW;
      if (cy > height - VH) cy = VH;
      const vis = visibleTiles(img, at(cx, cy), VW, VH);
      const keys = vis.tiles.map((r) => `${r.level}/${r.x}/${r.y}`);
      const fresh = vis.tiles.filter((_, i) => !prev.has(keys[i]));
      // visible + margin: the level-0 blocks under the view grown by one 512 px block on every side
      const bx0 = Math.floor((cx - VW / 2) / 512) - 1, bx1 = Math.floor((cx + VW / 2) / 512) + 1;
      const by0 = Math.floor((cy - VH / 2) / 512) - 1, by1 = Math.floor((cy + VH / 2) / 512) + 1;
      const allowed = (bx1 - bx0 + 1) * (by1 - by0 + 1);
      const b0 = blocks;
      const r1 = rchar();
      const p0 = performance.now();
      await serve(o, fresh);
      pans.push({ asked: fresh.length, decodedBlocks: blocks - b0, allowedBlocks: allowed, ms: performance.now() - p0, bytes: rchar() - r1 });
      prev = new Set(keys);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    out.pans = pans;
    out.rssPanStart = rssStart;
    out.rssPanPeak = rssPeak;
  }
  out.maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
  await o.tiff.close();
}

void main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String((e as Error).stack ?? e));
    process.exit(1);
  },
);
void path;
