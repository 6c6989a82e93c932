/**
 * Sending messages from a thread, within WhatsApp's rules:
 *  - free-form text only inside the 24-hour customer-service window (opened by the customer's
 *    messages and calls); outside it, only an approved template (error 131047 otherwise);
 *  - optimistic: the item appears at once as "sending", becomes "sent" with Meta's wamid, then moves
 *    forward with status webhooks; a failure keeps the text, shows Graph's reason in plain words and
 *    can be retried (a retry is a new send, never a repeat of a request that may have succeeded);
 *  - opening a thread marks it read on WhatsApp (`status: read` with the newest inbound wamid).
 */
import { recordingFileName } from '../recordings/recording-fetcher.ts';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ResultOf } from '../../common/bridge-contract.ts';
import type { AccountService } from '../account/account-service.ts';
import { asGraphError } from '../account/account-service.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr } from '../i18n/tr.ts';
import type { Logger } from '../core/log.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../core/private-files.ts';
import type { Database } from '../storage/database.ts';
import {
  MediaDownloadRefused,
  MediaHttpError,
  MediaTooLarge,
  whatsapp,
  whatsappBusinessAccount,
  whatsappMedia,
  type MediaInfo,
} from '../graph/whatsapp.ts';
import type { ThreadStore, TimelineItem } from './thread-store.ts';
import { ThreadStoreWrites } from './thread-store-writes.ts';
import { csvRow } from './csv.ts';

const SendResponse = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional(), input: z.string().optional() })).optional(),
});
const Templates = z.looseObject({
  data: z.array(
    z.looseObject({
      name: z.string(),
      language: z.string(),
      status: z.string().optional(),
      category: z.string().optional(),
      components: z
        .array(
          z.looseObject({
            type: z.string(),
            text: z.string().optional(),
            format: z.string().optional(),
            buttons: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
          }),
        )
        .optional(),
    }),
  ),
});

/** An approved template as the composer sees it (`body` with {{1}}… placeholders; `buttons` by type, e.g. ["VOICE_CALL"]). */
export type TemplateView = ResultOf<'listTemplates'>['templates'][number];

/** Largest media file Switchboard downloads and keeps (WhatsApp allows up to 100 MB; a desktop preview rarely needs more). */
export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export const MAX_TEXT_LENGTH = 4096;

/** The file name of a call's kept recording (in the data folder's recordings/), or ''. */
function recordingFileOf(i: TimelineItem): string {
  const audio = (i.data['recording'] as { audio?: { state?: string } | null } | undefined)?.audio;
  return i.kind === 'call' && audio?.state === 'ready' ? recordingFileName(i.id, 'audio') : '';
}

export class MessagingService {
  private readonly threads: ThreadStore;
  /** The store's writes for sends (only the store writes its tables). */
  private readonly writes: ThreadStoreWrites;
  private readonly account: AccountService;
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly onItem: (item: TimelineItem) => void;
  private readonly transcriptOf: (itemId: number) => string | null;

  constructor(opts: {
    db: Database;
    threads: ThreadStore;
    account: AccountService;
    log: Logger;
    clock?: () => Date;
    onItem?: (item: TimelineItem) => void;
    /** A call's transcript as text ("[Speaker] words" per line), for the thread's export; null when it has none. */
    transcriptOf?: (itemId: number) => string | null;
  }) {
    this.transcriptOf = opts.transcriptOf ?? (() => null);
    this.threads = opts.threads;
    this.writes = new ThreadStoreWrites(opts.db, opts.threads);
    this.account = opts.account;
    this.log = opts.log;
    this.clock = opts.clock ?? (() => new Date());
    this.onItem = opts.onItem ?? (() => {});
    this.recoverInterrupted();
  }

  /**
   * Messages still "sending" when the app starts were cut off by a crash, a kill or a power cut
   * between the request and Graph's answer. Nothing can tell whether
   * WhatsApp took them — the answer carrying their wamid never arrived — so they become failed with
   * that said plainly, and Retry stays the owner's choice instead of a silent duplicate.
   */
  private recoverInterrupted(): void {
    const rows = this.writes.interruptedSends();
    for (const id of rows) {
      this.markFailed(id, tr('message.interrupted'), 'interrupted');
    }
    if (rows.length > 0) this.log.warn('messaging.interrupted_sends', { count: rows.length });
  }

