/** Bridge handlers for the account (connect, disconnect, verify token) and WhatsApp's calling settings. */
import type { ZodError } from 'zod';
import type { accountRequests, AccountView, ConnectAccountResult, HandlersFor } from '../../common/bridge-contract.ts';
import { GRAPH_SERVER_URL } from '../../common/rules/secure-url.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import type { StatusBoard } from '../core/status-board.ts';
import { DEFAULT_GRAPH_BASE_URL, DEFAULT_GRAPH_VERSION } from '../graph/graph-client.ts';
import { secureUrlProblemText } from '../i18n/secure-url.ts';
import { tr } from '../i18n/tr.ts';
import type { ConnectionService } from '../reachability/connection-service.ts';
import { ConnectInput, type AccountService } from './account-service.ts';
import type { CallingSettingsService } from './calling-settings-service.ts';
import type { ConfigStore } from './config-store.ts';
import { discoverNumbers } from './number-discovery.ts';
import type { PlatformWarnings } from './platform-warnings.ts';

export interface AccountHandlerDeps {
  account: AccountService;
  config: ConfigStore;
  connection: ConnectionService;
  warnings: PlatformWarnings;
  callingSettings: CallingSettingsService;
  events: BridgeEventBus;
  status: StatusBoard;
  log: Logger;
  /** Why the keychain could not be read at start, if it could not. */
  keychainProblem: string | null;
  writeClipboard?: ((text: string) => void) | undefined;
}

/** The account slice's requests (common/bridge/account.ts): adding one there makes the compiler ask for its handler here. */
type AccountRequests = keyof typeof accountRequests;

/**
 * The Graph server the connect form starts with: Meta's, unless `SWITCHBOARD_GRAPH_BASE_URL` names
 * another one secrets may go to (https, or http to this computer: the simulator, a test server).
 * The form shows which server it uses whenever it is not Meta's.
 */
export function defaultGraphBaseUrl(env: Record<string, string | undefined> = process.env): { url: string; refused: string | null } {
  const v = env['SWITCHBOARD_GRAPH_BASE_URL']?.trim();
  if (!v) return { url: DEFAULT_GRAPH_BASE_URL, refused: null };
  const problem = secureUrlProblemText(v, GRAPH_SERVER_URL);
  return problem ? { url: DEFAULT_GRAPH_BASE_URL, refused: problem } : { url: v.replace(/\/+$/, ''), refused: null };
}

/** Field-level messages from a zod error, keyed by the first path segment. */
function fieldErrors(err: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = String(issue.path[0] ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}

export function accountHandlers(d: AccountHandlerDeps): HandlersFor<AccountRequests> {
  const { account, connection, warnings, status } = d;
  const server = defaultGraphBaseUrl();
  if (server.refused) d.log.warn('account.graph_base_url_refused', { reason: server.refused });
  const defaults = { graphBaseUrl: server.url, apiVersion: DEFAULT_GRAPH_VERSION };
  const accountView = (): AccountView => {
    const a = account.account();
    const verify = account.verifyToken();
    return {
      connected: a !== null,
      account: a,
      secretsBackend: account.secretsBackend,
      keychainProblem: d.keychainProblem,
      configProblem: d.config.problem,
      verifyTokenHint: verify ? verify.slice(-4) : null,
      canCopyVerifyToken: typeof d.writeClipboard === 'function' && verify !== null,
      defaults,
    };
  };

  return {
    getAccount: () => accountView(),
    connectAccount: async (params): Promise<ConnectAccountResult> => {
      const parsed = ConnectInput.safeParse(params);
      if (!parsed.success) return { saved: false, fieldErrors: fieldErrors(parsed.error), steps: [], phone: null };
      status.update((s) => {
        s.account = { state: 'connecting', detail: null };
      });
      try {
        const previous = account.account();
        if (previous && previous.phoneNumberId !== parsed.data.phoneNumberId) {
          // Another number replaces this one: its override must not keep sending its events here.
          const released = await connection.releaseCallback();
          d.log.info('account.previous_number_released', { state: released.state });
        }
        const res = await account.connect(parsed.data, (step) => d.events.emit('account.progress', step));
        if (res.saved) {
          void connection.start();
          warnings.start();
        }
        return { ...res, fieldErrors: {} };
      } finally {
        const a = account.account();
        status.update((s) => {
          s.account = a ? { state: 'connected', detail: a.displayPhoneNumber } : { state: 'not_connected', detail: null };
        });
      }
    },
    discoverNumbers: (p) =>
      discoverNumbers(
        { ...p, graphBaseUrl: p.graphBaseUrl ?? defaults.graphBaseUrl, apiVersion: p.apiVersion ?? defaults.apiVersion },
        account.graphDeps(),
      ),
    disconnectAccount: async () => {
      const callback = await connection.releaseCallback();
      warnings.stop();
      await connection.stop();
      await account.disconnect();
      status.update((s) => {
        s.account = { state: 'not_connected', detail: null };
      });
      return { disconnected: true as const, callback };
    },
    copyVerifyToken: () => {
      const token = account.verifyToken();
      if (!token) return { copied: false, reason: tr('account.verifyTokenNotYet') };
      if (!d.writeClipboard) return { copied: false, reason: tr('account.copyDesktopOnly') };
      d.writeClipboard(token);
      return { copied: true, reason: null };
    },
    getCallingSettings: () => d.callingSettings.get(),
    uploadVoicemailAnnouncement: (p) => d.callingSettings.uploadAnnouncement(Buffer.from(p.audioBase64, 'base64'), p.mimeType),
    updateCallingSettings: (params) => d.callingSettings.update(params.changes),
  };
}
