/**
 * Binds the contract to the services. Host differences arrive as a small capabilities object
 * (host kind, folder picker, where the demo lives) so nothing here knows about Electron.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Handlers } from './router';
import { DatumError } from './errors';
import type { ProjectService } from '../services/projectService';
import type { GrantStore } from '../services/grants';
import { generateDemo } from '../services/demo/generate';
import { PROJECT_FILE } from '../services/projectFile';
import type { ModelService } from '../services/models';
import { importWithCheck } from '../services/modelImport';
import { inspectOnnx } from '../services/inference/library';
import { MedicalService } from '../services/medical';
import { ReviewService } from '../services/review';
import { imageInfo } from '../services/tiles';
import { exportGeo, importGeo } from '../services/geoExchange';
import { compareCandidates, legendRanges, sceneGeoJson, splitScene } from '../services/geoItems';
import { EXPORT_DIR } from '../services/medical';
import { atomicWrite } from '../services/atomicWrite';
import { recordProjectExport } from '../services/exchange/run';
import { TrainingService } from '../services/training/runner';
import { createTeamHandlers, createTeamServices } from './teamHandlers';

import { packageHandlers } from './packageHandlers';

export interface HostCapabilities {
  host: 'electron' | 'headless';
  version: string;
  /** Native folder dialog; undefined in the headless host. */
  pickFolder?: () => Promise<string | null>;
  /** Where "Open demo" writes its project. */
  demoDir: string;
  /** Open a team server's address in its own window (desktop host); returns the address opened. */
  connectTeamServer?: (url: string) => Promise<string>;
}

