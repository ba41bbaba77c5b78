/**
 * COCO with rotated boxes, as detectron2 reads it (`BoxMode.XYWHA_ABS`, RotatedCOCOEvaluator) and
 * mmrotate's COCO-style loaders take it:
 *
 *   bbox = [cx, cy, w, h, angle]
 *
 * cx, cy the centre and w, h the size in pixels; `angle` in **degrees, counter-clockwise as seen on
 * screen** (y down), in [-180, 180): w runs along the box's own x axis, which is the image x axis
 * turned counter-clockwise by `angle`. Datum's rotatedBox angle is radians clockwise on screen, so
 * angle_deg = −angle_rad · 180/π (normalised) and back. `segmentation` carries the four corners
 * (DOTA order) so tools that read polygons see the same box; `area` = w·h; `datum_id` the object id.
 * Axis-aligned boxes are written with angle 0; other shapes are counted as skipped.
 */
import { GeoFormatError, quadOf, type GeoObject } from './common';

export interface CocoObbImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export function rotatedAngleToCoco(rad: number): number {
  let d = (-rad * 180) / Math.PI;
  d = ((((d + 180) % 360) + 360) % 360) - 180; // [-180, 180)
  return Object.is(d, -0) ? 0 : d;
}
export const cocoAngleToRotated = (deg: number) => {
  const r = (-deg * Math.PI) / 180;
  return Object.is(r, -0) ? 0 : r;
};

export function writeCocoObb(objects: GeoObject[], image: Omit<CocoObbImage, 'id'>, names: string[]): { json: unknown; written: number; skipped: number } {
  const categories = names.map((name, i) => ({ id: i + 1, name }));
  const byName = new Map(names.map((n, i) => [n, i + 1]));
  const annotations: unknown[] = [];
  let skipped = 0;
  for (const o of objects) {
    const g = o.geometry;
    let box: [number, number, number, number, number] | null = null;
    if (g.kind === 'rotatedBox') box = [g.cx, g.cy, g.w, g.h, rotatedAngleToCoco(g.angle)];
    else if (g.kind === 'box2d') box = [(g.x1 + g.x2) / 2, (g.y1 + g.y2) / 2, Math.abs(g.x2 - g.x1), Math.abs(g.y2 - g.y1), 0];
    if (!box) {
      skipped++;
      continue;
    }
    let cat = byName.get(o.label);
    if (cat === undefined) {
      cat = categories.length + 1;
      categories.push({ id: cat, name: o.label });
      byName.set(o.label, cat);
    }
    annotations.push({
      id: annotations.length + 1,
      image_id: 1,
      category_id: cat,
      bbox: box,
      area: box[2] * box[3],
      iscrowd: 0,
      segmentation: [quadOf(g)!.flat()],
      ...(o.id ? { datum_id: o.id } : {}),
      ...(o.attributes && Object.keys(o.attributes).length ? { attributes: o.attributes } : {}),
    });
  }
  return {
    json: { info: { description: 'Datum rotated boxes: bbox = [cx, cy, w, h, angle°], angle counter-clockwise on screen (detectron2 XYWHA_ABS)' }, images: [{ id: 1, ...image }], categories, annotations },
    written: annotations.length,
    skipped,
  };
}

type Ann = { id?: unknown; image_id?: unknown; category_id?: unknown; bbox?: unknown; datum_id?: unknown; attributes?: unknown };

/** The annotations of the image named `imageName` (or of the only image) as rotated boxes. */
export function readCocoObb(text: string, file: string, imageName: string): (GeoObject & { where: string })[] {
  let doc: { images?: CocoObbImage[]; categories?: { id: number; name: string }[]; annotations?: Ann[] };
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new GeoFormatError(file, null, `not valid JSON: ${(e as Error).message}`);
  }
  if (!doc || !Array.isArray(doc.images) || !Array.isArray(doc.annotations) || !Array.isArray(doc.categories))
    throw new GeoFormatError(file, null, 'not a COCO file: `images`, `annotations` and `categories` arrays are required');
  const base = (n: string) => n.split(/[\\/]/).pop()!;
  const image = doc.images.length === 1 ? doc.images[0] : doc.images.find((i) => base(String(i.file_name)) === base(imageName));
  if (!image) throw new GeoFormatError(file, 'images', `no image named ${base(imageName)} among ${doc.images.length}`);
  const cats = new Map(doc.categories.map((c) => [c.id, String(c.name)]));
  const out: (GeoObject & { where: string })[] = [];
  doc.annotations.forEach((a, i) => {
    if (a.image_id !== image.id) return;
    const where = `annotation ${i + 1}${a.id != null ? ` (id ${String(a.id)})` : ''}`;
    const b = a.bbox;
    if (!Array.isArray(b) || b.length !== 5 || !b.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw new GeoFormatError(file, where, `bbox must be 5 numbers [cx, cy, w, h, angle], found ${JSON.stringify(b)}`);
    if (b[2] <= 0 || b[3] <= 0) throw new GeoFormatError(file, where, 'bbox width and height must be positive');
    const label = cats.get(a.category_id as number);
    if (label === undefined) throw new GeoFormatError(file, where, `category_id ${String(a.category_id)} is not among the categories`);
    const attrs = a.attributes && typeof a.attributes === 'object' ? (a.attributes as Record<string, string | number | boolean>) : {};
    out.push({
      where,
      id: typeof a.datum_id === 'string' ? a.datum_id : undefined,
      label,
      geometry: { kind: 'rotatedBox', cx: b[0], cy: b[1], w: b[2], h: b[3], angle: cocoAngleToRotated(b[4]) },
      attributes: attrs,
    });
  });
  return out;
}
