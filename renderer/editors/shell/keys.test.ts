import { describe, expect, it } from 'vitest';
import { duplicateChords } from '../../keymap/keymap';
import { en, zh } from '../../i18n/resources';
import { itemKeymap } from './keys';
import { imageKeymap, imageToolKeymap } from '../image/keys';

const lookup = (o: object, key: string) => key.split('.').reduce<any>((acc, k) => acc?.[k], o);

describe('declared editor keymaps', () => {
  for (const table of [itemKeymap, imageKeymap, imageToolKeymap]) {
    it(`${table.id}: no chord twice, every description and the section translated`, () => {
      expect(duplicateChords(table)).toEqual([]);
      for (const key of [table.section, ...Object.values(table.actions).map((a) => a.description)]) {
        expect(typeof lookup(en, key), key).toBe('string');
        expect(typeof lookup(zh, key), key).toBe('string');
      }
    });
  }

  it('item keys sit below the editors: sequences keep A / D as frame keys', () => {
    expect(itemKeymap.layer).toBe('view');
    expect(imageKeymap.layer).toBe('editor');
    expect(imageToolKeymap.layer).toBe('tool');
  });
});
