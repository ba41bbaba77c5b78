/**
 * The zip container of a task package (fflate): writing, and reading with every check the format
 * asks for. Reading is all in memory and all-or-nothing: `readPackage` returns the verified
 * entries or throws BAD_FILE with a reason that names the entry at fault; callers write nothing
 * before it returned. Data files are stored (images and clouds do not compress much, and a stored
 * entry is cheap to hash), JSON is deflated.
 *
 * The streaming unzipper reads local headers one after the other, so a truncated file is reported
 * as the entry it cut (and a file cut between entries by the missing end-of-archive record).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { promises as fs } from 'node:fs';
import { Unzip, UnzipInflate, zipSync, type Zippable } from 'fflate';
import { DatumError } from '../../rpc/errors';
import { formatZodError } from '../../rpc/router';
import { MANIFEST_ENTRY, MANIFEST_HASH_ENTRY, PACKAGE_FORMAT, PACKAGE_FORMAT_VERSION, PackageManifest, SafeRelPath } from './format';

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

export interface PackageEntry {
  name: string;
  data: Uint8Array;
  /** Deflate JSON, store the rest. */
  compress: boolean;
}

/** The zip bytes: manifest.json and its hash first, then the entries. The manifest must list them. */
export function buildZip(manifestJson: string, entries: PackageEntry[]): Uint8Array {
  const files: Zippable = {};
  const manifestBytes = new TextEncoder().encode(manifestJson);
  // A fixed time keeps two exports of the same content byte-identical apart from the manifest.
  const mtime = new Date('2000-01-01T00:00:00Z');
  files[MANIFEST_ENTRY] = [manifestBytes, { level: 6, mtime }];
  files[MANIFEST_HASH_ENTRY] = [new TextEncoder().encode(sha256(manifestBytes) + '\n'), { level: 0, mtime }];
  for (const e of entries) files[e.name] = [e.data, { level: e.compress ? 6 : 0, mtime }];
  return zipSync(files);
}

export interface VerifiedPackage {
  manifest: PackageManifest;
  manifestSha256: string;
  /** Every entry but the manifest and its hash, verified against the manifest. */
  entries: Map<string, Uint8Array>;
  bytes: number;
}

const bad = (file: string, why: string): never => {
  throw new DatumError('BAD_FILE', `${file}: ${why}`);
};

/** Unzip everything (in memory), naming the entry when one is damaged or cut. */
function unzipAll(file: string, buf: Uint8Array): Map<string, Uint8Array> {
  // The end-of-archive record (22 bytes, no comment: we write none) must end the file.
  const eocd = buf.length >= 22 && buf[buf.length - 22] === 0x50 && buf[buf.length - 21] === 0x4b && buf[buf.length - 20] === 0x05 && buf[buf.length - 19] === 0x06;
  const out = new Map<string, Uint8Array>();
  const open = new Map<string, { chunks: Uint8Array[]; got: number; size: number | undefined; done: boolean }>();
  let entryError: string | null = null;
  const uz = new Unzip();
  uz.register(UnzipInflate);
  uz.onfile = (f) => {
    if (open.has(f.name) || out.has(f.name)) entryError ??= `entry "${f.name}" appears twice`;
    const st = { chunks: [] as Uint8Array[], got: 0, size: f.originalSize, done: false };
    open.set(f.name, st);
    f.ondata = (err, chunk, final) => {
      if (err) {
        entryError ??= `entry "${f.name}" is damaged (${err.message})`;
        return;
      }
      st.chunks.push(chunk);
      st.got += chunk.length;
      if (final) {
        st.done = true;
        const data = new Uint8Array(st.got);
        let at = 0;
        for (const c of st.chunks) data.set(c, at), (at += c.length);
        out.set(f.name, data);
        open.delete(f.name);
      }
    };
    try {
      f.start();
    } catch (e) {
      entryError ??= `entry "${f.name}" cannot be read (${(e as Error).message})`;
    }
  };
  let thrown: string | null = null;
  try {
    uz.push(buf, true);
  } catch (e) {
    thrown = (e as Error).message;
  }
  if (entryError) bad(file, entryError);
  const cut = [...open.entries()].find(([, s]) => !s.done);
  if (cut) bad(file, `the package is truncated: entry "${cut[0]}" is incomplete (${cut[1].got}${cut[1].size !== undefined ? ` of ${cut[1].size}` : ''} bytes)`);
  if (thrown && !eocd) bad(file, `the package is truncated after entry "${[...out.keys()].pop() ?? '(none)'}" (${thrown})`);
  if (thrown) bad(file, `not a readable package (${thrown})`);
  if (!eocd) bad(file, `the package is truncated after entry "${[...out.keys()].pop() ?? '(none)'}" (no end-of-archive record)`);
  return out;
}

/**
 * Every byte of the zip's framing is checked too, so a flipped byte anywhere is refused, not only
 * in an entry's data: each local header's CRC-32 and sizes against the data read, the central
 * directory field by field against the local headers (and its own fields alike in every entry,
 * as Datum writes them), the end-of-archive record against the directory, nothing after it.
 */
