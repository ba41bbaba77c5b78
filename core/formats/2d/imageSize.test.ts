import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imageSize } from './imageSize';
import { importYolo } from './yolo';

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const JPEG = `${DATA}images/coco139/000000000139.jpg`;

describe('imageSize', () => {
  it('reads a PNG header', () => {
    const png = new Uint8Array(24);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    png.set([0, 0, 1, 44, 0, 0, 0, 200], 16); // 300 x 200
    expect(imageSize(png)).toEqual({ width: 300, height: 200 });
    expect(imageSize(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('reads a minimal JPEG header (APP0 then SOF0)', () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x01, 0xaa, 0x02, 0x80, 3, 0, 0, 0]);
    expect(imageSize(jpeg)).toEqual({ width: 640, height: 426 });
  });

  it.skipIf(!existsSync(JPEG))('reads the COCO 139 JPEG and feeds a YOLO import (needs ../shared/data beside the repository, skipped when absent)', () => {
    const bytes = new Uint8Array(readFileSync(JPEG));
    expect(imageSize(bytes)).toEqual({ width: 640, height: 426 });
    const ds = importYolo(
      new Map<string, string | Uint8Array>([
        ['data.yaml', 'names: [tv]\n'],
        ['images/000000000139.jpg', bytes],
        ['labels/000000000139.txt', '0 0.5 0.5 0.25 0.5\n'],
      ]),
    );
    expect(ds.items[0].document.objects[0].geometry).toEqual({ kind: 'box2d', x1: 240, y1: 106.5, x2: 400, y2: 319.5 });
  });
});
