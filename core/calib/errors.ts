/** A calibration or label file that cannot be read; the message names the file and the problem. */
export class FileFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'FileFormatError';
  }
}

/** Parses a whitespace-separated list of numbers, or throws naming the file and the field. */
export function parseNumbers(text: string, file: string, field: string, expected?: number): number[] {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  const values = parts.map(Number);
  const bad = parts.findIndex((p, i) => !Number.isFinite(values[i]));
  if (bad >= 0) throw new FileFormatError(file, `${field}: "${parts[bad]}" is not a number`);
  if (expected !== undefined && values.length !== expected)
    throw new FileFormatError(file, `${field}: expected ${expected} numbers, found ${values.length}`);
  return values;
}
