import { describe, expect, it } from 'vitest';
import { en, zh } from './resources';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('translations', () => {
  it('Simplified Chinese covers every English key, with the same placeholders', () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    const get = (o: object, path: string) => path.split('.').reduce((acc: any, k) => acc[k], o) as string;
    for (const k of keys(en)) {
      const ph = (s: string) => (s.match(/{{\w+}}/g) ?? []).sort();
      expect(ph(get(zh, k)), k).toEqual(ph(get(en, k)));
    }
  });
});
