/**
 * Everything that happens in the simulator, as a stream: the control API serves it as
 * Server-Sent Events (`GET /_sim/events`) for customer-phone pages and headless peers, and keeps
 * the last events for polling.
 */
export interface SimEvent {
  seq: number;
  at: number;
  type: string;
  data: Record<string, unknown>;
}

export type SimEventListener = (e: SimEvent) => void;

export class SimEventBus {
  private seq = 0;
  private readonly listeners = new Set<SimEventListener>();
  private readonly history: SimEvent[] = [];
  private readonly now: () => number;
  private readonly keep: number;

  constructor(now: () => number, keep = 2000) {
    this.now = now;
    this.keep = keep;
  }

  emit(type: string, data: Record<string, unknown>): SimEvent {
    const e: SimEvent = { seq: ++this.seq, at: this.now(), type, data };
    this.history.push(e);
    if (this.history.length > this.keep) this.history.splice(0, this.history.length - this.keep);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // one broken listener (a closed SSE socket) must not stop the others
      }
    }
    return e;
  }

  subscribe(l: SimEventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  since(seq: number): SimEvent[] {
    return this.history.filter((e) => e.seq > seq);
  }
}
