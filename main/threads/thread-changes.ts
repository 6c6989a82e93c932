/**
 * Coalesced "these threads changed" pushes: many changes within 30 ms become one event, and the
 * renderer refetches what it shows. `flushNow` pushes at once (opening a thread marks it read, and
 * the list should show that before the next frame).
 */
export class ThreadChanges {
  private readonly pending = new Set<number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly emit: (threadIds: number[]) => void;
  private readonly delayMs: number;

  constructor(emit: (threadIds: number[]) => void, delayMs = 30) {
    this.emit = emit;
    this.delayMs = delayMs;
  }

  mark(threadId: number): void {
    this.pending.add(threadId);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flushNow(threadId: number): void {
    this.pending.add(threadId);
    this.flush();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    this.dispose();
    if (this.pending.size === 0) return;
    this.emit([...this.pending]);
    this.pending.clear();
  }
}
