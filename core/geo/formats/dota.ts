/**
 * DOTA oriented-box labels (DOTA v1.0 / v1.5 `labelTxt`): one object per line,
 * `x1 y1 x2 y2 x3 y3 x4 y4 class difficult`, pixel coordinates of the four corners clockwise on
 * screen from the object's own top-left corner. v1.0/v1.5 files may start with the lines
 * `imagesource:<source>` and `gsd:<metres per pixel>`; both are written and skipped on reading.
 *
 * Boxes and rotated boxes are written from their corners (common.quadOf), 4-point polygons as they
 * are; other shapes have no DOTA form and are counted as skipped. On reading a rectangle becomes a
 * rotated box whose corners are the line's (so a rotated box makes the round trip exactly, at any
 * angle), any other quadrilateral a 4-point polygon. `difficult` is the object's `difficult`
 * attribute (1 when true / non-zero).
 */
import { classToken, GeoFormatError, num, quadOf, quadToRotatedBox, type GeoObject, type Pt } from './common';

export function writeDota(objects: GeoObject[], opts: { imageSource?: string; gsd?: number | null } = {}): { text: string; written: number; skipped: number } {
  const lines: string[] = [];
  if (opts.imageSource) lines.push(`imagesource:${opts.imageSource.replace(/\s+/g, '_')}`);
  if (opts.gsd != null && Number.isFinite(opts.gsd)) lines.push(`gsd:${num(opts.gsd)}`);
  let written = 0;
  let skipped = 0;
  for (const o of objects) {
    const q = quadOf(o.geometry);
    if (!q) {
      skipped++;
      continue;
    }
    const d = o.attributes?.difficult;
    const difficult = d === true || (typeof d === 'number' && d !== 0) || d === '1' ? 1 : 0;
    lines.push(`${q.map(([x, y]) => `${num(x)} ${num(y)}`).join(' ')} ${classToken(o.label)} ${difficult}`);
    written++;
  }
  return { text: lines.join('\n') + '\n', written, skipped };
}

export interface DotaRead {
  objects: (GeoObject & { line: number })[];
  imageSource: string | null;
  gsd: number | null;
}

export function readDota(text: string, file: string): DotaRead {
  const objects: DotaRead['objects'] = [];
  let imageSource: string | null = null;
  let gsd: number | null = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `line ${i + 1}`;
    if (!line) return;
    if (/^imagesource:/i.test(line)) {
      imageSource = line.slice(12);
      return;
    }
    if (/^gsd:/i.test(line)) {
      const v = line.slice(4).trim();
      gsd = v === '' || /^null$/i.test(v) ? null : Number(v);
      if (gsd != null && !Number.isFinite(gsd)) throw new GeoFormatError(file, where, `gsd "${v}" is not a number`);
      return;
    }
    const t = line.split(/\s+/);
    if (t.length < 9 || t.length > 10) throw new GeoFormatError(file, where, `expected "x1 y1 x2 y2 x3 y3 x4 y4 class difficult", found ${t.length} fields`);
    const c = t.slice(0, 8).map(Number);
    const bad = c.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new GeoFormatError(file, where, `coordinate ${bad + 1} ("${t[bad]}") is not a number`);
    const label = t[8];
    if (!Number.isNaN(Number(label)) && t.length === 9 && /^[01]$/.test(label)) {
      // 8 numbers and a 0/1: the class is missing, not "1"
      throw new GeoFormatError(file, where, 'the class name is missing');
    }
    const difficult = t.length === 10 ? t[9] : '0';
    if (!/^[01]$/.test(difficult)) throw new GeoFormatError(file, where, `difficult must be 0 or 1, found "${difficult}"`);
    const q: Pt[] = [[c[0], c[1]], [c[2], c[3]], [c[4], c[5]], [c[6], c[7]]];
    const geometry = quadToRotatedBox(q) ?? { kind: 'polygon' as const, points: c };
    objects.push({ line: i + 1, label, geometry, attributes: difficult === '1' ? { difficult: true } : {} });
  });
  return { objects, imageSource, gsd };
}
