import type { ErrorCode, RpcErrorShape } from '../../preload/contract';

/** An error meant for the user: it crosses the wire as {code, message} unchanged. */
export class DatumError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DatumError';
  }
}

const PATH_MISTAKES = new Set(['ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP']);

export function toErrorShape(err: unknown): RpcErrorShape {
  if (err instanceof DatumError) return { code: err.code, message: err.message };
  if (err && typeof err === 'object' && (err as { name?: string }).name === 'AbortError') {
    return { code: 'CANCELLED', message: 'cancelled' };
  }
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') return { code: 'NOT_FOUND', message: e.message };
  if (e && (e.code === 'EACCES' || e.code === 'EPERM')) return { code: 'FORBIDDEN', message: e.message };
  // A path the user named that is the wrong kind of thing (a file where a folder is needed, ...).
  if (e && typeof e.code === 'string' && PATH_MISTAKES.has(e.code)) return { code: 'BAD_REQUEST', message: e.message };
  // Unknown failures keep their message (useful to users) but are flagged INTERNAL.
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
