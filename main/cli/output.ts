/**
 * Where the CLI's own text goes. By default process.stdout / process.stderr (what the in-process
 * tests capture). The CommonJS entries (./launch.ts, ./inspectMain.ts) switch to direct writes:
 * the first touch of process.stdout builds a stream (a tty.WriteStream on a terminal, a
 * net.Socket on a pipe) and loads the modules behind it, ~2 ms on a file and ~10 ms on a pipe or
 * terminal here, which is a large share of a `datum --help` (issue #19). fs.writeSync on fd 1/2
 * needs none of that. A full non-blocking pipe (EAGAIN) falls back to the stream for the rest, so
 * order is kept; a closed reader (EPIPE, `datum ... | head -1`) ends the output quietly.
 */
import { writeSync } from 'node:fs';

let direct = false;
let closed = false;

export function useDirectWrites(): void {
  direct = true;
}

function write(fd: 1 | 2, text: string): void {
  if (!direct) {
    (fd === 1 ? process.stdout : process.stderr).write(text);
    return;
  }
  if (closed) return;
  let rest = Buffer.from(text);
  while (rest.length) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        closed = true;
        return;
      }
      if (code !== 'EAGAIN') throw e;
      direct = false; // from here on, through the stream (it waits for the reader)
      (fd === 1 ? process.stdout : process.stderr).write(rest);
      return;
    }
  }
}

export const writeOut = (text: string): void => write(1, text);
export const writeErr = (text: string): void => write(2, text);
