import { describe, expect, it } from 'vitest';
import type { Keyframe, Track } from '../../document/schema';
import { exportCvatVideo, importCvatVideo } from './cvatVideo';
import { type Dataset2D, LabelBook, newDocument } from './dataset';
import { datasetDifferences, filesAsText } from './testing';

function videoDataset(): Dataset2D {
  const labels = new LabelBook();
  const car = labels.ensure('car', {
    attributes: [
      { id: 'color', name: 'color', type: 'enum', options: ['red', 'blue'], scope: 'track', required: false },
      { id: 'moving', name: 'moving', type: 'bool', scope: 'frame', required: false },
    ],
  });
  const person = labels.ensure('person', { skeleton: { points: ['a', 'b'], edges: [[0, 1]] } });
  const scene = labels.ensure('night');
  const key = (frame: number, geometry: Keyframe['geometry'], extra: Partial<Keyframe> = {}): Keyframe => ({
    frame,
    geometry,
    outside: false,
    occluded: false,
    attributes: {},
    ...extra,
  });
  const box = (x: number) => ({ kind: 'box2d' as const, x1: x, y1: 2, x2: x + 10, y2: 12 });
  const tracks: Track[] = [
    {
      id: 'a',
      label: car,
      attributes: { color: 'blue' },
      source: { kind: 'human' },
      zOrder: 0,
      keyframes: [
        key(0, box(0), { attributes: { moving: true } }),
        key(4, box(8), { occluded: true, attributes: { moving: false } }),
        key(6, box(8), { outside: true, attributes: { moving: false } }),
        key(8, box(20), { attributes: { moving: true } }),
      ],
    },
    {
      id: 'b',
      label: car,
      attributes: { color: 'red' },
      source: { kind: 'model', model: 'cvat', score: 1 },
      group: 'g1',
      zOrder: 2, // drawn above track c: z_order on every shape of the track
      keyframes: [key(1, { kind: 'polygon', points: [0, 0, 4, 0, 4, 4, 0, 4] }), key(5, { kind: 'polygon', points: [0, 0, 6, 0, 3, 5] })],
    },
    {
      id: 'c',
      label: person,
      attributes: {},
      source: { kind: 'human' },
      zOrder: -1,
      keyframes: [
        key(2, { kind: 'skeleton', points: [1, 1, 3, 3], visibility: [2, 1] }),
        key(3, { kind: 'skeleton', points: [2, 2, 0, 0], visibility: [2, 0] }),
        key(9, { kind: 'skeleton', points: [2, 2, 0, 0], visibility: [2, 0] }, { outside: true }),
      ],
    },
  ];
  const document = { ...newDocument('clip.mp4'), tracks };
  document.objects.push({ id: 't', label: scene, geometry: { kind: 'tag' }, frame: 3, attributes: {}, source: { kind: 'human' }, zOrder: 0 });
  return { ontology: labels.ontology(), items: [{ name: 'clip.mp4', width: 40, height: 30, frames: 10, document }] };
}

describe('CVAT for video 1.1', () => {
  it('round-trips tracks with keyframes, outside, occluded, scoped attributes, groups and tags', () => {
    const ds = videoDataset();
    const files = exportCvatVideo(ds);
    const back = importCvatVideo(files);
    expect(datasetDifferences(ds, back)).toEqual([]);
    expect(back.items[0].document.tracks[1].group).toBeDefined();
    expect(filesAsText(exportCvatVideo(back))).toEqual(filesAsText(files));
  });

  it("writes each track's zOrder as z_order on all its shapes and reads it back", () => {
    const ds = videoDataset();
    const xml = exportCvatVideo(ds).get('annotations.xml') as string;
    expect(xml).toContain('<polygon frame="3" keyframe="0" outside="0" occluded="0" z_order="2"');
    expect(xml).toContain('<skeleton frame="2" keyframe="1" outside="0" occluded="0" z_order="-1"');
    const back = importCvatVideo(new Map([['annotations.xml', xml]]));
    expect(back.items[0].document.tracks.map((t) => t.zOrder)).toEqual([0, 2, -1]);
    // hidden / locked are app-only view flags: not written
    const flagged: Dataset2D = { ...ds, items: [{ ...ds.items[0], document: { ...ds.items[0].document, tracks: ds.items[0].document.tracks.map((t) => ({ ...t, hidden: true, locked: true })) } }] };
    expect(exportCvatVideo(flagged).get('annotations.xml')).toEqual(xml);
  });

  it('writes interpolated frames as keyframe="0", and none inside outside segments', () => {
    const xml = exportCvatVideo(videoDataset()).get('annotations.xml') as string;
    expect(xml).toContain('<box frame="2" keyframe="0" outside="0" occluded="0" z_order="0" xtl="4.00"');
    expect(xml).not.toMatch(/<box frame="7"/);
    expect(xml).toMatch(/<box frame="9" keyframe="0"/); // held after the last keyframe up to the video end
    const keysOnly = exportCvatVideo(videoDataset(), { allFrames: false }).get('annotations.xml') as string;
    expect(keysOnly).not.toContain('keyframe="0"');
    expect(datasetDifferences(videoDataset(), importCvatVideo(new Map([['annotations.xml', keysOnly]])))).toEqual([]);
  });

  it('treats every shape as a keyframe in files without keyframe flags', () => {
    const xml = `<annotations><version>1.1</version><meta><task><size>5</size>
      <original_size><width>10</width><height>10</height></original_size></task></meta>
      <track id="0" label="car"><box frame="0" outside="0" occluded="0" xtl="0" ytl="0" xbr="1" ybr="1"/>
      <box frame="1" outside="0" occluded="0" xtl="1" ytl="0" xbr="2" ybr="1"/></track></annotations>`;
    const ds = importCvatVideo(new Map([['v/annotations.xml', xml]]));
    expect(ds.items[0]).toMatchObject({ name: 'v/annotations.mp4', frames: 5 });
    expect(ds.items[0].document.tracks[0].keyframes.map((k) => k.frame)).toEqual([0, 1]);
    expect(ds.items[0].document.tracks[0].zOrder).toBe(0); // no z_order attribute
  });

  it('names the file and the problem', () => {
    expect(() => importCvatVideo(new Map([['annotations.xml', '<annotations><meta><task/></meta></annotations>']]))).toThrow(
      'annotations.xml: missing <meta><task><original_size> width/height',
    );
  });
});