function checkStructure(file: string, buf: Uint8Array, data: Map<string, Uint8Array>): void {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dec = new TextDecoder();
  const local: Array<{ at: number; name: string; fields: number[] }> = [];
  let at = 0;
  while (at + 30 <= buf.length && v.getUint32(at, true) === 0x04034b50) {
    const nlen = v.getUint16(at + 26, true);
    const xlen = v.getUint16(at + 28, true);
    const name = dec.decode(buf.subarray(at + 30, at + 30 + nlen));
    const csize = v.getUint32(at + 18, true);
    const d = data.get(name);
    if (!d) bad(file, `zip structure: local header of entry "${name}" does not match its data`);
    if (v.getUint32(at + 14, true) !== crc32(d!) || v.getUint32(at + 22, true) !== d!.length) bad(file, `zip structure: the CRC-32 or size of entry "${name}" does not match its data`);
    // version needed, flags, method, time, date, crc, compressed size, size, name length, extra length
    local.push({ at, name, fields: [4, 6, 8, 10, 12].map((o) => v.getUint16(at + o, true)).concat([v.getUint32(at + 14, true), csize, v.getUint32(at + 22, true), nlen, xlen]) });
    at += 30 + nlen + xlen + csize;
  }
  const cdStart = at;
  let madeBy: string | null = null;
  for (const l of local) {
    if (at + 46 > buf.length || v.getUint32(at, true) !== 0x02014b50) bad(file, `zip structure: the central directory lacks entry "${l.name}"`);
    const nlen = v.getUint16(at + 28, true);
    const fields = [6, 8, 10, 12, 14].map((o) => v.getUint16(at + o, true)).concat([v.getUint32(at + 16, true), v.getUint32(at + 20, true), v.getUint32(at + 24, true), nlen, v.getUint16(at + 30, true)]);
    const name = dec.decode(buf.subarray(at + 46, at + 46 + nlen));
    if (name !== l.name || fields.some((f, i) => f !== l.fields[i]) || v.getUint32(at + 42, true) !== l.at) bad(file, `zip structure: the central directory record of entry "${l.name}" does not match its local header`);
    // made by, comment length, disk, internal and external attributes: alike in every record.
    const own = [v.getUint16(at + 4, true), v.getUint16(at + 32, true), v.getUint16(at + 34, true), v.getUint16(at + 36, true), v.getUint32(at + 38, true)].join(',');
    if (madeBy !== null && own !== madeBy) bad(file, `zip structure: the central directory record of entry "${l.name}" differs from the others`);
    madeBy = own;
    at += 46 + nlen + l.fields[9] + v.getUint16(at + 32, true);
  }
  const last = local.length ? local[local.length - 1].name : '(none)';
  const eocd = at;
  if (eocd + 22 !== buf.length || v.getUint32(eocd, true) !== 0x06054b50) bad(file, `zip structure: the end-of-archive record does not follow the central directory (after entry "${last}")`);
  const want = [0, 0, local.length, local.length];
  const got = [4, 6, 8, 10].map((o) => v.getUint16(eocd + o, true));
  if (got.some((g, i) => g !== want[i]) || v.getUint32(eocd + 12, true) !== eocd - cdStart || v.getUint32(eocd + 16, true) !== cdStart || v.getUint16(eocd + 20, true) !== 0) {
    bad(file, 'zip structure: the end-of-archive record does not match the central directory');
  }
}

/** Read and verify a package file: every check passes, or BAD_FILE naming the entry. */
export async function readPackage(file: string): Promise<VerifiedPackage> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatumError(code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_FILE', `${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (buf.length < 4 || buf[0] !== 0x50 || buf[1] !== 0x4b) bad(file, 'not a Datum package (not a zip file)');
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const all = unzipAll(file, bytes);
  // No name may leave its folder (`..`, absolute, backslashes): nothing is ever written from such a package.
  for (const name of all.keys()) if (!SafeRelPath.safeParse(name).success) bad(file, `entry "${name}" has a path that leaves its folder`);

  const manifestBytes = all.get(MANIFEST_ENTRY) ?? bad(file, `entry "${MANIFEST_ENTRY}" is missing`);
  const hashText = all.get(MANIFEST_HASH_ENTRY) ?? bad(file, `entry "${MANIFEST_HASH_ENTRY}" is missing`);
  const manifestSha256 = sha256(manifestBytes);
  if (new TextDecoder().decode(hashText).trim() !== manifestSha256) bad(file, `entry "${MANIFEST_ENTRY}" does not match "${MANIFEST_HASH_ENTRY}" (the manifest was changed or damaged)`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch (e) {
    bad(file, `entry "${MANIFEST_ENTRY}" is not JSON (${(e as Error).message})`);
  }
  const r = raw as { format?: unknown; formatVersion?: unknown };
  if (r?.format !== PACKAGE_FORMAT) bad(file, 'not a Datum package (manifest format is not "datum-package")');
  if (typeof r.formatVersion === 'number' && r.formatVersion > PACKAGE_FORMAT_VERSION) {
    throw new DatumError('UNSUPPORTED', `${file}: package format ${r.formatVersion} is newer than this Datum reads (${PACKAGE_FORMAT_VERSION}); update Datum`);
  }
  const parsed = PackageManifest.safeParse(raw);
  if (!parsed.success) bad(file, `entry "${MANIFEST_ENTRY}": ${formatZodError(parsed.error)}`);
  const manifest = parsed.data!;

  const entries = new Map<string, Uint8Array>();
  for (const [name, data] of all) {
    if (name === MANIFEST_ENTRY || name === MANIFEST_HASH_ENTRY) continue;
    const want = manifest.entries[name];
    if (!want) bad(file, `entry "${name}" is not listed in the manifest`);
    if (data.length !== want.size) bad(file, `entry "${name}" has ${data.length} bytes, the manifest says ${want.size} (truncated or changed)`);
    if (sha256(data) !== want.sha256) bad(file, `entry "${name}" does not match its sha256 in the manifest (changed or damaged)`);
    entries.set(name, data);
  }
  for (const name of Object.keys(manifest.entries)) if (!entries.has(name)) bad(file, `entry "${name}" listed in the manifest is missing`);
  // Content first (its reasons say most), then the framing around it.
  checkStructure(file, bytes, all);
  return { manifest, manifestSha256, entries, bytes: buf.length };
}
