/**
 * What WhatsApp itself says is wrong with the number, gathered where it can be read.
 *
 * Meta sends quality warnings, call-button hiding for a low pickup rate and calling restrictions
 * as `account_update` webhooks — to the app-level callback only: a per-number override (which is
 * how Switchboard receives its number's events) never carries them. So they are read instead:
 *  - `GET /{phone-number-id}/settings` → `calling.restrictions.restrictions_list` (with expiry);
 *  - `GET /{phone-number-id}?fields=health_status` → an entity LIMITED or BLOCKED, with Meta's
 *    `additional_info` or error items;
 * on start, every `intervalMs` (15 minutes) and shortly after a call fails. And a `calls` or
 * `messages` webhook that carries only `value.errors` (e.g. 131044, no payment method) becomes a
 * warning of its own, kept for a day. An `account_update` that does arrive (an app-level callback
 * pointed here) triggers a re-read.
 */
import type { AppStatus } from '../../common/bridge-contract.ts';
import type { Logger } from '../core/log.ts';
import { GRAPH_ERRORS } from '../graph/graph-errors.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { whatsapp } from '../graph/whatsapp.ts';
import { isMessageKey, tr, type MessageKey } from '../i18n/tr.ts';
import type { DomainEvent } from '../webhooks/envelope.ts';
import type { CallingSettingsService } from './calling-settings-service.ts';
import { HealthStatus } from './health-status.ts';

/** A warning as AppStatus carries it: `key` is stable per warning (type of restriction, entity, error code), `until` when it ends if WhatsApp says, `at` when Switchboard learnt of it. */
export type PlatformWarning = NonNullable<AppStatus['warnings']>[number];

/**
 * A warning as it is kept: its text is made when it is listed, so it follows the owner's language
 * (`relabel()` after a change of language tells the listeners).
 */
type HeldWarning = Omit<PlatformWarning, 'text'> & { text: () => string };

function restrictionText(type: string): string {
  const key = `warning.restriction.${type}`;
  return isMessageKey(key) ? tr(key) : tr('warning.restriction.other', { type });
}

/** A word Graph sends (an entity type, a state) in the owner's language; as Graph sent it, in lower case, when the catalog lacks it. */
function word(prefix: string, value: string): string {
  const key = `${prefix}.${value.toLowerCase()}`;
  return isMessageKey(key) ? tr(key as MessageKey) : value.toLowerCase().replace('_', ' ');
}
/** SIP-only health errors: irrelevant to a number Switchboard answers itself. */
const IGNORED_HEALTH_CODES = new Set([138024, 138025]);
const WEBHOOK_ERROR_TTL_MS = 24 * 3600_000;

export interface PlatformWarningsOptions {
  graph: () => GraphClient | null;
  phoneNumberId: () => string | null;
  callingSettings: CallingSettingsService;
  log: Logger;
  clock?: () => Date;
  intervalMs?: number;
  /** Wait after a failed call before re-reading (default 5 s). */
  afterFailureMs?: number;
}

export class PlatformWarnings {
  private readonly o: PlatformWarningsOptions;
  private readonly clock: () => Date;
  private read: HeldWarning[] = [];
  private fromWebhooks = new Map<string, HeldWarning>();
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly listeners = new Set<(w: PlatformWarning[]) => void>();
  private last = '[]';

  constructor(opts: PlatformWarningsOptions) {
    this.o = opts;
    this.clock = opts.clock ?? (() => new Date());
  }

  onChange(listener: (w: PlatformWarning[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): PlatformWarning[] {
    const now = this.clock().getTime();
    for (const [k, w] of this.fromWebhooks) if (now - Date.parse(w.at) > WEBHOOK_ERROR_TTL_MS) this.fromWebhooks.delete(k);
    return [...this.read, ...this.fromWebhooks.values()]
      .filter((w) => !w.until || Date.parse(w.until) > now)
      .map((w) => ({ ...w, text: w.text() }));
  }

  /** The language changed: the listeners get the warnings in the new one. */
  relabel(): void {
    this.changed();
  }

  start(): void {
    this.stop();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.o.intervalMs ?? 15 * 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = null;
    this.soon = null;
  }

  /** A call failed: WhatsApp may have restricted the number; look again shortly. */
  callFailed(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.refresh();
    }, this.o.afterFailureMs ?? 5_000);
    this.soon.unref();
  }

