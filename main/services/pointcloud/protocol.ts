/** Messages between the Node host and its point-cloud worker threads. */
import type { ParseOptions, PointCloud } from '../../../core/formats/pointcloud';

export type NodeWorkerParseOptions = Omit<ParseOptions, 'lazPerf'>;

export interface NodeParseRequest {
  id: number;
  path: string;
  options?: NodeWorkerParseOptions;
}

export type NodeParseResponse =
  | { id: number; cloud: PointCloud }
  | { id: number; error: { code: string; message: string; fileName: string; problem: string } };
