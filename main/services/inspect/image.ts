/** `datum inspect <image> --json`: format and size of an image, read from its header by sharp. */
import sharp from 'sharp';

export interface ImageInspection {
  format: string;
  width: number;
  height: number;
  channels: number;
}

export async function inspectImage(path: string): Promise<ImageInspection> {
  // metadata() reads only the header; no pixel decoding.
  const meta = await sharp(path).metadata();
  if (!meta.format || !meta.width || !meta.height) throw new Error(`${path}: not an image sharp can read (format ${meta.format ?? 'unknown'})`);
  return { format: meta.format, width: meta.width, height: meta.height, channels: meta.channels ?? 0 };
}
