/**
 * Binds a declared keymap table to handlers while the calling component is mounted. Handlers may
 * change every render (they close over state); the registration reads the newest ones.
 */
import { useEffect, useRef } from 'react';
import { installKeyDispatcher, register, type KeyboardEventLike, type KeyHandler } from './dispatcher';
import type { KeymapTable } from './keymap';

export interface UseKeymapOptions {
  /** Default true. A disabled keymap hears nothing (e.g. a tool that is not the active one). */
  enabled?: boolean;
  /** Keys no table names, such as the ontology's label hotkeys; return true when used. */
  fallback?: (e: KeyboardEventLike, chord: string) => boolean | void;
}

export function useKeymap<A extends string>(table: KeymapTable<A>, handlers: Partial<Record<A, KeyHandler>>, options: UseKeymapOptions = {}): void {
  const latest = useRef({ handlers, options });
  latest.current = { handlers, options };
  useEffect(() => {
    if (typeof window !== 'undefined') installKeyDispatcher(window);
    return register({
      table,
      handlers: new Proxy({} as Record<string, KeyHandler>, { get: (_t, action: string) => latest.current.handlers[action as A] }),
      fallback: (e, chord) => latest.current.options.fallback?.(e, chord),
      enabled: () => latest.current.options.enabled !== false,
    });
  }, [table]);
}
