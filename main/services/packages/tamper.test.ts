/**
 * Tamper sweep: many single-byte flips and truncations at seeded random positions of real
 * packages (KITTI tracking data), each must be refused. Prints the figures quoted in
 * docs/teams.md, "Task packages" (n flips / truncations, how many refused, how many name the entry at fault).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 } from '../../../core/random';
import { readPackage } from './container';
import { exportPackage } from './export';
import { hasSampleData, homeProject, zipEntries } from './testing/fixture';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'datum-pkg-tamper-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function refusal(bytes: Uint8Array, name: string): Promise<string | null> {
  return (await attempt(bytes, name)).why;
}

/** Reads a (damaged) package: the refusal's reason, or what was read. */
async function attempt(bytes: Uint8Array, name: string): Promise<{ why: string | null; read?: Awaited<ReturnType<typeof readPackage>> }> {
  const f = path.join(tmp, name);
  writeFileSync(f, bytes);
  try {
    return { why: null, read: await readPackage(f) };
  } catch (e) {
    return { why: (e as Error).message };
  }
}

/** The content a package carries: manifest hash and every entry's bytes. */
function contentOf(p: Awaited<ReturnType<typeof readPackage>>): string {
  return [p.manifestSha256, ...[...p.entries].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}:${Buffer.from(v).toString('base64')}`)].join('\n');
}

describe.skipIf(!hasSampleData)('tamper sweep', () => {
  let refs: Buffer;
  let withData: Buffer;
  beforeAll(async () => {
    const home = await homeProject(path.join(tmp, 'home'));
    await exportPackage(home, path.join(tmp, 'refs.datumpkg'), { selection: { kind: 'filter' }, withData: false });
    await exportPackage(home, path.join(tmp, 'data.datumpkg'), { selection: { kind: 'filter', name: 'drive/*' }, withData: true });
    refs = readFileSync(path.join(tmp, 'refs.datumpkg'));
    withData = readFileSync(path.join(tmp, 'data.datumpkg'));
    home.close();
  }, 60_000);

  it('every single-byte flip anywhere in a package is refused or changes nothing it carries (n = 400)', async () => {
    const rnd = mulberry32(21);
    const original = contentOf((await attempt(refs, 'original.datumpkg')).read!);
    let refused = 0;
    let named = 0;
    let harmless = 0;
    const n = 400;
    for (let i = 0; i < n; i++) {
      const b = Uint8Array.from(refs);
      const at = Math.floor(rnd() * b.length);
      b[at] ^= 1 + Math.floor(rnd() * 255);
      const r = await attempt(b, 'flip.datumpkg');
      if (r.why) refused++;
      // A flip in a Deflate stream can hit a bit the decoder never uses (a code length of a symbol
      // that does not occur): the entry inflates to the same bytes, so its sha256 still holds and
      // nothing the package carries has changed. Anything read must be exactly the original.
      else if (contentOf(r.read!) === original) harmless++;
      if (r.why && /entry "|end-of-archive|central directory/.test(r.why)) named++;
    }
    console.log(`flips: ${refused}/${n} refused, ${harmless} read back byte-identical content, ${named}/${n} name the entry or record (package ${refs.length} bytes)`);
    expect(refused + harmless).toBe(n);
    expect(harmless).toBeLessThanOrEqual(n / 50);
  }, 120_000);

  it('every truncation is refused (n = 300)', async () => {
    const rnd = mulberry32(7);
    let refused = 0;
    const n = 300;
    for (let i = 0; i < n; i++) if (await refusal(refs.subarray(0, Math.floor(rnd() * refs.length)), 'cut.datumpkg')) refused++;
    console.log(`truncations: ${refused}/${n} refused`);
    expect(refused).toBe(n);
  }, 120_000);

  it('a flip inside an item file names that entry (n = 60)', async () => {
    const rnd = mulberry32(3);
    const data = zipEntries(withData).filter((e) => e.name.startsWith('data/'));
    expect(data.length).toBe(3);
    let named = 0;
    const n = 60;
    for (let i = 0; i < n; i++) {
      const e = data[i % data.length];
      const b = Uint8Array.from(withData);
      b[e.data + Math.floor(rnd() * e.size)] ^= 0x10;
      const why = await refusal(b, 'item.datumpkg');
      if (why?.includes(`entry "${e.name}" does not match its sha256`)) named++;
    }
    console.log(`item flips: ${named}/${n} refused naming the item's entry`);
    expect(named).toBe(n);
  }, 120_000);

  it('a flip inside a (deflated) document names that entry (n = 100)', async () => {
    const rnd = mulberry32(5);
    const docs = zipEntries(refs).filter((e) => e.name.startsWith('documents/') || e.name.startsWith('base/'));
    let named = 0;
    const n = 100;
    const other: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = docs[i % docs.length];
      const b = Uint8Array.from(refs);
      b[e.data + Math.floor(rnd() * e.size)] ^= 1 + Math.floor(rnd() * 255);
      const why = await refusal(b, 'doc.datumpkg');
      if (why?.includes(`entry "${e.name}"`)) named++;
      else other.push(String(why));
    }
    console.log(`document flips: ${named}/${n} refused naming the document's entry`, other.slice(0, 5));
    expect(named).toBe(n);
  }, 120_000);
});
