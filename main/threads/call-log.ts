/**
 * The call log: every call with every customer, newest first — the call items of all threads,
 * read with keyset pages on (at, id) through the call indexes of migration 4, so a page costs the
 * same at the first call and the 100,000th. Filters: missed (the customers' calls nobody took:
 * missed, or declined here), incoming, outgoing, failed, recorded (WhatsApp was asked to record or
 * transcribe it, or sent a file: the call item has `data.recording`; migration 6's index).
 *
 * Also the CSV export of a filtered log, with the thread export's protections (csv.ts: formula
 * guard, quoting).
 */
import type { StatementSync } from 'node:sqlite';
import type { CallLogEntry, CallLogFilter } from '../../common/bridge-contract.ts';
import { formatCallDuration } from '../../common/rules/duration.ts';
import { customerName } from '../../common/rules/customer.ts';
import type { Database } from '../storage/database.ts';
import { csvRow } from './csv.ts';
import type { Cursor } from './thread-types.ts';

export type { CallLogEntry, CallLogFilter };

/** The WHERE terms of each filter; each is served by one of migration 4's indexes (kind leads every key). */
const FILTERS: Record<CallLogFilter, string> = {
  all: "i.kind = 'call'",
  missed: "i.kind = 'call' AND i.direction = 'in' AND i.status IN ('missed', 'declined')",
  incoming: "i.kind = 'call' AND i.direction = 'in'",
  outgoing: "i.kind = 'call' AND i.direction = 'out'",
  failed: "i.kind = 'call' AND i.status = 'failed'",
  recorded: "i.kind = 'call' AND json_extract(i.data, '$.recording') IS NOT NULL",
};

/**
 * The index each filter reads in (at, id) order. Named so the planner cannot prefer
 * `UNIQUE(kind, meta_id)` and sort every call instead (it did, after ANALYZE, for the whole log).
 * The missed and recorded filters have partial indexes of their own: their terms must stay exactly
 * those of `items_call_log_missed` / `items_call_log_recorded` (SQLite matches a partial index's
 * WHERE term by term).
 */
const INDEX: Record<CallLogFilter, string> = {
  all: 'items_call_log',
  missed: 'items_call_log_missed',
  incoming: 'items_call_log_direction',
  outgoing: 'items_call_log_direction',
  failed: 'items_call_log_status',
  recorded: 'items_call_log_recorded',
};

/**
 * One page's query: `limit` calls of the filter, older than the cursor when there is one (params
 * `at, id, limit`; else `limit`). `indexed: false` leaves the index to the planner, as on the
 * schema before migration 4 — the benchmark's baseline (test/bench/call-log.bench.ts).
 */
export function callLogSql(filter: CallLogFilter, withCursor: boolean, indexed = true): string {
  const where = FILTERS[filter] + (withCursor ? ' AND (i.at, i.id) < (?, ?)' : '');
  return `SELECT i.id, i.thread_id, i.meta_id, i.direction, i.at, i.status, i.data,
                 c.id AS cid, c.wa_id, c.user_id, c.profile_name, c.username, c.owner_name, c.country
          FROM items AS i${indexed ? ` INDEXED BY ${INDEX[filter]}` : ''} JOIN threads t ON t.id = i.thread_id JOIN contacts c ON c.id = t.contact_id
          WHERE ${where} ORDER BY i.at DESC, i.id DESC LIMIT ?`;
}

export interface CallLogRow {
  id: number;
  thread_id: number;
  meta_id: string | null;
  direction: 'in' | 'out' | null;
  at: string;
  status: string | null;
  data: string;
  cid: number;
  wa_id: string | null;
  user_id: string | null;
  profile_name: string | null;
  username: string | null;
  owner_name: string | null;
  country: string | null;
}

