/**
 * Command-line options for the suites and benchmarks under test/: `--help` prints the usage, an
 * unknown option or a bad number says which and exits 2 — never a stack trace.
 */
import { parseArgs } from 'node:util';

type Options = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

export function cliOptions<const O extends Options>(usage: string, options: O): ReturnType<typeof parseArgs<{ options: O }>>['values'] {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}

/** A number option: an integer (or any finite number) of at least `min`, or a one-line error and exit 2. */
export function cliNumber(name: string, value: string, min: number, opts: { integer?: boolean } = {}): number {
  const n = Number(value);
  const ok = opts.integer === false ? Number.isFinite(n) : Number.isInteger(n);
  if (!ok || n < min) {
    process.stderr.write(
      `--${name} must be ${opts.integer === false ? 'a number' : 'a whole number'} of at least ${min}, got "${value}"\n`,
    );
    process.exit(2);
  }
  return n;
}
