import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two secrets of any length (both sides are hashed first). */
export function secretsMatch(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
