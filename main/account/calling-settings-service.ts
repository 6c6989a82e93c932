/**
 * Reads and writes the connected number's calling settings (`GET|POST /{phone-number-id}/settings`).
 *
 *   get()            GET, normalised by common/calling-settings.ts
 *   update(changes)  validate with the shared rules → POST only what was given → GET again
 *
 * Invalid input never reaches Graph: it is refused as `invalid_settings` with field-level errors in
 * `details.fieldErrors`. Graph's refusals come back as `graph_<code>` with the plain message, and
 * `details.field` when Graph's text names the offending field.
 */
import type { CallingSettingsView } from '../../common/bridge-contract.ts';
import {
  GraphSettingsResponse,
  parseSettingsResponse,
  toGraphCalling,
  validateCallingChanges,
  type CallingChanges,
} from '../../common/calling-settings.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr } from '../i18n/tr.ts';
import type { Logger } from '../core/log.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { whatsapp } from '../graph/whatsapp.ts';
import { asGraphError } from './account-service.ts';

export interface CallingSettingsServiceOptions {
  /** A Graph client for the connected account, or null when none is connected. */
  graph: () => GraphClient | null;
  /** The connected phone number id, or null. */
  phoneNumberId: () => string | null;
  log: Logger;
  clock?: () => Date;
}

export class CallingSettingsService {
  private readonly opts: CallingSettingsServiceOptions;
  private readonly clock: () => Date;
  /** The settings last read or written (null before the first read). */
  private last: CallingSettingsView['calling'] | null = null;

  /**
   * When WhatsApp's voicemail takes an unanswered call: `timeout_seconds` with the TIMEOUT trigger
   * on (ms); null when voicemail does not answer unanswered calls (as far as the last read knows).
   */
  voicemailTimeoutMs(): number | null {
    const vm = this.last?.voicemail;
    if (!vm || vm.status !== 'ENABLED' || !vm.triggers.includes('TIMEOUT')) return null;
    const t = vm.audio?.default.timeout_seconds;
    return t === undefined ? null : t * 1000;
  }

  /**
   * Uploads the voicemail announcement (Ogg/Opus, under 60 s — the renderer makes it) with
   * `use_case=call_voicemail_announcement`; answers the media id to put in
   * `voicemail.audio.default.announcement_media_id`.
   */
  async uploadAnnouncement(bytes: Buffer, mimeType: string): Promise<{ mediaId: string }> {
    const { graph, pnid } = this.connected();
    if (!/^audio\/ogg\b/.test(mimeType) || bytes.subarray(0, 4).toString('latin1') !== 'OggS') {
      throw new DomainError('invalid_audio', tr('settings.announcementNotOgg'));
    }
    if (bytes.length > 5 * 1024 * 1024) throw new DomainError('invalid_audio', tr('settings.announcementTooLarge'));
    try {
      const r = await whatsapp(graph, pnid).media.upload({
        bytes,
        type: 'audio/ogg',
        filename: 'voicemail-announcement.ogg',
        useCase: 'call_voicemail_announcement',
      });
      this.opts.log.info('calling_settings.announcement_uploaded', { bytes: bytes.length });
      return { mediaId: r.id };
    } catch (err) {
      throw toBridgeError(err, {});
    }
  }

  /** A settings change made elsewhere arrived by webhook: remember it. */
  remember(calling: CallingSettingsView['calling']): void {
    this.last = calling;
  }

  constructor(opts: CallingSettingsServiceOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? (() => new Date());
  }

  private connected(): { graph: GraphClient; pnid: string } {
    const graph = this.opts.graph();
    const pnid = this.opts.phoneNumberId();
    if (!graph || !pnid) throw new DomainError('not_connected', tr('common.notConnectedFirst'));
    return { graph, pnid };
  }

  async get(): Promise<CallingSettingsView> {
    const { graph, pnid } = this.connected();
    try {
      const json = await whatsapp(graph, pnid).settings.get(GraphSettingsResponse);
      const parsed = parseSettingsResponse(json);
      this.last = parsed.calling;
      return { ...parsed, fetchedAt: this.clock().toISOString() };
    } catch (err) {
      throw toBridgeError(err, {});
    }
  }

  async update(changes: CallingChanges): Promise<CallingSettingsView> {
    const { graph, pnid } = this.connected();
    const fieldErrors = validateCallingChanges(changes, this.clock());
    if (fieldErrors.length > 0) {
      this.opts.log.info('calling_settings.refused', { fields: fieldErrors.map((e) => e.path).slice(0, 10) });
      throw new DomainError('invalid_settings', fieldErrors[0]!.message, { fieldErrors });
    }
    if (Object.keys(changes).length > 0) {
      try {
        await whatsapp(graph, pnid).settings.updateCalling(toGraphCalling(changes));
      } catch (err) {
        throw toBridgeError(err, changes);
      }
      this.opts.log.info('calling_settings.saved', { keys: Object.keys(changes) });
    }
    return this.get();
  }
}

/** Which field Graph's text names, as a path in the `calling` object (null when it names none). */
export function fieldFromGraphDetails(details: string | null, changes: CallingChanges): string | null {
  if (!details) return null;
  const param = /\bcalling\.([A-Za-z_][\w.[\]]*[\w\]])/.exec(details);
  if (param) return param[1]!;
  if (/timezone/i.test(details)) return 'call_hours.timezone_id';
  const date = /(\d{4}-\d{2}-\d{2})/.exec(details);
  if (date && /holiday/i.test(details)) {
    const i = changes.call_hours?.holiday_schedule.findIndex((h) => h.date === date[1]) ?? -1;
    return i >= 0 ? `call_hours.holiday_schedule[${i}].date` : 'call_hours.holiday_schedule';
  }
  if (/weekly_operating_hours|operating.hour/i.test(details)) return 'call_hours.weekly_operating_hours';
  if (/voicemail/i.test(details)) return 'voicemail';
  return null;
}

function toBridgeError(err: unknown, changes: CallingChanges): DomainError {
  if (err instanceof DomainError) return err;
  const e = asGraphError(err);
  const field = fieldFromGraphDetails(e.details, changes);
  const details = e.details || field ? { field, message: e.details } : undefined;
  return new DomainError(`graph_${e.code}`, e.userMessage, details);
}
