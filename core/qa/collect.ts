/**
 * Normalisation: a QaItem becomes frames of QaObjects (track records expanded to their shape on
 * every listed frame, per-frame objects with a track id attribute kept as they are) plus one
 * series per track id (its appearances in frame order) for the track checks.
 */
import type { AnnotationObject, LabelSpec, Ontology, Track } from '../document/schema';
import { shapeAtFrame } from '../document/tracks';
import type { QaConfig } from './config';
import type { QaFrame, QaItem, QaObject } from './types';

export interface LabelInfo {
  spec?: LabelSpec;
  /** Lower-case class name used for priors and class comparisons. */
  cls: string;
}

export type LabelResolver = (label: string) => LabelInfo;

/** Labels are ontology ids in documents and class names in imports: both resolve. */
export function labelResolver(ontology: Ontology): LabelResolver {
  const byKey = new Map<string, LabelSpec>();
  for (const l of ontology.labels) {
    byKey.set(l.name.toLowerCase(), l);
    byKey.set(l.id.toLowerCase(), l);
  }
  for (const l of ontology.labels) byKey.set(l.id, l);
  const cache = new Map<string, LabelInfo>();
  return (label) => {
    let info = cache.get(label);
    if (!info) {
      const spec = byKey.get(label) ?? byKey.get(label.toLowerCase());
      info = { spec, cls: (spec ? spec.name : label).toLowerCase() };
      cache.set(label, info);
    }
    return info;
  };
}

export interface TrackSeries {
  id: string;
  /** The Track record, when the series comes from one. */
  track?: Track;
  /** Appearances in frame order: keyframes (not outside) of a record, or per-frame objects. */
  appearances: QaObject[];
}

export interface NormalizedItem {
  item: QaItem;
  /** Sorted frame numbers of the item. */
  frameNumbers: number[];
  frames: QaFrame[];
  series: TrackSeries[];
  /** Per-frame objects whose track id repeats on their frame: [frame, trackId, objects]. */
  duplicateTrackIds: Array<{ frame: number; trackId: string; ids: string[] }>;
  /** Track record ids used by more than one record. */
  duplicateTrackRecords: string[];
}

function trackIdOf(o: AnnotationObject, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = o.attributes?.[n];
    if (v !== undefined && v !== '') return String(v);
  }
  return undefined;
}

export function normalizeItem(item: QaItem, resolve: LabelResolver, config: QaConfig): NormalizedItem {
  const frameSet = new Set<number>();
  for (const f of item.frames) frameSet.add(f.frame);
  const tracks = item.tracks ?? [];
  for (const t of tracks) for (const k of t.keyframes) if (!k.outside) frameSet.add(k.frame);
  const frameNumbers = [...frameSet].sort((a, b) => a - b);
  const byFrame = new Map<number, QaObject[]>();
  for (const f of frameNumbers) byFrame.set(f, []);

  const seriesById = new Map<string, TrackSeries>();
  const seriesOf = (id: string): TrackSeries => {
    let s = seriesById.get(id);
    if (!s) seriesById.set(id, (s = { id, appearances: [] }));
    return s;
  };
  const duplicateTrackIds: NormalizedItem['duplicateTrackIds'] = [];

  for (const f of item.frames) {
    const seen = new Map<string, string[]>();
    const list = byFrame.get(f.frame)!;
    for (const o of f.objects) {
      const trackId = trackIdOf(o, config.trackIdAttributes);
      const { cls } = resolve(o.label);
      const q: QaObject = {
        id: o.id,
        label: o.label,
        cls,
        frame: f.frame,
        geometry: o.geometry,
        attributes: o.attributes ?? {},
        source: o.source ?? { kind: 'human' },
        trackId,
        fromTrack: false,
        keyframe: true,
        prediction: o.source?.kind === 'model',
      };
      list.push(q);
      if (trackId !== undefined && !q.prediction) {
        const ids = seen.get(trackId);
        if (ids) ids.push(o.id);
        else seen.set(trackId, [o.id]);
        seriesOf(trackId).appearances.push(q);
      }
    }
    for (const [trackId, ids] of seen) if (ids.length > 1) duplicateTrackIds.push({ frame: f.frame, trackId, ids });
  }

  const recordIds = new Map<string, number>();
  for (const t of tracks) {
    recordIds.set(t.id, (recordIds.get(t.id) ?? 0) + 1);
    const { cls } = resolve(t.label);
    const prediction = t.source?.kind === 'model';
    const first = t.keyframes[0]?.frame ?? 0;
    const keyed = new Set(t.keyframes.map((k) => k.frame));
    // A record whose id is also a per-frame track id (or a second record with the same id) gets
    // its own series key so the two are not mixed; the duplicate itself is reported.
    const key = seriesById.has(t.id) ? `${t.id}#${recordIds.get(t.id)}` : t.id;
    const series: TrackSeries | undefined = prediction ? undefined : { id: t.id, track: t, appearances: [] };
    if (series) seriesById.set(key, series);
    for (const frame of frameNumbers) {
      if (frame < first) continue;
      const shape = shapeAtFrame(t, frame);
      if (!shape || shape.outside) continue;
      const q: QaObject = {
        id: t.id,
        label: t.label,
        cls,
        frame,
        geometry: shape.geometry,
        attributes: shape.attributes ?? {},
        trackAttributes: t.attributes ?? {},
        source: t.source ?? { kind: 'human' },
        trackId: t.id,
        fromTrack: true,
        keyframe: keyed.has(frame),
        prediction,
      };
      byFrame.get(frame)!.push(q);
      if (series && q.keyframe) series.appearances.push(q);
    }
  }
  for (const s of seriesById.values()) s.appearances.sort((a, b) => a.frame - b.frame);

  return {
    item,
    frameNumbers,
    frames: frameNumbers.map((frame) => ({ frame, objects: byFrame.get(frame)! })),
    series: [...seriesById.values()],
    duplicateTrackIds,
    duplicateTrackRecords: [...recordIds].filter(([, n]) => n > 1).map(([id]) => id),
  };
}
