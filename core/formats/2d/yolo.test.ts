import { describe, expect, it } from 'vitest';
import { exportYolo, importYolo } from './yolo';
import { datasetDifferences, filesAsText, sampleDataset, withoutExtras } from './testing';

const ds = withoutExtras(sampleDataset(new Set(['box2d', 'polygon'])));
const images = ds.items.map(({ name, width, height }) => ({ name, width, height }));

describe('YOLO', () => {
  it('round-trips boxes and polygons', () => {
    const files = exportYolo(ds);
    expect([...files.keys()].sort()).toEqual(['data.yaml', 'labels/one.txt', 'labels/sub/two.txt']);
    const back = importYolo(files, { images });
    expect(datasetDifferences(ds, back)).toEqual([]);
    expect(filesAsText(exportYolo(back))).toEqual(filesAsText(files));
  });

  it('writes normalized centre boxes and class names', () => {
    const files = exportYolo(ds);
    // car is class 0 (kept from externalIds); box 1.5..10 x 2.25..12 in a 40x30 image
    expect((files.get('labels/sub/two.txt') as string).trim()).toBe('0 0.143750 0.237500 0.212500 0.325000');
    expect(files.get('data.yaml')).toContain('names:\n  0: car\n  1: person\n  2: traffic light\n');
  });

  it('exports detection boxes for polygons and warns about what it drops', () => {
    const warnings: string[] = [];
    const rich = sampleDataset(new Set(['polygon', 'mask', 'tag']));
    const files = exportYolo(rich, { task: 'detect', onWarning: (w) => warnings.push(w) });
    const lines = (files.get('labels/one.txt') as string).trim().split('\n');
    expect(lines.every((l) => l.split(' ').length === 5)).toBe(true);
    expect(lines).toHaveLength(4); // 3 polygons + the mask's bbox
    expect(warnings.some((w) => w.includes('(tag) skipped'))).toBe(true);
  });

  it('reads list-style names, predictions with confidence, and reports bad lines', () => {
    const files = new Map<string, string>([
      ['data.yaml', 'names: [a, b]\n'],
      ['labels/x.txt', '1 0.5 0.5 0.2 0.2 0.9\n'],
    ]);
    const one = importYolo(files, { images: [{ name: 'images/x.jpg', width: 100, height: 50 }] });
    expect(one.items[0].document.objects[0]).toMatchObject({
      geometry: { kind: 'box2d', x1: 40, y1: 20, x2: 60, y2: 30 },
      source: { kind: 'model', score: 0.9 },
    });
    files.set('labels/x.txt', '0 0.5 0.5\n');
    expect(() => importYolo(files, { images: [{ name: 'images/x.jpg', width: 1, height: 1 }] })).toThrow(
      'labels/x.txt: line 1: expected 4 box values or an even count >= 6 of polygon values, got 2',
    );
    files.set('labels/x.txt', '7 0.5 0.5 0.1 0.1\n');
    expect(() => importYolo(files, { images: [{ name: 'images/x.jpg', width: 1, height: 1 }] })).toThrow(/class 7 is not/);
    expect(() => importYolo(files, { images: [] })).toThrow('labels/x.txt: no image in the dataset matches this label file');
    expect(() => importYolo(new Map(), { images: [] })).toThrow(/data.yaml: not found/);
  });
});
