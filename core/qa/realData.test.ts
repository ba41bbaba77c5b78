/**
 * Real data: the SUSTechPOINTS sample (4 labelled frames, 64-beam LiDAR). Ground truth as
 * labelled gives no error; a deleted box in the middle of a track and a box moved by 2 m are
 * reported. Skips with a message when ../shared/data is absent.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA } from '../../tests/support/lidarData';
import { importSustechSequence } from '../formats/sustech/labels';
import { parsePointCloud, type PointCloud } from '../formats/pointcloud';
import type { Cuboid3D } from '../document/schema';
import { lidarItemToQaItem, runQa, type Finding } from './index';

const DIR = join(DATA, 'sustech');
const HAS = existsSync(join(DIR, 'label')) && existsSync(join(DIR, 'lidar'));
if (!HAS) console.warn(`SUSTech sample not found at ${DIR}; skipping the QA real-data tests`);

describe.skipIf(!HAS)('QA on the SUSTech sample', () => {
  let names: string[] = [];
  let texts: string[] = [];
  let clouds: PointCloud[] = [];
  beforeAll(async () => {
    names = readdirSync(join(DIR, 'label')).filter((n) => n.endsWith('.json')).sort();
    texts = names.map((n) => readFileSync(join(DIR, 'label', n), 'utf8'));
    clouds = await Promise.all(names.map((n) => { const pcd = n.replace(/\.json$/, '.pcd'); return parsePointCloud(readFileSync(join(DIR, 'lidar', pcd)), pcd); }));
  });

  const qa = (files: Array<{ name: string; text: string }>, edit?: Parameters<typeof lidarItemToQaItem>[0] extends infer L ? (l: L) => void : never) => {
    const lidar = importSustechSequence(files);
    edit?.(lidar);
    const item = lidarItemToQaItem(lidar, {
      id: 'sustech',
      name: 'sustech',
      frameNumbers: names.map((n) => parseInt(n, 10)), // 950, 965, 970, 975: the real spacing
      points: (i) => clouds[i] ?? null,
    });
    return runQa([item], { labels: [] });
  };
  const files = () => names.map((name, i) => ({ name, text: texts[i] }));
  /** A track labelled on all four frames. */
  const fullTracks = () => importSustechSequence(files()).tracks.filter((t) => t.keyframes.length === names.length && t.keyframes.every((k) => !k.outside));
  const only = (f: Finding[], check: string) => f.filter((x) => x.check === check);

  it('untouched ground truth: no error (and nothing above info)', () => {
    const f = qa(files());
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
    expect(f.filter((x) => x.severity === 'warning')).toEqual([]);
  });

  it('a box deleted in a middle frame of a track is reported as a gap', () => {
    const t = fullTracks().find((x) => x.label === 'Car')!;
    // (a) the keyframe removed from the document: interpolation would hide it in a dense track
    const a = qa(files(), (l) => {
      const tr = l.tracks.find((x) => x.id === t.id)!;
      tr.keyframes = tr.keyframes.filter((k) => k.frame !== 2);
    });
    expect(only(a, 'track-gap').map((x) => [x.object, x.frame, x.severity])).toEqual([[t.id, 970, 'warning']]);
    // (b) the box removed from the label file and the sequence re-imported (outside on that frame)
    const edited = files().map((f, i) => (i === 2 ? { ...f, text: JSON.stringify(JSON.parse(f.text).filter((b: { obj_id: string }) => String(b.obj_id) !== t.id)) } : f));
    const b = qa(edited);
    expect(only(b, 'track-short-absence').map((x) => [x.object, x.frame])).toContainEqual([t.id, 970]);
  });

  it('a box moved by 2 m is reported as a jump', () => {
    const candidates = fullTracks();
    const t = candidates.find((x) => x.label === 'Car' && x.id !== fullTracks().find((y) => y.label === 'Car')!.id) ?? candidates[0];
    const f = qa(files(), (l) => {
      const k = l.tracks.find((x) => x.id === t.id)!.keyframes.find((kf) => kf.frame === 1)!;
      const g = k.geometry as Cuboid3D;
      k.geometry = { ...g, center: [g.center[0] + 2, g.center[1], g.center[2]] };
    });
    const jumps = only(f, 'track-jump');
    expect(jumps.map((x) => [x.object, x.frame])).toEqual([[t.id, 965]]);
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
  });
});
