/**
 * How far this computer's clock is from Meta's. A laptop clock that runs fast would otherwise turn
 * every incoming call into a silent missed call (a connect is answerable for ~45 s after Meta's
 * timestamp), and one that runs slow would ring calls that are long gone.
 *
 * Two sources:
 *  - Graph's HTTP `Date` header (Meta's servers' clock, 1 s resolution): the offset is our clock at
 *    the middle of the request minus the header's time (+ 0.5 s for its truncation). Independent of
 *    webhooks, so it also holds for a webhook retried after an outage. The median of recent
 *    samples is the estimate, and the only one staleness decisions use.
 *  - Webhook timestamps versus local receipt: receipt − timestamp is the offset plus delivery
 *    latency (≥ 0), so the smallest recent value bounds the offset from above. Used only to warn
 *    when Graph has not been reached yet — a burst of retried webhooks must never make an old call
 *    look fresh.
 *
 * `offsetMs` > 0: this computer is fast.
 */
export interface ClockSkewView {
  offsetMs: number | null;
  source: 'graph' | 'webhooks' | null;
  /** Beyond WARN_SKEW_MS: the owner is told. */
  warn: boolean;
}

export const WARN_SKEW_MS = 10_000;
const KEEP = 15;
const MAX_AGE_MS = 6 * 3600_000;

export class ClockSkew {
  private graph: Array<{ at: number; offsetMs: number }> = [];
  private webhooks: Array<{ at: number; lagMs: number }> = [];
  private readonly listeners = new Set<(v: ClockSkewView) => void>();
  private last = '';
  private readonly now: () => number;

  constructor(now: () => number = () => Date.now()) {
    this.now = now;
  }

  onChange(listener: (v: ClockSkewView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A Graph response's `Date` header, with our clock when the request was sent and answered. */
  fromServerDate(dateHeader: string | null, sentAtMs: number, answeredAtMs: number): void {
    if (!dateHeader) return;
    const server = Date.parse(dateHeader);
    if (!Number.isFinite(server) || answeredAtMs < sentAtMs || answeredAtMs - sentAtMs > 10_000) return;
    this.graph.push({ at: answeredAtMs, offsetMs: (sentAtMs + answeredAtMs) / 2 - (server + 500) });
    if (this.graph.length > KEEP) this.graph.shift();
    this.changed();
  }

  /** A webhook event's Meta timestamp and when we received it (both ms). */
  fromWebhook(metaMs: number, receivedAtMs: number): void {
    if (!Number.isFinite(metaMs) || !Number.isFinite(receivedAtMs)) return;
    this.webhooks.push({ at: receivedAtMs, lagMs: receivedAtMs - metaMs });
    if (this.webhooks.length > KEEP * 2) this.webhooks.shift();
    this.changed();
  }

  /** The offset staleness decisions may use: Graph's, or 0 when Graph has not answered yet. */
  decisionOffsetMs(): number {
    return this.graphOffset() ?? 0;
  }

  view(): ClockSkewView {
    const g = this.graphOffset();
    if (g !== null) return { offsetMs: Math.round(g), source: 'graph', warn: Math.abs(g) > WARN_SKEW_MS };
    const recent = this.webhooks.filter((w) => this.now() - w.at < MAX_AGE_MS);
    if (recent.length >= 3) {
      const min = Math.min(...recent.map((w) => w.lagMs));
      // Only "fast" can be told from webhooks (latency hides "slow").
      return { offsetMs: Math.round(min), source: 'webhooks', warn: min > WARN_SKEW_MS };
    }
    return { offsetMs: null, source: null, warn: false };
  }

  private graphOffset(): number | null {
    const recent = this.graph
      .filter((g) => this.now() - g.at < MAX_AGE_MS)
      .map((g) => g.offsetMs)
      .sort((a, b) => a - b);
    if (recent.length === 0) return null;
    return recent[Math.floor(recent.length / 2)]!;
  }

  private changed(): void {
    const v = this.view();
    const key = `${v.source}:${v.warn}:${v.offsetMs === null ? '' : Math.round(v.offsetMs / 1000)}`;
    if (key === this.last) return;
    this.last = key;
    for (const l of [...this.listeners]) l(v);
  }
}

/** "2 min fast", "45 s slow" — how the owner is told. */
export function describeSkew(offsetMs: number): string {
  const abs = Math.abs(offsetMs);
  const amount = abs >= 90_000 ? `${Math.round(abs / 60_000)} min` : `${Math.round(abs / 1000)} s`;
  return `${amount} ${offsetMs > 0 ? 'fast' : 'slow'}`;
}