  /** Whether free-form messages can be sent to this thread now, and until when. */
  windowOf(threadId: number): { open: boolean; expiresAt: string | null } {
    const w = this.threads.windowOf(threadId);
    if (!w) throw new DomainError('not_found', tr('common.threadGone'));
    return w;
  }

  private recipientOf(threadId: number): { to: string | null; recipient: string | null } {
    const c = this.threads.contactOfThread(threadId);
    if (!c) throw new DomainError('not_found', tr('common.threadGone'));
    return { to: c.waId, recipient: c.userId };
  }

  /** Sends free-form text; resolves with the item as it stands after Graph answered. `extra` joins the item's data (e.g. `autoReply`). */
  async sendText(threadId: number, text: string, extra: Record<string, unknown> = {}): Promise<TimelineItem> {
    const body = text.trim();
    if (!body) throw new DomainError('invalid_params', tr('message.empty'));
    if (body.length > MAX_TEXT_LENGTH)
      throw new DomainError('invalid_params', tr('message.tooLong', { max: MAX_TEXT_LENGTH, length: body.length }));
    const graph = this.account.graph();
    const a = this.account.account();
    if (!graph || !a) throw new DomainError('not_connected', tr('common.notConnected'));
    if (!this.windowOf(threadId).open) {
      throw new DomainError('window_closed', tr('message.windowClosed'));
    }
    const { to, recipient } = this.recipientOf(threadId);
    const item = this.insertPending(threadId, 'text', body, { ...extra, text: { body } });
    this.onItem(item);
    try {
      const res = await whatsapp(graph, a.phoneNumberId).messages.sendText({ waId: to, userId: recipient }, body, SendResponse);
      return this.markSent(item.id, res.messages[0]!.id);
    } catch (err) {
      const e = asGraphError(err);
      this.log.warn('messaging.send_failed', { code: e.code });
      return this.markFailed(item.id, e.actionMessage, e.code);
    }
  }

  /** Sends the text of a failed item again, as a new message (the failed one is replaced). */
  async retry(itemId: number): Promise<TimelineItem> {
    const item = this.threads.item(itemId);
    if (!item || item.kind !== 'message' || item.direction !== 'out' || item.status !== 'failed' || !item.body) {
      throw new DomainError('invalid_params', tr('message.retryOnlyFailed'));
    }
    this.writes.deleteItem(itemId);
    return this.sendText(item.threadId, item.body);
  }

  private insertPending(threadId: number, type: string, body: string, data: Record<string, unknown>): TimelineItem {
    return this.writes.insertPending(threadId, type, body, data, this.clock().toISOString());
  }

  private markSent(itemId: number, wamid: string): TimelineItem {
    // The store applies a status or a reaction that beat Graph's answer (thread-store-writes.ts).
    const updated = this.writes.markSent(itemId, wamid, this.clock().toISOString());
    this.onItem(updated);
    return updated;
  }

  private markFailed(itemId: number, reason: string, code: number | string): TimelineItem {
    const updated = this.writes.markFailed(itemId, reason, code);
    this.onItem(updated);
    return updated;
  }

