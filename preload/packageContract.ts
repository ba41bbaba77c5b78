/**
 * RPC methods of task packages (main/services/packages, main/rpc/packageHandlers.ts): check a
 * package and list what merging it would do, then merge it with a decision per conflict.
 */
import { z } from 'zod';

const PathInput = z.string().min(1).max(4096);
const Choice = z.enum(['ours', 'theirs']);

export const PackageConflict = z.object({
  /** `<itemId>/<kind>:<key>`: the key of `decisions`. */
  id: z.string(),
  itemId: z.string(),
  itemName: z.string(),
  kind: z.enum(['object', 'track', 'pointLabels']),
  key: z.string(),
  reason: z.string(),
  ours: z.string(),
  theirs: z.string(),
  base: z.string(),
  decided: Choice.optional(),
});
export type PackageConflict = z.infer<typeof PackageConflict>;

export const PackagePlan = z.object({
  packageId: z.string(),
  manifestSha256: z.string(),
  project: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  job: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  data: z.enum(['embedded', 'references']),
  items: z.number().int(),
  counts: z.object({ keep: z.number().int(), takeTheirs: z.number().int(), keepOurs: z.number().int(), conflicts: z.number().int() }),
  conflicts: z.array(PackageConflict),
  unknownLabels: z.array(z.string()),
});
export type PackagePlan = z.infer<typeof PackagePlan>;

export const packageContract = {
  /** Verify a package (every hash) and plan its merge into the open project; writes nothing. */
  'package.inspect': { input: z.object({ path: PathInput }), output: PackagePlan },
  /**
   * Merge a package into the open project. `decisions` by conflict id, `resolve` for every other
   * conflict; an undecided conflict is CONFLICT and nothing is written.
   */
  'package.merge': {
    input: z.object({ path: PathInput, decisions: z.record(z.string(), Choice).default({}), resolve: Choice.optional() }),
    output: PackagePlan.extend({ written: z.number().int(), unchanged: z.number().int() }),
  },
  /** Export items of the open project as a package file (inside the project or an allowed folder). */
  'package.export': {
    input: z.object({
      path: PathInput,
      items: z.array(z.string().min(1).max(64)).optional(),
      filter: z.object({ modality: z.array(z.string()).optional(), status: z.array(z.string()).optional(), name: z.string().optional() }).optional(),
      job: z.string().min(1).max(64).optional(),
      withData: z.boolean().optional(),
    }),
    output: z.object({ file: z.string(), packageId: z.string(), items: z.number().int(), data: z.enum(['embedded', 'references']), bytes: z.number().int(), models: z.array(z.string()) }),
  },
} as const;
