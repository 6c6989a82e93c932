/**
 * The one polling helper every test, benchmark and reliability run uses: calls `check` every
 * `every` ms until it returns something truthy, and throws "timed out after N ms waiting for
 * <what>" when `ms` pass first. It waits in real time and asserts nothing about how long that took.
 * An exception from `check` fails at once unless `retryErrors` is set (then the last one is named).
 */
export interface UntilOptions {
  every?: number;
  retryErrors?: boolean;
}

type Falsy = null | undefined | false | 0 | '';

export async function until<T>(
  what: string,
  check: () => T | Falsy | Promise<T | Falsy>,
  ms = 15_000,
  opts: number | UntilOptions = {},
): Promise<T> {
  const { every = 50, retryErrors = false } = typeof opts === 'number' ? { every: opts } : opts;
  const end = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (err) {
      if (!retryErrors) throw err;
      lastError = err;
    }
    if (Date.now() > end) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, every));
  }
}