type CallData = {
  durationSeconds?: unknown;
  ctaPayload?: unknown;
  deeplinkPayload?: unknown;
  reason?: unknown;
  error?: { plain?: unknown; message?: unknown; title?: unknown; error_data?: { details?: unknown } } | null;
  voicemail?: unknown;
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** What the call card says went wrong: the controller's words, else WhatsApp's error. */
function reasonOf(d: CallData): string | null {
  const e = d.error ?? null;
  return text(d.reason) ?? text(e?.plain) ?? text(e?.error_data?.details) ?? text(e?.message) ?? text(e?.title);
}

/** A row of `callLogSql` as the bridge carries it. */
export function toCallLogEntry(r: CallLogRow): CallLogEntry {
  const d = JSON.parse(r.data) as CallData;
  const direction = r.direction === 'out' ? 'out' : 'in';
  const cta = text(d.ctaPayload);
  const link = text(d.deeplinkPayload);
  return {
    itemId: Number(r.id),
    threadId: Number(r.thread_id),
    callId: r.meta_id,
    contact: {
      id: Number(r.cid),
      waId: r.wa_id,
      userId: r.user_id,
      profileName: r.profile_name,
      username: r.username,
      ownerName: r.owner_name,
      country: r.country,
    },
    at: r.at,
    direction,
    status: r.status ?? 'ringing',
    durationSeconds: typeof d.durationSeconds === 'number' ? d.durationSeconds : null,
    reason: reasonOf(d),
    origin: direction === 'out' ? 'business' : cta !== null ? 'call_button' : link !== null ? 'call_link' : 'whatsapp',
    payload: direction === 'out' ? null : (cta ?? link),
    voicemail: Boolean(d.voicemail),
  };
}

export class CallLog {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** The ten page queries (five filters, with and without a cursor), each compiled once. */
  private readonly statements = new Map<string, StatementSync>();

  /** Calls older than `before` (newest first), `limit` of them. */
  page(opts: { filter?: CallLogFilter; before?: Cursor | null; limit?: number } = {}): CallLogEntry[] {
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
    const sql = callLogSql(opts.filter ?? 'all', Boolean(opts.before));
    const args = opts.before ? [opts.before.at, opts.before.id, limit] : [limit];
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return (st.all(...args) as unknown as CallLogRow[]).map(toCallLogEntry);
  }

  /** The whole (filtered) log as CSV, newest first. */
  exportCsv(filter: CallLogFilter, now: Date): { filename: string; mimeType: string; content: string } {
    const header = [
      'at',
      'customer',
      'number',
      'direction',
      'outcome',
      'duration_seconds',
      'duration',
      'reason',
      'called_from',
      'payload',
      'voicemail',
      'whatsapp_call_id',
    ];
    const lines = [csvRow(header)];
    let before: Cursor | null = null;
    for (;;) {
      const page = this.page({ filter, before, limit: 500 });
      for (const c of page) {
        lines.push(
          csvRow([
            c.at,
            customerName(c.contact) ?? (c.contact.username ? `@${c.contact.username}` : ''),
            // Digits, as WhatsApp writes them (a leading + would be read as a formula and get a ').
            c.contact.waId ?? c.contact.userId ?? '',
            c.direction === 'out' ? 'outgoing' : 'incoming',
            c.status,
            c.durationSeconds === null ? '' : String(c.durationSeconds),
            c.durationSeconds === null ? '' : formatCallDuration(c.durationSeconds),
            c.reason ?? '',
            c.origin,
            c.payload ?? '',
            c.voicemail ? 'yes' : '',
            c.callId ?? '',
          ]),
        );
      }
      if (page.length < 500) break;
      const last = page.at(-1)!;
      before = { at: last.at, id: last.itemId };
    }
    const day = now.toISOString().slice(0, 10);
    return {
      filename: `switchboard-calls-${filter === 'all' ? '' : `${filter}-`}${day}.csv`,
      mimeType: 'text/csv',
      content: lines.join('\r\n') + '\r\n',
    };
  }
}
