/**
 * What the LiDAR editor shows besides the document: the sequence manifest and the frame's parsed
 * cloud (per-item CloudCache, neighbours parsed ahead). The cameras are cameras/useCameraRig.ts.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ItemSummary } from '../../../preload/contract';
import { cloudParseOptions } from '../../../core/formats/pointcloud/projectLayout';
import { useApp } from '../../state/appStore';
import { CloudCache } from '../../viewports/pointcloud/cloudCache';
import { loadCloud, loadedCloudBytes, type LoadedCloud } from '../../viewports/pointcloud/loadCloud';
import { exposeTestHook } from '../../testHooks';

/** Parsed frames kept per item: about 16 frames of 1 M points, or 100+ KITTI frames. */
const CLOUD_CACHE_BYTES = 256 * 2 ** 20;

export interface PointSequence {
  kind: 'pointcloud';
  fps?: number;
  /** How the frames are stored when they are headerless .bin files (kitti-bin, nuscenes-bin). */
  pointFormat?: string;
  calibration?: string;
  frames: { cloud: string; images?: Record<string, string> }[];
}

function hasColour(rgb: ArrayLike<number>): boolean {
  const step = Math.max(1, Math.floor(rgb.length / 3000));
  for (let i = 0; i < rgb.length; i += step) if (rgb[i] > 0) return true;
  return false;
}

export function useLidarData(item: ItemSummary, frame: number, onRgb: () => void) {
  const isSeq = item.modality === 'pointcloud-sequence';
  const [seq, setSeq] = useState<PointSequence | null>(null);
  const [cloud, setCloud] = useState<LoadedCloud | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!isSeq) return;
    fetch(`/blob/item/${item.id}/sequence.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`sequence.json: HTTP ${r.status}`))))
      .then((m: PointSequence) => {
        if (!Array.isArray(m.frames) || !m.frames.every((f) => typeof f?.cloud === 'string')) throw new Error('sequence.json: every frame needs a "cloud" path');
        setSeq(m);
      })
      .catch((e) => setError(String(e.message ?? e)));
  }, [item.id, isSeq]);

  // The project's record layout for headerless .bin clouds (datum.json settings.binLayout); a new
  // layout starts a new cache, so every frame is read again with it.
  const binLayout = useApp((s) => s.project?.settings.binLayout ?? '');
  const pointFormat = seq?.pointFormat;
  const cache = useMemo(() => {
    // Keys are "url\nfile name": the name (its extension) tells the parser the format.
    const c = new CloudCache<LoadedCloud>(
      async (key) => {
        const [url, name] = key.split('\n');
        return loadCloud(url, name, undefined, cloudParseOptions({ binLayout }, pointFormat, name));
      },
      loadedCloudBytes,
      CLOUD_CACHE_BYTES,
    );
    exposeTestHook('__datumCloudCache', c);
    return c;
  }, [item.id, binLayout, pointFormat]);
  const frameKey = useCallback(
    (f: number) => (seq && f >= 0 && f < seq.frames.length ? `/blob/item/${item.id}/${seq.frames[f].cloud}\n${seq.frames[f].cloud.split('/').pop()}` : null),
    [seq, item.id],
  );
  const cloudKey = isSeq ? frameKey(frame) : `/blob/item/${item.id}\n${item.name.split('/').pop()}`;
  const cloudName = cloudKey?.split('\n')[1] ?? '';
  const rgbRef = useMemo(() => ({ current: onRgb }), [onRgb]);
  useEffect(() => {
    if (!cloudKey) return;
    let live = true;
    cache.get(cloudKey).then(
      (c) => {
        if (!live) return;
        setCloud(c);
        // Scanned objects and RGB-D clouds read best in their own colours (if the file has any).
        if (c.rgb && hasColour(c.rgb)) rgbRef.current();
        setError(null);
        // The frames the annotator is likely to open next: forward first (playback, D), then back.
        if (isSeq) cache.prefetch([frameKey(frame + 1), frameKey(frame - 1), frameKey(frame + 2)].filter((k): k is string => !!k));
      },
      (e) => live && setError(String(e.message ?? e)),
    );
    return () => {
      live = false;
    };
  }, [cloudKey, cache, frameKey, frame, isSeq, rgbRef]);

  // Any frame of the sequence through the same cache (propagation reads the frames ahead).
  const loadFrame = useCallback((f: number) => {
    const key = frameKey(f);
    return key ? cache.read(key) : Promise.reject(new Error(`no frame ${f}`));
  }, [cache, frameKey]);

  return { isSeq, seq, loadFrame, frameCount: seq?.frames.length ?? 1, cloud, error, cloudName, binLayout, pointFormat };
}
