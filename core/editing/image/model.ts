/**
 * Edits of the image editor as pure functions over the object records (id -> object), so every
 * edit is a record diff (undo, journal) and testable without React.
 */
import type { AnnotationObject, AttributeValue, Geometry, ItemDocument, LabelSpec, RejectedPrediction } from '../../document/schema';
import type { RecordMap } from '../../history/diff';
import { rejectionOf } from '../../review/predictions';
import { translate } from './geometry';

export type Records = RecordMap<AnnotationObject>;

/**
 * Remembered rejected / deleted predictions (document.rejected) ride in the records under this
 * prefix (as in the LiDAR editor), so a rejection and its undo are one history step. They are not
 * objects: everything here reads objects through `objectsIn`.
 */
export const REJECTED_PREFIX = 'rejected:';
export const isRejectedKey = (key: string) => key.startsWith(REJECTED_PREFIX);

/** The objects of the records (remembered rejections left out). */
export function objectsIn(records: Records): AnnotationObject[] {
  const out: AnnotationObject[] = [];
  for (const [key, o] of Object.entries(records)) if (!isRejectedKey(key)) out.push(o);
  return out;
}

/** The remembered rejections in the records. */
export function rejectionsIn(records: Records): RejectedPrediction[] {
  return Object.entries(records).filter(([key]) => isRejectedKey(key)).map(([, r]) => r as unknown as RejectedPrediction);
}

let counter = 0;
export function newId(): string {
  counter = (counter + 1) % 1e6;
  return `o${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}${counter.toString(36)}`;
}

export function recordsOf(doc: ItemDocument): Records {
  const out: Records = {};
  for (const o of doc.objects) out[o.id] = o;
  // cast: a rejection is not an object, but shares the record map (see REJECTED_PREFIX)
  for (const r of doc.rejected ?? []) out[`${REJECTED_PREFIX}${r.id}`] = r as unknown as AnnotationObject;
  return out;
}

export function documentOf(base: ItemDocument, records: Records): ItemDocument {
  const objects = objectsIn(records);
  const rejected = rejectionsIn(records);
  const status = base.status === 'new' && objects.length ? 'in_progress' : base.status;
  const out: ItemDocument = { ...base, status, objects };
  if (rejected.length || base.rejected) out.rejected = rejected;
  return out;
}

export function objectsOnFrame(records: Records, frame: number): AnnotationObject[] {
  return objectsIn(records).filter((o) => o.frame === frame);
}

/** Default attribute values from the label's specs. */
export function defaultAttributes(label: LabelSpec | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const a of label?.attributes ?? []) {
    if (a.default !== undefined) out[a.id] = a.default;
    else if (a.type === 'bool') out[a.id] = false;
    else if (a.type === 'enum' && a.options?.length) out[a.id] = a.options[0];
  }
  return out;
}

export function createObject(records: Records, geometry: Geometry, label: LabelSpec | undefined, frame: number, id = newId()): Records {
  const top = objectsIn(records).reduce((m, o) => Math.max(m, o.zOrder), 0);
  const o: AnnotationObject = {
    id,
    label: label?.id ?? '',
    geometry,
    frame,
    attributes: defaultAttributes(label),
    source: { kind: 'human' },
    zOrder: top + 1,
    updatedAt: Date.now(),
  };
  return { ...records, [id]: o };
}

/** Replace fields of some objects (a model prediction that is edited keeps its provenance). */
export function patch(records: Records, ids: readonly string[], change: (o: AnnotationObject) => Partial<AnnotationObject>): Records {
  const next = { ...records };
  for (const id of ids) {
    const o = records[id];
    if (!o) continue;
    const p = change(o);
    const source = 'geometry' in p && o.source.kind === 'model' ? { ...o.source, kind: 'model-edited' as const } : o.source;
    next[id] = { ...o, source, ...p, updatedAt: Date.now() };
  }
  return next;
}

export function setGeometry(records: Records, id: string, geometry: Geometry): Records {
  return patch(records, [id], () => ({ geometry }));
}

