/** A tiny typed event emitter for the bridge's pushed events (no Node `events` needed). */
import type { EventName, PayloadOf } from '../../common/bridge-contract.ts';

export type BridgeEventListener = <E extends EventName>(event: E, payload: PayloadOf<E>) => void;

export class BridgeEventBus {
  private readonly listeners = new Set<BridgeEventListener>();
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void {
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
