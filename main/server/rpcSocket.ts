/**
 * One WebSocket on /rpc bound to one router connection, built so that no client can knock the
 * host over or starve other clients:
 *
 * - Protocol errors (reserved opcodes, bad UTF-8, a frame over MAX_MESSAGE_BYTES) arrive as an
 *   'error' event; ws has already sent the close frame (1002 / 1007 / 1009), so we only drop this
 *   socket. Without a listener, Node turns the event into an uncaught exception: the process dies.
 * - At most MAX_IN_FLIGHT calls per connection run at once; the rest wait in a FIFO queue. While
 *   that queue is longer than MAX_QUEUED, the socket is paused, so TCP backpressure holds a
 *   flooding client back instead of our memory, and the event loop keeps serving other sockets.
 * - `jobs.cancel` skips the queue: it must work even when every slot holds a long job.
 */
import type { WebSocket, RawData } from 'ws';
import type { RpcRequest } from '../../preload/contract';
import type { Caller, Router } from '../rpc/router';

/**
 * Largest WebSocket message accepted, in bytes. Derived from what the app sends: the biggest
 * request the contract bounds is `medical.saveLabelmap`, whose `runs` (base64 label-map runs) may
 * be up to 200 MiB (the worst case of a 512×512×300 CT painted voxel by voxel is ~210 MB of
 * base64; real label maps are kilobytes to a few MB). Annotation documents are far smaller: the
 * largest are LiDAR sequences with point-wise labels, 2.7 bytes per labelled point (a 100-frame ×
 * 120k-point sequence labelled on every frame is ~32 MB). 200 MiB + 16 MiB of margin for the
 * segments and the JSON envelope; ws refuses a frame whose header declares more (close 1009)
 * before reading any of it.
 */
export const MAX_MESSAGE_BYTES = 216 * 1024 * 1024;
/** Calls of one connection running at once; the renderer rarely has more than a dozen. */
export const MAX_IN_FLIGHT = 16;
/** Queued calls of one connection before its socket is paused. */
export const MAX_QUEUED = 256;

/** `caller`: the signed-in account of a team server's connection (see team/permissions.ts). */
export function attachRpcSocket(ws: WebSocket, router: Router, log: (line: string) => void, caller?: Caller): void {
  const conn = router.connect((event, data) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, data }));
  }, caller);
  const queue: RpcRequest[] = [];
  let running = 0;

  const reply = (msg: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const run = async (req: RpcRequest) => {
    reply({ id: req.id, ...(await conn.call(req.method, req.params)) });
  };
  const pump = () => {
    while (running < MAX_IN_FLIGHT && queue.length > 0) {
      const req = queue.shift()!;
      running++;
      void run(req).finally(() => {
        running--;
        // Let I/O of other sockets in between, then take the next queued call of this one.
        setImmediate(pump);
      });
    }
    if (ws.isPaused && queue.length <= MAX_QUEUED / 2 && ws.readyState === ws.OPEN) ws.resume();
  };

  ws.on('message', (raw: RawData) => {
    let req: RpcRequest;
    try {
      req = JSON.parse(String(raw));
      if (typeof req !== 'object' || req === null || typeof req.id !== 'number') throw new Error('not an RPC request');
    } catch (err) {
      reply({ id: -1, error: { code: 'BAD_REQUEST', message: `malformed message: ${(err as Error).message}` } });
      return;
    }
    if (req.method === 'jobs.cancel') {
      void run(req);
      return;
    }
    queue.push(req);
    if (queue.length > MAX_QUEUED && !ws.isPaused) ws.pause();
    pump();
  });
  ws.on('error', (err) => {
    // ws has already answered with the matching close code; this connection only is dropped.
    log(`rpc connection closed: ${err.message}`);
    ws.terminate();
  });
  ws.on('close', () => {
    queue.length = 0;
    conn.close();
  });
}