/**
 * Delete objects (locked ones stay). A model prediction deleted is remembered in the same step
 * (`rejected:<id>`, core/review/predictions.ts rejectionOf), so pre-labelling does not bring it
 * back and undo restores both.
 */
export function remove(records: Records, ids: readonly string[], now = Date.now()): Records {
  const next = { ...records };
  for (const id of ids) {
    const o = records[id];
    if (!o || o.locked || isRejectedKey(id)) continue;
    delete next[id];
    const remembered = rejectionOf(o, now);
    if (remembered) next[`${REJECTED_PREFIX}${remembered.id}`] = remembered as unknown as AnnotationObject;
  }
  return next;
}

export function relabel(records: Records, ids: readonly string[], label: LabelSpec): Records {
  return patch(
    records,
    ids.filter((id) => !records[id]?.locked),
    (o) => ({ label: label.id, attributes: { ...defaultAttributes(label), ...o.attributes } }),
  );
}

export function setAttribute(records: Records, id: string, attr: string, value: AttributeValue): Records {
  return patch(records, [id], (o) => ({ attributes: { ...o.attributes, [attr]: value } }));
}

export function toggle(records: Records, ids: readonly string[], flag: 'hidden' | 'locked'): Records {
  const on = !ids.every((id) => records[id]?.[flag]);
  return patch(records, ids, () => ({ [flag]: on || undefined }));
}

/**
 * Ids in drawing order (bottom first): zOrder, then record order, as paintOrder draws them.
 * Shared by objects and tracks, which both carry zOrder.
 */
export function drawingOrder<T extends { id: string; zOrder?: number }>(items: readonly T[]): string[] {
  return items
    .map((o, i) => [o, i] as const)
    .sort((a, b) => (a[0].zOrder ?? 0) - (b[0].zOrder ?? 0) || a[1] - b[1])
    .map(([o]) => o.id);
}

/**
 * Bubble the ids in `moving` one place up (1) or down (-1) in `ordered`, in place. Neighbours
 * that move too keep their relative order, so a multi-selection moves as a block.
 */
export function bubble(ordered: string[], moving: ReadonlySet<string>, direction: 1 | -1): string[] {
  if (direction === 1) {
    for (let i = ordered.length - 2; i >= 0; i--) if (moving.has(ordered[i]) && !moving.has(ordered[i + 1])) [ordered[i], ordered[i + 1]] = [ordered[i + 1], ordered[i]];
  } else {
    for (let i = 1; i < ordered.length; i++) if (moving.has(ordered[i]) && !moving.has(ordered[i - 1])) [ordered[i], ordered[i - 1]] = [ordered[i - 1], ordered[i]];
  }
  return ordered;
}

/** Move objects one step up or down in drawing order among the objects of the same frame. */
export function reorder(records: Records, ids: readonly string[], direction: 1 | -1): Records {
  const frame = records[ids[0]]?.frame ?? 0;
  const ordered = bubble(drawingOrder(objectsOnFrame(records, frame)), new Set(ids), direction);
  let next = records;
  ordered.forEach((id, z) => {
    if (next[id].zOrder !== z) next = { ...next, [id]: { ...next[id], zOrder: z } };
  });
  return next;
}

/** Paste copies offset by (dx, dy) onto `frame`; returns the records and the new ids. */
export function paste(records: Records, clipboard: readonly AnnotationObject[], frame: number, dx: number, dy: number): { records: Records; ids: string[] } {
  let next = records;
  const ids: string[] = [];
  let top = objectsIn(records).reduce((m, o) => Math.max(m, o.zOrder), 0);
  for (const o of clipboard) {
    const id = newId();
    ids.push(id);
    const geometry = o.geometry.kind === 'tag' ? o.geometry : translate(o.geometry, dx, dy);
    next = { ...next, [id]: { ...o, id, frame, geometry, hidden: undefined, locked: undefined, zOrder: ++top, source: { kind: 'human' }, updatedAt: Date.now() } };
  }
  return { records: next, ids };
}
