import { afterEach, describe, expect, it } from 'vitest';
import { declaredKeymaps, dialogTables } from './shortcutTables';
import { chordOf, displayChord, displayKeys, duplicateChords, parseChord, shortcutSections } from '../keymap/keymap';
import { dispatchKey, register, resetKeyDispatcher, type KeyboardEventLike } from '../keymap/dispatcher';
import { en, zh } from '../i18n/resources';

const lookup = (o: object, path: string): unknown => path.split('.').reduce<unknown>((acc, k) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined), o);
const real = () => declaredKeymaps().filter((t) => !t.id.startsWith('t-'));

describe('declared key tables', () => {
  it('are all declared by importing tables.ts, the shortcuts dialog included', () => {
    expect(real().map((t) => t.id)).toEqual(
      expect.arrayContaining(['app', 'shortcuts-dialog', 'viewer', 'playback', 'dataset', 'ontology', 'predictions', 'image', 'lidar', 'lidar-subview', 'medical', 'medical-polygon', 'review-bar', 'review-queue', 'conflict-dialog', 'source-consent', 'profile-dialog']),
    );
  });

  it('are shown in a fixed order whatever module declared them first', () => {
    const sections = shortcutSections(dialogTables()).map((s) => s.section.replace('shortcuts.sections.', ''));
    expect(sections).toEqual(['general', 'shell.shortcuts.section', 'dataset', 'image', 'lidar', 'subview.section', 'medical', 'review', 'ontology', 'models', 'dialogs']);
    expect(dialogTables()[0].id).toBe('app');
  });

  it('leave the review bar its keys in every editor (editor and tool tables are asked first)', () => {
    const review = real().find((t) => t.id === 'review-bar')!;
    const reviewChords = new Set(Object.values(review.actions).flatMap((a) => a.keys.map(parseChord)));
    const clashes: string[] = [];
    for (const t of real()) {
      if (t === review || (t.layer !== 'editor' && t.layer !== 'tool')) continue;
      for (const [action, spec] of Object.entries(t.actions)) for (const k of spec.keys) if (reviewChords.has(parseChord(k))) clashes.push(`${t.id}.${action}: ${k}`);
    }
    expect(clashes).toEqual([]);
  });

  it('have no chord twice within a table', () => {
    for (const t of real()) expect(duplicateChords(t), t.id).toEqual([]);
  });

  it('have every section and description in English and Chinese', () => {
    for (const t of real()) {
      for (const res of [en, zh]) {
        expect(typeof lookup(res, t.section), `${t.id} section ${t.section}`).toBe('string');
        for (const [action, spec] of Object.entries(t.actions)) expect(typeof lookup(res, spec.description), `${t.id}.${action}: ${spec.description}`).toBe('string');
      }
    }
  });

  it('list the medical pan key H (it was missing from the hand-kept table)', () => {
    const medical = shortcutSections(real()).find((s) => s.section === 'shortcuts.sections.medical')!;
    expect(medical.rows).toContainEqual({ id: 'medical.pan', keys: 'H', description: 'shortcutsMedical.pan' });
    expect(medical.rows.map((r) => r.id)).toContain('medical-polygon.cancel');
  });
});

describe('dialog content', () => {
  it('groups tables by section in declaration order and shows chords as people read them', () => {
    const sections = shortcutSections([
      { id: 'a', section: 's1', layer: 'global', actions: { x: { keys: ['Ctrl+Shift+z', 'ArrowLeft'], description: 'd.x' } } },
      { id: 'b', section: 's2', layer: 'view', actions: { y: { keys: [], display: 'Wheel', description: 'd.y' } } },
      { id: 'c', section: 's1', layer: 'view', actions: { z: { keys: ['Space', 'Escape'], description: 'd.z' } } },
    ]);
    expect(sections.map((s) => s.section)).toEqual(['s1', 's2']);
    expect(sections[0].rows).toEqual([
      { id: 'a.x', keys: 'Ctrl+Shift+Z / ←', description: 'd.x' },
      { id: 'c.z', keys: 'Space / Esc', description: 'd.z' },
    ]);
    expect(displayChord('Ctrl++')).toBe('Ctrl++');
    expect(displayChord('?')).toBe('?');
    expect(displayKeys({ keys: ['b', 'Shift+P'], description: '' })).toBe('B / Shift+P');
  });
});

describe('dispatcher details', () => {
  afterEach(() => resetKeyDispatcher());
  const table = { id: 't-alt', section: 's', layer: 'global' as const, actions: { lang: { keys: ['Alt+L'], description: '' } } };
  const ev = (k: Partial<KeyboardEventLike>) => {
    const e = { key: '', stopped: 0, preventDefault() {}, stopPropagation() {}, stopImmediatePropagation() { e.stopped++; }, ...k };
    return e;
  };

  it('reads Alt+letter from the physical key (macOS Option turns L into ¬)', () => {
    expect(chordOf({ key: '¬', code: 'KeyL', altKey: true })).toBe('Alt+l');
    expect(chordOf({ key: 'l', code: 'KeyL' })).toBe('l');
  });

  it('stops a taken key for later window listeners too, and leaves keys of an input method alone', () => {
    let n = 0;
    register({ table, handlers: { lang: () => void n++ }, enabled: () => true });
    const e = ev({ key: '¬', code: 'KeyL', altKey: true });
    expect(dispatchKey(e)).toBe(true);
    expect(e.stopped).toBe(1);
    expect(dispatchKey(ev({ key: 'l', code: 'KeyL', altKey: true, isComposing: true }))).toBe(false);
    expect(n).toBe(1);
  });
});
