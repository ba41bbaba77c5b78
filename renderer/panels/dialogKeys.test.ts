import { afterEach, describe, expect, it } from 'vitest';
import { dispatchKey, register, resetKeyDispatcher, type KeyboardEventLike } from '../keymap/dispatcher';
import { itemKeymap } from '../editors/shell/keys';
import { imageKeymap } from '../editors/image/keys';
import { conflictDialogKeys, profileDialogKeys, sourceConsentKeys } from './dialogKeys';
import { shortcutsDialogKeys } from '../keymap/appKeys';

const key = (k: string, target?: unknown): KeyboardEventLike => ({ key: k, target, preventDefault() {}, stopPropagation() {} });
const on = { enabled: () => true };

afterEach(() => resetKeyDispatcher());

describe('dialogs over the editor (modal keymaps)', () => {
  it('editor and item keys do not reach the editor while a dialog is open', () => {
    const dialogs = [
      [conflictDialogKeys, { apply: () => true, stay: () => true }],
      [sourceConsentKeys, { decline: () => true }],
      [profileDialogKeys, { cancel: () => true }],
      [shortcutsDialogKeys, { close: () => true }],
    ] as const;
    for (const [table, handlers] of dialogs) {
      resetKeyDispatcher();
      const calls: string[] = [];
      register({ table: itemKeymap, handlers: { nextItem: () => void calls.push('next item'), back: () => void calls.push('back') }, ...on });
      register({ table: imageKeymap, handlers: Object.fromEntries(Object.keys(imageKeymap.actions).map((a) => [a, () => void calls.push(`editor ${a}`)])), ...on });
      const off = register({ table, handlers, ...on });
      for (const k of ['b', 'PageDown', 'Delete']) dispatchKey(key(k));
      expect(calls, table.id).toEqual([]);
      off();
      dispatchKey(key('PageDown'));
      expect(calls, table.id).toEqual(['next item']);
    }
  });

  it('conflict dialog: Escape keeps it open (taken, nothing decided), Enter applies', () => {
    const calls: string[] = [];
    register({ table: itemKeymap, handlers: { back: () => void calls.push('back') }, ...on });
    register({ table: conflictDialogKeys, handlers: { apply: () => void calls.push('apply'), stay: () => true }, ...on });
    expect(dispatchKey(key('Escape'))).toBe(true);
    expect(dispatchKey(key('Enter'))).toBe(true);
    expect(calls).toEqual(['apply']);
  });

  it('Escape from the new-profile name field still cancels', () => {
    const calls: string[] = [];
    register({ table: profileDialogKeys, handlers: { cancel: () => void calls.push('cancel') }, ...on });
    expect(dispatchKey(key('Escape', { tagName: 'INPUT', type: 'text' }))).toBe(true);
    expect(dispatchKey(key('b', { tagName: 'INPUT', type: 'text' }))).toBe(false);
    expect(calls).toEqual(['cancel']);
  });
});
