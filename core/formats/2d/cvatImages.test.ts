import { describe, expect, it } from 'vitest';
import { maskBitmap } from '../../geometry/rle';
import { exportCvatImages, importCvatImages } from './cvatImages';
import { datasetDifferences, filesAsText, sampleDataset } from './testing';

const ALL_2D = new Set(['box2d', 'rotatedBox', 'polygon', 'polyline', 'points', 'mask', 'skeleton', 'tag'] as const);

describe('CVAT for images 1.1', () => {
  it('round-trips every 2D shape kind with attributes, groups and skeleton labels', () => {
    const ds = sampleDataset(new Set(ALL_2D));
    for (const item of ds.items) for (const o of item.document.objects) delete o.crowd; // COCO-only
    const files = exportCvatImages(ds);
    const back = importCvatImages(files);
    expect(datasetDifferences(ds, back)).toEqual([]);
    const person = back.ontology.labels.find((l) => l.name === 'person');
    expect(person?.skeleton).toEqual({ points: ['head', 'left hand', 'right hand'], edges: [[0, 1], [0, 2]] });
    expect(filesAsText(exportCvatImages(back))).toEqual(filesAsText(files));
  });

  it("reads CVAT's cropped row-major mask rle and typed attributes", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><labels><label><name>car</name><color>#FA3253</color><type>any</type>
    <attributes><attribute><name>parked</name><mutable>False</mutable><input_type>checkbox</input_type>
      <default_value>false</default_value><values>false</values></attribute>
    <attribute><name>plate</name><mutable>False</mutable><input_type>text</input_type>
      <default_value></default_value><values></values></attribute></attributes>
  </label></labels></task></meta>
  <image id="0" name="a.png" width="4" height="3">
    <mask label="car" source="semi-auto" occluded="0" rle="1, 2, 1" left="2" top="1" width="2" height="2" z_order="1">
      <attribute name="parked">true</attribute>
      <attribute name="plate">007</attribute>
    </mask>
  </image>
</annotations>`;
    const ds = importCvatImages(new Map([['annotations.xml', xml]]));
    const object = ds.items[0].document.objects[0];
    expect(object.attributes).toEqual({ parked: true, plate: '007' });
    expect(object.source.kind).toBe('model-edited');
    if (object.geometry.kind !== 'mask') throw new Error('kind');
    // crop [[0,1],[1,0]] at (2,1): pixels (3,1) and (2,2)
    const bitmap = maskBitmap(object.geometry);
    expect([...bitmap.keys()].filter((i) => bitmap[i])).toEqual([1 * 4 + 3, 2 * 4 + 2]);
    expect(ds.ontology.labels[0].color).toBe('#fa3253');
  });

  it('names the file and the problem', () => {
    const bad = '<annotations><image id="0" name="a.png" width="4" height="3"><box label="x" xtl="1" ytl="1" xbr="2"/></image></annotations>';
    expect(() => importCvatImages(new Map([['task/annotations.xml', bad]]))).toThrow(
      "task/annotations.xml: image 'a.png' <box> 1 needs a numeric 'ybr'",
    );
    const video = '<annotations><track id="0" label="x"/></annotations>';
    expect(() => importCvatImages(new Map([['annotations.xml', video]]))).toThrow(/CVAT for video/);
  });
});
