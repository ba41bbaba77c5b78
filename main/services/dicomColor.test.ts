import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ProjectService } from './projectService';
import { PathGuard } from './pathGuard';
import { dicomFramePng } from './dicomColor';
import { colourSecondaryCapture as colour } from '../../core/medical/synthetic';
import { TRANSFER_SYNTAX } from '../../core/medical/dicom';

const JPEG = path.resolve(__dirname, '../../../shared/data/images/coco139/000000000139.jpg');

describe.skipIf(!existsSync(JPEG))('colour DICOM frames as PNG for the image tools', () => {
  it('indexes colour files as single items and serves frames equal to the source pixels', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'datum-dicomcolour-'));
    const jpeg = new Uint8Array(readFileSync(JPEG));
    writeFileSync(path.join(dir, 'photo.dcm'), colour('YBR_FULL_422', 426, 640, 8, 1, { encapsulated: [jpeg] }, TRANSFER_SYNTAX.jpegBaseline));
    // Two 16-bit RGB frames (4x2): frame 1 is frame 0 with channels rotated.
    const words = new Uint16Array(2 * 8 * 3);
    for (let p = 0; p < 8; p++) {
      words.set([p * 8000, 65535 - p * 8000, 30000], p * 3);
      words.set([65535 - p * 8000, 30000, p * 8000], 24 + p * 3);
    }
    writeFileSync(path.join(dir, 'clip16.dcm'), colour('RGB', 2, 4, 16, 2, new Uint8Array(words.buffer)));
    const projects = new ProjectService(new PathGuard());
    await projects.create(dir);
    await projects.refreshIndex(() => {}, new AbortController().signal);
    const items = projects.listItems({ offset: 0, limit: 100 }).items;
    const photo = items.find((i) => i.name === 'photo.dcm')!;
    const clip = items.find((i) => i.name === 'clip16.dcm')!;
    expect(photo).toMatchObject({ modality: 'dicom', dicom: { color: true, rows: 426, columns: 640, modality: 'XC' } });
    expect(clip).toMatchObject({ modality: 'dicom', frames: 2, dicom: { color: true } });

    // The photo's PNG equals what libvips decodes from the JPEG itself.
    const png = await dicomFramePng(projects, photo.id, 0);
    const served = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([served.info.width, served.info.height, served.info.channels]).toEqual([640, 426, 3]);
    const ref = await sharp(Buffer.from(jpeg)).raw().toBuffer();
    expect(Buffer.compare(served.data, ref)).toBe(0);

    const f1 = await sharp(await dicomFramePng(projects, clip.id, 1)).raw().toBuffer();
    expect([...f1.subarray(0, 6)]).toEqual([255, 117, 0, 224, 117, 31]);
    await expect(dicomFramePng(projects, clip.id, 2)).rejects.toThrow(/frame 2/);
  });
});
