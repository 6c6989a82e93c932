/**
 * Outgoing calls within WhatsApp's permission rules (calling-api.md §4):
 *  - `GET /{phone-number-id}/call_permissions?user_wa_id=` (or `recipient=` for a BSUID) says
 *    whether the customer gave permission (temporary until …, or permanent) and whether the
 *    business may call now / ask now, with the limits behind a "no" (100 connected calls a day;
 *    1 request a day and 2 a week);
 *  - asking: an interactive `call_permission_request` inside the 24-hour customer-service window,
 *    an approved template with a call-permission button outside it;
 *  - the answer arrives as a `call_permission_reply` webhook (recorded in the thread by the store).
 * Everything the Call button needs to say why it is disabled comes from here, in plain words.
 */
import { z } from 'zod';
import type { ResultOf } from '../../common/bridge-contract.ts';
import type { AccountService } from '../account/account-service.ts';
import { asGraphError } from '../account/account-service.ts';
import { DomainError } from '../core/domain-error.ts';
import { whatsapp } from '../graph/whatsapp.ts';
import { tr } from '../i18n/tr.ts';
import type { ThreadStore } from '../threads/thread-store.ts';

const Limit = z.looseObject({
  time_period: z.string().optional(),
  max_allowed: z.number().optional(),
  current_usage: z.number().optional(),
  limit_expiration_time: z.number().optional(),
});
const PermissionsResponse = z.looseObject({
  permission: z.looseObject({ status: z.string(), expiration_time: z.number().optional() }),
  actions: z
    .array(z.looseObject({ action_name: z.string(), can_perform_action: z.boolean(), limits: z.array(Limit).optional() }))
    .optional(),
});
const SendResponse = z.looseObject({ messages: z.array(z.looseObject({ id: z.string() })).min(1) });

/** Whether the owner may call the customer, and why not (the contract's `getCallPermission` result). */
export type CallPermissionView = ResultOf<'getCallPermission'>;

const when = (unix: number | undefined): string | null => (unix ? new Date(unix * 1000).toISOString() : null);

/** Why a limit stops the action (`what`: connected calls, or permission requests), or null when none is reached. */
function limitReason(limits: z.infer<typeof Limit>[] | undefined, what: 'calls' | 'requests'): string | null {
  const hit = (limits ?? []).find(
    (l) =>
      l.limit_expiration_time !== undefined ||
      (l.max_allowed !== undefined && l.current_usage !== undefined && l.current_usage >= l.max_allowed),
  );
  if (!hit) return null;
  const period =
    hit.time_period === 'PT24H'
      ? tr('permission.period.day')
      : hit.time_period === 'P7D'
        ? tr('permission.period.week')
        : (hit.time_period ?? tr('permission.period.this'));
  const max = hit.max_allowed ?? tr('permission.limit.onlyAFew');
  if (!hit.limit_expiration_time) return tr(what === 'calls' ? 'permission.limit.calls' : 'permission.limit.requests', { max, period });
  const until = new Date(hit.limit_expiration_time * 1000).toISOString();
  return tr(what === 'calls' ? 'permission.limit.callsUntil' : 'permission.limit.requestsUntil', { max, period, until });
}

export class CallPermissions {
  private readonly threads: ThreadStore;
  private readonly account: AccountService;
  private readonly streakOf: (threadId: number) => number;

  constructor(opts: { threads: ThreadStore; account: AccountService; unansweredInARow?: (threadId: number) => number }) {
    this.threads = opts.threads;
    this.account = opts.account;
    this.streakOf = opts.unansweredInARow ?? (() => 0);
  }

  private customer(threadId: number): { waId: string | null; userId: string | null; windowOpen: boolean } {
    const c = this.threads.contactOfThread(threadId);
    const w = this.threads.windowOf(threadId);
    if (!c || !w) throw new DomainError('not_found', tr('common.threadGone'));
    return { waId: c.waId, userId: c.userId, windowOpen: w.open };
  }

  private connected() {
    const graph = this.account.graph();
    const a = this.account.account();
    if (!graph || !a) throw new DomainError('not_connected', tr('common.notConnected'));
    return { graph, a };
  }

  async check(threadId: number): Promise<CallPermissionView> {
    const c = this.customer(threadId);
    return { ...(await this.checkCustomer(c)), unansweredInARow: this.streakOf(threadId) };
  }

