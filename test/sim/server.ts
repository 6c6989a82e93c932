/**
 * CLI: `node test/sim/server.ts --port 4010 [--seed file.json] [--time-factor N] [--host 127.0.0.1]`
 * Prints ONE JSON line with the Graph base URL and the business's credentials, then serves until
 * SIGINT/SIGTERM. Bad flags → one-line error on stderr, exit code 2.
 */
import { fileURLToPath } from 'node:url';
import { loadSeedFile } from './seed.ts';
import { createSimulator } from './simulator.ts';

interface Flags {
  port: number;
  seed: string;
  timeFactor: number;
  host: string;
}

const DEFAULT_SEED = fileURLToPath(new URL('./seed.default.json', import.meta.url));

export function parseFlags(argv: string[]): Flags {
  const f: Flags = { port: 4010, seed: DEFAULT_SEED, timeFactor: 1, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new Error(`--port must be 0-65535, got ${v}`);
        f.port = n;
        break;
      }
      case '--seed':
        f.seed = value();
        break;
      case '--time-factor': {
        const v = value();
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new Error(`--time-factor must be a positive number, got ${v}`);
        f.timeFactor = n;
        break;
      }
      case '--host':
        f.host = value();
        break;
      default:
        throw new Error(`unknown flag ${arg} (usage: server.ts --port 4010 [--seed file.json] [--time-factor N])`);
    }
  }
  return f;
}

async function main(): Promise<void> {
  let flags: Flags;
  let seed;
  try {
    flags = parseFlags(process.argv.slice(2));
    seed = loadSeedFile(flags.seed);
  } catch (err) {
    process.stderr.write(`sim: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const sim = createSimulator({ seed, timeFactor: flags.timeFactor, host: flags.host });
  try {
    await sim.listen(flags.port);
  } catch (err) {
    process.stderr.write(`sim: cannot listen on ${flags.host}:${flags.port}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const c = sim.credentials();
  process.stdout.write(
    `${JSON.stringify({
      graphBaseUrl: c.graphBaseUrl,
      apiVersion: c.apiVersion,
      accessToken: c.accessToken,
      appSecret: c.appSecret,
      appId: c.appId,
      wabaId: c.wabaId,
      phoneNumberId: c.phoneNumberId,
      displayPhoneNumber: c.displayPhoneNumber,
      verifyToken: c.verifyToken,
      controlUrl: c.controlUrl,
    })}\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sim.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
