/**
 * The one router both hosts mount. It validates every request against the contract, runs the
 * handler and turns any failure into `{code, message}`; it never throws to the transport.
 */
import { z } from 'zod';
import {
  contract,
  isMethodName,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type RpcErrorShape,
} from '../../preload/contract';
import { DatumError, toErrorShape } from './errors';
import type { EventHub } from './events';

/**
 * Who is calling, on a team server (accounts, main/services/team): set by the host from the
 * connection's session. Absent on a single-user host (Electron, `datum serve` without accounts),
 * where the local profile named in the request speaks for the user.
 */
export interface Caller {
  accountId: string;
  name: string;
  role: 'annotator' | 'reviewer' | 'manager';
}

/** Per-connection context: where events go and which jobs are running. */
export interface CallContext {
  /** The signed-in account on a team server; undefined on a single-user host. */
  caller?: Caller;
  emit<E extends EventName>(event: E, data: EventPayload<E>): void;
  /** Aborted when the job is cancelled or the connection closes. */
  signal: AbortSignal;
  progress(done: number, total: number | null, phase: string): void;
}

export type Handlers = {
  [M in MethodName]: (input: z.output<(typeof contract)[M]['input']>, ctx: CallContext) => Promise<MethodOutput<M>>;
};

export interface Connection {
  call(method: string, params: unknown): Promise<{ result: unknown } | { error: RpcErrorShape }>;
  /** Abort everything this connection started (window closed, socket dropped). */
  close(): void;
}

export interface Router {
  /** `caller`: the account this connection signed in as (team servers only). */
  connect(emit: (event: EventName, data: unknown) => void, caller?: Caller): Connection;
}

/** `hub`: events published to every connection (see events.ts). */
export function createRouter(handlers: Handlers, hub?: EventHub): Router {
  return {
    connect(emitRaw, caller) {
      const jobs = new Map<string, AbortController>();
      const closed = new AbortController();
      const unsubscribe = hub?.subscribe(emitRaw);
      const emit = <E extends EventName>(event: E, data: EventPayload<E>) => emitRaw(event, data);

      const call: Connection['call'] = async (method, params) => {
        if (!isMethodName(method)) return { error: { code: 'BAD_REQUEST', message: `unknown method "${String(method).slice(0, 80)}"` } };
        const spec = contract[method];
        const parsed = spec.input.safeParse(params ?? {});
        if (!parsed.success) {
          return { error: { code: 'BAD_REQUEST', message: `${method}: ${formatZodError(parsed.error)}` } };
        }
        if (method === 'jobs.cancel') {
          const { jobId } = parsed.data as { jobId: string };
          const job = jobs.get(jobId);
          job?.abort();
          return { result: { cancelled: !!job } };
        }
        const jobId = (parsed.data as { jobId?: string }).jobId;
        const controller = new AbortController();
        const signal = AbortSignal.any([controller.signal, closed.signal]);
        if (jobId) {
          if (jobs.has(jobId)) return { error: { code: 'CONFLICT', message: `job ${jobId} is already running` } };
          jobs.set(jobId, controller);
        }
        const ctx: CallContext = {
          caller,
          emit,
          signal,
          progress: (done, total, phase) => {
            if (jobId) emit('job.progress', { jobId, done, total, phase });
          },
        };
        try {
          const handler = handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>;
          const result = await handler(parsed.data, ctx);
          // Validate outputs too: a host bug must surface here, not as a confusing renderer crash.
          const out = spec.output.safeParse(result);
          if (!out.success) throw new DatumError('INTERNAL', `${method} returned an invalid result: ${formatZodError(out.error)}`);
          return { result: out.data };
        } catch (err) {
          if (signal.aborted) return { error: { code: 'CANCELLED', message: `${method} was cancelled` } };
          return { error: toErrorShape(err) };
        } finally {
          if (jobId) jobs.delete(jobId);
        }
      };
      return {
        call,
        close() {
          unsubscribe?.();
          closed.abort();
        },
      };
    },
  };
}

export function formatZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ');
}
