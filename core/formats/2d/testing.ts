/**
 * Helpers for the format tests: a small dataset with every 2D geometry kind and a comparison
 * that tells exactly where two datasets differ (ids may differ, content may not).
 */
import type { AnnotationObject, Geometry, Keyframe, Track } from '../../document/schema';
import { encodeRle } from '../../geometry/rle';
import { type Dataset2D, LabelBook, newDocument } from './dataset';

export function sampleDataset(kinds: ReadonlySet<Geometry['kind']>): Dataset2D {
  const labels = new LabelBook();
  const car = labels.ensure('car', { externalIds: { coco: 3, yolo: 0 } });
  const person = labels.ensure('person', {
    skeleton: { points: ['head', 'left hand', 'right hand'], edges: [[0, 1], [0, 2]] },
  });
  const sky = labels.ensure('traffic light');
  const w = 40, h = 30;
  const mask = new Uint8Array(w * h);
  for (let y = 5; y < 12; y++) for (let x = 10; x < 20; x++) mask[y * w + x] = 1;
  const all: Array<Omit<AnnotationObject, 'frame' | 'source' | 'zOrder' | 'attributes'> & { attributes?: AnnotationObject['attributes'] }> = [
    { id: 'a', label: car, geometry: { kind: 'box2d', x1: 1.5, y1: 2.25, x2: 10, y2: 12 }, attributes: { color: 'red' } },
    { id: 'b', label: sky, geometry: { kind: 'polygon', points: [1, 1, 8, 1, 8, 9.5, 1, 9] }, occluded: true },
    { id: 'c1', label: car, geometry: { kind: 'polygon', points: [20, 20, 25, 20, 25, 25] }, group: 'g' },
    { id: 'c2', label: car, geometry: { kind: 'polygon', points: [30, 20, 35, 20, 35, 25, 30, 26] }, group: 'g' },
    { id: 'd', label: sky, geometry: { kind: 'mask', size: [h, w], counts: encodeRle(mask, w, h) }, crowd: true },
    { id: 'e', label: person, geometry: { kind: 'skeleton', points: [5, 5, 3, 9, 0, 0], visibility: [2, 1, 0] } },
    { id: 'f', label: car, geometry: { kind: 'polyline', points: [0, 0, 10, 10, 20, 5] } },
    { id: 'g', label: person, geometry: { kind: 'points', points: [4, 4, 6, 6] } },
    { id: 'h', label: sky, geometry: { kind: 'tag' } },
    { id: 'i', label: car, geometry: { kind: 'rotatedBox', cx: 20, cy: 15, w: 8, h: 4, angle: 0.5 } },
  ];
  const objects: AnnotationObject[] = all
    .filter((o) => kinds.has(o.geometry.kind))
    .map((o) => ({ frame: 0, source: { kind: 'human' }, zOrder: 0, attributes: {}, ...o }));
  const first = { ...newDocument('images/one.jpg'), objects };
  const second = { ...newDocument('images/sub/two.png'), objects: objects.slice(0, 1).map((o) => ({ ...o, id: 'z' })) };
  return {
    ontology: labels.ontology(),
    items: [
      { name: 'images/one.jpg', width: w, height: h, document: first },
      { name: 'images/sub/two.png', width: w, height: h, document: second },
    ],
  };
}

/** Human-readable differences between two datasets; empty when equivalent within tolerance. */
export function datasetDifferences(a: Dataset2D, b: Dataset2D, tolerance = 1e-4): string[] {
  const out: string[] = [];
  const nameA = new Map(a.ontology.labels.map((l) => [l.id, l.name]));
  const nameB = new Map(b.ontology.labels.map((l) => [l.id, l.name]));
  if (a.items.length !== b.items.length) return [`item count ${a.items.length} vs ${b.items.length}`];
  a.items.forEach((ia, index) => {
    const ib = b.items[index];
    const at = `item ${ia.name}`;
    for (const key of ['name', 'width', 'height', 'frames'] as const) {
      if (ia[key] !== ib[key]) out.push(`${at}: ${key} ${ia[key]} vs ${ib[key]}`);
    }
    const oa = ia.document.objects, ob = ib.document.objects;
    if (oa.length !== ob.length) {
      out.push(`${at}: ${oa.length} vs ${ob.length} objects`);
      return;
    }
    const groupsA = groupPartition(oa), groupsB = groupPartition(ob);
    oa.forEach((x, i) => {
      const y = ob[i];
      const where = `${at} object ${i} (${x.geometry.kind})`;
      if (nameA.get(x.label) !== nameB.get(y.label)) out.push(`${where}: label ${nameA.get(x.label)} vs ${nameB.get(y.label)}`);
      if (x.frame !== y.frame) out.push(`${where}: frame ${x.frame} vs ${y.frame}`);
      if (!!x.occluded !== !!y.occluded) out.push(`${where}: occluded ${x.occluded} vs ${y.occluded}`);
      if (!!x.crowd !== !!y.crowd) out.push(`${where}: crowd ${x.crowd} vs ${y.crowd}`);
      if (groupsA[i] !== groupsB[i]) out.push(`${where}: grouping differs`);
      if (JSON.stringify(sorted(x.attributes)) !== JSON.stringify(sorted(y.attributes))) {
        out.push(`${where}: attributes ${JSON.stringify(x.attributes)} vs ${JSON.stringify(y.attributes)}`);
      }
      out.push(...geometryDifferences(where, x.geometry, y.geometry, tolerance));
    });
    const ta = ia.document.tracks, tb = ib.document.tracks;
    if (ta.length !== tb.length) out.push(`${at}: ${ta.length} vs ${tb.length} tracks`);
    else ta.forEach((x, i) => out.push(...trackDifferences(`${at} track ${i}`, x, tb[i], nameA, nameB, tolerance)));
  });
  return out;
}

