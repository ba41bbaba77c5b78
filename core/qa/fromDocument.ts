/** Building QaItems from what the app already has: an ItemDocument, or a LiDAR import. */
import type { AnnotationObject, ItemDocument, Track } from '../document/schema';
import type { LidarItem } from '../lidar/item';
import type { QaItem, QaPoints } from './types';

export interface QaItemMeta {
  id: string;
  name: string;
  width?: number;
  height?: number;
  /** Number of frames of a sequence (frames 0..n-1 are listed, also empty ones). */
  frameCount?: number;
  points?: (frame: number) => QaPoints | null;
}

/** Objects grouped by their frame; tracks passed through. */
export function documentToQaItem(doc: Pick<ItemDocument, 'objects' | 'tracks'>, meta: QaItemMeta): QaItem {
  const byFrame = new Map<number, AnnotationObject[]>();
  const n = meta.frameCount ?? 0;
  for (let f = 0; f < n; f++) byFrame.set(f, []);
  if (n === 0 && doc.objects.length === 0 && doc.tracks.length === 0) byFrame.set(0, []);
  for (const o of doc.objects) {
    const f = o.frame ?? 0;
    let list = byFrame.get(f);
    if (!list) byFrame.set(f, (list = []));
    list.push(o);
  }
  const frames = [...byFrame].sort((a, b) => a[0] - b[0]).map(([frame, objects]) => ({ frame, objects }));
  return { id: meta.id, name: meta.name, width: meta.width, height: meta.height, frames, tracks: doc.tracks, points: meta.points };
}

/**
 * A LiDAR import (e.g. importSustechSequence) as a QaItem. `frameNumbers[i]` renumbers frame i
 * (e.g. the file stems 950, 965, ... so motion checks see the real spacing); default: as is.
 */
export function lidarItemToQaItem(lidar: LidarItem, meta: QaItemMeta & { frameNumbers?: number[] }): QaItem {
  const map = (f: number) => {
    const fn = meta.frameNumbers;
    if (!fn) return f;
    if (f < fn.length) return fn[f];
    return fn[fn.length - 1] + (f - fn.length + 1); // an outside marker after the last frame
  };
  const frames = lidar.frames.map((fr) => ({ frame: map(fr.frame), objects: fr.objects.map((o) => ({ ...o, frame: map(o.frame) })) }));
  const tracks: Track[] = lidar.tracks.map((t) => ({ ...t, keyframes: t.keyframes.map((k) => ({ ...k, frame: map(k.frame) })) }));
  const points = meta.points;
  const inverse = meta.frameNumbers ? new Map(meta.frameNumbers.map((f, i) => [f, i])) : null;
  return {
    id: meta.id,
    name: meta.name,
    width: meta.width,
    height: meta.height,
    frames,
    tracks,
    // the provider is asked with the renumbered frame; hand it the original index
    points: points && (inverse ? (f) => (inverse.has(f) ? points(inverse.get(f)!) : null) : points),
  };
}
