/**
 * Project QA: run the checks (core/qa) over the annotation documents of the open
 * project. Shared by `datum qa` (main/cli/commands/qa.ts) and the app's `qa.run`
 * (main/services/review.ts). Point-cloud items (single clouds and pointcloud sequences) get their
 * points for the too-few-points check, 16 clouds at a time.
 */
import { cloudParseOptions, projectCloudOptions } from '../../core/formats/pointcloud/projectLayout';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { DatumError } from '../rpc/errors';
import type { ProjectService } from './projectService';
import type { ItemSummary } from '../../preload/contract';
import type { ItemDocument } from '../../core/document/schema';
import type { ParseOptions } from '../../core/formats/pointcloud';
import { readCloudFile } from './pointcloud/readCloudFile';
import { QaConfig, documentToQaItem, runQa, type Finding, type QaItem, type QaPoints } from '../../core/qa';

/** Frames of point clouds loaded at once for the points check (bounds memory on long sequences). */
const CLOUD_CHUNK = 16;

export interface QaReport {
  findings: Finding[];
  /** Annotated items that were checked. */
  items: number;
}

export interface ProjectQaOptions {
  /** Only these items (size statistics are then gathered over them only). */
  itemIds?: string[];
  signal?: AbortSignal;
  progress?: (done: number, total: number | null, phase: string) => void;
  warn?: (w: string) => void;
}

/** --config file, else qa.json in the project folder, else the defaults; invalid is BAD_REQUEST. */
export async function loadQaConfig(project: string, file?: string): Promise<QaConfig> {
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
  files: Array<string | null>;
  options: ParseOptions;
}

async function cloudSource(projects: ProjectService, item: ItemSummary): Promise<CloudSource | null> {
  const layout = projects.current()?.settings.binLayout;
  if (item.modality === 'pointcloud') return { files: [projects.itemPath(item.id)], options: projectCloudOptions(layout, item.name) };
  if (item.modality !== 'pointcloud-sequence') return null;
  const seq = JSON.parse(await readFile(projects.itemPath(item.id, 'sequence.json'), 'utf8')) as {
    frames?: Array<{ cloud?: string } | string>;
    pointFormat?: string;
  };
  const files = (seq.frames ?? []).map((f) => {
    const rel = typeof f === 'string' ? f : f?.cloud;
    return typeof rel === 'string' ? projects.itemPath(item.id, rel) : null;
  });
  const first = files.find((f): f is string => !!f) ?? '';
  const options: ParseOptions = cloudParseOptions({ binLayout: layout }, seq.pointFormat, first);
  return { files, options };
}

async function loadCloud(file: string, options: ParseOptions, warn: (w: string) => void): Promise<QaPoints | null> {
  try {
    const c = await readCloudFile(file, options);
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

function withoutPoints(c: QaConfig): QaConfig {
  return { ...c, points: { ...c.points, enabled: false }, fit: { ...c.fit, enabled: false } };
}

function pointsOnly(c: QaConfig): QaConfig {
  const off = { enabled: false };
  return QaConfig.parse({
    trackIdAttributes: c.trackIdAttributes,
    points: c.points,
    fit: c.fit,
    size: off,
    duplicates: off,
    tracks: off,
    attributes: off,
    labels: off,
    image: off,
    predictions: off,
  });
}

function aborted(): DatumError {
  return new DatumError('CANCELLED', 'QA run cancelled');
}

/** Every item of the open project, in index order. */
export function allItems(projects: ProjectService): ItemSummary[] {
  const out: ItemSummary[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = projects.listItems({ offset, limit: 1000 });
    out.push(...page.items);
    if (out.length >= page.total || page.items.length === 0) break;
  }
  return out;
}

/** QA over the open project (or some of its items). Phases: loading, checking, points. */
export async function runQaOnProject(projects: ProjectService, config: QaConfig, opts: ProjectQaOptions = {}): Promise<QaReport> {
  const info = projects.current();
  if (!info) throw new DatumError('NO_PROJECT', 'no project is open');
  const warn = opts.warn ?? (() => {});
  const progress = opts.progress ?? (() => {});
  const check = () => {
    if (opts.signal?.aborted) throw aborted();
  };
  const summaries = opts.itemIds ? opts.itemIds.map((id) => projects.getItem(id)) : allItems(projects);
  const docs = new Map<string, ItemDocument>();
  const items: QaItem[] = [];
  const unreadable: Finding[] = [];
  let done = 0;
  for (const s of summaries) {
    check();
    if (done % 50 === 0) progress(done, summaries.length, 'loading');
    done++;
    const loaded = await projects.loadAnnotationsOrProblem(s.id);
    if (loaded.problem !== undefined) {
      unreadable.push({ check: 'unreadable-document', severity: 'error', item: s.id, frame: null, object: null, message: loaded.problem });
      continue;
    }
    const doc = loaded.document;
    if (doc.objects.length === 0 && doc.tracks.length === 0) continue;
    docs.set(s.id, doc);
    const size = s.modality === 'image' && hasKind(doc, ['box2d', 'rotatedBox', 'polygon', 'polyline', 'points', 'skeleton']) ? await imageSize(projects.itemPath(s.id)) : {};
    items.push(documentToQaItem(doc, { id: s.id, name: s.name, frameCount: s.frames, ...size }));
  }
  progress(summaries.length, summaries.length, 'loading');
  let findings: Finding[];
  try {
    findings = runQa(items, info.ontology, withoutPoints(config), {
      signal: opts.signal,
      progress: (d, t) => progress(d, t, 'checking'),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw aborted();
    throw e;
  }

  if (config.points.enabled || config.fit.enabled) {
    const only = pointsOnly(config);
    const cuboidItems = items.filter((i) => hasKind(docs.get(i.id)!, ['cuboid3d']));
    let n = 0;
    for (const item of cuboidItems) {
      progress(n++, cuboidItems.length, 'points');
      const s = projects.getItem(item.id);
      const source = await cloudSource(projects, s).catch((e) => (warn(`${s.name}: ${(e as Error).message}`), null));
      if (!source) continue;
      const frames = item.frames.map((f) => f.frame).filter((f) => f < source.files.length);
      for (let i = 0; i < frames.length; i += CLOUD_CHUNK) {
        check();
        const chunk = new Map<number, QaPoints | null>();
        for (const f of frames.slice(i, i + CLOUD_CHUNK)) chunk.set(f, source.files[f] ? await loadCloud(source.files[f]!, source.options, warn) : null);
        const sub: QaItem = { ...item, points: (f) => chunk.get(f) ?? null };
        findings.push(...runQa([sub], info.ontology, only).filter((x) => x.frame !== null && chunk.has(x.frame)));
      }
    }
  }
  return {
    items: items.length,
    findings: [...unreadable, ...findings].map(({ check, severity, item, frame, object, message }) => ({ check, severity, item, frame, object, message })),
  };
}
