import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportCoco, importCoco } from './coco';
import { FormatError } from './dataset';
import { datasetDifferences, filesAsText, sampleDataset } from './testing';

const DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const COCO139 = `${DATA}images/coco139/instances_val2017_image139.json`;

describe('COCO round trip', () => {
  const ds = sampleDataset(new Set(['box2d', 'polygon', 'mask', 'skeleton']));

  it('export -> import -> export gives the same files and an equivalent dataset', () => {
    const files = exportCoco(ds);
    const back = importCoco(files);
    expect(datasetDifferences(ds, back)).toEqual([]);
    expect(filesAsText(exportCoco(back))).toEqual(filesAsText(files));
  });

  it('writes crowd masks uncompressed, others compressed, with pycocotools area and bbox', () => {
    const json = JSON.parse(exportCoco(ds).get('annotations/instances_default.json') as string);
    const crowd = json.annotations.find((a: { iscrowd: number }) => a.iscrowd === 1);
    expect(Array.isArray(crowd.segmentation.counts)).toBe(true);
    expect(crowd.area).toBe(70); // the 10x7 rectangle of the sample mask
    expect(crowd.bbox).toEqual([10, 5, 10, 7]);
    const compressed = JSON.parse(exportCoco(ds, { maskEncoding: 'compressed' }).get('annotations/instances_default.json') as string);
    expect(typeof compressed.annotations.find((a: { iscrowd: number }) => a.iscrowd === 1).segmentation.counts).toBe('string');
    const grouped = json.annotations.find((a: { segmentation: unknown[] }) => Array.isArray(a.segmentation) && a.segmentation.length === 2);
    expect(grouped.area).toBeCloseTo(12.5 + 27.5);
    const person = json.categories.find((c: { name: string }) => c.name === 'person');
    expect(person.skeleton).toEqual([[1, 2], [1, 3]]);
    expect(json.annotations.find((a: { keypoints?: number[] }) => a.keypoints).num_keypoints).toBe(2);
  });
});

describe('COCO errors name the file and the problem', () => {
  const base = { images: [{ id: 1, file_name: 'a.jpg', width: 4, height: 4 }], categories: [{ id: 1, name: 'x' }] };
  const run = (json: unknown) => importCoco(new Map([['instances.json', JSON.stringify(json)]]));

  it('unknown image and category', () => {
    expect(() => run({ ...base, annotations: [{ id: 12, image_id: 99, category_id: 1, bbox: [0, 0, 1, 1] }] })).toThrow(
      'instances.json: annotation 12 references unknown image_id 99',
    );
    expect(() => run({ ...base, annotations: [{ id: 3, image_id: 1, category_id: 7, bbox: [0, 0, 1, 1] }] })).toThrow(
      /annotation 3 references unknown category_id 7/,
    );
  });

  it('bad RLE, bad structure, bad JSON', () => {
    const rle = { size: [4, 4], counts: [3, 2] };
    expect(() => run({ ...base, annotations: [{ id: 5, image_id: 1, category_id: 1, segmentation: rle }] })).toThrow(/annotation 5 RLE covers 5 pixels/);
    expect(() => run({ ...base, images: 'nope' })).toThrow(FormatError);
    expect(() => importCoco(new Map([['x.json', '{']]))).toThrow(/x.json: invalid JSON/);
  });

  it('decodes compressed RLE strings', () => {
    // 4x4, counts [5, 3, 8]: column 1 rows 1-3 -> '538'
    const ds = run({ ...base, annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: { size: [4, 4], counts: '538' } }] });
    expect(ds.items[0].document.objects[0].geometry).toEqual({ kind: 'mask', size: [4, 4], counts: [5, 3, 8] });
  });
});

describe.skipIf(!existsSync(COCO139))('COCO val2017 image 139 (needs ../shared/data beside the repository, skipped when absent)', () => {
  it('imports 20 annotations and exports them again', () => {
    const original = JSON.parse(readFileSync(COCO139, 'utf8'));
    const ds = importCoco(new Map([['instances_val2017_image139.json', readFileSync(COCO139)]]));
    expect(ds.ontology.labels).toHaveLength(80);
    expect(ds.items).toHaveLength(1);
    expect(ds.items[0]).toMatchObject({ name: '000000000139.jpg', width: 640, height: 426 });
    const exported = JSON.parse(exportCoco(ds).get('annotations/instances_default.json') as string);
    expect(exported.annotations).toHaveLength(20);
    expect(exported.categories.map((c: { id: number }) => c.id)).toEqual(original.categories.map((c: { id: number }) => c.id));
    original.annotations.forEach((want: Record<string, any>, i: number) => {
      const got = exported.annotations[i];
      expect(got.category_id).toBe(want.category_id);
      expect(got.iscrowd).toBe(want.iscrowd);
      expect(got.segmentation).toEqual(want.segmentation);
      got.bbox.forEach((v: number, k: number) => expect(v).toBeCloseTo(want.bbox[k], 6));
      expect(Math.abs(got.area - want.area)).toBeLessThan(1e-3);
    });
  });
});
