/**
 * How long a call lasted (or has lasted so far), as calls are conventionally shown: whole seconds
 * rounded down, m:ss, with hours when there are any — 75 → "1:15", 3725 → "1:02:05".
 * A 59.9-second call reads "0:59", as the live timer read just before it ended.
 */
export function formatCallDuration(totalSeconds: number): string {
  const s = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
