/**
 * Main's services, wired together in plain Node. Both the Electron shell (`main/shell/`) and the
 * browser host (`main/host/`) start exactly this, then bind `dispatch` and `events` to their
 * transport. Later capabilities (account, webhooks, threads, calls) add their services here.
 */
import { mkdirSync, accessSync, constants as fsConstants } from 'node:fs';
import type { AppInfo, AppStatus } from '../common/bridge-contract.ts';
import { createDispatcher, type BridgeHandlers, type Dispatch } from './bridge/dispatcher.ts';
import { BridgeEventBus } from './core/events.ts';
import type { Logger } from './core/log.ts';

export interface AppServicesOptions {
  dataDir: string;
  version: string;
  host: AppInfo['host'];
  electronVersion?: string | null;
  chromeVersion?: string | null;
  log: Logger;
  clock?: () => Date;
}

export interface AppServices {
  readonly info: AppInfo;
  readonly events: BridgeEventBus;
  readonly dispatch: Dispatch;
  status(): AppStatus;
  close(): Promise<void>;
}

/** Thrown when the data directory cannot be used; the message is meant for the person. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DataDirError(`cannot create data dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    accessSync(dir, fsConstants.W_OK | fsConstants.R_OK);
  } catch {
    throw new DataDirError(`data dir ${dir} is not writable`);
  }
}

export async function startAppServices(opts: AppServicesOptions): Promise<AppServices> {
  const clock = opts.clock ?? (() => new Date());
  ensureDataDir(opts.dataDir);
  const log = opts.log;
  const events = new BridgeEventBus();

  const info: AppInfo = {
    name: 'Switchboard',
    version: opts.version,
    host: opts.host,
    platform: process.platform,
    versions: {
      node: process.versions.node,
      electron: opts.electronVersion ?? null,
      chrome: opts.chromeVersion ?? null,
    },
  };

  const status: AppStatus = {
    startedAt: clock().toISOString(),
    account: { state: 'not_connected', detail: null },
    reachability: { state: 'unknown', since: null, detail: null },
  };

  const handlers: BridgeHandlers = {
    getAppInfo: () => info,
    getStatus: () => structuredClone(status),
  };

  log.info('services.started', { host: opts.host, version: opts.version });

  return {
    info,
    events,
    dispatch: createDispatcher(handlers, log.child('bridge')),
    status: () => structuredClone(status),
    close: async () => {
      log.info('services.stopped');
    },
  };
}
