/**
 * The one key dispatcher. Screens register a table with handlers while they are mounted
 * (useKeymap.ts); one window listener hands each key to the registrations in layer order
 * (modal, tool, editor, view, global), the most recently registered first within a layer. The
 * first handler that takes the key stops it (preventDefault, stopPropagation and, so that window
 * listeners not yet moved onto tables do not also act on it, stopImmediatePropagation). While a modal
 * registration exists, nothing below it hears a key: Escape in a dialog closes the dialog only.
 *
 * The stack logic is plain TypeScript (tested without a DOM); `installKeyDispatcher` attaches it
 * to a window.
 */
import { actionFor, chordOf, focusKind, LAYER_ORDER, type ElementLike, type KeyEventLike, type KeymapTable } from './keymap';

/** Returns false when it did not use the key after all (then the next registration gets it). */
export type KeyHandler = (e: KeyboardEventLike) => boolean | void;

export interface KeyboardEventLike extends KeyEventLike {
  target?: unknown;
  repeat?: boolean;
  /** An input method is composing (Chinese, Japanese): the key belongs to it. */
  isComposing?: boolean;
  preventDefault(): void;
  stopPropagation(): void;
  /** When present it is called too, so window listeners not yet on tables do not also act on a taken key. */
  stopImmediatePropagation?(): void;
}

export interface Registration {
  table: KeymapTable;
  handlers: Partial<Record<string, KeyHandler>>;
  /** Keys no table names (label hotkeys from the ontology): tried after the table's actions. */
  fallback?: (e: KeyboardEventLike, chord: string) => boolean | void;
  enabled: () => boolean;
  order: number;
}

let counter = 0;
const registrations = new Set<Registration>();

export function register(r: Omit<Registration, 'order'>): () => void {
  const reg = { ...r, order: ++counter };
  registrations.add(reg);
  return () => registrations.delete(reg);
}

function ordered(): Registration[] {
  return [...registrations]
    .filter((r) => r.enabled())
    .sort((a, b) => LAYER_ORDER.indexOf(a.table.layer) - LAYER_ORDER.indexOf(b.table.layer) || b.order - a.order);
}

/** Hand one key event to the registrations; true when one of them took it. */
export function dispatchKey(e: KeyboardEventLike): boolean {
  if (e.isComposing || e.key === 'Process' || e.key === 'Dead') return false;
  const chord = chordOf(e);
  const focus = focusKind(e.target as ElementLike | null);
  let active = ordered();
  const modal = active.filter((r) => r.table.layer === 'modal');
  if (modal.length) active = modal;
  for (const r of active) {
    // A text field keeps its keys; only a dialog hears Escape from it.
    if (focus === 'text' && !(r.table.layer === 'modal' && e.key === 'Escape')) continue;
    const action = actionFor(r.table, chord);
    const handler = action ? r.handlers[action] : undefined;
    let took = false;
    if (handler) took = handler(e) !== false;
    if (!took && r.fallback) took = r.fallback(e, chord) === true;
    if (took) {
      e.preventDefault();
      e.stopPropagation();
      e.stopImmediatePropagation?.();
      return true;
    }
  }
  return false;
}

/** Attach the dispatcher to a window once (the app's entry calls it; tests may call dispatchKey directly). */
let installed = false;
export function installKeyDispatcher(win: { addEventListener(type: 'keydown', l: (e: KeyboardEvent) => void, capture: boolean): void }): void {
  if (installed) return;
  installed = true;
  win.addEventListener('keydown', (e) => void dispatchKey(e), true);
}

/** For tests: forget every registration. */
export function resetKeyDispatcher(): void {
  registrations.clear();
}