function trackDifferences(
  where: string,
  a: Track,
  b: Track,
  nameA: Map<string, string>,
  nameB: Map<string, string>,
  tolerance: number,
): string[] {
  const out: string[] = [];
  if (nameA.get(a.label) !== nameB.get(b.label)) out.push(`${where}: label differs`);
  if (JSON.stringify(sorted(a.attributes)) !== JSON.stringify(sorted(b.attributes))) out.push(`${where}: attributes differ`);
  if ((a.zOrder ?? 0) !== (b.zOrder ?? 0)) out.push(`${where}: zOrder ${a.zOrder} vs ${b.zOrder}`);
  if (a.keyframes.length !== b.keyframes.length) return [...out, `${where}: ${a.keyframes.length} vs ${b.keyframes.length} keyframes`];
  a.keyframes.forEach((k: Keyframe, i) => {
    const l = b.keyframes[i];
    const at = `${where} keyframe ${k.frame}`;
    if (k.frame !== l.frame || k.outside !== l.outside || k.occluded !== l.occluded) {
      out.push(`${at}: frame/outside/occluded ${k.frame}/${k.outside}/${k.occluded} vs ${l.frame}/${l.outside}/${l.occluded}`);
    }
    if (JSON.stringify(sorted(k.attributes)) !== JSON.stringify(sorted(l.attributes))) out.push(`${at}: attributes differ`);
    out.push(...geometryDifferences(at, k.geometry, l.geometry, tolerance));
  });
  return out;
}

function geometryDifferences(where: string, a: Geometry, b: Geometry, tolerance: number): string[] {
  if (a.kind !== b.kind) return [`${where}: kind ${a.kind} vs ${b.kind}`];
  const na = numbersOf(a), nb = numbersOf(b);
  if (na.length !== nb.length) return [`${where}: ${na.length} vs ${nb.length} numbers`];
  const index = na.findIndex((v, i) => Math.abs(v - nb[i]) > tolerance);
  return index < 0 ? [] : [`${where}: value ${index} is ${na[index]} vs ${nb[index]}`];
}

function numbersOf(g: Geometry): number[] {
  const out: number[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'number') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.keys(value).sort().forEach((k) => walk((value as Record<string, unknown>)[k]));
  };
  walk(g);
  return out;
}

function groupPartition(objects: readonly AnnotationObject[]): Array<number | undefined> {
  const firstIndex = new Map<string, number>();
  return objects.map((o, i) => {
    if (o.group === undefined) return undefined;
    if (!firstIndex.has(o.group)) firstIndex.set(o.group, i);
    return firstIndex.get(o.group);
  });
}

function sorted(record: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(record).sort(([x], [y]) => x.localeCompare(y));
}

/** Files as comparable strings (binary files as byte lists). */
export function filesAsText(files: Map<string, string | Uint8Array>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, content] of [...files.entries()].sort(([x], [y]) => x.localeCompare(y))) {
    out[path] = typeof content === 'string' ? content : Array.from(content).join(',');
  }
  return out;
}

/** The dataset without what simple formats cannot carry (attributes, occlusion, groups, crowd). */
export function withoutExtras(ds: Dataset2D): Dataset2D {
  return {
    ...ds,
    items: ds.items.map((item) => ({
      ...item,
      document: {
        ...item.document,
        objects: item.document.objects.map(({ occluded: _o, group: _g, crowd: _c, ...rest }) => ({ ...rest, attributes: {} })),
      },
    })),
  };
}
