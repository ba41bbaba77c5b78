/**
 * The command table as `datum --help` shows it: every command's name and one-line summary, and
 * the help text built from them. Nothing else is imported here: this module is bundled into the
 * CommonJS launcher (dist/main/cli.cjs, built by scripts/build-main.mjs) that answers `--help`,
 * `--version` and unknown commands without starting Node's ES module loader (cold start, issue
 * #19). The loaders live in ./index.ts, typed by these names, so the two tables cannot drift
 * (tests/unit/cliLauncher.test.ts checks the built launcher against this module too).
 */
import { VERSION } from '../version';

export const SUMMARIES = {
  serve: 'serve the app and its services over HTTP + WebSocket (headless host)',
  demo: 'write the demo project (images, an image sequence, a LiDAR sequence with camera) into a folder',
  inspect: 'print the basic properties of a file or folder (point cloud, image, video, DICOM, NIfTI)',
  import: 'import annotations in a known format into a project',
  export: "export a project's annotations in a known format",
  models: 'the model library: list models and their execution provider, import an ONNX model, run one on a file; trained versions: list, promote, roll back',
  propose3d: 'built-in 3D box proposals for a point cloud (ground removal, clustering, box fitting, size priors)',
  prelabel:
    "pre-label a project's images (2D models) or point clouds (proposals3d, pointpillars) with a model (resumable: 2D models skip items already pre-labelled by them; 3D models add only boxes the document does not know, so rejected ones never come back)",
  train: "train a new model version from a project's reviewed labels (local, command or ssh back end) and promote it when it is better",
  team: 'accounts of a team server: add, list, set roles, disable (datum serve --accounts)',
  package:
    'task packages for machines that are never connected: export a batch (a job, items or a filter), import it as a project, merge the work back (verified by sha256)',
  qa: "check a project's annotations (sizes, duplicates, tracks, attributes, points, predictions)",
  project:
    'project-wide operations: migrate <folder> --to postgres://... moves documents, ontology, settings and records to a team database (and back with --to <folder>), losslessly',
} as const;

export type CommandName = keyof typeof SUMMARIES;

export function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(SUMMARIES, name);
}

export function helpText(): string {
  const lines = [`datum ${VERSION} — offline-first annotation workstation`, '', 'Usage: datum <command> [options]', '', 'Commands:'];
  for (const [name, summary] of Object.entries(SUMMARIES)) lines.push(`  ${name.padEnd(10)} ${summary}`);
  lines.push('', 'Run "datum <command> --help" for a command\'s options.');
  return lines.join('\n') + '\n';
}
