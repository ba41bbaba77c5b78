import { describe, expect, it } from 'vitest';
import { packedRgbFloat, writePcd, type PcdColumnSpec, type PcdData } from '../../../tests/helpers/pointcloudWriters';
import { parsePointCloud, PointCloudError, transferablesOf } from './index';

const ALL_TYPES: PcdColumnSpec[] = [
  { name: 'x', type: 'F', size: 4 },
  { name: 'y', type: 'F', size: 4 },
  { name: 'z', type: 'F', size: 4 },
  { name: 'f64', type: 'F', size: 8 },
  { name: 'i8', type: 'I', size: 1 },
  { name: 'u8', type: 'U', size: 1 },
  { name: '_', type: 'U', size: 1, count: 3 },
  { name: 'i16', type: 'I', size: 2 },
  { name: 'u16', type: 'U', size: 2 },
  { name: 'i32', type: 'I', size: 4 },
  { name: 'u32', type: 'U', size: 4 },
  { name: 'hist', type: 'F', size: 4, count: 3 },
];

function allTypesRows(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => [
    i * 0.5, -i, i + 0.25, 1e10 + i / 8, -100 + i, 200 + (i % 50), 0, 0, 0, -30000 + i, 60000 + i, -2e9 + i, 4e9 + i, i, i + 1, i + 2,
  ]);
}

