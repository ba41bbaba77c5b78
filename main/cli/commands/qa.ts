/**
 * `datum qa <project> [--json] [--config file] [--fail-on error|warning]`: run the QA checks
 * (renderer/core/qa) over every item's annotation document. Point-cloud items (single clouds and
 * pointcloud sequences) get their points for the too-few-points check. The configuration comes
 * from --config, else from qa.json in the project folder, else the defaults.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { DatumError } from '../../rpc/errors';
import { ProjectService } from '../../services/projectService';
import { PathGuard } from '../../services/pathGuard';
import type { ItemSummary } from '../../../preload/contract';
import type { ItemDocument } from '../../../renderer/core/document/schema';
import { KITTI_LAYOUT, NUSCENES_LAYOUT, parsePointCloud, type ParseOptions } from '../../../renderer/core/formats/pointcloud';
import { QaConfig, documentToQaItem, runQa, summarize, type Finding, type QaItem, type QaPoints } from '../../../renderer/core/qa';

/** Frames of point clouds loaded at once for the points check (bounds memory on long sequences). */
const CLOUD_CHUNK = 16;

export interface QaReport {
  findings: Finding[];
}

async function loadConfig(project: string, file: string | undefined): Promise<QaConfig> {
  const f = file ? path.resolve(file) : path.join(project, 'qa.json');
  if (!file && !existsSync(f)) return QaConfig.parse({});
  let json: unknown;
  try {
    json = JSON.parse(await readFile(f, 'utf8'));
  } catch (e) {
    throw new DatumError(file ? 'BAD_REQUEST' : 'BAD_FILE', `${f}: ${(e as Error).message}`);
  }
  const r = QaConfig.safeParse(json);
  if (!r.success) throw new DatumError('BAD_REQUEST', `${f}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

const hasKind = (doc: ItemDocument, kinds: string[]) =>
  doc.objects.some((o) => kinds.includes(o.geometry.kind)) || doc.tracks.some((t) => t.keyframes.some((k) => kinds.includes(k.geometry.kind)));

interface CloudSource {
  /** Absolute file of each frame, or null. */
  files: Array<string | null>;
  options: ParseOptions;
}

async function cloudSource(projects: ProjectService, item: ItemSummary): Promise<CloudSource | null> {
  if (item.modality === 'pointcloud') return { files: [projects.itemPath(item.id)], options: {} };
  if (item.modality !== 'pointcloud-sequence') return null;
  const seq = JSON.parse(await readFile(projects.itemPath(item.id, 'sequence.json'), 'utf8')) as {
    frames?: Array<{ cloud?: string } | string>;
    pointFormat?: string;
  };
  const files = (seq.frames ?? []).map((f) => {
    const rel = typeof f === 'string' ? f : f?.cloud;
    return typeof rel === 'string' ? projects.itemPath(item.id, rel) : null;
  });
  const options: ParseOptions =
    seq.pointFormat === 'kitti-bin' ? { binLayout: KITTI_LAYOUT } : seq.pointFormat === 'nuscenes-bin' ? { binLayout: NUSCENES_LAYOUT } : {};
  return { files, options };
}

async function loadCloud(file: string, options: ParseOptions, warn: (w: string) => void): Promise<QaPoints | null> {
  try {
    const c = await parsePointCloud(await readFile(file), path.basename(file), options);
    return { positions: c.positions, count: c.count, offset: c.offset };
  } catch (e) {
    warn(`${file}: ${(e as Error).message}`);
    return null;
  }
}

async function imageSize(file: string): Promise<{ width?: number; height?: number }> {
  try {
    const m = await sharp(file).metadata();
    return { width: m.width, height: m.height };
  } catch {
    return {};
  }
}

/** Everything but the points check: the cheap, project-wide pass (size statistics need all items). */
function withoutPoints(c: QaConfig): QaConfig {
  return { ...c, points: { ...c.points, enabled: false } };
}

/** Only the points check. */
function pointsOnly(c: QaConfig): QaConfig {
  const off = { enabled: false };
  return QaConfig.parse({
    trackIdAttributes: c.trackIdAttributes,
    points: c.points,
    size: off,
    duplicates: off,
    tracks: off,
    attributes: off,
    labels: off,
    image: off,
    predictions: off,
  });
}

export async function runProjectQa(dir: string, config: QaConfig, warn: (w: string) => void = () => {}): Promise<QaReport> {
  const projects = new ProjectService(new PathGuard());
  if (!existsSync(path.join(dir, 'datum.json'))) throw new DatumError('NOT_FOUND', `${dir} has no datum.json`);
  const info = await projects.open(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const summaries: ItemSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = projects.listItems({ offset, limit: 1000 });
    summaries.push(...page.items);
    if (summaries.length >= page.total || page.items.length === 0) break;
  }
  const docs = new Map<string, ItemDocument>();
  const items: QaItem[] = [];
  for (const s of summaries) {
    const doc = await projects.loadAnnotations(s.id);
    if (doc.objects.length === 0 && doc.tracks.length === 0) continue;
    docs.set(s.id, doc);
    const size = s.modality === 'image' && hasKind(doc, ['box2d', 'rotatedBox', 'polygon', 'polyline', 'points', 'skeleton']) ? await imageSize(projects.itemPath(s.id)) : {};
    items.push(documentToQaItem(doc, { id: s.id, name: s.name, frameCount: s.frames, ...size }));
  }
  const findings = runQa(items, info.ontology, withoutPoints(config));

  if (config.points.enabled) {
    const only = pointsOnly(config);
    for (const item of items) {
      const s = projects.getItem(item.id);
      if (!hasKind(docs.get(item.id)!, ['cuboid3d'])) continue;
      const source = await cloudSource(projects, s).catch((e) => (warn(`${s.name}: ${(e as Error).message}`), null));
      if (!source) continue;
      const frames = item.frames.map((f) => f.frame).filter((f) => f < source.files.length);
      for (let i = 0; i < frames.length; i += CLOUD_CHUNK) {
        const chunk = new Map<number, QaPoints | null>();
        for (const f of frames.slice(i, i + CLOUD_CHUNK)) chunk.set(f, source.files[f] ? await loadCloud(source.files[f]!, source.options, warn) : null);
        const sub: QaItem = { ...item, points: (f) => chunk.get(f) ?? null };
        findings.push(...runQa([sub], info.ontology, only).filter((x) => x.frame !== null && chunk.has(x.frame)));
      }
    }
  }
  projects.close();
  return { findings: findings.map(({ check, severity, item, frame, object, message }) => ({ check, severity, item, frame, object, message })) };
}

export const qa: Command = {
  summary: 'check a project\'s annotations (sizes, duplicates, tracks, attributes, points, predictions)',
  usage: 'datum qa <project> [--config file] [--fail-on error|warning] [--json]',
  options: {
    config: { type: 'string', description: 'QA configuration JSON (default: <project>/qa.json, else built-in)' },
    'fail-on': { type: 'string', description: 'exit 1 when a finding of this severity (or worse) exists' },
    ...jsonOpt,
  },
  async run({ values, positionals }) {
    const [project] = positionals;
    if (!project) throw new DatumError('BAD_REQUEST', 'usage: datum qa <project>');
    const failOn = values['fail-on'] as string | undefined;
    if (failOn !== undefined && failOn !== 'error' && failOn !== 'warning') throw new DatumError('BAD_REQUEST', '--fail-on takes error or warning');
    const dir = path.resolve(project);
    const config = await loadConfig(dir, values.config as string | undefined);
    const warnings: string[] = [];
    const report = await runProjectQa(dir, config, (w) => warnings.push(w));
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    if (values.json) process.stdout.write(JSON.stringify(report) + '\n');
    else {
      for (const f of report.findings)
        process.stdout.write(`${f.severity.padEnd(7)} ${f.check.padEnd(20)} ${f.item}${f.frame !== null ? ` frame ${f.frame}` : ''}${f.object ? ` ${f.object}` : ''}: ${f.message}\n`);
      const s = summarize(report.findings);
      process.stdout.write(`${s.error} errors, ${s.warning} warnings, ${s.info} info\n`);
    }
    const s = summarize(report.findings);
    if (failOn === 'error' && s.error > 0) return 1;
    if (failOn === 'warning' && s.error + s.warning > 0) return 1;
    return 0;
  },
};
