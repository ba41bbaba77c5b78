/**
 * Reads mmdetection3d info files exported to JSON. Python's json.dump writes NaN/Infinity as bare
 * tokens (the sample's unknown velocities are NaN), which JSON.parse rejects; we turn those tokens
 * into null outside strings, and report other errors with the file name.
 */
import { FileFormatError } from '../../calib/errors';

export function parseInfoJson(text: string, file: string): unknown {
  // Strings are matched first and kept, so a label like "NaN" inside quotes is untouched.
  const cleaned = text.replace(/"(?:[^"\\]|\\.)*"|-?\bNaN\b|-?\bInfinity\b/g, (m) => (m.startsWith('"') ? m : 'null'));
  try {
    return JSON.parse(cleaned);
  } catch (e) {
    throw new FileFormatError(file, `not valid JSON (${(e as Error).message})`);
  }
}
