/**
 * The camera image beside the cloud with every cuboid projected as a wireframe (clipped at the
 * near plane) on a 2D canvas overlay. Clicking near a projected edge selects that cuboid.
 */
import { useEffect, useRef } from 'react';
import type { Cuboid3D } from '../../../core/document/schema';
import { projectCuboidWireframe, type CameraModel } from '../../../core/calib/camera';

export interface ProjectedBox {
  id: string;
  box: Cuboid3D;
  color: string;
}

interface Props {
  src: string;
  camera: CameraModel | null;
  boxes: ProjectedBox[];
  selectedId: string | null;
  onSelect(id: string | null): void;
  onImageSize(w: number, h: number): void;
}

function segmentDistance(px: number, py: number, a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2)) : 0;
  return Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy);
}

export function CameraPanel({ src, camera, boxes, selectedId, onSelect, onImageSize }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !camera) return;
    if (c.width !== camera.width || c.height !== camera.height) {
      c.width = camera.width;
      c.height = camera.height;
    }
    ctx.clearRect(0, 0, c.width, c.height);
    const lw = Math.max(1.5, camera.width / 600);
    // Unselected first so the selected box is drawn on top.
    const ordered = [...boxes].sort((a, b) => Number(a.id === selectedId) - Number(b.id === selectedId));
    for (const b of ordered) {
      const sel = b.id === selectedId;
      ctx.strokeStyle = sel ? '#ffffff' : b.color;
      ctx.lineWidth = sel ? lw * 2 : lw;
      ctx.beginPath();
      for (const s of projectCuboidWireframe(b.box, camera)) {
        ctx.moveTo(s.a[0], s.a[1]);
        ctx.lineTo(s.b[0], s.b[1]);
      }
      ctx.stroke();
    }
  }, [camera, boxes, selectedId]);

  const onClick = (e: React.MouseEvent) => {
    if (!camera) return;
    const r = canvas.current!.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * camera.width;
    const py = ((e.clientY - r.top) / r.height) * camera.height;
    const tol = (10 * camera.width) / r.width;
    let best: string | null = null;
    let bestD = tol;
    for (const b of boxes) {
      for (const s of projectCuboidWireframe(b.box, camera)) {
        const d = segmentDistance(px, py, s.a, s.b);
        if (d < bestD) {
          bestD = d;
          best = b.id;
        }
      }
    }
    onSelect(best);
  };

  return (
    <div className="lidar-camera" data-testid="lidar-camera">
      <img src={src} alt="" onLoad={(e) => onImageSize((e.target as HTMLImageElement).naturalWidth, (e.target as HTMLImageElement).naturalHeight)} />
      <canvas ref={canvas} onClick={onClick} data-testid="camera-overlay" />
    </div>
  );
}