  /** The business's approved templates, for the composer outside the 24-hour window. */
  async templates(): Promise<TemplateView[]> {
    const graph = this.account.graph();
    const a = this.account.account();
    if (!graph || !a) throw new DomainError('not_connected', tr('common.notConnected'));
    try {
      const res = await whatsappBusinessAccount(graph, a.wabaId).messageTemplates(Templates);
      return res.data
        .filter((t) => (t.status ?? 'APPROVED') === 'APPROVED')
        .map((t) => {
          const body = t.components?.find((c) => c.type.toUpperCase() === 'BODY')?.text ?? '';
          const params = new Set([...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1]));
          const buttons = (t.components ?? []).flatMap((c) =>
            c.type.toUpperCase() === 'BUTTONS'
              ? (c.buttons ?? []).map((b) => b.type.toUpperCase())
              : c.type.toUpperCase() === 'CALL_PERMISSION_REQUEST'
                ? ['CALL_PERMISSION_REQUEST']
                : [],
          );
          return { name: t.name, language: t.language, category: t.category ?? null, body, parameterCount: params.size, buttons };
        });
    } catch (err) {
      const e = asGraphError(err);
      throw new DomainError(`graph_${e.code}`, e.userMessage);
    }
  }

  /** Sends an approved template (allowed outside the 24-hour window), with its body parameters. `extra` joins the item's data. */
  async sendTemplate(
    threadId: number,
    t: { name: string; language: string; parameters: string[] },
    extra: Record<string, unknown> = {},
  ): Promise<TimelineItem> {
    const graph = this.account.graph();
    const a = this.account.account();
    if (!graph || !a) throw new DomainError('not_connected', tr('common.notConnected'));
    const known = (await this.templates()).find((x) => x.name === t.name && x.language === t.language);
    if (!known) throw new DomainError('invalid_params', tr('template.unknown', { name: t.name, language: t.language }));
    if (t.parameters.length !== known.parameterCount || t.parameters.some((p) => !p.trim())) {
      throw new DomainError('invalid_params', tr('template.values', { name: t.name, n: known.parameterCount }));
    }
    const text = known.body.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => t.parameters[Number(n) - 1] ?? '');
    const { to, recipient } = this.recipientOf(threadId);
    const item = this.insertPending(threadId, 'template', text, {
      ...extra,
      template: { name: t.name, language: t.language, parameters: t.parameters },
    });
    this.onItem(item);
    try {
      const res = await whatsapp(graph, a.phoneNumberId).messages.sendTemplate({ waId: to, userId: recipient }, t, SendResponse);
      return this.markSent(item.id, res.messages[0]!.id);
    } catch (err) {
      const e = asGraphError(err);
      return this.markFailed(item.id, e.actionMessage, e.code);
    }
  }

  /**
   * Sends text with a call-permission request or a "call us" button under it (interactive, inside
   * the 24-hour window only), recorded in the thread like any message, the text as its body: a
   * permission request as `call_permission_request` (as the thread header's Ask to call records it,
   * so its limits and "asked at" count it), a button as `interactive`. The permission request's
   * rules (1 a day, 2 a week) are the caller's to check.
   */
  async sendInteractive(
    threadId: number,
    m: {
      kind: 'permission_request' | 'call_button';
      text: string;
      button?: { displayText: string; ttlMinutes: number; payload: string | null };
    },
    extra: Record<string, unknown> = {},
  ): Promise<TimelineItem> {
    const graph = this.account.graph();
    const a = this.account.account();
    if (!graph || !a) throw new DomainError('not_connected', tr('common.notConnected'));
    if (!this.windowOf(threadId).open) throw new DomainError('window_closed', tr('interactive.windowClosed'));
    const { to, recipient } = this.recipientOf(threadId);
    const who = { waId: to, userId: recipient };
    const messages = whatsapp(graph, a.phoneNumberId).messages;
    const button = m.button ?? { displayText: tr('interactive.callUs'), ttlMinutes: 10_080, payload: null };
    const interactive = m.kind === 'permission_request' ? { type: 'call_permission_request' } : { type: 'voice_call', ...button };
    const type = m.kind === 'permission_request' ? 'call_permission_request' : 'interactive';
    const item = this.insertPending(threadId, type, m.text, { ...extra, interactive });
    this.onItem(item);
    try {
      const res =
        m.kind === 'permission_request'
          ? await messages.sendCallPermissionRequest(who, m.text, SendResponse)
          : await messages.sendCallButton(who, { body: m.text, ...button }, SendResponse);
      return this.markSent(item.id, res.messages[0]!.id);
    } catch (err) {
      const e = asGraphError(err);
      this.log.warn('messaging.send_failed', { code: e.code, type });
      return this.markFailed(item.id, e.actionMessage, e.code);
    }
  }

  /**
   * Downloads an inbound message's media through Graph (`GET /{media-id}` → a short-lived URL →
   * the bytes, with the token) and keeps it in the data dir, so it is fetched once. Refuses files
   * over MAX_MEDIA_BYTES before downloading them.
   */
  async media(itemId: number, cacheDir: string): Promise<{ mimeType: string; base64: string; bytes: number }> {
    const item = this.threads.item(itemId);
    const msg = item?.data['message'] as Record<string, unknown> | undefined;
    const part = msg
      ? (msg[String(msg['type'])] as { id?: string; mime_type?: string } | undefined)
      : (item?.data['voicemail'] as { id?: string; mime_type?: string } | undefined);
    const mediaId = part?.id;
    if (!item || !mediaId || !/^[A-Za-z0-9_.-]{1,100}$/.test(mediaId)) throw new DomainError('not_found', tr('media.none'));
    const file = path.join(cacheDir, mediaId);
    try {
      const bytes = await readFile(file);
      const meta = JSON.parse(await readFile(`${file}.json`, 'utf8')) as { mimeType: string };
      return { mimeType: meta.mimeType, base64: bytes.toString('base64'), bytes: bytes.length };
    } catch {
      // not cached yet
    }
    const graph = this.account.graph();
    const token = this.account.accessToken();
    if (!graph || !token) throw new DomainError('not_connected', tr('common.notConnected'));
    let info: MediaInfo;
    try {
      info = await whatsappMedia(graph).info(mediaId);
    } catch (err) {
      const e = asGraphError(err);
      throw new DomainError(`graph_${e.code}`, e.code === 100 ? tr('media.expired') : e.userMessage);
    }
    if ((info.file_size ?? 0) > MAX_MEDIA_BYTES)
      throw new DomainError(
        'too_large',
        tr('media.tooLargeSize', { size: Math.round((info.file_size ?? 0) / 1048576), max: MAX_MEDIA_BYTES / 1048576 }),
      );
    let bytes: Buffer;
    try {
      bytes = await whatsappMedia(graph).bytes(info.url, token, MAX_MEDIA_BYTES);
    } catch (err) {
      if (err instanceof MediaDownloadRefused) throw new DomainError('download_refused', tr('media.refused', { reason: err.message }));
      if (err instanceof MediaHttpError) throw new DomainError('download_failed', tr('media.http', { status: err.status }));
      if (err instanceof MediaTooLarge) throw new DomainError('too_large', tr('media.tooLarge'));
      throw new DomainError('download_failed', tr('media.noAnswer'));
    }
    // The customers' photos and voice notes: this user's alone, whatever the umask.
    await mkdir(cacheDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await writeFile(file, bytes, { mode: PRIVATE_FILE_MODE });
    await writeFile(`${file}.json`, JSON.stringify({ mimeType: info.mime_type, sha256: info.sha256 ?? null }), { mode: PRIVATE_FILE_MODE });
    return { mimeType: info.mime_type, base64: bytes.toString('base64'), bytes: bytes.length };
  }

  /** The whole thread, oldest first, as JSON or CSV (for record keeping). */
  exportThread(threadId: number, format: 'json' | 'csv'): { filename: string; mimeType: string; content: string } {
    const contact = this.threads.contactOfThread(threadId);
    if (!contact) throw new DomainError('not_found', tr('common.threadGone'));
    const items: TimelineItem[] = [];
    let before: { at: string; id: number } | null = null;
    for (;;) {
      const page = this.threads.timeline(threadId, { limit: 500, before });
      items.push(...page);
      if (page.length < 500) break;
      const last = page.at(-1)!;
      before = { at: last.at, id: last.id };
    }
    items.reverse();
    const name = `switchboard-${contact.waId ?? contact.userId ?? threadId}`;
    const rows = items.map((i) => ({
      at: i.at,
      kind: i.kind,
      direction: i.direction ?? '',
      type: i.type,
      status: i.status ?? '',
      // A call's words, when WhatsApp transcribed it; its recording is named (the audio stays in the data folder).
      text: i.body ?? (i.kind === 'call' ? (this.transcriptOf(i.id) ?? '') : ''),
      duration_seconds: typeof i.data['durationSeconds'] === 'number' ? String(i.data['durationSeconds']) : '',
      whatsapp_id: i.metaId ?? '',
      recording: recordingFileOf(i),
    }));
    if (format === 'json')
      return {
        filename: `${name}.json`,
        mimeType: 'application/json',
        content: JSON.stringify({ customer: contact, exportedAt: this.clock().toISOString(), items: rows }, null, 2),
      };
    const header = Object.keys(
      rows[0] ?? { at: '', kind: '', direction: '', type: '', status: '', text: '', duration_seconds: '', whatsapp_id: '', recording: '' },
    );
    return {
      filename: `${name}.csv`,
      mimeType: 'text/csv',
      content:
        [csvRow(header), ...rows.map((r) => csvRow(header.map((h) => (r as Record<string, string>)[h] ?? '')))].join('\r\n') + '\r\n',
    };
  }

  /** Marks the thread read here and on WhatsApp (best effort: a failure is logged, not shown). */
  async markRead(threadId: number): Promise<void> {
    const wamid = this.threads.markRead(threadId);
    const graph = this.account.graph();
    const a = this.account.account();
    if (!wamid || !graph || !a) return;
    try {
      await whatsapp(graph, a.phoneNumberId).messages.markRead(wamid);
    } catch (err) {
      this.log.warn('messaging.mark_read_failed', { code: asGraphError(err).code });
    }
  }
}
