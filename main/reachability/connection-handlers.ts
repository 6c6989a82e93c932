/** Bridge handlers for how WhatsApp reaches this computer: the tunnel, delivery tests, the callback. */
import type { ZodError } from 'zod';
import type { connectionRequests, HandlersFor } from '../../common/bridge-contract.ts';
import type { AccountService } from '../account/account-service.ts';
import type { ConfigStore } from '../account/config-store.ts';
import { TUNNEL_SERVER_URL } from '../../common/rules/secure-url.ts';
import { secureUrlProblemText } from '../i18n/secure-url.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr } from '../i18n/tr.ts';
import type { ConnectionService } from './connection-service.ts';

export interface ConnectionHandlerDeps {
  account: AccountService;
  config: ConfigStore;
  connection: ConnectionService;
  /** The webhook receiver's path, appended to a public URL to make the callback. */
  webhookPath: string;
}

/** The connection slice's requests (common/bridge/connection.ts): adding one there makes the compiler ask for its handler here. */
type ConnectionRequests = keyof typeof connectionRequests;

/** Meta accepts callback URLs of at most 200 characters (override_callback_uri). */
const MAX_CALLBACK_LENGTH = 200;

export function connectionHandlers(d: ConnectionHandlerDeps): HandlersFor<ConnectionRequests> {
  const { connection } = d;
  return {
    getConnection: () => connection.view(),
    testDelivery: () => connection.testDelivery(),
    takeOverCallback: () => connection.takeOverCallback(),
    leaveCallbackElsewhere: () => connection.leaveCallbackElsewhere(),
    restartTunnel: () => {
      if (!d.account.account()) throw new DomainError('not_connected', tr('common.notConnectedShort'));
      return connection.restart();
    },
    setTunnel: async (params) => {
      if (params.provider === 'public-url') {
        const callback = `${params.publicUrl.trim().replace(/\/+$/, '')}${d.webhookPath}`;
        if (callback.length > MAX_CALLBACK_LENGTH) {
          throw new DomainError(
            'invalid_params',
            tr('common.fieldProblem', {
              field: 'publicUrl',
              problem: tr('connection.callbackTooLong', { max: MAX_CALLBACK_LENGTH, path: d.webhookPath, length: callback.length }),
            }),
          );
        }
      }
      // Refused before anything is saved, in the rule's words (the tunnel would refuse to start anyway).
      const insecure = params.provider === 'localtunnel' && params.host ? secureUrlProblemText(params.host, TUNNEL_SERVER_URL) : null;
      if (insecure) throw new DomainError('invalid_params', tr('common.fieldProblem', { field: 'host', problem: insecure }));
      try {
        d.config.update((c) => {
          c.tunnel.provider = params.provider;
          if (params.provider === 'localtunnel') {
            c.tunnel.subdomain = params.subdomain;
            c.tunnel.host = params.host;
          } else {
            c.tunnel.publicUrl = params.publicUrl.trim();
          }
        });
      } catch (err) {
        const issue = (err as ZodError).issues?.[0];
        throw new DomainError(
          'invalid_params',
          issue
            ? tr('common.fieldProblem', { field: String(issue.path.at(-1) ?? 'value'), problem: issue.message })
            : tr('connection.invalidTunnel'),
        );
      }
      await connection.start();
      return connection.view();
    },
  };
}
