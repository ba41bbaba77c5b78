/**
 * One camera image with, on top, the LiDAR points coloured by depth (optional; rasterized by
 * core/calib/depthOverlay.ts into ImageData) and every cuboid as a wireframe clipped at the near
 * plane. A click reports the image pixel and the cuboid whose projected edge is within 10 screen
 * pixels (if any); the strip decides what the click does.
 */
import { useEffect, useMemo, useRef } from 'react';
import { projectCuboidWireframe, type CameraModel } from '../../../../core/calib/camera';
import { rasterizeDepth } from '../../../../core/calib/depthOverlay';
import type { Cuboid3D } from '../../../../core/document/schema';

export interface ProjectedBox {
  id: string;
  box: Cuboid3D;
  color: string;
}

export interface CameraClick {
  u: number;
  v: number;
  /** The cuboid whose projected edge is nearest the click, within 10 screen pixels. */
  boxId: string | null;
}

interface Props {
  name: string;
  src: string;
  /** In the cloud file's coordinates (boxes are stored in those). */
  camera: CameraModel | null;
  /** The same camera for the scene's (recentred) point positions. */
  sceneCamera: CameraModel | null;
  positions: Float32Array | null;
  count: number;
  showPoints: boolean;
  /** Overlay resolution: the points raster is at most this wide (the image is scaled in CSS). */
  maxOverlayWidth: number;
  boxes: ProjectedBox[];
  selectedId: string | null;
  /** The image's natural size, reported by camera name. */
  onImageSize(name: string, w: number, h: number): void;
  onClick(c: CameraClick): void;
  large?: boolean;
}

function segmentDistance(px: number, py: number, a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2)) : 0;
  return Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy);
}

export function CameraView(p: Props) {
  const boxCanvas = useRef<HTMLCanvasElement>(null);
  const pointCanvas = useRef<HTMLCanvasElement>(null);
  const { camera, sceneCamera } = p;

  // Points: one raster per (cloud, camera), redrawn only when either changes or the toggle is turned on.
  const overlay = useMemo(() => {
    if (!p.showPoints || !sceneCamera || !p.positions) return null;
    // Sparse clouds (a 32-beam sweep, ~35k points) need bigger dots to be seen; dense ones
    // (KITTI's 64 beams, 120k) would carpet the picture with them.
    const dot = (p.count < 80_000 ? 2 : 1) + (p.large ? 1 : 0);
    return rasterizeDepth(p.positions, p.count, sceneCamera, { scale: Math.min(1, p.maxOverlayWidth / sceneCamera.width), dot });
  }, [p.showPoints, sceneCamera, p.positions, p.count, p.maxOverlayWidth, p.large]);
  useEffect(() => {
    const c = pointCanvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !overlay) return;
    c.width = overlay.width;
    c.height = overlay.height;
    ctx.putImageData(new ImageData(overlay.rgba, overlay.width, overlay.height), 0, 0);
  }, [overlay]);

  useEffect(() => {
    const c = boxCanvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !camera) return;
    if (c.width !== camera.width || c.height !== camera.height) {
      c.width = camera.width;
      c.height = camera.height;
    }
    ctx.clearRect(0, 0, c.width, c.height);
    const lw = Math.max(1.5, camera.width / (p.large ? 900 : 450));
    // Unselected first so the selected box is drawn on top.
    const ordered = [...p.boxes].sort((a, b) => Number(a.id === p.selectedId) - Number(b.id === p.selectedId));
    for (const b of ordered) {
      const sel = b.id === p.selectedId;
      ctx.strokeStyle = sel ? '#ffffff' : b.color;
      ctx.lineWidth = sel ? lw * 2 : lw;
      ctx.beginPath();
      for (const s of projectCuboidWireframe(b.box, camera)) {
        ctx.moveTo(s.a[0], s.a[1]);
        ctx.lineTo(s.b[0], s.b[1]);
      }
      ctx.stroke();
    }
  }, [camera, p.boxes, p.selectedId, p.large]);

  const onClick = (e: React.MouseEvent) => {
    if (!camera) return;
    const r = boxCanvas.current!.getBoundingClientRect();
    const u = ((e.clientX - r.left) / r.width) * camera.width;
    const v = ((e.clientY - r.top) / r.height) * camera.height;
    let boxId: string | null = null;
    let bestD = (10 * camera.width) / r.width;
    for (const b of p.boxes)
      for (const s of projectCuboidWireframe(b.box, camera)) {
        const d = segmentDistance(u, v, s.a, s.b);
        if (d < bestD) {
          bestD = d;
          boxId = b.id;
        }
      }
    p.onClick({ u, v, boxId });
  };

  return (
    <div
      className="lidar-camera"
      // The large view fits the image into the space under its bar; img and canvases share one box.
      style={p.large ? { width: `min(100%, calc((100vh - 240px) * ${camera ? camera.width / camera.height : 2}))` } : undefined}
      data-testid={p.large ? 'camera-large-view' : `camera-view-${p.name}`}
      data-camera={p.name}
      data-calibrated={camera ? 'yes' : 'no'}
    >
      <img src={p.src} alt={p.name} onLoad={(e) => p.onImageSize(p.name, (e.target as HTMLImageElement).naturalWidth, (e.target as HTMLImageElement).naturalHeight)} />
      {overlay ? <canvas ref={pointCanvas} className="camera-points" data-testid="camera-points" data-drawn={overlay.drawn} /> : null}
      <canvas ref={boxCanvas} onClick={onClick} data-testid="camera-overlay" />
    </div>
  );
}
