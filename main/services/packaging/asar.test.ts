import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { unpackedPath, unpackedUrl } from './asar';

describe('unpackedPath', () => {
  const present = new Set(['/opt/Datum/resources/app.asar.unpacked/dist/main/pointcloud-worker.js']);
  const exists = (p: string) => present.has(p);

  it('maps a file inside app.asar to its unpacked copy when that exists', () => {
    expect(unpackedPath('/opt/Datum/resources/app.asar/dist/main/pointcloud-worker.js', exists)).toBe(
      '/opt/Datum/resources/app.asar.unpacked/dist/main/pointcloud-worker.js',
    );
  });

  it('keeps the asar path when nothing was unpacked, and leaves other paths alone', () => {
    expect(unpackedPath('/opt/Datum/resources/app.asar/dist/main/cli.js', exists)).toBe('/opt/Datum/resources/app.asar/dist/main/cli.js');
    expect(unpackedPath('/home/me/app.asarx/dist/main/cli.js', exists)).toBe('/home/me/app.asarx/dist/main/cli.js');
    expect(unpackedPath('/work/dist/main/cli.js', exists)).toBe('/work/dist/main/cli.js');
  });

  it('works on file URLs', () => {
    const url = pathToFileURL('/opt/Datum/resources/app.asar/dist/main/pointcloud-worker.js');
    expect(unpackedUrl(url, exists).pathname).toBe('/opt/Datum/resources/app.asar.unpacked/dist/main/pointcloud-worker.js');
  });
});
