import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileWat, WASM_DIR } from '../../../../scripts/wat.mjs';

describe('embedded wasm kernels', () => {
  const sources = readdirSync(WASM_DIR).filter((f) => f.endsWith('.wat'));

  it('has kernels to check', () => expect(sources.length).toBeGreaterThan(0));

  it.each(sources)('%s matches its generated .wasm.ts (run `npm run build:wasm` after editing a .wat)', async (file) => {
    const compiled = await compileWat(readFileSync(join(WASM_DIR, file), 'utf8'), file);
    const generated = readFileSync(join(WASM_DIR, file.replace(/\.wat$/, '.wasm.ts')), 'utf8');
    const embedded = /base64 = '([^']*)'/.exec(generated)?.[1];
    expect(embedded).toBe(Buffer.from(compiled).toString('base64'));
    expect(WebAssembly.validate(Buffer.from(embedded!, 'base64'))).toBe(true);
  });
});
