/**
 * Which calls ring here, and which of them the owner silenced: the one ringtone sounds while any
 * ringing call is not silenced. Main decides what rings (its `ring` commands: never under
 * do-not-disturb, never a call waiting behind a live one); Silence is the window's own and tells
 * nobody — the call keeps ringing on WhatsApp until it is answered, declined or times out.
 */
import type { RingtoneName } from '../../../common/rules/ringtone.ts';

/** The ringtone as the engine uses it (tests pass a fake). */
export interface RingtonePort {
  start(): void;
  stop(): void;
  setSinkId(deviceId: string): Promise<void>;
  /** One soft chime (a call waiting); optional for test doubles. */
  chime?(): void;
  /** The tone and its volume (percent); optional for test doubles. */
  configure?(tone: RingtoneName, volume: number): void;
  /** One cadence of a tone, once (Settings' Play). */
  preview?(tone: RingtoneName, volume: number): Promise<void>;
}

export class Ringing {
  private readonly ids = new Set<string>();
  private readonly silenced = new Set<string>();
  private readonly tone: RingtonePort;

  constructor(tone: RingtonePort) {
    this.tone = tone;
  }

  /** Main asked some call to ring (true also while it is silenced here). */
  get any(): boolean {
    return this.ids.size > 0;
  }
  get ringingIds(): string[] {
    return [...this.ids];
  }
  get silencedIds(): string[] {
    return [...this.silenced];
  }

  /** Some ringing call is not silenced: the ringtone sounds. */
  private audible(): boolean {
    for (const id of this.ids) if (!this.silenced.has(id)) return true;
    return false;
  }

  /** Main's `ring` command; true when the set of ringing calls changed. A silenced call asked again stays silent. */
  set(localId: string, on: boolean): boolean {
    const before = this.audible();
    const was = this.ids.has(localId);
    if (on) this.ids.add(localId);
    else {
      this.ids.delete(localId);
      this.silenced.delete(localId);
    }
    const after = this.audible();
    if (after && !before) this.tone.start();
    if (!after && before) this.tone.stop();
    return was !== on;
  }

  /** Silence: no more ringtone for this call, here. True when that changed anything. */
  silence(localId: string): boolean {
    if (!this.ids.has(localId) || this.silenced.has(localId)) return false;
    const before = this.audible();
    this.silenced.add(localId);
    if (before && !this.audible()) this.tone.stop();
    return true;
  }

  clear(): void {
    for (const id of [...this.ids]) this.set(id, false);
  }
}
