import path from 'node:path';
import type { Command } from '../command';
import { jsonOpt } from '../command';
import { writeOut } from '../output';
import { inspectPath } from '../../services/inspect';
import { DatumError } from '../../rpc/errors';
import { parseBinLayoutSpec } from '../../../core/formats/pointcloud/binLayout';

export const inspect: Command = {
  usage: 'datum inspect <file> [--layout <spec>] [--drop-nan] [--json]',
  options: {
    ...jsonOpt,
    layout: {
      type: 'string',
      description: 'record layout of a headerless .bin cloud, e.g. "x:f32,y:f32,z:f32,intensity:f32,ring:u16,_:2" (default: KITTI x y z intensity)',
    },
    'drop-nan': { type: 'boolean', description: 'point clouds: leave out points with NaN or infinite coordinates (organized clouds become unorganized)' },
  },
  async run({ values, positionals }) {
    if (!positionals[0]) throw new DatumError('BAD_REQUEST', 'usage: datum inspect <file>');
    let binLayout;
    if (typeof values.layout === 'string') {
      try {
        binLayout = parseBinLayoutSpec(values.layout);
      } catch (e) {
        throw new DatumError('BAD_REQUEST', (e as Error).message);
      }
    }
    const info = await inspectPath(path.resolve(positionals[0]), { binLayout, dropNaN: values['drop-nan'] === true });
    if (values.json) writeOut(JSON.stringify(info) + '\n');
    else for (const [k, v] of Object.entries(info)) writeOut(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
    return 0;
  },
};
