/**
 * Connecting with two values (issue 20): from the access token and the app secret, find what the
 * connect check needs — the app id, the WhatsApp Business Accounts the token may manage and their
 * numbers — so the owner only picks a number. Nothing is saved here; `AccountService.connect()`
 * runs its checks on the pick as before.
 *
 *   1. `GET /debug_token?input_token=<token>`, asked with the token itself (the app id is what we
 *      are looking for, so the app token cannot ask yet): `is_valid`, `app_id`, `scopes`,
 *      `granular_scopes` (which WABAs each WhatsApp permission was granted for), `expires_at`.
 *   2. Both WhatsApp permissions in `scopes`, else `missing_permission` naming the missing ones.
 *   3. The same question with the app token `app_id|app_secret`: a wrong secret gets 190.
 *   4. The WABAs: `whatsapp_business_management`'s `target_ids`; none → `no_waba`.
 *   5. Each WABA's name and numbers (`/{waba-id}/phone_numbers`, paged); none → `no_numbers`.
 * test/sim/README.md ("Finding the number from a token") gives the evidence for each field.
 */
import { z } from 'zod';
import type { DiscoveredNumber, DiscoverNumbersResult, DiscoveryErrorDetails } from '../../common/bridge-contract.ts';
import { DomainError } from '../core/domain-error.ts';
import type { Logger, SecretRedactor } from '../core/log.ts';
import { defaultGraphTimeoutMs, GraphClient } from '../graph/graph-client.ts';
import type { GraphError } from '../graph/graph-errors.ts';
import { metaAccessToken, whatsappBusinessAccount } from '../graph/whatsapp.ts';
import { tr, trList } from '../i18n/tr.ts';
import { asGraphError, ConnectInput } from './account-service.ts';

/** The two permissions Switchboard needs, in the order the owner reads them. */
export const WHATSAPP_PERMISSIONS = ['whatsapp_business_management', 'whatsapp_business_messaging'] as const;

/** The connect form's rules for the four values discovery takes. */
export const DiscoverInput = ConnectInput.pick({ graphBaseUrl: true, apiVersion: true, accessToken: true, appSecret: true });
export type DiscoverInput = z.infer<typeof DiscoverInput>;

/** Pages of numbers read per WABA at most (100 numbers a page). */
const MAX_PAGES = 20;