  /** The dial pad: the permission of a number that may have no conversation yet (nothing is created). */
  async checkNumber(waId: string): Promise<CallPermissionView> {
    const threadId = this.threads.threadIdForNumber(waId);
    if (threadId !== null) return this.check(threadId);
    return { ...(await this.checkCustomer({ waId, userId: null, windowOpen: false })), unansweredInARow: 0 };
  }

  private async checkCustomer(c: { waId: string | null; userId: string | null; windowOpen: boolean }): Promise<CallPermissionView> {
    const { graph, a } = this.connected();
    let res: z.infer<typeof PermissionsResponse>;
    try {
      res = await whatsapp(graph, a.phoneNumberId).callPermissions.get(c, PermissionsResponse);
    } catch (err) {
      const e = asGraphError(err);
      throw new DomainError(`graph_${e.code}`, e.actionMessage);
    }
    const status = res.permission.status === 'temporary' ? 'temporary' : res.permission.status === 'permanent' ? 'permanent' : 'none';
    const action = (name: string) => res.actions?.find((x) => x.action_name === name);
    const start = action('start_call');
    const request = action('send_call_permission_request');
    const canCall = start?.can_perform_action ?? status !== 'none';
    const canRequest = (request?.can_perform_action ?? status === 'none') && status !== 'permanent';
    return {
      status,
      expiresAt: when(res.permission.expiration_time),
      canCall,
      callBlockedReason: canCall
        ? null
        : status === 'none'
          ? tr('permission.notGiven')
          : (limitReason(start?.limits, 'calls') ?? tr('permission.callNotAllowed')),
      canRequest,
      requestBlockedReason: canRequest
        ? null
        : status === 'permanent'
          ? tr('permission.alreadyPermanent')
          : (limitReason(request?.limits, 'requests') ?? tr('permission.askNotAllowed')),
      requestNeedsTemplate: !c.windowOpen,
    };
  }

  /**
   * Sends a "call us" button (interactive `voice_call`, inside the 24-hour window): display text
   * ≤ 20 characters, valid for `ttlMinutes` (1–43,200), with a payload that comes back as the
   * call's `cta_payload` when the customer taps it.
   */
  async sendCallButton(
    threadId: number,
    b: { body: string; displayText: string; ttlMinutes: number; payload: string | null },
  ): Promise<{ wamid: string }> {
    const { graph, a } = this.connected();
    const c = this.customer(threadId);
    if (!c.windowOpen) throw new DomainError('window_closed', tr('permission.callButtonWindowClosed'));
    try {
      const res = await whatsapp(graph, a.phoneNumberId).messages.sendCallButton(c, b, SendResponse);
      return { wamid: res.messages[0]!.id };
    } catch (err) {
      const e = asGraphError(err);
      throw new DomainError(`graph_${e.code}`, e.actionMessage);
    }
  }

  /** A wa.me call link for the business's number, optionally carrying a payload (`deeplink_payload`). */
  callLink(payload: string | null): string {
    const a = this.account.account();
    if (!a?.displayPhoneNumber) throw new DomainError('not_connected', tr('common.notConnected'));
    const digits = a.displayPhoneNumber.replace(/[^0-9]/g, '');
    return `https://wa.me/call/${digits}${payload ? `?biz_payload=${encodeURIComponent(payload)}` : ''}`;
  }

  /** Asks the customer for permission to call: interactive inside the window, a template outside it. */
  async request(threadId: number, template?: { name: string; language: string; parameters?: string[] }): Promise<{ wamid: string }> {
    const { graph, a } = this.connected();
    const c = this.customer(threadId);
    const messages = whatsapp(graph, a.phoneNumberId).messages;
    let send: () => Promise<z.infer<typeof SendResponse>>;
    if (c.windowOpen) {
      // Sent to the customer, in the owner's language (the shop's customers usually share it).
      const body = tr('permission.requestBody');
      send = () => messages.sendCallPermissionRequest(c, body, SendResponse);
    } else {
      if (!template) throw new DomainError('template_required', tr('permission.templateRequired'));
      const t = { name: template.name, language: template.language, parameters: template.parameters ?? [] };
      send = () => messages.sendTemplate(c, t, SendResponse);
    }
    try {
      const res = await send();
      return { wamid: res.messages[0]!.id };
    } catch (err) {
      const e = asGraphError(err);
      throw new DomainError(`graph_${e.code}`, e.actionMessage);
    }
  }
}
