/**
 * Call quality from WebRTC stats: an estimated MOS (a simplified ITU-T G.107 E-model, the formula
 * most softphones use for a "bars" indicator) and a warning raised and cleared with hysteresis, so
 * one bad second does not flash it on and off.
 */

export interface QualitySample {
  /** Round-trip time, ms (null when unknown). */
  rttMs: number | null;
  /** Inbound jitter, ms. */
  jitterMs: number;
  /** Packets lost in the last interval, percent (0–100). */
  lossPct: number;
}

/** MOS 1–4.5 from latency, jitter and loss. */
export function estimateMos(s: QualitySample): number {
  const latency = (s.rttMs ?? 40) / 2 + s.jitterMs * 2 + 10;
  let r = latency < 160 ? 93.2 - latency / 40 : 93.2 - (latency - 120) / 10;
  r -= s.lossPct * 2.5;
  r = Math.max(0, Math.min(100, r));
  const mos = 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
  return Math.round(Math.max(1, Math.min(4.5, mos)) * 100) / 100;
}

export type QualityLevel = 'good' | 'fair' | 'poor';

export interface QualityOptions {
  /** Below this MOS a sample counts as bad (default 3.5). */
  raiseBelow?: number;
  /** At or above this a sample counts as good again (default 3.8). */
  clearAtOrAbove?: number;
  /** Consecutive bad samples before the warning shows (default 3). */
  raiseAfter?: number;
  /** Consecutive good samples before it goes away (default 5). */
  clearAfter?: number;
}

/** Feeds MOS samples in, says whether the "poor connection" warning is up. */
export class QualityMonitor {
  private readonly o: Required<QualityOptions>;
  private bad = 0;
  private good = 0;
  warning = false;
  mos: number | null = null;

  constructor(opts: QualityOptions = {}) {
    this.o = { raiseBelow: 3.5, clearAtOrAbove: 3.8, raiseAfter: 3, clearAfter: 5, ...opts };
  }

  push(mos: number): boolean {
    this.mos = mos;
    if (mos < this.o.raiseBelow) {
      this.bad++;
      this.good = 0;
    } else if (mos >= this.o.clearAtOrAbove) {
      this.good++;
      this.bad = 0;
    } else {
      // In the band between the thresholds: keep the current verdict, reset both runs.
      this.bad = 0;
      this.good = 0;
    }
    if (!this.warning && this.bad >= this.o.raiseAfter) this.warning = true;
    else if (this.warning && this.good >= this.o.clearAfter) this.warning = false;
    return this.warning;
  }

  get level(): QualityLevel | null {
    if (this.mos === null) return null;
    if (this.warning) return 'poor';
    return this.mos >= 4 ? 'good' : 'fair';
  }
}
