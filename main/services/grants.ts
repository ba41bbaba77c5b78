/**
 * Folders the user has explicitly picked or created (through a dialog, the CLI, or the demo) are
 * remembered in userData so "reopen a recent project" works without widening access to anything
 * else. A path the renderer names is only opened if it is inside one of these.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { atomicWriteJson } from './atomicWrite';
import { canonical, isInside } from './pathGuard';

export class GrantStore {
  private grants: string[] = [];
  private loaded = false;

  constructor(private readonly userDataDir: string | null) {}

  private get file(): string | null {
    return this.userDataDir ? path.join(this.userDataDir, 'granted-folders.json') : null;
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.file) return;
    try {
      const raw = JSON.parse(await fs.readFile(this.file, 'utf8'));
      if (Array.isArray(raw)) this.grants = raw.filter((p): p is string => typeof p === 'string');
    } catch {
      /* first run */
    }
  }

  async add(dir: string): Promise<void> {
    await this.load();
    const c = canonical(dir);
    if (this.grants.includes(c)) return;
    this.grants.push(c);
    if (this.file) await atomicWriteJson(this.file, this.grants);
  }

  async allows(dir: string): Promise<boolean> {
    await this.load();
    const c = canonical(dir);
    return this.grants.some((g) => isInside(c, g));
  }
}
