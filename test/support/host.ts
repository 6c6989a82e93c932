/** Starts the browser host in-process on a temp data dir and a free port, for tests. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { memoryLogger } from './test-log.ts';
import { MemorySecrets } from '../../main/account/secrets.ts';
import { confFactory } from '../../main/account/conf-store.ts';
import type { Logger } from '../../main/core/log.ts';

/** Options for startAppServices in tests: a temp data dir, memory secrets, conf-backed config. */
export function testServiceOptions(log: Logger, version = '0.0.0-test') {
  return {
    dataDir: mkdtempSync(path.join(tmpdir(), 'sb-data-')),
    version,
    host: 'browser-host' as const,
    log,
    secrets: new MemorySecrets(),
    configStore: confFactory,
    webhookPort: 0,
  };
}

export function fakeRendererDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-renderer-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Switchboard</title><div id="app"></div>');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("hi")');
  return dir;
}

export async function startTestHost(
  opts: { rendererDir?: string } = {},
): Promise<{ host: BrowserHost; services: AppServices; close: () => Promise<void>; logEvents: () => string[] }> {
  const { log, events } = memoryLogger();
  const services = await startAppServices(testServiceOptions(log));
  const host = await startBrowserHost({ services, rendererDir: opts.rendererDir ?? fakeRendererDir(), port: 0, log });
  return {
    host,
    services,
    logEvents: events,
    close: async () => {
      await host.close();
      await services.close();
    },
  };
}
