/**
 * Ultralytics YOLO-OBB labels (`task: obb`): one object per line, `class x1 y1 x2 y2 x3 y3 x4 y4`,
 * the four corners normalised to [0, 1] by the image width and height, class the index into
 * `names` of the dataset's data.yaml. Corners are written in DOTA order (common.quadOf); Ultralytics
 * itself fits a minimum-area rectangle to them, so any order trains the same.
 *
 * Coordinates are written at full double precision (not Ultralytics' 6 decimals) so a rotated box
 * survives export → import to ~1e-12 px; readers accept any precision. Only boxes, rotated boxes
 * and 4-point polygons have an OBB form; other shapes are counted as skipped.
 */
import yaml from 'js-yaml';
import { GeoFormatError, num, quadOf, quadToRotatedBox, type GeoObject, type Pt } from './common';

export function writeYoloObb(objects: GeoObject[], size: { width: number; height: number }, names: string[]): { text: string; dataYaml: string; names: string[]; written: number; skipped: number } {
  const all = [...names];
  const index = new Map(all.map((n, i) => [n, i]));
  const lines: string[] = [];
  let skipped = 0;
  for (const o of objects) {
    const q = quadOf(o.geometry);
    if (!q) {
      skipped++;
      continue;
    }
    let k = index.get(o.label);
    if (k === undefined) {
      k = all.length;
      all.push(o.label);
      index.set(o.label, k);
    }
    lines.push(`${k} ${q.map(([x, y]) => `${num(x / size.width)} ${num(y / size.height)}`).join(' ')}`);
  }
  const dataYaml = yaml.dump({ task: 'obb', path: '.', train: 'images', val: 'images', names: Object.fromEntries(all.map((n, i) => [i, n])) });
  return { text: lines.join('\n') + (lines.length ? '\n' : ''), dataYaml, names: all, written: lines.length, skipped };
}

/** `names` from a data.yaml (list or {index: name} map), or from a classes.txt (one per line). */
export function readYoloNames(text: string, file: string): string[] {
  if (/\.ya?ml$/i.test(file)) {
    let doc: unknown;
    try {
      doc = yaml.load(text);
    } catch (e) {
      throw new GeoFormatError(file, null, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    const names = (doc as { names?: unknown } | null)?.names;
    if (Array.isArray(names)) return names.map(String);
    if (names && typeof names === 'object') {
      const out: string[] = [];
      for (const [k, v] of Object.entries(names)) {
        const i = Number(k);
        if (!Number.isInteger(i) || i < 0) throw new GeoFormatError(file, 'names', `class index "${k}" is not a non-negative integer`);
        out[i] = String(v);
      }
      return Array.from(out, (n, i) => n ?? String(i));
    }
    throw new GeoFormatError(file, null, 'has no `names` list');
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

export function readYoloObb(text: string, file: string, size: { width: number; height: number }, names: string[]): (GeoObject & { line: number })[] {
  const out: (GeoObject & { line: number })[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `line ${i + 1}`;
    const t = line.split(/\s+/);
    if (t.length !== 9) throw new GeoFormatError(file, where, `expected "class x1 y1 x2 y2 x3 y3 x4 y4", found ${t.length} fields`);
    const k = Number(t[0]);
    if (!Number.isInteger(k) || k < 0) throw new GeoFormatError(file, where, `class "${t[0]}" is not a class index`);
    if (k >= names.length) throw new GeoFormatError(file, where, `class ${k} is not in the ${names.length} names of the dataset`);
    const c = t.slice(1).map(Number);
    const bad = c.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new GeoFormatError(file, where, `coordinate ${bad + 1} ("${t[bad + 1]}") is not a number`);
    // Ultralytics clips to [0, 1]; a little outside is a box at the edge, far outside a wrong file
    if (c.some((v) => v < -0.5 || v > 1.5)) throw new GeoFormatError(file, where, 'coordinates are not normalised to [0, 1]');
    const q: Pt[] = [0, 1, 2, 3].map((j) => [c[2 * j] * size.width, c[2 * j + 1] * size.height]);
    const geometry = quadToRotatedBox(q) ?? { kind: 'polygon' as const, points: q.flat() };
    out.push({ line: i + 1, label: names[k], geometry });
  });
  return out;
}
