/**
 * The external back ends and what the Models tab is told about them. `command` is always offered
 * (the user may point the template at any trainer); when Ultralytics' `yolo` is not on PATH the
 * reason says so. `ssh` needs the system ssh client.
 */
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { CommandBackend } from './command';
import { SshBackend } from './ssh';

/** Whether an executable of that name is on PATH (what `which` answers, without running it). */
export async function onPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      await fs.access(file, constants.X_OK);
      if ((await fs.stat(file)).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

type Availability = () => Promise<{ ok: boolean; reason?: string }>;

export function externalBackends(): Array<{ backend: CommandBackend | SshBackend; available: Availability }> {
  return [
    {
      backend: new CommandBackend(),
      available: async () => ((await onPath('yolo')) ? { ok: true } : { ok: true, reason: 'Ultralytics `yolo` is not on PATH: install it or set the training command to your trainer' }),
    },
    {
      backend: new SshBackend(),
      available: async () => ((await onPath('ssh')) && (await onPath('scp')) ? { ok: true } : { ok: false, reason: 'no ssh / scp client on PATH' }),
    },
  ];
}
