/**
 * Keymaps as data. Each screen, editor and tool declares its keys once (`defineKeymap`): the key
 * chords, what they do (an i18n key) and the layer they live on. The one dispatcher
 * (dispatcher.ts) binds them with one focus rule, and the shortcuts dialog is rendered from the
 * same tables, so the list shown to users cannot drift from what the keys do.
 *
 * Pure: no DOM, no React (events are anything with key and modifier fields).
 */

/** Who gets a key first: an open dialog, then the active tool, the editor, the view, the app. */
export type Layer = 'modal' | 'tool' | 'editor' | 'view' | 'global';
export const LAYER_ORDER: readonly Layer[] = ['modal', 'tool', 'editor', 'view', 'global'];

export interface KeySpec {
  /** Chords, e.g. 'b', 'Shift+P', 'Ctrl+Z', 'ArrowLeft', '?', 'Space'. Empty for keys handled dynamically (see `display`). */
  keys: readonly string[];
  /** i18n key of what it does (shown in the shortcuts dialog). */
  description: string;
  /** How to show the keys when they are not literal chords (e.g. '1 … 9' for label hotkeys), or a gesture. */
  display?: string;
}

export interface KeymapTable<A extends string = string> {
  /** Unique id, e.g. 'image', 'lidar', 'dataset'. */
  id: string;
  /** i18n key of the dialog section. */
  section: string;
  layer: Layer;
  actions: Record<A, KeySpec>;
}

export interface KeyEventLike {
  key: string;
  /** Physical key ('KeyL'); used for Alt+letter, where macOS Option turns `key` into another character. */
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

const NAMED: Record<string, string> = { space: ' ', spacebar: ' ', esc: 'Escape', del: 'Delete', return: 'Enter' };

function normaliseKey(key: string, shift: boolean): { key: string; shift: boolean } {
  const named = NAMED[key.toLowerCase()];
  if (named) return { key: named, shift };
  if (key.length === 1) {
    // A letter's case says nothing once Shift is recorded; other printable characters ('?', '{')
    // already carry Shift in the character itself.
    if (/[a-z]/i.test(key)) return { key: key.toLowerCase(), shift };
    return { key, shift: false };
  }
  return { key, shift };
}

function chord(mods: { ctrl: boolean; alt: boolean; shift: boolean }, rawKey: string): string {
  const { key, shift } = normaliseKey(rawKey, mods.shift);
  return [mods.ctrl ? 'Ctrl' : '', mods.alt ? 'Alt' : '', shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** The chord of a key event. Ctrl and Cmd (meta) are one modifier, as users of both expect. */
export function chordOf(e: KeyEventLike): string {
  // Alt+letter / Alt+digit by the physical key: macOS Option turns `key` into another character.
  const letter = e.altKey && e.code && /^(Key[A-Z]|Digit[0-9])$/.test(e.code) ? e.code.replace(/^(Key|Digit)/, '') : e.key;
  return chord({ ctrl: !!(e.ctrlKey || e.metaKey), alt: !!e.altKey, shift: !!e.shiftKey }, letter);
}

/** A declared chord ('Shift+P', 'Ctrl+Shift+Z', 'Space') in the form `chordOf` produces. */
export function parseChord(spec: string): string {
  const parts = spec === '+' ? ['+'] : spec.split('+').filter((p, i, all) => p !== '' || i === all.length - 1);
  const key = parts.pop() || '+';
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  return chord({ ctrl: mods.has('ctrl') || mods.has('cmd') || mods.has('meta'), alt: mods.has('alt'), shift: mods.has('shift') }, key);
}

/** Whether a table action answers this chord. */
export function actionFor<A extends string>(table: KeymapTable<A>, chordString: string): A | undefined {
  for (const [action, spec] of Object.entries(table.actions) as [A, KeySpec][]) {
    if (spec.keys.some((k) => parseChord(k) === chordString)) return action;
  }
  return undefined;
}

const SYMBOLS: Record<string, string> = { ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓', ' ': 'Space', Space: 'Space', Escape: 'Esc', Esc: 'Esc' };

/** One declared chord as shown to people: 'Shift+P', 'Ctrl+Z', '←', 'Esc'. */
export function displayChord(spec: string): string {
  if (spec.length === 1) return SYMBOLS[spec] ?? spec.toUpperCase();
  const parts = spec.split(/(?<=.)\+(?=.)/);
  const key = parts.pop()!;
  return [...parts, SYMBOLS[key] ?? (key.length === 1 ? key.toUpperCase() : key)].join('+');
}

/** How an action's keys are shown in the dialog: alternatives separated by ' / '. */
export function displayKeys(spec: KeySpec): string {
  return spec.display ?? spec.keys.map(displayChord).join(' / ');
}

export interface ShortcutSection {
  /** i18n key of the section title. */
  section: string;
  rows: { id: string; keys: string; description: string }[];
}

/** The shortcuts dialog's content: tables grouped by section, in declaration order (pure). */
export function shortcutSections(list: readonly KeymapTable[]): ShortcutSection[] {
  const out: ShortcutSection[] = [];
  for (const table of list) {
    let sec = out.find((s) => s.section === table.section);
    if (!sec) out.push((sec = { section: table.section, rows: [] }));
    for (const [action, spec] of Object.entries(table.actions) as [string, KeySpec][]) {
      sec.rows.push({ id: `${table.id}.${action}`, keys: displayKeys(spec), description: spec.description });
    }
  }
  return out;
}

/**
 * The focus rule. 'text': a text field, select or editable element has focus: keys are its own
 * (only the modal layer hears Escape). 'control': a slider, checkbox, button or the like: tool
 * keys still work (a clicked timeline must not swallow them), and a handled key does not also
 * move the control. 'none': nothing in particular.
 */
export type FocusKind = 'text' | 'control' | 'none';

export interface ElementLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
}

const NON_TEXT_INPUTS = new Set(['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file', 'image']);

export function focusKind(el: ElementLike | null | undefined): FocusKind {
  if (!el || !el.tagName) return 'none';
  const tag = el.tagName.toLowerCase();
  if (el.isContentEditable) return 'text';
  if (tag === 'textarea' || tag === 'select') return 'text';
  if (tag === 'input') return NON_TEXT_INPUTS.has((el.type ?? 'text').toLowerCase()) ? 'control' : 'text';
  if (tag === 'button' || tag === 'summary' || tag === 'a') return 'control';
  return 'none';
}

// ----------------------------------------------------------------------------- registry

const tables: KeymapTable[] = [];

/** Declare a keymap table (once, at module load); the shortcuts dialog lists every declared one. */
export function defineKeymap<A extends string>(table: KeymapTable<A>): KeymapTable<A> {
  const at = tables.findIndex((t) => t.id === table.id);
  if (at >= 0) tables[at] = table as KeymapTable;
  else tables.push(table as KeymapTable);
  return table;
}

/** Every declared table, in declaration order. */
export function declaredKeymaps(): readonly KeymapTable[] {
  return tables;
}

/** Chords declared twice within one table (a table bug: one of them could never fire). */
export function duplicateChords(table: KeymapTable): string[] {
  const seen = new Map<string, string>();
  const dups: string[] = [];
  for (const [action, spec] of Object.entries(table.actions)) {
    for (const k of spec.keys) {
      const c = parseChord(k);
      if (seen.has(c) && seen.get(c) !== action) dups.push(`${c}: ${seen.get(c)} and ${action}`);
      seen.set(c, action);
    }
  }
  return dups;
}
