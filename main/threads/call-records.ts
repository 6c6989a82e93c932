/**
 * Reads over the thread store's call items for the pickup-rate guard (issue 17). Part of the
 * store (only its modules read and write its tables); nothing here writes.
 *
 *  - `pickup(sinceIso)`: customers' calls since then that have ended, and how many were picked up
 *    (completed, or failed after the call had lasted: the owner took it and the audio dropped).
 *  - `unpicked(sinceIso, limit)`: the customers' calls that were not picked up, newest first.
 *  - `unansweredInARow(threadId)`: the business calls to this customer that went unanswered in a
 *    row, newest first, as WhatsApp counts them toward its nudge (2) and revocation (4): no answer,
 *    rejected, or hung up by the owner while it rang (counted too, to warn early rather than late).
 *    A connected call either way, or a permission reply (granted, declined, revoked), ends the run.
 *  - `streaks(sinceIso, min)`: every customer with such a run of at least `min`.
 */
import type { Database } from '../storage/database.ts';
import type { Contact } from './thread-types.ts';

/** The outcomes of a business call that count as unanswered. */
const UNANSWERED_OUT = new Set(['no_answer', 'declined', 'cancelled']);
/** Final outcomes of a customer's call (still ringing or live ones are not counted yet). */
const FINAL_IN = ['completed', 'missed', 'declined', 'failed', 'no_answer', 'cancelled'];

export interface UnpickedCall {
  itemId: number;
  threadId: number;
  contact: Contact;
  at: string;
  status: string;
}

const CONTACT_COLUMNS = 'c.id AS cid, c.wa_id, c.user_id, c.profile_name, c.username, c.owner_name, c.country';

function contactOf(r: Record<string, unknown>): Contact {
  return {
    id: Number(r['cid']),
    waId: (r['wa_id'] as string | null) ?? null,
    userId: (r['user_id'] as string | null) ?? null,
    profileName: (r['profile_name'] as string | null) ?? null,
    username: (r['username'] as string | null) ?? null,
    ownerName: (r['owner_name'] as string | null) ?? null,
    country: (r['country'] as string | null) ?? null,
  };
}

/** Whether a customer's call was picked up (a failed one counts when it had lasted: the audio dropped after answering). */
function pickedUp(status: string, data: string): boolean {
  if (status === 'completed') return true;
  if (status !== 'failed') return false;
  const d = JSON.parse(data) as { durationSeconds?: unknown; answeredAt?: unknown };
  return (typeof d.durationSeconds === 'number' && d.durationSeconds > 0) || typeof d.answeredAt === 'string';
}

export class CallRecords {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  pickup(sinceIso: string): { answered: number; total: number } {
    const rows = this.db
      .prepare(
        `SELECT status, data FROM items WHERE kind = 'call' AND direction = 'in' AND at >= ? AND status IN (${FINAL_IN.map(() => '?').join(', ')})`,
      )
      .all(sinceIso, ...FINAL_IN) as Array<{ status: string; data: string }>;
    return { answered: rows.filter((r) => pickedUp(r.status, r.data)).length, total: rows.length };
  }

  unpicked(sinceIso: string, limit = 20): UnpickedCall[] {
    const rows = this.db
      .prepare(
        `SELECT i.id, i.thread_id, i.at, i.status, i.data, ${CONTACT_COLUMNS}
         FROM items i JOIN threads t ON t.id = i.thread_id JOIN contacts c ON c.id = t.contact_id
         WHERE i.kind = 'call' AND i.direction = 'in' AND i.at >= ? AND i.status IN (${FINAL_IN.map(() => '?').join(', ')})
         ORDER BY i.at DESC, i.id DESC LIMIT ?`,
      )
      .all(sinceIso, ...FINAL_IN, limit * 4) as Array<Record<string, unknown>>;
    return rows
      .filter((r) => !pickedUp(String(r['status']), String(r['data'])))
      .slice(0, limit)
      .map((r) => ({
        itemId: Number(r['id']),
        threadId: Number(r['thread_id']),
        contact: contactOf(r),
        at: String(r['at']),
        status: String(r['status']),
      }));
  }

  unansweredInARow(threadId: number): number {
    const rows = this.db
      .prepare(
        `SELECT kind, direction, type, status, data FROM items
         WHERE thread_id = ? AND (kind = 'call' OR (kind = 'system' AND type LIKE 'permission_%'))
         ORDER BY at DESC, id DESC LIMIT 50`,
      )
      .all(threadId) as Array<{ kind: string; direction: string | null; type: string; status: string | null; data: string }>;
    let n = 0;
    for (const r of rows) {
      if (r.kind === 'system') break; // a permission reply (granted, declined or revoked) starts WhatsApp's count afresh
      const status = r.status ?? '';
      if (status === 'answered' || pickedUp(status, r.data)) break;
      if (r.direction === 'out' && UNANSWERED_OUT.has(status)) n++;
    }
    return n;
  }

  streaks(sinceIso: string, min: number): Array<{ threadId: number; contact: Contact; count: number }> {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT t.id AS thread_id, ${CONTACT_COLUMNS}
         FROM items i JOIN threads t ON t.id = i.thread_id JOIN contacts c ON c.id = t.contact_id
         WHERE i.kind = 'call' AND i.direction = 'out' AND i.at >= ? LIMIT 500`,
      )
      .all(sinceIso) as Array<Record<string, unknown>>;
    return rows
      .map((r) => ({ threadId: Number(r['thread_id']), contact: contactOf(r), count: this.unansweredInARow(Number(r['thread_id'])) }))
      .filter((s) => s.count >= min)
      .sort((a, b) => b.count - a.count || a.threadId - b.threadId);
  }
}
