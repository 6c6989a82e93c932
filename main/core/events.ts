/** A tiny typed event emitter for the bridge's pushed events (no Node `events` needed). */
import type { EventName, PayloadOf } from '../../common/bridge-contract.ts';

export type BridgeEventListener = <E extends EventName>(event: E, payload: PayloadOf<E>) => void;

export class BridgeEventBus {
  private readonly listeners = new Set<BridgeEventListener>();
  private readonly redact: ((text: string) => string) | undefined;
  /** `redact` (main's SecretRedactor) runs over every payload: no secret is pushed to a window. */
  constructor(opts: { redact?: (text: string) => string } = {}) {
    this.redact = opts.redact;
  }
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
    if (this.redact) {
      const text = JSON.stringify(payload);
      const clean = text === undefined ? text : this.redact(text);
      if (clean !== text) payload = JSON.parse(clean) as PayloadOf<E>;
    }
    for (const l of [...this.listeners]) {
      try {
        l(event, payload);
      } catch {
        // A broken transport must not stop the others from hearing the event.
      }
    }
  }
  subscribe(listener: BridgeEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get size(): number {
    return this.listeners.size;
  }
}
