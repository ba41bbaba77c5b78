/**
 * nuScenes boxes as found in mmdetection3d info files (*.pkl.json): `metainfo.categories` maps
 * class names to ids; each `data_list` entry is one sample whose `instances` hold
 * `bbox_3d = [x, y, z, l, w, h, yaw]` in the LiDAR frame with z at the box centre (checked
 * against `num_lidar_pts` on the real sample) and `bbox_label_3d` a category id.
 */
import type { AnnotationObject, Cuboid3D } from '../../document/schema';
import { FileFormatError } from '../../calib/errors';
import type { LidarFrame, LidarItem } from '../../lidar/item';
import { parseInfoJson } from './infoJson';

interface InfoInstance {
  bbox_3d: number[];
  bbox_label_3d: number;
  bbox_label?: number;
  bbox_3d_isvalid?: boolean;
  num_lidar_pts?: number;
  num_radar_pts?: number;
  velocity?: Array<number | null>;
}

interface InfoEntry {
  sample_idx?: number;
  token?: string;
  lidar_points?: { lidar_path?: string };
  instances?: InfoInstance[];
  [key: string]: unknown;
}

export interface NuScenesInfo {
  metainfo: { categories: Record<string, number>; [key: string]: unknown };
  data_list: InfoEntry[];
}

function toCuboid(b: number[], file: string, where: string): Cuboid3D {
  if (!Array.isArray(b) || b.length < 7 || b.slice(0, 7).some((v) => typeof v !== 'number' || !Number.isFinite(v)))
    throw new FileFormatError(file, `${where}: bbox_3d must hold 7 finite numbers`);
  return { kind: 'cuboid3d', center: [b[0], b[1], b[2]], size: [b[3], b[4], b[5]], yaw: b[6] };
}

/** The info file -> one frame per sample. Velocity and point counts are kept as attributes. */
export function importNuScenesInfo(text: string, file = 'info.pkl.json'): LidarItem & { categories: Record<string, number> } {
  const info = parseInfoJson(text, file) as Partial<NuScenesInfo>;
  if (!info.data_list || !Array.isArray(info.data_list)) throw new FileFormatError(file, 'no "data_list" array');
  const categories = info.metainfo?.categories ?? {};
  const names = new Map(Object.entries(categories).map(([name, id]) => [id, name]));
  const frames = info.data_list.map((entry, frame): LidarFrame => {
    const name = entry.token ?? entry.lidar_points?.lidar_path ?? String(frame);
    const objects = (entry.instances ?? []).map((ins, i): AnnotationObject => {
      const attributes: AnnotationObject['attributes'] = {};
      if (typeof ins.num_lidar_pts === 'number') attributes.num_lidar_pts = ins.num_lidar_pts;
      if (typeof ins.num_radar_pts === 'number') attributes.num_radar_pts = ins.num_radar_pts;
      const [vx, vy] = ins.velocity ?? [];
      if (typeof vx === 'number' && typeof vy === 'number') {
        attributes.velocity_x = vx;
        attributes.velocity_y = vy;
      }
      if (ins.bbox_3d_isvalid === false) attributes.valid = false;
      return {
        id: `nuscenes-${frame}-${i}`,
        label: names.get(ins.bbox_label_3d) ?? String(ins.bbox_label_3d),
        geometry: toCuboid(ins.bbox_3d, file, `data_list[${frame}].instances[${i}]`),
        frame,
        attributes,
        source: { kind: 'human' },
        zOrder: 0,
      };
    });
    return { frame, name, objects };
  });
  return { frames, tracks: [], categories };
}

/**
 * Frames -> info JSON text. With `base` (the imported file's parsed content), everything but the
 * instances is kept, so calibration and ego poses survive; otherwise a minimal file is written.
 * Labels missing from `categories` are an error (the id space is the consumer's), except numeric
 * labels, which the importer produces for ids outside the table.
 */
export function exportNuScenesInfo(
  frames: ReadonlyArray<LidarFrame>,
  categories: Record<string, number>,
  base?: NuScenesInfo,
): string {
  const dataList = frames.map((f, i): InfoEntry => {
    const instances = f.objects.flatMap((obj): InfoInstance[] => {
      const g = obj.geometry;
      if (g.kind !== 'cuboid3d') return [];
      // Ids outside the category table (mmdetection3d writes -1 for ignored classes) were imported
      // as their number and go back as such.
      const id = categories[obj.label] ?? (/^-?\d+$/.test(obj.label) ? Number(obj.label) : undefined);
      if (id === undefined) throw new Error(`nuScenes export: label "${obj.label}" has no category id`);
      const a = obj.attributes;
      const num = (k: string) => (typeof a[k] === 'number' ? (a[k] as number) : undefined);
      const vx = num('velocity_x');
      const vy = num('velocity_y');
      return [{
        bbox_label: id,
        bbox_3d: [...g.center, ...g.size, g.yaw],
        bbox_3d_isvalid: a.valid !== false,
        bbox_label_3d: id,
        num_lidar_pts: num('num_lidar_pts') ?? 0,
        num_radar_pts: num('num_radar_pts') ?? 0,
        velocity: [vx ?? null, vy ?? null],
      }];
    });
    const entry: InfoEntry = base?.data_list[i] ? { ...base.data_list[i] } : { sample_idx: f.frame, token: f.name };
    entry.instances = instances;
    return entry;
  });
  const metainfo = { ...(base?.metainfo ?? {}), categories };
  // null for unknown velocity: JSON has no NaN, and null reads back as "unknown" on import.
  return JSON.stringify({ metainfo, data_list: dataList }, null, 1);
}
