import path from 'node:path';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { inspectPath } from '../../services/inspect';
import { DatumError } from '../../rpc/errors';

export const inspect: Command = {
  summary: 'print the basic properties of a file or folder (point cloud, image, video, DICOM, NIfTI)',
  usage: 'datum inspect <file> [--json]',
  options: { ...jsonOpt },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new DatumError('BAD_REQUEST', 'usage: datum inspect <file>');
    const info = await inspectPath(path.resolve(positionals[0]));
    if (values.json) process.stdout.write(JSON.stringify(info) + '\n');
    else for (const [k, v] of Object.entries(info)) process.stdout.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
    return 0;
  },
};
