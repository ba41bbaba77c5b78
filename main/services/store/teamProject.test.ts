/**
 * Two hosts (two ProjectService + ReviewService, as two `datum serve` processes have) on one
 * project folder and one PostgreSQL database: each host's connections hear the other's changes
 * as the usual events, and neither host's review action or settings change undoes the other's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase } from '../../../tests/support/pgCluster';
import { generateDemo } from '../demo/generate';
import { PathGuard } from '../pathGuard';
import { ProjectService } from '../projectService';
import { ReviewService } from '../review';
import { migrateProject } from './migrate';

const db = await freshDatabase('team_project');
const skip = 'problem' in db ? db.problem : null;
const url = 'url' in db ? db.url : '';

describe.skipIf(skip)(`a project on PostgreSQL served by two hosts${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let root = '';
  const hosts: ProjectService[] = [];
  afterAll(async () => {
    for (const h of hosts) await h.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
    if (!('problem' in db)) await db.drop();
  });

  async function host(dir: string): Promise<{ projects: ProjectService; review: ReviewService; heard: Array<{ event: string; data: unknown }> }> {
    const projects = new ProjectService(new PathGuard(), null, { database: { url, projectDir: dir } });
    hosts.push(projects);
    await projects.open(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const heard: Array<{ event: string; data: unknown }> = [];
    projects.events.subscribe((event, data) => heard.push({ event, data }));
    return { projects, review: new ReviewService(projects), heard };
  }

  it('hears the other host, and concurrent review actions and settings patches all survive', async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'datum-team-'));
    const dir = path.join(root, 'demo');
    await generateDemo(dir);
    await migrateProject(dir, url);
    const a = await host(dir);
    const b = await host(dir);
    expect(a.projects.requireStore().kind).toBe('postgres');
    const item = a.projects.listItems({ offset: 0, limit: 100, modality: ['image'] }).items[0];

    // A saves: B's connections hear item.changed with the new revision and status.
    const doc = await a.projects.loadAnnotations(item.id);
    await a.projects.saveAnnotations(item.id, { ...doc, status: 'in_progress' });
    await expect.poll(() => b.heard.find((h) => h.event === 'item.changed')?.data).toMatchObject({ itemId: item.id, status: 'in_progress' });
    expect(b.projects.getItem(item.id).status).toBe('in_progress');
    expect(b.heard.some((h) => h.event === 'project.changed' && (h.data as { reason: string }).reason === 'review')).toBe(true);
    // A host does not hear its own write twice (it published it itself).
    expect(a.heard.filter((h) => h.event === 'item.changed')).toHaveLength(1);

    // Both hosts act on the same item at once: an issue on A, three comments-worth of issues on B.
    const results = await Promise.all([
      a.review.addIssue(item.id, {}, 'from A', 'rev-a'),
      b.review.addIssue(item.id, {}, 'from B1', 'rev-b'),
      b.review.addIssue(item.id, {}, 'from B2', 'rev-b'),
      a.review.addIssue(item.id, {}, 'from A2', 'rev-a'),
    ]);
    const final = await b.projects.loadAnnotations(item.id);
    expect((final.issues ?? []).map((i) => i.id).sort()).toEqual(results.map((r) => r.issueId).sort());
    expect(final.revision).toBe((doc.revision ?? 0) + 5);

    // Settings patches from both hosts at once: both keys kept. The ontology change reaches B.
    await Promise.all([a.projects.updateSettings({ pointSize: 3 }), b.projects.updateSettings({ language: 'zh' })]);
    const ontology = { labels: [...a.projects.current()!.ontology.labels, { id: 'tree', name: 'Tree', color: '#00aa00', kinds: ['box2d' as const], attributes: [] }] };
    await a.projects.updateOntology(ontology);
    await expect.poll(() => b.projects.current()!.ontology.labels.some((l) => l.id === 'tree')).toBe(true);
    expect(b.heard.some((h) => h.event === 'project.changed' && (h.data as { reason: string }).reason === 'ontology')).toBe(true);
    const settings = (await a.projects.requireStore().getRecord('project', 'settings'))!.value;
    expect(settings).toMatchObject({ pointSize: 3, language: 'zh' });
    // The shared folder's datum.json and annotations/ are not written by a team host.
    expect(JSON.parse(await fs.readFile(path.join(dir, 'datum.json'), 'utf8')).settings).toEqual({});
    await expect(fs.stat(path.join(dir, 'annotations', `${item.id}.json`))).rejects.toThrow();
  });
});