  onDomainEvent(e: DomainEvent): void {
    if (e.kind === 'account.update') {
      this.callFailed();
      return;
    }
    if (e.kind !== 'webhook.error') return;
    for (const err of e.errors) {
      const code = err.code ?? 0;
      // The error table's plain words when it knows the code; Meta's own otherwise.
      const info = GRAPH_ERRORS[code];
      const said = [err.title ?? err.message, err.details].filter(Boolean).join(' — ');
      const text = (): string => {
        if (info) return `${info.message}${info.fix ? ` ${info.fix}` : ''}`;
        const details = said || tr('warning.noDetails');
        return code ? tr('warning.webhookErrorCode', { code, details }) : tr('warning.webhookError', { details });
      };
      const key = `webhook:${code}`;
      this.fromWebhooks.set(key, {
        kind: 'webhook_error',
        key,
        text,
        until: null,
        at: e.occurredAt ?? e.receivedAt ?? this.clock().toISOString(),
      });
    }
    this.changed();
  }

  /** Reads restrictions and health now (concurrent calls share one read). */
  refresh(): Promise<void> {
    this.running ??= this.doRefresh().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async doRefresh(): Promise<void> {
    const graph = this.o.graph();
    const pnid = this.o.phoneNumberId();
    if (!graph || !pnid) {
      this.read = [];
      this.changed();
      return;
    }
    const at = this.clock().toISOString();
    const next: HeldWarning[] = [];
    let readSomething = false;
    try {
      const view = await this.o.callingSettings.get();
      readSomething = true;
      if (view.transport.sip === 'ENABLED') {
        next.push({
          kind: 'setup',
          key: 'setup:sip',
          text: () => tr('warning.sip'),
          until: null,
          at,
        });
      }
      if (view.transport.srtp === 'SDES') {
        next.push({
          kind: 'setup',
          key: 'setup:sdes',
          text: () => tr('warning.sdes'),
          until: null,
          at,
        });
      }
      for (const r of view.restrictions) {
        next.push({
          kind: 'restriction',
          key: `restriction:${r.type}`,
          text: () =>
            r.reason ? tr('warning.whatsappSays', { text: restrictionText(r.type), reason: r.reason }) : restrictionText(r.type),
          until: r.expiration ? new Date(r.expiration * 1000).toISOString() : null,
          at,
        });
      }
    } catch (err) {
      this.o.log.info('warnings.settings_unreadable', { error: (err as Error).message });
    }
    try {
      const h = await whatsapp(graph, pnid).phoneNumber.health(HealthStatus);
      readSomething = true;
      for (const en of h.health_status.entities ?? []) {
        const state = en.can_send_message ?? 'AVAILABLE';
        const errors = (en.errors ?? []).filter((x) => !IGNORED_HEALTH_CODES.has(x.error_code ?? 0));
        if (state === 'AVAILABLE' && errors.length === 0) continue;
        if (state === 'AVAILABLE' && errors.every((x) => IGNORED_HEALTH_CODES.has(x.error_code ?? 0))) continue;
        const why = [
          ...(en.additional_info ?? []),
          ...errors.map((x) => [x.error_description, x.possible_solution].filter(Boolean).join(' ')),
        ].filter(Boolean);
        next.push({
          kind: 'health',
          key: `health:${en.entity_type}`,
          text: () => {
            const named = { entity: word('health.entity', en.entity_type), state: word('health.state', state) };
            return why.length ? tr('warning.healthWhy', { ...named, why: why.join(' ') }) : tr('warning.health', named);
          },
          until: null,
          at,
        });
      }
    } catch (err) {
      this.o.log.info('warnings.health_unreadable', { error: (err as Error).message });
    }
    if (!readSomething) return; // keep what we knew: a failed read is no news
    // Keep when each warning was first seen.
    const seen = new Map(this.read.map((w) => [w.key, w.at]));
    this.read = next.map((w) => ({ ...w, at: seen.get(w.key) ?? w.at }));
    this.changed();
  }

  private changed(): void {
    const list = this.list();
    const key = JSON.stringify(list.map((w) => [w.key, w.text, w.until]));
    if (key === this.last) return;
    this.last = key;
    for (const l of [...this.listeners]) l(list);
  }
}