describe('PCD: every FIELDS/SIZE/TYPE/COUNT combination', () => {
  for (const data of ['ascii', 'binary', 'binary_compressed'] as PcdData[]) {
    it(`reads all scalar types, COUNT > 1 and padding in ${data}`, async () => {
      const n = 37;
      const cloud = await parsePointCloud(writePcd(ALL_TYPES, allTypesRows(n), data), `types-${data}.pcd`);
      expect(cloud.format).toBe('pcd');
      expect(cloud.count).toBe(n);
      expect(cloud.warnings).toEqual([]);
      expect(cloud.fields.map((f) => [f.name, f.type, f.count])).toEqual([
        ['f64', 'float64', 1], ['i8', 'int8', 1], ['u8', 'uint8', 1], ['i16', 'int16', 1], ['u16', 'uint16', 1],
        ['i32', 'int32', 1], ['u32', 'uint32', 1], ['hist', 'float32', 3],
      ]);
      const field = (name: string) => cloud.fields.find((f) => f.name === name)!.data;
      const i = 36;
      expect(Array.from(cloud.positions.subarray(i * 3, i * 3 + 3))).toEqual([18, -36, 36.25]);
      expect(field('f64')[i]).toBe(1e10 + i / 8);
      expect(field('i8')[i]).toBe(-64);
      expect(field('u8')[i]).toBe(236);
      expect(field('i16')[i]).toBe(-29964);
      expect(field('u16')[i]).toBe(60036);
      expect(field('i32')[i]).toBe(-2e9 + i);
      expect(field('u32')[i]).toBe(4e9 + i);
      expect(Array.from(field('hist').subarray(i * 3, i * 3 + 3))).toEqual([36, 37, 38]);
      expect(cloud.bounds).toEqual({ min: [0, -36, 0.25], max: [18, 0, 36.25] });
    });
  }

  it('reads float64 coordinates, recentring large (UTM-like) values with the offset kept', async () => {
    const cols: PcdColumnSpec[] = ['x', 'y', 'z'].map((name) => ({ name, type: 'F', size: 8 }));
    const rows = [[500000.123, 4500000.456, 12.5], [500010.789, 4500020.001, 13.25]];
    const cloud = await parsePointCloud(writePcd(cols, rows, 'binary'), 'utm.pcd');
    expect(cloud.offset).toEqual([500005, 4500010, 0]);
    expect(cloud.positions[0] + cloud.offset[0]).toBeCloseTo(500000.123, 3);
    expect(cloud.positions[4] + cloud.offset[1]).toBeCloseTo(4500020.001, 3);
    expect(cloud.bounds.min[0]).toBeCloseTo(500000.123, 3);
    expect(cloud.bounds.max[1]).toBeCloseTo(4500020.001, 3);
  });

  it('unpacks rgb packed as float and rgba packed as uint', async () => {
    const rgbFloat: PcdColumnSpec[] = [...['x', 'y', 'z'].map((name) => ({ name, type: 'F' as const, size: 4 as const })), { name: 'rgb', type: 'F', size: 4 }];
    const rows = [[0, 0, 0, packedRgbFloat(255, 128, 1)], [1, 1, 1, packedRgbFloat(10, 20, 30)]];
    for (const data of ['binary', 'binary_compressed'] as PcdData[]) {
      const cloud = await parsePointCloud(writePcd(rgbFloat, rows, data), `rgb-${data}.pcd`);
      expect(cloud.fields.map((f) => [f.name, f.type, f.count])).toEqual([['rgb', 'uint8', 3]]);
      expect(Array.from(cloud.fields[0].data)).toEqual([255, 128, 1, 10, 20, 30]);
    }
    const rgbaUint: PcdColumnSpec[] = [...rgbFloat.slice(0, 3), { name: 'rgba', type: 'U', size: 4 }];
    const cloud = await parsePointCloud(writePcd(rgbaUint, [[0, 0, 0, 0x80ff0010]], 'ascii'), 'rgba.pcd');
    expect(cloud.fields.map((f) => f.name)).toEqual(['rgb', 'alpha']);
    expect(Array.from(cloud.fields[0].data)).toEqual([255, 0, 16]);
    expect(cloud.fields[1].data[0]).toBe(0x80);
  });

  it('keeps organized clouds with NaN points, or drops them on request', async () => {
    const cols: PcdColumnSpec[] = [...['x', 'y', 'z'].map((name) => ({ name, type: 'F' as const, size: 4 as const })), { name: 'intensity', type: 'F', size: 4 }];
    const rows = [[1, 2, 3, 10], [NaN, NaN, NaN, 11], [4, 5, 6, 12], [NaN, 0, 0, 13], [7, 8, 9, 14], [0, 0, 0, 15]];
    for (const data of ['ascii', 'binary', 'binary_compressed'] as PcdData[]) {
      const bytes = writePcd(cols, rows, data, { width: 3, height: 2, viewpoint: '1 2 3 1 0 0 0' });
      const kept = await parsePointCloud(bytes, 'organized.pcd');
      expect([kept.count, kept.width, kept.height]).toEqual([6, 3, 2]);
      expect(Number.isNaN(kept.positions[3])).toBe(true);
      expect(kept.viewpoint).toEqual([1, 2, 3, 1, 0, 0, 0]);
      expect(kept.bounds).toEqual({ min: [0, 0, 0], max: [7, 8, 9] });
      const dropped = await parsePointCloud(bytes, 'organized.pcd', { dropNaN: true });
      expect(dropped.count).toBe(4);
      expect(dropped.width).toBeUndefined();
      expect(Array.from(dropped.positions)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0]);
      expect(Array.from(dropped.fields[0].data)).toEqual([10, 12, 14, 15]);
      expect(dropped.warnings.some((w) => w.includes('dropped 2 points'))).toBe(true);
    }
  });

  it('reads PCD 0.5 headers without VIEWPOINT', async () => {
    const text = 'VERSION .5\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 2\nHEIGHT 1\nPOINTS 2\nDATA ascii\n1 2 3\n4 5 6\n';
    const cloud = await parsePointCloud(new TextEncoder().encode(text), 'old.pcd');
    expect(cloud.count).toBe(2);
    expect(cloud.viewpoint).toBeUndefined();
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('PCD: field names from other writers', () => {
  // PDAL's writers.pcd names the fields after its dimensions: X Y Z Intensity.
  const PDAL: PcdColumnSpec[] = [
    { name: 'X', type: 'F', size: 8 },
    { name: 'Y', type: 'F', size: 8 },
    { name: 'Z', type: 'F', size: 8 },
    { name: 'Intensity', type: 'U', size: 2 },
  ];
  for (const data of ['ascii', 'binary', 'binary_compressed'] as PcdData[]) {
    it(`matches X Y Z case-insensitively (${data})`, async () => {
      const rows = [
        [1, 2, 3, 100],
        [4.5, -5, 6, 200],
      ];
      const cloud = await parsePointCloud(writePcd(PDAL, rows, data), `pdal-${data}.pcd`);
      expect(cloud.count).toBe(2);
      expect(cloud.warnings).toEqual([]);
      const p = Array.from(cloud.positions).map((v, i) => v + cloud.offset[i % 3]);
      expect(p).toEqual([1, 2, 3, 4.5, -5, 6]);
      expect(cloud.fields.map((f) => [f.name, Array.from(f.data)])).toEqual([['Intensity', [100, 200]]]);
    });
  }
  it('takes the first of x and X as the coordinate and keeps the other as a field', async () => {
    const cols: PcdColumnSpec[] = ['x', 'y', 'z', 'X'].map((name) => ({ name, type: 'F', size: 4 }));
    const cloud = await parsePointCloud(writePcd(cols, [[1, 2, 3, 9]], 'ascii'), 'both.pcd');
    expect(cloud.fields.map((f) => f.name)).toEqual(['X_1']);
  });
});

describe('PCD: malformed input', () => {
  const xyzi: PcdColumnSpec[] = ['x', 'y', 'z', 'intensity'].map((name) => ({ name, type: 'F', size: 4 }));
  const rows = Array.from({ length: 1000 }, (_, i) => [i, i, i, i]);

  it('names the file and the sizes when binary data is truncated', async () => {
    const full = writePcd(xyzi, rows, 'binary');
    const truncated = full.subarray(0, full.length - 4000);
    await expect(parsePointCloud(truncated, 'scan.pcd')).rejects.toThrow(
      'scan.pcd: truncated DATA section: header says 1000 points (16000 bytes), file has 12000 bytes',
    );
  });

  it('rejects a missing header, an unknown type and mismatched header lists', async () => {
    const cases: [string, RegExp][] = [
      ['just some bytes', /missing PCD header/],
      ['FIELDS x y z\nSIZE 4 4 4\nTYPE F F Q\nCOUNT 1 1 1\nPOINTS 1\nDATA binary\n', /unknown TYPE "Q"/],
      ['FIELDS x y z\nSIZE 4 4\nTYPE F F F\nPOINTS 1\nDATA binary\n', /FIELDS lists 3 names but SIZE lists 2/],
      ['FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nPOINTS 1\nDATA binary_zstd\n', /unsupported DATA type/],
      ['FIELDS x y z\nSIZE 4 4 8\nTYPE F F I\nPOINTS 1\nDATA binary\n', /unsupported TYPE I with SIZE 8/],
      ['FIELDS a b c\nSIZE 4 4 4\nTYPE F F F\nPOINTS 0\nDATA binary\n', /no x, y, z field/],
    ];
    for (const [text, message] of cases) {
      const error = await parsePointCloud(new TextEncoder().encode(text), 'bad.pcd').catch((e) => e);
      expect(error).toBeInstanceOf(PointCloudError);
      expect(error.message).toMatch(/^bad\.pcd: /);
      expect(error.message).toMatch(message);
    }
  });

  it('rejects corrupt LZF data with a clean error', async () => {
    const bytes = writePcd(xyzi, rows, 'binary_compressed');
    const headerEnd = new TextDecoder().decode(bytes.subarray(0, 400)).indexOf('DATA binary_compressed\n') + 23;
    const corrupt = bytes.slice();
    // A back reference far before the start of the output.
    corrupt[headerEnd + 8] = 0xff;
    corrupt[headerEnd + 9] = 0xff;
    await expect(parsePointCloud(corrupt, 'lzf.pcd')).rejects.toThrow(/^lzf\.pcd: corrupt LZF data/);
    const wrongSize = bytes.slice();
    new DataView(wrongSize.buffer).setUint32(headerEnd + 4, 15996, true);
    await expect(parsePointCloud(wrongSize, 'lzf.pcd')).rejects.toThrow(/holds 15996 bytes/);
  });

  it('hands back binary_compressed clouds that own their buffers (none left in the LZF kernel memory)', async () => {
    for (const data of ['binary', 'binary_compressed'] as const) {
      const cloud = await parsePointCloud(writePcd(ALL_TYPES, allTypesRows(50), data), `own-${data}.pcd`);
      expect(cloud.decode?.simd).toBe(true);
      // A WebAssembly memory's buffer cannot be transferred, so this would throw DataCloneError.
      const copy = structuredClone(cloud, { transfer: transferablesOf(cloud) });
      expect(copy.count).toBe(50);
      expect(cloud.positions.byteLength).toBe(0); // moved, not copied
    }
  });

  it('reads with a warning when the data is unambiguous (trailing bytes, WIDTH x HEIGHT mismatch)', async () => {
    const trailing = new Uint8Array([...writePcd(xyzi, rows.slice(0, 2), 'binary'), 1, 2, 3]);
    const a = await parsePointCloud(trailing, 't.pcd');
    expect(a.count).toBe(2);
    expect(a.warnings).toEqual(['t.pcd: 3 bytes after the last point ignored']);
    const b = await parsePointCloud(writePcd(xyzi, rows.slice(0, 4), 'binary', { width: 3, height: 2 }), 'w.pcd');
    expect(b.count).toBe(4);
    expect(b.width).toBeUndefined();
    expect(b.warnings[0]).toMatch(/WIDTH x HEIGHT \(3 x 2\) disagrees with POINTS 4/);
  });

  it('fails cleanly on short ascii rows and missing rows', async () => {
    const text = 'FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nPOINTS 3\nDATA ascii\n1 2 3\n4 5\n';
    await expect(parsePointCloud(new TextEncoder().encode(text), 'a.pcd')).rejects.toThrow('a.pcd: ascii row 2 has 2 values, FIELDS/COUNT need 3');
    const short = 'FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nPOINTS 3\nDATA ascii\n1 2 3\n4 5 6\n';
    await expect(parsePointCloud(new TextEncoder().encode(short), 'a.pcd')).rejects.toThrow('a.pcd: truncated DATA section: header says 3 points, ascii data has 2 rows');
  });
});

describe('fused column extraction', () => {
  it('reads unaligned row-major records and leaves column-major layouts to the safe path', async () => {
    const { extractColumns } = await import('./columns');
    const n = 5000;
    const rec = new Float32Array(n * 4).map((_, i) => i);
    // Unaligned row-major body: one byte of padding before the records.
    const padded = new Uint8Array(rec.byteLength + 1);
    padded.set(new Uint8Array(rec.buffer), 1);
    const body = padded.subarray(1);
    const col = (o: number) => ({ start: o, stride: 16, type: 'float32' as const, count: 1 });
    const r = extractColumns(body, [col(0), col(4), col(8)], [{ ...col(12), name: 'i' }], n);
    expect(Array.from(r.positions.slice(0, 6))).toEqual([0, 1, 2, 4, 5, 6]);
    expect(Array.from(r.fields[0].data.slice(0, 2) as Float32Array)).toEqual([3, 7]);
    expect(r.positions[(n - 1) * 3 + 2]).toBe((n - 1) * 4 + 2);
    // Unaligned column-major body (x column, then y, then z): must not be block-staged.
    const cm = new Float32Array(n * 3).map((_, i) => i);
    const cmPadded = new Uint8Array(cm.byteLength + 1);
    cmPadded.set(new Uint8Array(cm.buffer), 1);
    const c = (k: number) => ({ start: k * n * 4, stride: 4, type: 'float32' as const, count: 1 });
    const r2 = extractColumns(cmPadded.subarray(1), [c(0), c(1), c(2)], [], n);
    expect(Array.from(r2.positions.slice(0, 3))).toEqual([0, n, 2 * n]);
    expect(r2.positions[(n - 1) * 3 + 2]).toBe(3 * n - 1);
  });
});
