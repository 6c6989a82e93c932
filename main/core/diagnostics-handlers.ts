/** Bridge handlers for what the app knows about itself: info, status, diagnostics. */
import type { AppInfo, appRequests, HandlersFor } from '../../common/bridge-contract.ts';
import type { AccountService } from '../account/account-service.ts';
import type { ConnectionService } from '../reachability/connection-service.ts';
import type { WebhookInbox } from '../webhooks/inbox.ts';
import type { WebhookReceiver } from '../webhooks/webhook-receiver.ts';
import { buildDiagnostics } from './diagnostics.ts';
import type { LanguageRequest } from './language-handlers.ts';
import type { SecretRedactor } from './log.ts';
import type { StatusBoard } from './status-board.ts';

export interface DiagnosticsHandlerDeps {
  info: AppInfo;
  status: StatusBoard;
  account: AccountService;
  connection: ConnectionService;
  inbox: WebhookInbox;
  receiver: WebhookReceiver;
  redactor: SecretRedactor;
  recentProblems?: { lines: string[] } | undefined;
  writeClipboard?: ((text: string) => void) | undefined;
  clock: () => Date;
}

/**
 * Answers the app slice's requests (common/bridge/app.ts) but the language ones (language-handlers.ts):
 * adding one there makes the compiler ask for its handler here.
 */
export function diagnosticsHandlers(d: DiagnosticsHandlerDeps): HandlersFor<Exclude<keyof typeof appRequests, LanguageRequest>> {
  const { info, inbox, receiver } = d;
  return {
    getAppInfo: () => info,
    getStatus: () => d.status.snapshot(),
    getDiagnosticsBundle: () => {
      const a = d.account.account();
      const text = buildDiagnostics({
        app: { name: info.name, version: info.version, host: info.host, versions: info.versions },
        account: {
          connected: a !== null,
          graphBaseUrl: a?.graphBaseUrl ?? null,
          apiVersion: a?.apiVersion ?? null,
          phoneNumberId: a?.phoneNumberId ?? null,
        },
        reachability: { ...d.connection.view(), tunnel: undefined },
        inbox: { ...inbox.counts(), receiver: receiver.stats },
        recentProblems: d.recentProblems?.lines ?? [],
        redactor: d.redactor,
        now: d.clock(),
      });
      d.writeClipboard?.(text);
      return { text, copied: typeof d.writeClipboard === 'function' };
    },
    getDiagnostics: () => ({
      inbox: inbox.counts(),
      aside: inbox.asideCounts(),
      receiver: {
        port: receiver.port,
        accepted: receiver.stats.accepted,
        rejectedSignature: receiver.stats.rejectedSignature,
        rejectedTooLarge: receiver.stats.rejectedTooLarge,
        slowSendersCut: receiver.stats.slowSendersCut,
      },
      recentEvents: inbox.recentEvents(50),
    }),
  };
}
