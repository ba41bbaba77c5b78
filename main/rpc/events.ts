/**
 * Events for every open connection (all windows, tabs and the reviewer's screen), as opposed to
 * CallContext.emit, which answers only the caller. Services publish (an item's document written,
 * the ontology changed); the router delivers to each connection until it closes.
 */
import type { EventName, EventPayload } from '../../preload/contract';

type Listener = (event: EventName, data: unknown) => void;

export class EventHub {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish<E extends EventName>(event: E, data: EventPayload<E>): void {
    for (const l of [...this.listeners]) {
      try {
        l(event, data);
      } catch {
        // one broken connection must not stop the others from hearing about it
      }
    }
  }
}
