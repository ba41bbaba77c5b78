import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { generateDemo } from '../../services/demo/generate';
import { DatumError } from '../../rpc/errors';

export const demo: Command = {
  usage: 'datum demo <dir>',
  options: { ...jsonOpt },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new DatumError('BAD_REQUEST', 'usage: datum demo <dir>');
    const dir = path.resolve(positionals[0]);
    const entries: string[] = await fs.readdir(dir).catch(() => [] as string[]);
    if (entries.length && !entries.includes('datum.json')) {
      throw new DatumError('CONFLICT', `${dir} is not empty; choose an empty or new folder`);
    }
    const summary = await generateDemo(dir);
    if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else
      process.stdout.write(
        `Demo project written to ${dir}: ${summary.images} images, a ${summary.sequenceFrames}-frame image sequence, ` +
          `a ${summary.lidarFrames}-frame LiDAR sequence (${summary.lidarPoints} points).\nNext: datum serve ${positionals[0]}\n`,
      );
    return 0;
  },
};
