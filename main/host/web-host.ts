/**
 * `npm run web -- --data-dir DIR --port N [--renderer-dir DIR]`
 *
 * Starts main's services in plain Node (no Electron), serves the built renderer and the bridge on
 * 127.0.0.1, and prints the URL to open (it carries the per-launch secret). Any bad input — an
 * unknown or malformed flag, a data dir that cannot be created or written, a port in use, a
 * renderer that was never built — gives one line on stderr and exit code 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { secureUrlProblem, TUNNEL_SERVER_URL } from '../../common/rules/secure-url.ts';
import { startAppServices, DataDirError } from '../app-services.ts';
import { languagesFromEnv } from '../i18n/language-service.ts';
import { createLogger, SecretRedactor } from '../core/log.ts';
import { RecentProblemsSink, teeSink } from '../core/rotating-log.ts';
import { KeytarSecrets, MemorySecrets } from '../account/secrets.ts';
import { confFactory } from '../account/conf-store.ts';
import { startBrowserHost } from './http-host.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

class UsageError extends Error {}

const USAGE =
  'usage: npm run web -- --data-dir DIR [--port N] [--webhook-port N] [--secrets keychain|memory] [--tunnel-host URL] [--renderer-dir DIR] [--log-level debug|info|warn|error] [--lang pt-BR,es,…]';

export interface WebHostArgs {
  dataDir: string;
  port: number;
  rendererDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Where secrets live: the OS keychain, or memory only (the demo's throwaway credentials). */
  secrets: 'keychain' | 'memory';
  webhookPort: number | undefined;
  /** A localtunnel server other than the configured one (the demo and tests run their own). */
  tunnelHost: string | undefined;
  /**
   * The languages to speak under the 'system' preference, most preferred first (`--lang`, comma
   * separated), else LANG/LC_ALL; replaced by the browser's own once the renderer reports them.
   */
  lang: string[] | undefined;
}

export function parseWebHostArgs(argv: string[]): WebHostArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'renderer-dir': { type: 'string' },
        'log-level': { type: 'string' },
        secrets: { type: 'string' },
        'webhook-port': { type: 'string' },
        'tunnel-host': { type: 'string' },
        lang: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (${USAGE})`);
  }
  if (values.help) throw new UsageError(USAGE);
  const dataDir = values['data-dir'];
  if (!dataDir) throw new UsageError(`--data-dir is required (${USAGE})`);
  const portText = values.port ?? '0';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, got "${portText}"`);
  const webhookPortText = values['webhook-port'];
  if (webhookPortText !== undefined && (!/^\d{1,5}$/.test(webhookPortText) || Number(webhookPortText) > 65535))
    throw new UsageError(`--webhook-port must be a number from 0 to 65535, got "${webhookPortText}"`);
  const secrets = values.secrets ?? 'keychain';
  if (secrets !== 'keychain' && secrets !== 'memory') throw new UsageError(`--secrets must be keychain or memory, got "${secrets}"`);
  const tunnelHost = values['tunnel-host'];
  if (tunnelHost !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(tunnelHost))
    throw new UsageError(`--tunnel-host must be an http(s) URL with no path, got "${tunnelHost}"`);
  const insecure = tunnelHost === undefined ? null : secureUrlProblem(tunnelHost, TUNNEL_SERVER_URL);
  if (insecure) throw new UsageError(`--tunnel-host: ${insecure}`);
  const level = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  const langText = values.lang;
  if (langText !== undefined && !/^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*(,[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*)*$/.test(langText))
    throw new UsageError(`--lang must be language tags separated by commas (e.g. pt-BR,es), got "${langText}"`);
  return {
    dataDir: path.resolve(dataDir),
    port: Number(portText),
    rendererDir: path.resolve(values['renderer-dir'] ?? path.join(repoRoot, 'out', 'renderer')),
    logLevel: level as WebHostArgs['logLevel'],
    secrets,
    webhookPort: webhookPortText === undefined ? undefined : Number(webhookPortText),
    tunnelHost,
    lang: langText === undefined ? undefined : langText.split(','),
  };
}

function fail(message: string): never {
  process.stderr.write(`switchboard web: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args: WebHostArgs;
  try {
    args = parseWebHostArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) fail(err.message);
    throw err;
  }
  if (!existsSync(path.join(args.rendererDir, 'index.html'))) {
    fail(`the renderer is not built (no index.html in ${args.rendererDir}); run "npm run build" first`);
  }
  const redactor = new SecretRedactor();
  const recentProblems = new RecentProblemsSink();
  const log = createLogger({ sink: teeSink({ write: (l) => process.stderr.write(l) }, recentProblems), level: args.logLevel, redactor });
  const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

  let services;
  try {
    services = await startAppServices({
      dataDir: args.dataDir,
      version,
      host: 'browser-host',
      log,
      redactor,
      recentProblems,
      secrets: args.secrets === 'memory' ? new MemorySecrets() : new KeytarSecrets(),
      configStore: confFactory,
      systemLanguages: args.lang ?? languagesFromEnv(process.env),
      ...(args.webhookPort !== undefined ? { webhookPort: args.webhookPort } : {}),
      ...(args.tunnelHost !== undefined ? { localtunnelHost: args.tunnelHost } : {}),
    });
  } catch (err) {
    if (err instanceof DataDirError) fail(err.message);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      fail(`the webhook port ${args.webhookPort ?? ''} is already in use; pick another with --webhook-port`);
    throw err;
  }

  let host;
  try {
    host = await startBrowserHost({ services, rendererDir: args.rendererDir, port: args.port, log: log.child('host') });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`port ${args.port} is already in use; pick another with --port`);
    if (code === 'EACCES') fail(`not allowed to listen on port ${args.port}; pick a port above 1023`);
    throw err;
  }

  process.stdout.write(`Switchboard is running. Open ${host.url}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('host.stopping', { signal });
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void (async () => {
      await host.close();
      await services.close();
      process.stdout.write('Switchboard stopped.\n');
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
