import { describe, expect, it } from 'vitest';
import { exportVoc, importVoc } from './voc';
import { datasetDifferences, filesAsText, sampleDataset } from './testing';

// A devkit-style file: absolute <path>, 1-based integer coordinates
const VOC2007 = `<annotation>
  <folder>VOC2007</folder>
  <filename>000005.jpg</filename>
  <path>/home/someone/VOC2007/JPEGImages/000005.jpg</path>
  <size><width>500</width><height>375</height><depth>3</depth></size>
  <segmented>0</segmented>
  <object>
    <name>chair</name><pose>Rear</pose><truncated>0</truncated><difficult>1</difficult>
    <bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox>
  </object>
</annotation>`;

describe('Pascal VOC', () => {
  it('round-trips boxes with attributes and occlusion', () => {
    const ds = sampleDataset(new Set(['box2d']));
    ds.items[0].document.objects[0].attributes = { color: 'red', truncated: true, pose: 'Left', count: 3 };
    ds.items[0].document.objects[0].occluded = true;
    const files = exportVoc(ds);
    expect([...files.keys()].sort()).toEqual([
      'Annotations/images/one.xml',
      'Annotations/images/sub/two.xml',
      'ImageSets/Main/default.txt',
      'labelmap.txt',
    ]);
    const back = importVoc(files);
    expect(datasetDifferences(ds, back)).toEqual([]);
    expect(back.ontology.labels.map((l) => [l.name, l.color])).toEqual(ds.ontology.labels.map((l) => [l.name, l.color]));
    expect(filesAsText(exportVoc(back))).toEqual(filesAsText(files));
  });

  it('reads devkit files with 1-based pixel coordinates', () => {
    const ds = importVoc(new Map([['Annotations/000005.xml', VOC2007]]));
    const item = ds.items[0];
    expect(item).toMatchObject({ name: 'JPEGImages/000005.jpg', width: 500, height: 375 });
    expect(item.document.objects[0]).toMatchObject({
      geometry: { kind: 'box2d', x1: 262, y1: 210, x2: 324, y2: 339 },
      attributes: { difficult: true, pose: 'Rear' },
    });
    expect(ds.ontology.labels[0].name).toBe('chair');
  });

  it('names the file and problem on bad input', () => {
    expect(() => importVoc(new Map([['Annotations/a.xml', '<annotation><size><width>1']]))).toThrow(/Annotations\/a.xml: invalid XML/);
    const noBox = VOC2007.replace(/<bndbox>.*<\/bndbox>/, '');
    expect(() => importVoc(new Map([['Annotations/b.xml', noBox]]))).toThrow(
      'Annotations/b.xml: object 1 (chair) has no numeric <bndbox><xmin>',
    );
    expect(() => importVoc(new Map([['Annotations/c.xml', '<root/>']]))).toThrow(/expected <annotation>/);
  });

  it('warns about shapes VOC cannot hold', () => {
    const warnings: string[] = [];
    exportVoc(sampleDataset(new Set(['box2d', 'polygon'])), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(3);
  });
});
