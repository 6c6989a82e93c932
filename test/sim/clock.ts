/**
 * The simulator's controllable clock: `now()` is real time plus an offset that the control API
 * can move forward. Everything in the simulator that waits (accept window, media timers, message
 * statuses, webhook retries, URL expiry) is scheduled on this clock, and the scheduler runs both
 * on a short real-time interval and on every `advance()`, so a test can jump the clock instead of
 * sleeping.
 */

export interface ScheduledTask {
  readonly id: number;
  readonly at: number;
  readonly label: string;
  cancel(): void;
}

interface TaskEntry {
  id: number;
  at: number;
  label: string;
  fn: () => void;
  cancelled: boolean;
}

export class SimClock {
  private offsetMs = 0;
  private nextId = 1;
  private readonly tasks = new Map<number, TaskEntry>();
  private interval: NodeJS.Timeout | undefined;
  private running = false;
  private readonly onError: (err: unknown, label: string) => void;

  constructor(opts: { startAtMs?: number; onError?: (err: unknown, label: string) => void } = {}) {
    if (opts.startAtMs !== undefined) this.offsetMs = opts.startAtMs - Date.now();
    this.onError = opts.onError ?? (() => {});
  }

  /** Milliseconds since the epoch on the simulator's clock. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix seconds on the simulator's clock. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward by `ms` and runs everything that became due, in time order. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a non-negative number of milliseconds');
    this.offsetMs += ms;
    this.runDue();
  }

  /** Runs `fn` once the simulator clock reaches `at` (ms since epoch). */
  scheduleAt(at: number, label: string, fn: () => void): ScheduledTask {
    const id = this.nextId++;
    const entry: TaskEntry = { id, at, label, fn, cancelled: false };
    this.tasks.set(id, entry);
    return {
      id,
      at,
      label,
      cancel: () => {
        entry.cancelled = true;
        this.tasks.delete(id);
      },
    };
  }

  /** Runs `fn` after `delayMs` of simulator time. */
  schedule(delayMs: number, label: string, fn: () => void): ScheduledTask {
    return this.scheduleAt(this.now() + Math.max(0, delayMs), label, fn);
  }

  /** Labels and due times of pending tasks (for the control API and tests). */
  pending(): Array<{ id: number; at: number; label: string }> {
    return [...this.tasks.values()].sort((a, b) => a.at - b.at).map(({ id, at, label }) => ({ id, at, label }));
  }

  /** Starts the real-time poller (call once the simulator listens). */
  start(pollMs = 25): void {
    if (this.interval) return;
    this.interval = setInterval(() => this.runDue(), pollMs);
    this.interval.unref();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    this.tasks.clear();
  }

  /** Runs every task whose time has come; tasks scheduled while running are picked up too. */
  runDue(): void {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const now = this.now();
        let next: TaskEntry | undefined;
        for (const t of this.tasks.values()) {
          if (t.at <= now && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
        }
        if (!next) break;
        this.tasks.delete(next.id);
        if (next.cancelled) continue;
        try {
          next.fn();
        } catch (err) {
          this.onError(err, next.label);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
