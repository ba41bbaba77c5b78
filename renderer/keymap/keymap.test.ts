import { beforeEach, describe, expect, it } from 'vitest';
import { chordOf, defineKeymap, declaredKeymaps, duplicateChords, focusKind, parseChord } from './keymap';
import { dispatchKey, register, resetKeyDispatcher, type KeyboardEventLike } from './dispatcher';

function key(k: string, mods: Partial<KeyboardEventLike> = {}, target?: unknown) {
  const e = { key: k, target, prevented: false, stopped: false, ...mods } as KeyboardEventLike & { prevented: boolean; stopped: boolean };
  e.preventDefault = () => void (e.prevented = true);
  e.stopPropagation = () => void (e.stopped = true);
  return e;
}

describe('chords', () => {
  it('normalise letters, Shift on symbols, Ctrl/Cmd and named keys', () => {
    expect(chordOf({ key: 'P', shiftKey: true })).toBe('Shift+p');
    expect(parseChord('Shift+P')).toBe('Shift+p');
    expect(chordOf({ key: '?', shiftKey: true })).toBe('?');
    expect(parseChord('?')).toBe('?');
    expect(chordOf({ key: 'z', metaKey: true, shiftKey: true })).toBe(parseChord('Ctrl+Shift+Z'));
    expect(parseChord('Space')).toBe(' ');
    expect(parseChord('Esc')).toBe('Escape');
    expect(parseChord('Ctrl++')).toBe('Ctrl++');
    expect(chordOf({ key: 'ArrowLeft', shiftKey: true })).toBe('Shift+ArrowLeft');
  });

  it('finds duplicate chords in a table', () => {
    expect(duplicateChords({ id: 't', section: 's', layer: 'editor', actions: { a: { keys: ['b'], description: '' }, c: { keys: ['B'], description: '' } } })).toHaveLength(1);
  });
});

describe('focus rule', () => {
  it('text fields keep their keys; sliders and buttons do not', () => {
    expect(focusKind({ tagName: 'INPUT', type: 'text' })).toBe('text');
    expect(focusKind({ tagName: 'INPUT' })).toBe('text');
    expect(focusKind({ tagName: 'TEXTAREA' })).toBe('text');
    expect(focusKind({ tagName: 'SELECT' })).toBe('text');
    expect(focusKind({ tagName: 'DIV', isContentEditable: true })).toBe('text');
    expect(focusKind({ tagName: 'INPUT', type: 'range' })).toBe('control');
    expect(focusKind({ tagName: 'BUTTON' })).toBe('control');
    expect(focusKind({ tagName: 'DIV' })).toBe('none');
  });
});

describe('dispatcher', () => {
  beforeEach(() => resetKeyDispatcher());
  const editor = defineKeymap({ id: 't-editor', section: 's', layer: 'editor', actions: { box: { keys: ['b'], description: 'box' }, leave: { keys: ['Escape'], description: 'leave' } } });
  const view = defineKeymap({ id: 't-view', section: 's', layer: 'view', actions: { back: { keys: ['Escape'], description: 'back' } } });
  const dialog = defineKeymap({ id: 't-dialog', section: 's', layer: 'modal', actions: { close: { keys: ['Escape'], description: 'close' } } });
  const on = { enabled: () => true };

  it('gives a key to the highest layer first and stops it there', () => {
    const calls: string[] = [];
    register({ table: view, handlers: { back: () => void calls.push('view') }, ...on });
    register({ table: editor, handlers: { leave: () => void calls.push('editor') }, ...on });
    const e = key('Escape');
    expect(dispatchKey(e)).toBe(true);
    expect(calls).toEqual(['editor']);
    expect(e.prevented && (e as unknown as { stopped: boolean }).stopped).toBe(true);
  });

  it('a handler returning false passes the key on', () => {
    const calls: string[] = [];
    register({ table: view, handlers: { back: () => void calls.push('view') }, ...on });
    register({ table: editor, handlers: { leave: () => (calls.push('editor'), false) }, ...on });
    dispatchKey(key('Escape'));
    expect(calls).toEqual(['editor', 'view']);
  });

  it('while a dialog is open, Escape closes it and reaches nothing else', () => {
    const calls: string[] = [];
    register({ table: view, handlers: { back: () => void calls.push('view') }, ...on });
    register({ table: editor, handlers: { box: () => void calls.push('box') }, ...on });
    const off = register({ table: dialog, handlers: { close: () => void calls.push('dialog') }, ...on });
    dispatchKey(key('Escape'));
    dispatchKey(key('b'));
    expect(calls).toEqual(['dialog']);
    off();
    dispatchKey(key('b'));
    expect(calls).toEqual(['dialog', 'box']);
  });

  it('a focused text field keeps its keys; a focused slider does not swallow tool keys', () => {
    const calls: string[] = [];
    register({ table: editor, handlers: { box: () => void calls.push('box') }, ...on });
    expect(dispatchKey(key('b', {}, { tagName: 'INPUT', type: 'text' }))).toBe(false);
    expect(dispatchKey(key('b', {}, { tagName: 'INPUT', type: 'range' }))).toBe(true);
    expect(calls).toEqual(['box']);
  });

  it('disabled registrations hear nothing; fallback keys (label hotkeys) are tried after actions', () => {
    const calls: string[] = [];
    register({ table: editor, handlers: { box: () => void calls.push('box') }, enabled: () => false });
    register({ table: view, handlers: {}, fallback: (_e, c) => (c === '4' ? (calls.push('label 4'), true) : false), ...on });
    expect(dispatchKey(key('b'))).toBe(false);
    expect(dispatchKey(key('4'))).toBe(true);
    expect(calls).toEqual(['label 4']);
  });

  it('every declared table is listed for the dialog', () => {
    expect(declaredKeymaps().map((t) => t.id)).toEqual(expect.arrayContaining(['t-editor', 't-view', 't-dialog']));
  });
});
