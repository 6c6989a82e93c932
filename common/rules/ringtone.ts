/**
 * The ringtones this computer can play: generated in the window with WebAudio
 * (renderer/src/media/ringtone.ts), never audio files. Main validates the stored choice against
 * this list; the window offers it in Settings → Calling → On this computer.
 */
export const RINGTONES = ['chimes', 'classic', 'marimba', 'beeps'] as const;
export type RingtoneName = (typeof RINGTONES)[number];

/** Two soft chimes: the ringtone Switchboard always had. */
export const DEFAULT_RINGTONE: RingtoneName = 'chimes';
/** Percent; 70 % is the loudness the ringtone always had (a peak gain of about 0.25). */
export const DEFAULT_RING_VOLUME = 70;

/** Percent (0–100) → the ringtone's peak gain: a square law, so the slider's lower half stays usable. */
export function ringGain(percent: number): number {
  const p = Math.min(100, Math.max(0, Number.isFinite(percent) ? percent : DEFAULT_RING_VOLUME)) / 100;
  return 0.5 * p * p;
}
