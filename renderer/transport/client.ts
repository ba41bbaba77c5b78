/**
 * The typed client over either transport. `rpc.call('items.list', {...})` is checked against the
 * contract at compile time; failures arrive as RpcError with the host's {code, message}.
 */
import type { EventName, MethodInput, MethodName, MethodOutput, RpcErrorShape } from '../../preload/contract';

export interface Transport {
  kind: 'electron' | 'websocket';
  invoke(method: string, params: unknown): Promise<{ result: unknown } | { error: RpcErrorShape }>;
  onEvent(cb: (event: string, data: unknown) => void): () => void;
}

export class RpcError extends Error {
  constructor(
    readonly code: RpcErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export interface RpcClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on(event: EventName | 'menu', cb: (data: unknown) => void): () => void;
  transport: Transport['kind'];
}

export function createClient(transport: Transport): RpcClient {
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  transport.onEvent((event, data) => listeners.get(event)?.forEach((cb) => cb(data)));
  return {
    transport: transport.kind,
    async call(method, input) {
      const reply = await transport.invoke(method, input);
      if ('error' in reply) throw new RpcError(reply.error.code, reply.error.message);
      return reply.result as never;
    },
    on(event, cb) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => set!.delete(cb);
    },
  };
}

let jobCounter = 0;
export function newJobId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${(jobCounter++).toString(36)}`;
}