export function createHandlers(projects: ProjectService, grants: GrantStore, caps: HostCapabilities, models: ModelService): Handlers {
  const requireGrant = async (p: string) => {
    if (!path.isAbsolute(p)) throw new DatumError('BAD_REQUEST', `path must be absolute: ${p}`);
    if (!(await grants.allows(p))) {
      throw new DatumError(
        'FORBIDDEN',
        caps.pickFolder
          ? `${p} was not opened through the folder picker; choose it with "Open dataset folder"`
          : `${p} is outside the folders this server may open (start datum serve with --allow ${p})`,
      );
    }
  };
  // A model of the library by id (models.resolve accepts ids only, never a manifest path).
  const libraryModel = async (id: string) => models.resolve(id, projects.requireProject().dir);
  const medical = new MedicalService(projects);
  const review = new ReviewService(projects);
  const training = new TrainingService(projects);
  // Jobs, leases and presence (issue #21) live in the open project's store (folder or PostgreSQL).
  const teamStore = () => projects.requireStore();
  const team = createTeamServices(projects, review, teamStore);
  // Project-wide changes are told to every connection (other tabs, the reviewer's screen), not only the caller.
  const changed = (reason: string) => projects.events.publish('project.changed', { reason });
  const reviewed = <T>(_ctx: unknown, r: T) => (changed('review'), r);
  return {
    'app.info': async () => ({ version: caps.version, host: caps.host, platform: process.platform, canPickFolders: !!caps.pickFolder }),
    'app.connectTeamServer': async ({ url }) => {
      if (!caps.connectTeamServer) throw new DatumError('UNSUPPORTED', 'only the desktop app opens team servers; in a browser, go to the address');
      return { url: await caps.connectTeamServer(url) };
    },
    'project.current': async () => projects.current(),
    'project.open': async ({ path: p }) => {
      await requireGrant(p);
      return projects.open(p);
    },
    'project.create': async ({ path: p, name }) => {
      await requireGrant(p);
      return projects.create(p, name);
    },
    'project.openDemo': async () => {
      const exists = await fs.stat(path.join(caps.demoDir, PROJECT_FILE)).catch(() => null);
      if (!exists) await generateDemo(caps.demoDir);
      await grants.add(caps.demoDir);
      return projects.open(caps.demoDir);
    },
    'project.pickFolder': async () => {
      if (!caps.pickFolder) throw new DatumError('UNSUPPORTED', 'this host has no folder picker; open folders with datum serve <dir>');
      const picked = await caps.pickFolder();
      if (picked) await grants.add(picked);
      return { path: picked };
    },
    'project.grantSources': async ({ ids }) => projects.grantSources(ids),
    'project.revokeSource': async ({ id }) => projects.revokeSource(id),
    'project.close': async () => {
      projects.close();
      return { ok: true as const };
    },
    'project.updateOntology': async ({ ontology }) => {
      const info = await projects.updateOntology(ontology);
      changed('ontology');
      return info;
    },
    'project.updateSettings': async ({ settings }) => {
      const info = await projects.updateSettings(settings);
      changed('settings');
      return info;
    },
    'index.refresh': async (_input, ctx) => {
      const r = await projects.refreshIndex(ctx.progress, ctx.signal);
      if (r.added || r.removed || r.changed) changed('index');
      return { items: r.items.length, added: r.added, removed: r.removed, changed: r.changed };
    },
    'items.list': async (q) => projects.listItems(q),
    'items.get': async ({ id }) => projects.getItem(id),
    'annotations.load': async ({ itemId }) => projects.loadAnnotations(itemId),
    // Review fields saved meanwhile by review.* survive an editor's save of an older document.
    // On a team server (a signed-in caller) review fields move only through the permission-checked review.* calls.
    // Someone else's live lease refuses a save (CONFLICT naming them); a team server needs one's own.
    'annotations.save': async ({ itemId, document, author, baseRevision }, ctx) => {
      await team.checkSave(itemId, author, ctx);
      return review.saveFromEditor(itemId, document, author, baseRevision, !!ctx.caller);
    },
    'qa.run': async ({ itemIds }, ctx) => review.runQa({ itemIds, signal: ctx.signal, progress: ctx.progress }),
    'review.transition': async ({ itemId, to, profile, note, force }, ctx) => reviewed(ctx, { document: await review.transition(itemId, to, profile, { note, force }) }),
    'review.addIssue': async ({ itemId, author, text, ...where }, ctx) => reviewed(ctx, await review.addIssue(itemId, where, text, author)),
    'review.commentIssue': async ({ itemId, issueId, author, text }) => ({ document: await review.commentIssue(itemId, issueId, author, text) }),
    'review.resolveIssue': async ({ itemId, issueId, author, text }, ctx) => reviewed(ctx, { document: await review.resolveIssue(itemId, issueId, author, text) }),
    'review.reopenIssue': async ({ itemId, issueId, author, text }, ctx) => reviewed(ctx, { document: await review.reopenIssue(itemId, issueId, author, text) }),
    'review.queue': async () => {
      const unreadable: string[] = [];
      return { items: await review.queue(unreadable), unreadable };
    },
    'review.metrics': async () => review.metrics(),
    'models.list': async () => models.info(projects.current()?.path),
    'models.import': async ({ path: p, preset, classesPath, id, manifest, dryRun, sampleItemId }, ctx) => {
      const project = projects.requireProject();
      // Models may come from the project or from any folder the user granted (picker, --allow).
      const allowed = async (q: string) => {
        if (!path.isAbsolute(q)) throw new DatumError('BAD_REQUEST', `path must be absolute: ${q}`);
        if (!projects.guard.isAllowed(q) && !(await grants.allows(q))) throw new DatumError('FORBIDDEN', `${q} is outside the folders you opened`);
        return q;
      };
      const onnx = await allowed(p);
      const classes = classesPath ? await allowed(classesPath) : undefined;
      return importWithCheck(models, projects, onnx, { preset, classesFile: classes, id, manifest, destRoot: path.join(project.dir, 'models') }, { dryRun, sampleItemId, signal: ctx.signal });
    },
    'models.graph': async ({ modelId }) => {
      const entry = await libraryModel(modelId);
      return entry.modelPath ? inspectOnnx(entry.modelPath).catch((e: Error) => { throw new DatumError('BAD_FILE', e.message); }) : { inputs: [], outputs: [] };
    },
    'training.backends': async () => ({ backends: await training.backends.list() }),
    'training.start': async ({ jobId, ...input }, ctx) => {
      const r = await training.train(
        { ...input, jobId },
        {
          signal: ctx.signal,
          progress: (p) => {
            projects.events.publish('training.progress', { jobId, progress: p });
            ctx.progress(Math.round(p.fraction * 1000), 1000, p.message ?? p.phase);
          },
        },
      );
      changed('models');
      return r;
    },
    'training.versions': async ({ modelId }) => ({ models: await training.versions(modelId) }),
    'training.promote': async ({ modelId, version }) => {
      const r = await training.promote(modelId, version);
      changed('models');
      return r;
    },
    'training.rollback': async ({ modelId, version }) => {
      const r = await training.rollback(modelId, version);
      changed('models');
      return r;
    },
    'prelabel.run': async ({ modelId, itemIds }, ctx) => {
      const r = await models.prelabel(projects, modelId, { itemIds, signal: ctx.signal, progress: (d, t, phase) => ctx.progress(d, t, phase) });
      changed('prelabel');
      return r;
    },
    'sam.embed': async ({ itemId, modelId }, ctx) => {
      const entry = await libraryModel(modelId);
      return models.samEmbed(entry, projects.itemPath(itemId), ctx.signal);
    },
    'sam.segment': async ({ itemId, modelId, points, box }, ctx) => {
      const entry = await libraryModel(modelId);
      return models.samSegment(entry, projects.itemPath(itemId), { points, box }, ctx.signal);
    },
    'review.pending': async ({ limit }) => {
      const items = projects.listItems({ offset: 0, limit: 1_000_000, modality: ['image', 'image-sequence', 'video', 'pointcloud', 'pointcloud-sequence'] } as never).items;
      const out: { itemId: string; name: string; objects: import('../../core/document/schema').AnnotationObject[] }[] = [];
      for (const item of items) {
        if (out.length >= limit) break;
        const doc = await projects.loadAnnotations(item.id);
        const pending = doc.objects.filter((o) => o.source.kind === 'model' && !o.accepted);
        if (pending.length) out.push({ itemId: item.id, name: item.name, objects: pending });
      }
      return { items: out };
    },
    'image.info': async ({ itemId }) => {
      const item = projects.getItem(itemId);
      if (item.modality !== 'image') throw new DatumError('BAD_REQUEST', `${item.name} is not an image`);
      return imageInfo(projects.itemPath(item.id), item.region);
    },
    'geo.exportGeoJson': async ({ itemId }) => {
      const item = projects.getItem(itemId);
      // a scene brings its regions' labels, a region its own, each placed by its own offset
      const out = await sceneGeoJson(projects, item.id);
      const abs = projects.guard.check(path.join(projects.requireProject().dir, EXPORT_DIR, `${item.id}.geojson`));
      await atomicWrite(abs, Buffer.from(out.text));
      await recordProjectExport(projects, path.dirname(abs)); // exports/ is never indexed as items
      return { path: abs, features: out.features, skipped: out.skipped };
    },
    'geo.displayRanges': async ({ itemId, display }) => legendRanges(projects, itemId, display),
    'geo.split': async ({ itemId, spec, assignees }) => ({ regions: await splitScene(projects, itemId, spec, assignees) }),
    'geo.compareCandidates': async ({ itemId }) => compareCandidates(projects, itemId),
    'geo.export': async ({ itemId, format, crs }) => exportGeo(projects, itemId, format, { crs }),
    'geo.import': async ({ itemId, path: p, format }) => importGeo(projects, itemId, p, format),
    'medical.open': async ({ itemId }) => medical.open(itemId),
    'medical.loadLabelmap': async ({ itemId }) => medical.loadLabelmap(itemId),
    'medical.saveLabelmap': async ({ itemId, segments, runs }) => ({ savedAt: await medical.saveLabelmap(itemId, segments, runs) }),
    'medical.exportSeg': async ({ itemId, deidentify, retainUids }) => medical.exportSeg(itemId, deidentify, retainUids),
    'medical.exportNifti': async ({ itemId }) => medical.exportNifti(itemId),
    'medical.importSeg': async ({ itemId, path: p }) => medical.importSeg(itemId, p),
    'medical.importNifti': async ({ itemId, path: p }) => medical.importNifti(itemId, p),
    'medical.exportRtstruct': async ({ itemId, deidentify, retainUids }) => medical.exportRtstruct(itemId, deidentify, retainUids),
    'medical.importRtstruct': async ({ itemId, path: p }) => medical.importRtstruct(itemId, p),
    'medical.tags': async ({ itemId, index, reveal }) => medical.tags(itemId, index, reveal),
    // Handled inside the router (it owns the job table); present to satisfy the type.
    'jobs.cancel': async () => ({ cancelled: false }),
    ...createTeamHandlers(team, teamStore),

    ...packageHandlers(projects, review, changed),
  };
}
