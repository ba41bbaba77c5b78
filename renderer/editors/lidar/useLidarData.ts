/**
 * What the LiDAR editor shows besides the document: the sequence manifest, the frame's parsed
 * cloud (per-item CloudCache, neighbours parsed ahead) and the camera (KITTI calib + image, or the
 * sequence's calibration.json and the frame's first image), with checkExtrinsic's warnings.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ItemSummary } from '../../../preload/contract';
import { checkExtrinsic, type CameraModel } from '../../../core/calib/camera';
import { kittiCameraModel, parseKittiCalib, type KittiCalib } from '../../../core/calib/kitti';
import { cloudParseOptions } from '../../../core/formats/pointcloud/projectLayout';
import { useApp } from '../../state/appStore';
import { reportError } from '../../state/actions';
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

  const [kittiCalib, setKittiCalib] = useState<KittiCalib | null>(null);
  const [seqCamera, setSeqCamera] = useState<CameraModel | null>(null);
  const [imageSize, setImageSize] = useState<[number, number] | null>(null);
  useEffect(() => {
    const calib = item.companions?.calib;
    if (!calib) return;
    fetch(`/blob/source/${item.source}/${calib}`)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${calib}: HTTP ${r.status}`))))
      .then((text) => setKittiCalib(parseKittiCalib(text, calib)))
      .catch(reportError);
  }, [item]);
  useEffect(() => {
    if (!seq?.calibration) return;
    fetch(`/blob/item/${item.id}/${seq.calibration}`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${seq.calibration}: HTTP ${r.status}`))))
      .then((c: { cameras?: Record<string, { width: number; height: number; intrinsic: number[]; lidarToCamera: number[] }> }) => {
        const [name, cam] = Object.entries(c.cameras ?? {})[0] ?? [];
        if (cam) setSeqCamera({ name, width: cam.width, height: cam.height, K: cam.intrinsic.flat(), lidarToCamera: cam.lidarToCamera.flat() });
      })
      .catch(reportError);
  }, [seq, item.id]);
  const frameImage = seq ? Object.values(seq.frames[frame]?.images ?? {})[0] : undefined;
  const imageSrc = item.companions?.image ? `/blob/source/${item.source}/${item.companions.image}` : frameImage ? `/blob/item/${item.id}/${frameImage}` : null;
  const camera = useMemo<CameraModel | null>(() => {
    if (kittiCalib) return imageSize ? kittiCameraModel(kittiCalib, 2, imageSize[0], imageSize[1]) : null;
    return seqCamera;
  }, [kittiCalib, imageSize, seqCamera]);
  const extrinsicWarnings = useMemo(() => (camera && cloud ? checkExtrinsic(cloud.positions, cloud.count, camera).warnings : []), [camera, cloud]);
  const onImageSize = useCallback((w: number, h: number) => setImageSize((s) => (s && s[0] === w && s[1] === h ? s : [w, h])), []);

  // Any frame of the sequence through the same cache (propagation reads the frames ahead).
  const loadFrame = useCallback((f: number) => {
    const key = frameKey(f);
    return key ? cache.read(key) : Promise.reject(new Error(`no frame ${f}`));
  }, [cache, frameKey]);

  return { isSeq, seq, loadFrame, frameCount: seq?.frames.length ?? 1, cloud, error, cloudName, binLayout, pointFormat, imageSrc, camera, extrinsicWarnings, onImageSize };
}
