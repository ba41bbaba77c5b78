/** The 3D scene's content: background, range rings, points, cuboids and the framing of small clouds. */
import type { AnnotationObject } from '../../../../core/document/schema';
import type { ColorMode } from '../../../viewports/pointcloud/colorize';
import type { LoadedCloud } from '../../../viewports/pointcloud/loadCloud';
import { Boxes } from './Boxes';
import { FitSmallCloud } from './CameraFraming';
import { Points } from './Points';
import { RangeRings } from './RangeRings';

export function LidarScene(p: {
  cloud: LoadedCloud | null;
  mode: ColorMode;
  pointSize: number;
  pointLabels: Uint16Array | null;
  labelColors: [number, number, number][];
  inside: Uint32Array | null;
  insideCount: number;
  boxes: AnnotationObject[];
  selected: string | null;
  colorOf(label: string): string;
  showRings: boolean;
}) {
  return (
    <>
      <color attach="background" args={['#0b0f14']} />
      {p.showRings ? <RangeRings /> : null}
      {p.cloud ? <Points cloud={p.cloud} mode={p.mode} size={p.pointSize} pointLabels={p.pointLabels} labelColors={p.labelColors} inside={p.inside} insideCount={p.insideCount} highlight="#ffe14d" /> : null}
      <Boxes objects={p.boxes} selected={p.selected} colorOf={p.colorOf} />
      {p.cloud ? <FitSmallCloud cloud={p.cloud} /> : null}
    </>
  );
}
