/**
 * De-identified DICOM SEG export of the real series in ../shared/data, checked attribute by
 * attribute against the profile table (PS3.15 E.1-1, core/medical/confidentiality.ts):
 * every row's action on the exported object, UIDs mapped consistently across the SEG's own
 * references, (0012,0062/0063/0064) with codes 113100 (+ 113110 when UIDs are retained), and a
 * file name that carries neither the patient's name nor ID.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { MedicalService } from './medical';
import { PathGuard } from './pathGuard';
import { ProjectService } from './projectService';
import { encodeLabelRuns } from '../../core/medical/labelmap-rle';
import { CONFIDENTIALITY_PROFILE } from '../../core/medical/confidentiality';

const DATA = path.resolve(__dirname, '../../../shared/data');
const CT2 = path.join(DATA, 'dicom/series/77654033/CT2');
const MR = path.join(DATA, 'dicom/mr3slice');
const hasData = existsSync(CT2) && existsSync(MR);
if (!hasData) console.warn(`medical.deid.test: ${DATA} is absent; skipped`);

const key = (tag: number) => `x${tag.toString(16).padStart(8, '0')}`;

/** A project whose folder names carry the patient's ID and name, as real exports often do. */
async function exportSeries(series: 'ct2' | 'mr', opts: { deidentify: boolean; retainUids?: boolean }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-deid-'));
  const folder = series === 'ct2' ? path.join(dir, '77654033', 'Doe_Archibald') : path.join(dir, 'VS-SEG-001');
  if (series === 'ct2') for (const f of ['17106', '17136', '17166', '17196']) cpSync(path.join(CT2, f), path.join(folder, `${f}.dcm`));
  else cpSync(MR, folder, { recursive: true });
  const projects = new ProjectService(new PathGuard());
  await projects.create(dir);
  await projects.refreshIndex(() => {}, new AbortController().signal);
  const item = projects.listItems({ offset: 0, limit: 10 } as never).items.find((i) => i.modality === 'dicom-series')!;
  const medical = new MedicalService(projects);
  const h = await medical.openComplete(item.id);
  const data = new Uint8Array(h.dims[0] * h.dims[1] * h.dims[2]);
  for (let k = 0; k < h.dims[2]; k++) data.fill(1, k * h.dims[0] * h.dims[1], k * h.dims[0] * h.dims[1] + 40); // every slice
  await medical.saveLabelmap(item.id, [{ number: 1, label: 'Lesion', color: [200, 40, 40] }], Buffer.from(encodeLabelRuns(data)).toString('base64'));
  const out = await medical.exportSeg(item.id, opts.deidentify, opts.retainUids);
  const source = dicomParser.parseDicom(new Uint8Array(readFileSync(path.join(folder, series === 'ct2' ? '17106.dcm' : '1-001.dcm'))));
  const sourceUids = new Set<string>();
  for (const f of series === 'ct2' ? ['17106', '17136', '17166', '17196'] : ['1-001', '1-002', '1-003']) {
    const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(path.join(folder, `${f}.dcm`))));
    for (const t of ['x00080018', 'x0020000d', 'x0020000e', 'x00200052']) if (ds.string(t)) sourceUids.add(ds.string(t)!);
  }
  return { out, item, seg: dicomParser.parseDicom(new Uint8Array(readFileSync(out.path))), source, sourceUids };
}

/** Every (tag, value) in the data set, sequences included, as [path, tag, value]. */
function allElements(ds: dicomParser.DataSet, at = ''): { path: string; tag: string; value: string | undefined }[] {
  const out: { path: string; tag: string; value: string | undefined }[] = [];
  for (const [tag, e] of Object.entries(ds.elements)) {
    if (e.items) e.items.forEach((it, i) => it.dataSet && out.push(...allElements(it.dataSet, `${at}${tag}[${i}].`)));
    else out.push({ path: at + tag, tag, value: e.vr === 'OB' || tag === 'x7fe00010' ? undefined : ds.string(tag) });
  }
  return out;
}

