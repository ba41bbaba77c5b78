/**
 * The cameras of the frame on screen: slots from the item's companions or the sequence frame
 * (core/calib/rig.ts), each calibration file fetched once per item, each model resolved when its
 * image's natural size is known (KITTI P2/P3 and SUSTech need it), and checkExtrinsic's warnings.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ItemSummary } from '../../../../preload/contract';
import { checkExtrinsic, type CameraModel } from '../../../../core/calib/camera';
import { cameraSlots, resolveCameraModel, type CameraSlot } from '../../../../core/calib/rig';
import type { LoadedCloud } from '../../../viewports/pointcloud/loadCloud';
import { cameraForScene } from '../../../../core/calib/rig';
import type { PointSequence } from '../useLidarData';

export interface RigCamera {
  slot: CameraSlot;
  src: string;
  /** In the cloud file's coordinates (as calibrated); null until the image size is known or without calibration. */
  model: CameraModel | null;
}

export function useCameraRig(item: ItemSummary, seq: PointSequence | null, frame: number, cloud: LoadedCloud | null) {
  const frameImages = seq?.frames[frame]?.images;
  const slots = useMemo(
    () => cameraSlots({ itemName: item.name, companions: item.companions, frameImages: seq ? frameImages ?? {} : undefined, sequenceCalibration: seq?.calibration }),
    [item.name, item.companions, seq, frameImages],
  );
  const urlOf = useCallback((base: CameraSlot['base'], rel: string) => (base === 'source' ? `/blob/source/${item.source}/${rel}` : `/blob/item/${item.id}/${rel}`), [item.source, item.id]);

  // Calibration files by URL: fetched once per item (several cameras share a KITTI or nuScenes file).
  const [calibs, setCalibs] = useState<Record<string, string | Error>>({});
  useEffect(() => setCalibs({}), [item.id]);
  const calibUrls = useMemo(() => [...new Set(slots.flatMap((s) => (s.calib ? [urlOf(s.base, s.calib.file)] : [])))], [slots, urlOf]);
  useEffect(() => {
    let live = true;
    for (const url of calibUrls) {
      if (url in calibs) continue;
      fetch(url)
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${url.split('/').pop()}: HTTP ${r.status}`))))
        .then(
          (text) => live && setCalibs((c) => ({ ...c, [url]: text })),
          (e: Error) => live && setCalibs((c) => ({ ...c, [url]: e })),
        );
    }
    return () => {
      live = false;
    };
  }, [calibUrls, calibs]);

  // Image sizes by camera name: a camera keeps its size from frame to frame, so its model does not
  // drop out while the next frame's image loads.
  const [sizes, setSizes] = useState<Record<string, [number, number]>>({});
  useEffect(() => setSizes({}), [item.id]);
  const onImageSize = useCallback((name: string, w: number, h: number) => setSizes((s) => (s[name]?.[0] === w && s[name]?.[1] === h ? s : { ...s, [name]: [w, h] })), []);

  const { cameras, errors } = useMemo(() => {
    const errors: string[] = [];
    const cameras: RigCamera[] = slots.map((slot) => {
      const src = urlOf(slot.base, slot.image);
      const content = slot.calib ? calibs[urlOf(slot.base, slot.calib.file)] : undefined;
      const size = sizes[slot.name];
      let model: CameraModel | null = null;
      if (content instanceof Error) errors.push(content.message);
      else if (content !== undefined && size) {
        try {
          model = resolveCameraModel(slot, content, size[0], size[1]);
        } catch (e) {
          errors.push(String((e as Error).message ?? e));
        }
      }
      return { slot, src, model };
    });
    return { cameras, errors: [...new Set(errors)] };
  }, [slots, calibs, sizes, urlOf]);

  // Sanity check of every calibrated camera against this frame (inverted extrinsics).
  const extrinsicWarnings = useMemo(() => {
    if (!cloud) return errors;
    const out = [...errors];
    for (const c of cameras) if (c.model) out.push(...checkExtrinsic(cloud.positions, cloud.count, cameraForScene(c.model, cloud.offset ?? [0, 0, 0])).warnings);
    return out;
  }, [cameras, cloud, errors]);

  return { cameras, onImageSize, extrinsicWarnings };
}
