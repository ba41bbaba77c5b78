/**
 * Colour DICOM (RGB, YBR_FULL, YBR_FULL_422, palette, 16-bit RGB; single or multi-frame) as PNG
 * frames for the image tools: `/blob/dicom-frame/<itemId>/<frame>`. The medical core decodes the
 * frame to 8-bit RGB (core/medical/pixel-data.ts); sharp encodes it. The parsed file of the last
 * item stays in memory so stepping through a multi-frame ultrasound clip does not re-read it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parseDicomImage, type ParsedDicom } from '../../core/medical/dicom';
import { decodeFrame } from '../../core/medical/pixel-data';
import { DatumError } from '../rpc/errors';
import type { ProjectService } from './projectService';
import { registerHostCodecs } from './medicalCodecs';

registerHostCodecs();

let last: { key: string; parsed: ParsedDicom } | null = null;

export async function dicomFramePng(projects: ProjectService, itemId: string, frame: number): Promise<Buffer> {
  const item = projects.getItem(itemId);
  if (item.modality !== 'dicom') throw new DatumError('BAD_REQUEST', `${item.name} is not a DICOM file`);
  const file = projects.itemPath(item.id);
  const key = `${file}\0${item.mtime}\0${item.size}`;
  if (last?.key !== key) {
    const bytes = new Uint8Array(await fs.readFile(file));
    try {
      last = { key, parsed: parseDicomImage(bytes, path.basename(file)) };
    } catch (e) {
      throw new DatumError('BAD_FILE', (e as Error).message);
    }
  }
  const parsed = last.parsed;
  if (!Number.isInteger(frame) || frame < 0 || frame >= parsed.info.numberOfFrames) throw new DatumError('NOT_FOUND', `frame ${frame} of ${item.name} does not exist (${parsed.info.numberOfFrames} frames)`);
  let f;
  try {
    f = await decodeFrame(parsed, frame);
  } catch (e) {
    throw new DatumError('BAD_FILE', (e as Error).message);
  }
  if (!f.rgb) throw new DatumError('UNSUPPORTED', `${item.name} is a greyscale image: open it in the medical viewer`);
  return sharp(Buffer.from(f.pixels.buffer, f.pixels.byteOffset, f.pixels.byteLength), { raw: { width: f.width, height: f.height, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}
