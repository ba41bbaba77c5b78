/**
 * One open of a DICOM series in a fresh process, as the editor does it (medical-stream.bench.ts):
 *  - `whole DIR`: without streaming (the app before it): `medical.open` decodes everything and
 *    writes the .raw, then the viewer reads /blob/volume whole; first image = full volume;
 *  - `stream DIR`: `medical.open` answers with the header, the viewer reads
 *    /blob/volume-stream and places each plane (core/medical/volume-stream.ts); first image = the
 *    first plane placed (the middle slice, where the axial view opens), full = the DONE record.
 * The blob bodies are read in-process (serveBlob's Readable, no socket). The project is indexed
 * before the clock starts. Prints {headerMs, firstMs, fullMs, planes} as JSON.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MedicalService } from '../../main/services/medical';
import { PathGuard } from '../../main/services/pathGuard';
import { ProjectService } from '../../main/services/projectService';
import { serveBlob } from '../../main/services/blobs';
import { placePlane, RECORD, RecordParser } from '../../core/medical/volume-stream';

const [mode, dir] = process.argv.slice(2);

async function main() {
  const projects = new ProjectService(new PathGuard());
  await projects.open(dir);
  const item = projects.listItems({ offset: 0, limit: 10 }).items.find((i) => i.modality === 'dicom-series' || i.modality === 'dicom');
  if (!item) throw new Error(`no DICOM item in ${dir}`);
  const medical = new MedicalService(projects, { streaming: mode === 'stream' });
  const t0 = performance.now();
  const h = await medical.open(item.id);
  const headerMs = performance.now() - t0;
  if (mode === 'whole') {
    const body = (await serveBlob(projects, `/blob/volume/${item.id}`, undefined)).body as Readable;
    const all = new Uint8Array(h.bytes);
    let at = 0;
    for await (const chunk of body) {
      all.set(chunk as Buffer, at);
      at += (chunk as Buffer).length;
    }
    const fullMs = performance.now() - t0;
    return { headerMs, firstMs: fullMs, fullMs, planes: 0 };
  }
  if (!h.loading) throw new Error('expected a streamed open');
  const all = new Int16Array(h.bytes / 2);
  const body = (await serveBlob(projects, `/blob/volume-stream/${item.id}`, undefined)).body as Readable;
  const parser = new RecordParser();
  let firstMs = 0;
  let fullMs = 0;
  let planes = 0;
  for await (const chunk of body) {
    const c = chunk as Buffer;
    parser.push(new Uint8Array(c.buffer, c.byteOffset, c.length), (r) => {
      if (r.kind === RECORD.PLANE) {
        const p = r.payload;
        placePlane(all, h.dims, r.timepoint, r.axis, r.index, p.byteOffset % 2 ? new Int16Array(p.slice().buffer) : new Int16Array(p.buffer, p.byteOffset, p.length / 2));
        if (!planes++) firstMs = performance.now() - t0;
      } else if (r.kind === RECORD.DONE) fullMs = performance.now() - t0;
      else if (r.kind === RECORD.FAIL) throw new Error(Buffer.from(r.payload).toString());
    });
  }
  return { headerMs, firstMs, fullMs, planes };
}

main().then(
  (r) => process.stdout.write(JSON.stringify(r)),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
void path;
