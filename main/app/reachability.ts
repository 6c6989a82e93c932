/**
 * The tunnel and its supervisor, wired to the status line and the network watch (part of the composition root).
 */
import type { AppStatus, ConnectionView } from '../../common/bridge-contract.ts';
import type { AccountService } from '../account/account-service.ts';
import type { ConfigStore } from '../account/config-store.ts';
import type { AppServicesOptions } from '../app-services.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import type { StatusBoard } from '../core/status-board.ts';
import { watchNetwork } from '../desktop/network-watch.ts';
import { ConnectionService } from '../reachability/connection-service.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import type { WebhookReceiver } from '../webhooks/webhook-receiver.ts';

const REACHABILITY: Record<ConnectionView['state'], AppStatus['reachability']['state']> = {
  stopped: 'unknown',
  connecting: 'connecting',
  connected: 'connected',
  unreachable: 'unreachable',
};

/** The tunnel and its supervisor, reported on the status line, restarted when the network changes. */
export function startReachability(
  opts: AppServicesOptions,
  d: {
    account: AccountService;
    config: ConfigStore;
    receiver: WebhookReceiver;
    inbox: WebhookInbox;
    status: StatusBoard;
    events: BridgeEventBus;
    log: Logger;
    clock: () => Date;
  },
): { connection: ConnectionService; network: { stop(): void } | null } {
  const { log } = d;
  const connection = new ConnectionService({
    account: d.account,
    config: d.config,
    receiver: d.receiver,
    inbox: d.inbox,
    log: log.child('connection'),
    clock: d.clock,
    ...(opts.localtunnelWorkerUrl ? { localtunnelWorkerUrl: opts.localtunnelWorkerUrl } : {}),
    ...(opts.localtunnelHost ? { localtunnelHost: opts.localtunnelHost } : {}),
    ...(opts.tunnelProbeIntervalMs ? { probeIntervalMs: opts.tunnelProbeIntervalMs } : {}),
    ...(opts.tunnelBackoff ? { backoff: opts.tunnelBackoff } : {}),
    ...(opts.callbackHolderCheckMs ? { holderCheckMs: opts.callbackHolderCheckMs } : {}),
  });
  connection.onChange((v) => {
    const elsewhere =
      v.holder.state === 'elsewhere' && v.holder.url ? { url: v.holder.url, since: v.holder.since, left: v.holder.left } : null;
    d.status.updateIfChanged('reachability', { state: REACHABILITY[v.state], since: v.since, detail: v.reason, elsewhere });
    d.events.emit('connection', v);
  });
  // The network came back or changed: the tunnel's link is dead, restart it and re-check at once.
  const network =
    opts.networkWatchIntervalMs === 0
      ? null
      : watchNetwork({
          intervalMs: opts.networkWatchIntervalMs ?? 5_000,
          ...(opts.networkInterfaces ? { interfaces: opts.networkInterfaces } : {}),
          onChange: (c) => {
            log.info('network.changed', { kind: c.kind, addresses: c.addresses.length });
            if (c.kind !== 'down')
              void connection.restartNow().catch((err: unknown) => log.warn('network.restart_failed', { error: (err as Error).message }));
          },
        });
  return { connection, network };
}
