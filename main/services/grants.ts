/**
 * What the user has allowed, and for how long.
 *
 * - Picked folders (dialog, demo): remembered in userData so "reopen a recent project" works
 *   without widening access to anything else. A path the renderer names is only opened if it is
 *   inside one of these.
 * - Session folders (`datum serve <dir> --allow DIR`): held in memory for this process only and
 *   never written, so a grant given on one command line does not outlive that run, and a start
 *   that fails grants nothing.
 * - Source grants: a project's datum.json may name source folders outside the project folder.
 *   The dataset author controls datum.json, so such a source is readable only after the user
 *   consents; the consent is stored here, per project (in userData, not in datum.json), and can
 *   be revoked.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { atomicWriteJson } from './atomicWrite';
import { canonical, isInside } from './pathGuard';

/** How ProjectService asks whether an outside source may be read. */
export interface SourceConsent {
  /** 'granted' (stored consent), 'allowed' (this run's --allow) or 'pending'. */
  sourceStatus(projectDir: string, sourceDir: string): Promise<'granted' | 'allowed' | 'pending'>;
  grantSources(projectDir: string, sourceDirs: string[]): Promise<void>;
  revokeSource(projectDir: string, sourceDir: string): Promise<void>;
}

export class GrantStore implements SourceConsent {
  private grants: string[] = [];
  private session: string[] = [];
  private sources: Record<string, string[]> = {};
  private loaded = false;

  constructor(private readonly userDataDir: string | null) {}

  private get file(): string | null {
    return this.userDataDir ? path.join(this.userDataDir, 'granted-folders.json') : null;
  }

  private get sourcesFile(): string | null {
    return this.userDataDir ? path.join(this.userDataDir, 'source-grants.json') : null;
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const read = async (file: string | null): Promise<unknown> => {
      if (!file) return undefined;
      try {
        return JSON.parse(await fs.readFile(file, 'utf8'));
      } catch {
        return undefined; // first run
      }
    };
    const raw = await read(this.file);
    if (Array.isArray(raw)) this.grants = raw.filter((p): p is string => typeof p === 'string');
    const src = await read(this.sourcesFile);
    if (src && typeof src === 'object' && !Array.isArray(src)) {
      for (const [project, dirs] of Object.entries(src as Record<string, unknown>)) {
        if (Array.isArray(dirs)) this.sources[project] = dirs.filter((p): p is string => typeof p === 'string');
      }
    }
  }

  /** A folder the user picked: remembered across runs. */
  async add(dir: string): Promise<void> {
    await this.load();
    const c = canonical(dir);
    if (this.grants.includes(c)) return;
    this.grants.push(c);
    if (this.file) await atomicWriteJson(this.file, this.grants);
  }

  /** A folder allowed for this process only (`datum serve --allow`); never written to disk. */
  addSession(dir: string): void {
    const c = canonical(dir);
    if (!this.session.includes(c)) this.session.push(c);
  }

  async allows(dir: string): Promise<boolean> {
    await this.load();
    const c = canonical(dir);
    return this.grants.some((g) => isInside(c, g)) || this.session.some((g) => isInside(c, g));
  }

  async sourceStatus(projectDir: string, sourceDir: string): Promise<'granted' | 'allowed' | 'pending'> {
    await this.load();
    const c = canonical(sourceDir);
    if ((this.sources[canonical(projectDir)] ?? []).some((g) => isInside(c, g))) return 'granted';
    // --allow on the command line is the CLI user's consent, for this run.
    if (this.session.some((g) => isInside(c, g))) return 'allowed';
    return 'pending';
  }

  async grantSources(projectDir: string, sourceDirs: string[]): Promise<void> {
    await this.load();
    const key = canonical(projectDir);
    const list = new Set(this.sources[key] ?? []);
    for (const d of sourceDirs) list.add(canonical(d));
    this.sources[key] = [...list];
    await this.saveSources();
  }

  async revokeSource(projectDir: string, sourceDir: string): Promise<void> {
    await this.load();
    const key = canonical(projectDir);
    const c = canonical(sourceDir);
    const next = (this.sources[key] ?? []).filter((g) => g !== c);
    if (next.length) this.sources[key] = next;
    else delete this.sources[key];
    await this.saveSources();
  }

  private async saveSources(): Promise<void> {
    if (this.sourcesFile) await atomicWriteJson(this.sourcesFile, this.sources);
  }
}