const Id = z.union([z.string(), z.number()]).transform(String);
const TokenDebug = z.looseObject({
  data: z.looseObject({
    app_id: Id.optional(),
    application: z.string().optional(),
    type: z.string().optional(),
    is_valid: z.boolean().optional(),
    expires_at: z.number().optional(),
    scopes: z.array(z.string()).optional(),
    granular_scopes: z.array(z.looseObject({ scope: z.string(), target_ids: z.array(Id).optional() })).optional(),
    error: z.looseObject({ code: z.number().optional(), subcode: z.number().optional(), message: z.string().optional() }).optional(),
  }),
});
type TokenData = z.infer<typeof TokenDebug>['data'];
const WabaNode = z.looseObject({ name: z.string().optional() });
const NumberPage = z.looseObject({
  data: z.array(
    z.looseObject({
      id: Id,
      display_phone_number: z.string().optional(),
      verified_name: z.string().optional(),
      quality_rating: z.string().optional(),
      platform_type: z.string().optional(),
      code_verification_status: z.string().optional(),
    }),
  ),
  paging: z.looseObject({ cursors: z.looseObject({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
});

export interface DiscoveryDeps {
  log: Logger;
  /** Learns the token and the secret before any request, so no log line or answer can carry them. */
  redactor: SecretRedactor;
  fetch?: typeof fetch;
  onServerDate?: (date: string | null, sentAtMs: number, answeredAtMs: number) => void;
}

function refuse(code: string, message: string, details: DiscoveryErrorDetails & Record<string, unknown>): DomainError {
  return new DomainError(code, message, details);
}

/** Graph could not be asked, or refused in a way that is not about the token. */
function graphFailure(e: GraphError): DomainError {
  return refuse(`graph_${e.code}`, e.message, { field: null, fix: e.fix });
}

function invalidToken(expired: boolean): DomainError {
  return refuse('invalid_token', expired ? tr('discover.tokenExpired') : tr('discover.tokenRefused'), {
    field: 'accessToken',
    fix: tr('discover.systemUserFix'),
    expired,
  });
}

function missingPermission(missing: string[], wabaId?: string): DomainError {
  return refuse(
    'missing_permission',
    wabaId
      ? tr('discover.wabaNotReadable', { wabaId })
      : tr('discover.missingPermission', { permissions: trList(missing), n: missing.length }),
    {
      field: 'accessToken',
      fix: tr('discover.missingPermission.fix'),
      missing,
    },
  );
}

/** Finds the app, the WhatsApp Business Accounts and the numbers the token reaches. */
export async function discoverNumbers(raw: unknown, deps: DiscoveryDeps): Promise<DiscoverNumbersResult> {
  const parsed = DiscoverInput.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? 'form')] ??= issue.message;
    const first = (['accessToken', 'appSecret'] as const).find((f) => fieldErrors[f]) ?? null;
    throw new DomainError('invalid_params', Object.values(fieldErrors)[0] ?? tr('common.checkValues'), {
      fieldErrors,
      field: first,
      fix: null,
    });
  }
  const input = parsed.data;
  deps.redactor.add(input.accessToken);
  deps.redactor.add(input.appSecret);
  const client = (token: () => string): GraphClient =>
    new GraphClient({
      baseUrl: input.graphBaseUrl,
      version: input.apiVersion,
      token,
      log: deps.log.child('graph'),
      maxAttempts: 2,
      timeoutMs: Math.min(10_000, defaultGraphTimeoutMs()),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.onServerDate ? { onServerDate: deps.onServerDate } : {}),
    });
  const graph = client(() => input.accessToken);

  // 1. The token, described to itself.
  let token: TokenData;
  try {
    token = (await metaAccessToken(graph).debug(input.accessToken, TokenDebug)).data;
  } catch (err) {
    const e = asGraphError(err);
    if (e.category === 'auth' || e.code === 190) throw invalidToken(e.subcode === 463);
    throw graphFailure(e);
  }
  const appId = token.app_id;
  if (token.is_valid === false || !appId) throw invalidToken(token.error?.subcode === 463);

  // 2. Both WhatsApp permissions.
  const scopes = new Set(token.scopes ?? []);
  const missing = WHATSAPP_PERMISSIONS.filter((p) => !scopes.has(p));
  if (missing.length) throw missingPermission(missing);

  // 3. The app secret: the app token asks the same question; a wrong secret makes it invalid (190).
  const secretMismatch = (): DomainError =>
    refuse('app_secret_mismatch', tr('discover.secretMismatch'), {
      field: 'appSecret',
      fix: token.application
        ? tr('discover.secretMismatch.fixNamed', { appId, appName: token.application })
        : tr('discover.secretMismatch.fix', { appId }),
    });
  let byApp: TokenData;
  try {
    byApp = (await metaAccessToken(client(() => `${appId}|${input.appSecret}`)).debug(input.accessToken, TokenDebug)).data;
  } catch (err) {
    const e = asGraphError(err);
    if (e.category === 'auth' || e.code === 190) throw secretMismatch();
    throw graphFailure(e);
  }
  if (byApp.app_id && byApp.app_id !== appId) throw secretMismatch();

  // 4. The WhatsApp Business Accounts the token may manage (newest first, as Meta lists them).
  const granted = (scope: string): string[] | null => {
    const g = token.granular_scopes?.find((x) => x.scope === scope);
    return g ? (g.target_ids ?? []) : null;
  };
  const wabaIds = [...new Set(granted('whatsapp_business_management') ?? [])];
  if (wabaIds.length === 0) throw refuse('no_waba', tr('discover.noWaba'), { field: 'accessToken', fix: tr('discover.noWaba.fix') });
  const messagingIds = granted('whatsapp_business_messaging');

  // 5. Each account's name and numbers.
  const numbers: DiscoveredNumber[] = [];
  let refused: { wabaId: string; error: GraphError } | null = null;
  for (const wabaId of wabaIds) {
    const account = whatsappBusinessAccount(graph, wabaId);
    let wabaName: string | null = null;
    try {
      wabaName = (await account.details(WabaNode)).name ?? null;
    } catch (err) {
      deps.log.info('account.discovery_waba_name_failed', { wabaId, code: asGraphError(err).code });
    }
    try {
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await account.phoneNumbers(NumberPage, after);
        for (const n of res.data) {
          const platformType = n.platform_type ?? null;
          numbers.push({
            wabaId,
            wabaName,
            phoneNumberId: n.id,
            displayPhoneNumber: n.display_phone_number ?? null,
            verifiedName: n.verified_name ?? null,
            qualityRating: n.quality_rating ?? null,
            platformType,
            onCloudApi: platformType === null || platformType === 'CLOUD_API',
            canMessage: messagingIds === null || messagingIds.includes(wabaId),
          });
        }
        after = res.paging?.cursors?.after;
        if (!res.paging?.next || !after) break;
      }
    } catch (err) {
      const e = asGraphError(err);
      if (e.category === 'auth' || e.code === 190) throw invalidToken(e.subcode === 463);
      if (e.category !== 'permission' && e.category !== 'invalid') throw graphFailure(e);
      // This account's numbers are not readable with this token; the others may be.
      deps.log.warn('account.discovery_numbers_refused', { wabaId, code: e.code });
      refused ??= { wabaId, error: e };
    }
  }
  if (numbers.length === 0) {
    if (refused?.error.category === 'permission') throw missingPermission([WHATSAPP_PERMISSIONS[0]], refused.wabaId);
    if (refused) throw graphFailure(refused.error);
    throw refuse('no_numbers', wabaIds.length > 1 ? tr('discover.noNumbersMany') : tr('discover.noNumbers', { wabaId: wabaIds[0]! }), {
      field: null,
      fix: tr('discover.noNumbers.fix'),
    });
  }
  deps.log.info('account.discovered', { appId, wabas: wabaIds.length, numbers: numbers.length });
  return {
    appId,
    appName: token.application ?? null,
    tokenExpiresAt: token.expires_at && token.expires_at > 0 ? new Date(token.expires_at * 1000).toISOString() : null,
    numbers,
  };
}