describe.skipIf(!hasData)('de-identified SEG export of the real series (PS3.15 E.1-1)', () => {
  it.each(['ct2', 'mr'] as const)('%s: every profile attribute gets its action; UIDs mapped consistently; method codes written', { timeout: 60_000 }, async (series) => {
    const { out, item, seg, source, sourceUids } = await exportSeries(series, { deidentify: true });
    // The file name carries the item id, never the patient's name or ID (nor the folder names).
    expect(out.relPath).toBe(`exports/${item.id}.seg-deid.dcm`);
    for (const phi of [source.string('x00100010'), source.string('x00100020'), 'Doe', '77654033', 'VS-SEG']) expect(out.path.slice(out.path.indexOf('exports'))).not.toContain(phi!);

    const every = allElements(seg);
    const sourceValues = new Set(allElements(source).map((e) => e.value).filter((v): v is string => !!v && v.length > 2));
    for (const row of CONFIDENTIALITY_PROFILE) {
      const hits = every.filter((e) => e.tag === key(row.tag));
      const label = `${row.name} (${key(row.tag)}) ${row.action}`;
      switch (row.action) {
        case 'X':
          expect(hits, label).toEqual([]);
          break;
        case 'Z':
          for (const h of hits) expect([row.dummy ?? '', ''], label).toContain(h.value ?? '');
          break;
        case 'D':
          for (const h of hits) expect(h.value, label).toBe(row.dummy);
          break;
        case 'U':
          for (const h of hits) {
            expect(sourceUids.has(h.value!), `${label} at ${h.path} kept a source UID`).toBe(false);
            expect(h.value, label).toMatch(/^2\.25\.\d+$/);
          }
          break;
      }
    }
    // The patient attributes the SEG copies are all present and handled (PatientSex included).
    for (const t of ['x00100010', 'x00100020', 'x00100030', 'x00100040', 'x00080020', 'x00080030', 'x00080050', 'x00080090', 'x00200010']) {
      expect(seg.elements[t], t).toBeDefined();
      const v = seg.string(t) ?? '';
      expect(['', 'ANONYMOUS', 'ANON'], t).toContain(v);
    }
    // No source value that identifies anything survives anywhere in the object.
    for (const t of ['x00100010', 'x00100020', 'x00100040', 'x00080020', 'x00080030', 'x00080050', 'x00200010']) {
      const v = source.string(t);
      if (v && v.length > 1) expect(every.some((e) => e.value === v), `${t}=${v}`).toBe(false);
    }
    for (const uid of sourceUids) expect(every.some((e) => e.value === uid), uid).toBe(false);
    expect(sourceValues.size).toBeGreaterThan(0);

    // Consistent mapping: the referenced series UID and every per-frame reference name instances
    // listed in the Referenced Series Sequence; the study UID is one value.
    const refSeries = seg.elements.x00081115.items![0].dataSet!;
    const listed = refSeries.elements.x0008114a.items!.map((i) => i.dataSet!.string('x00081155'));
    expect(new Set(listed).size).toBe(listed.length);
    const perFrame = seg.elements.x52009230.items!.map((i) => i.dataSet!.elements.x00089124.items![0].dataSet!.elements.x00082112.items![0].dataSet!.string('x00081155'));
    expect(perFrame.length).toBe(Number(seg.string('x00280008')));
    for (const uid of perFrame) expect(listed).toContain(uid);
    expect(refSeries.string('x0020000e')).not.toBe(seg.string('x0020000e'));
    expect(seg.string('x00020003')).toBe(seg.string('x00080018')); // meta header matches

    // Recorded: Patient Identity Removed, the method, and its codes.
    expect(seg.string('x00120062')).toBe('YES');
    expect(seg.string('x00120063')).toMatch(/Basic Profile/);
    const codes = seg.elements.x00120064.items!.map((i) => `${i.dataSet!.string('x00080102')}:${i.dataSet!.string('x00080100')}`);
    expect(codes).toEqual(['DCM:113100']);
  });

  it('the Retain UIDs option keeps the source UIDs and declares 113110', { timeout: 60_000 }, async () => {
    const { seg, source } = await exportSeries('ct2', { deidentify: true, retainUids: true });
    expect(seg.string('x0020000d')).toBe(source.string('x0020000d'));
    expect(seg.string('x00200052')).toBe(source.string('x00200052'));
    expect(seg.elements.x00081115.items![0].dataSet!.string('x0020000e')).toBe(source.string('x0020000e'));
    const codes = seg.elements.x00120064.items!.map((i) => i.dataSet!.string('x00080100'));
    expect(codes).toEqual(['113100', '113110']);
    expect(seg.string('x00120063')).toMatch(/Retain UIDs/);
    expect(seg.string('x00100010')).toBe('ANONYMOUS');
  });
});
