/**
 * SUSTechPOINTS labels: one JSON file per frame, an array of
 * `{ psr: { position, scale, rotation }, obj_type, obj_id }` where position is the box centre,
 * scale = (length, width, height) and rotation = (roll, pitch, yaw) in radians, LiDAR frame.
 * obj_id ties boxes across frames, so a sequence becomes tracks with one keyframe per frame.
 */
import type { AnnotationObject, Cuboid3D, Keyframe, Track } from '../../document/schema';
import { FileFormatError } from '../../calib/errors';
import type { LidarFrame, LidarItem } from '../../lidar/item';

interface SustechBox {
  psr: { position: XYZ; scale: XYZ; rotation: XYZ };
  obj_type: string;
  obj_id?: string | number;
}
interface XYZ {
  x: number;
  y: number;
  z: number;
}

function xyz(v: unknown, file: string, where: string): [number, number, number] {
  const o = v as Partial<XYZ> | undefined;
  const out = [o?.x, o?.y, o?.z];
  if (out.some((n) => typeof n !== 'number' || !Number.isFinite(n)))
    throw new FileFormatError(file, `${where} must have finite x, y, z`);
  return out as [number, number, number];
}

export function parseSustechFrame(text: string, file: string): Array<{ label: string; trackId?: string; box: Cuboid3D }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(file, `not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(json)) throw new FileFormatError(file, 'expected an array of boxes');
  return (json as SustechBox[]).map((b, i) => {
    const where = `box ${i}`;
    const center = xyz(b?.psr?.position, file, `${where} psr.position`);
    const size = xyz(b?.psr?.scale, file, `${where} psr.scale`);
    const [roll, pitch, yaw] = xyz(b?.psr?.rotation, file, `${where} psr.rotation`);
    const box: Cuboid3D = { kind: 'cuboid3d', center, size, yaw };
    if (roll !== 0 || pitch !== 0) box.rollPitch = [roll, pitch];
    const id = b.obj_id === undefined || b.obj_id === '' ? undefined : String(b.obj_id);
    return { label: String(b.obj_type ?? ''), trackId: id, box };
  });
}

/**
 * A sequence of label files -> one item. Frames are numbered in the order given (sort the names
 * first); boxes with obj_id become tracks (one keyframe per frame where they appear, `outside` on
 * the first frame after a gap so interpolation does not bridge frames where the object was not
 * labelled), boxes without one stay plain objects of their frame.
 */
export function importSustechSequence(files: ReadonlyArray<{ name: string; text: string }>): LidarItem {
  const frames: LidarFrame[] = [];
  const tracks = new Map<string, Track>();
  files.forEach(({ name, text }, frame) => {
    const objects: AnnotationObject[] = [];
    parseSustechFrame(text, name).forEach(({ label, trackId, box }, i) => {
      if (trackId === undefined) {
        objects.push({ id: `sustech-${frame}-${i}`, label, geometry: box, frame, attributes: {}, source: { kind: 'human' }, zOrder: 0 });
        return;
      }
      const kf: Keyframe = { frame, geometry: box, outside: false, occluded: false, attributes: {} };
      const track = tracks.get(trackId);
      if (!track) {
        tracks.set(trackId, { id: trackId, label, attributes: {}, keyframes: [kf], source: { kind: 'human' }, zOrder: 0 });
        return;
      }
      const last = track.keyframes[track.keyframes.length - 1];
      if (last.frame < frame - 1) track.keyframes.push({ ...last, frame: last.frame + 1, outside: true });
      track.keyframes.push(kf);
    });
    frames.push({ frame, name: name.replace(/\.json$/i, ''), objects });
  });
  // Close tracks that end before the last frame, for the same reason as gaps.
  const lastFrame = files.length - 1;
  for (const t of tracks.values()) {
    const last = t.keyframes[t.keyframes.length - 1];
    if (last.frame < lastFrame) t.keyframes.push({ ...last, frame: last.frame + 1, outside: true });
  }
  return { frames, tracks: [...tracks.values()] };
}
