/**
 * Path confinement. Every path that arrives in a request is resolved against a set of granted
 * roots (the open project, its sources, folders the user picked); anything outside is refused
 * with FORBIDDEN. Symlinks are resolved first so a link cannot smuggle a path out.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { DatumError } from '../rpc/errors';

export class PathGuard {
  private roots = new Set<string>();

  grant(root: string): void {
    this.roots.add(canonical(root));
  }

  revoke(root: string): void {
    this.roots.delete(canonical(root));
  }

  revokeAll(): void {
    this.roots.clear();
  }

  grantedRoots(): string[] {
    return [...this.roots];
  }

  isAllowed(p: string): boolean {
    const real = canonical(p);
    for (const root of this.roots) if (isInside(real, root)) return true;
    return false;
  }

  /** Resolve `p` (absolute, or relative to `base`) and check it; returns the canonical path. */
  check(p: string, base?: string): string {
    if (p.includes('\0')) throw new DatumError('BAD_REQUEST', 'path contains a NUL byte');
    const abs = path.resolve(base ?? '/', p);
    const real = canonical(abs);
    for (const root of this.roots) if (isInside(real, root)) return real;
    throw new DatumError('FORBIDDEN', `access to "${p}" is outside the open project and the folders you picked`);
  }
}

export function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** realpath of the longest existing prefix, so not-yet-existing files can be checked too. */
export function canonical(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return abs;
      tail.push(path.basename(head));
      head = parent;
    }
  }
}
