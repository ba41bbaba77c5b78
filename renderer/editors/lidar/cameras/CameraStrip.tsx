/**
 * Every camera of the frame as a strip in the side panel: the camera the selected cuboid projects
 * into best first and full width (rankCameras: projected area as a share of the image), the others
 * two to a row. A click near a projected cuboid edge selects it; with the fit tool a click on the
 * image fits a cuboid to the object under it (fitAtImageClick, done by the editor); otherwise a
 * click on a thumbnail enlarges it. The large view covers the 3D view; Escape (a modal-layer
 * keymap, keys.ts) or its close button returns.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraModel } from '../../../../core/calib/camera';
import { cameraForScene, rankCameras } from '../../../../core/calib/rig';
import type { Cuboid3D } from '../../../../core/document/schema';
import type { SceneOffset } from '../../../../core/editing/lidar/sceneFrame';
import { useKeymap } from '../../../keymap/useKeymap';
import { CameraView, type CameraClick, type ProjectedBox } from './CameraView';
import { cameraViewKeymap } from './keys';
import type { RigCamera } from './useCameraRig';
import './cameras.css';

export interface CameraStripProps {
  cameras: RigCamera[];
  onImageSize(name: string, w: number, h: number): void;
  boxes: ProjectedBox[];
  /** The selected cuboid in file coordinates (what the cameras are calibrated in). */
  selectedBox: Cuboid3D | null;
  selectedId: string | null;
  select(id: string | null): void;
  /** Scene positions of the frame and their offset (file = scene + offset). */
  positions: Float32Array | null;
  count: number;
  offset: SceneOffset;
  showPoints: boolean;
  /** The fit tool is active: a click on an image (not on an edge) fits a cuboid there. */
  fitMode: boolean;
  /** Image-guided fit with the camera in scene coordinates. */
  fitAt(sceneCamera: CameraModel, u: number, v: number): void;
}

export function CameraStrip(p: CameraStripProps) {
  const { t } = useTranslation();
  const [large, setLarge] = useState<string | null>(null);
  const order = useMemo(() => rankCameras(p.selectedBox, p.cameras.map((c) => c.model)), [p.selectedBox, p.cameras]);
  const sceneCams = useMemo(() => p.cameras.map((c) => (c.model ? cameraForScene(c.model, p.offset) : null)), [p.cameras, p.offset]);
  const largeIndex = large === null ? -1 : p.cameras.findIndex((c) => c.slot.name === large);
  useKeymap(cameraViewKeymap, { close: () => setLarge(null) }, { enabled: largeIndex >= 0 });
  if (!p.cameras.length) return null;

  const click = (i: number, c: CameraClick, thumbnail: boolean) => {
    if (c.boxId) return p.select(c.boxId);
    const sc = sceneCams[i];
    if (p.fitMode && sc) return p.fitAt(sc, c.u, c.v);
    if (thumbnail) setLarge(p.cameras[i].slot.name);
    else p.select(null);
  };
  const view = (i: number, isLarge: boolean) => {
    const cam = p.cameras[i];
    return (
      <CameraView
        key={isLarge ? `large-${cam.slot.name}` : cam.slot.name}
        name={cam.slot.name}
        src={cam.src}
        camera={cam.model}
        sceneCamera={sceneCams[i]}
        positions={p.positions}
        count={p.count}
        showPoints={p.showPoints}
        maxOverlayWidth={isLarge ? 2048 : 640}
        boxes={p.boxes}
        selectedId={p.selectedId}
        onImageSize={p.onImageSize}
        onClick={(c) => click(i, c, !isLarge)}
        large={isLarge}
      />
    );
  };
  const first = order[0];
  return (
    <section className="lidar-card camera-strip" data-testid="lidar-camera">
      <h4>
        {t('lidar.cameras', { count: p.cameras.length })}
        <button className="small ghost" onClick={() => setLarge((l) => (l === null ? p.cameras[first].slot.name : null))} title={t('lidar.enlarge')} data-testid="camera-enlarge">
          {largeIndex >= 0 ? '⤡' : '⤢'}
        </button>
      </h4>
      <div className="camera-strip-grid" data-testid="camera-strip" data-order={order.map((i) => p.cameras[i].slot.name).join(',')}>
        {order.map((i, k) => (
          <figure key={p.cameras[i].slot.name} className={k === 0 ? 'camera-thumb camera-first' : 'camera-thumb'}>
            {view(i, false)}
            <figcaption>
              <span>{p.cameras[i].slot.name}</span>
              {!p.cameras[i].model ? <span className="muted">{t('lidar.noCalibration')}</span> : null}
              <button className="small ghost" onClick={() => setLarge(p.cameras[i].slot.name)} title={t('lidar.enlarge')} data-testid={`camera-enlarge-${p.cameras[i].slot.name}`}>
                ⤢
              </button>
            </figcaption>
          </figure>
        ))}
      </div>
      {largeIndex >= 0 ? (
        <div className="camera-large" data-testid="camera-large">
          <div className="camera-large-bar">
            <span>{p.cameras[largeIndex].slot.name}</span>
            <span className="muted">{t('lidar.cameraLargeHint')}</span>
            <button className="small" onClick={() => setLarge(null)} data-testid="camera-large-close">
              {t('lidar.cameraClose')} <kbd>Esc</kbd>
            </button>
          </div>
          {view(largeIndex, true)}
        </div>
      ) : null}
    </section>
  );
}
