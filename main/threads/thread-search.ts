/**
 * Full-text search (FTS5) for the thread store: what of a message is searchable, how a contact is
 * indexed, and turning what a person typed into a safe query. The store calls these inside its
 * own writes and reads; the tables (items_fts, contacts_fts) are in migration 2.
 */
import type { ResultOf } from '../../common/bridge-contract.ts';
import type { Database } from '../storage/database.ts';

/** A search hit as the bridge carries it; `snippet` has the matches wrapped in \u0001…\u0002 (the UI turns them into <mark>). */
export type SearchHit = ResultOf<'search'>['hits'][number];

/** The searchable text of an inbound message, by type. */
export function messageText(raw: Record<string, unknown>): string | null {
  const type = String(raw['type'] ?? '');
  const part = (raw[type] ?? {}) as Record<string, unknown>;
  const s = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
  switch (type) {
    case 'text':
      return s(part['body']);
    case 'image':
    case 'video':
    case 'document':
      return [s(part['caption']), s(part['filename'])].filter(Boolean).join(' — ') || null;
    case 'location':
      return [s(part['name']), s(part['address'])].filter(Boolean).join(', ') || null;
    case 'contacts': {
      const list = Array.isArray(raw['contacts']) ? (raw['contacts'] as Array<{ name?: { formatted_name?: string } }>) : [];
      return (
        list
          .map((c) => c.name?.formatted_name)
          .filter(Boolean)
          .join(', ') || null
      );
    }
    case 'interactive': {
      const i = part as { button_reply?: { title?: string }; list_reply?: { title?: string; description?: string } };
      return s(i.button_reply?.title) ?? s(i.list_reply?.title);
    }
    case 'button':
      return s(part['text']);
    default:
      return null;
  }
}

/** (Re-)indexes a contact's names and numbers for search. */
export function indexContact(db: Database, id: number): void {
  const c = db.prepare('SELECT wa_id, user_id, profile_name, username, owner_name FROM contacts WHERE id = ?').get(id) as Record<
    string,
    string | null
  >;
  const name = [c['owner_name'], c['profile_name'], c['username'], c['wa_id'], c['user_id']].filter(Boolean).join(' ');
  db.prepare('DELETE FROM contacts_fts WHERE rowid = ?').run(id);
  db.prepare('INSERT INTO contacts_fts (rowid, name) VALUES (?, ?)').run(id, name);
}

/**
 * Full-text search over message text and call transcripts (FTS5), newest first. The newest
 * matches are taken in rowid order straight from each FTS index (rowids grow with arrival), so a
 * common word does not mean sorting every match: the cost is the rows returned, not the thousands
 * that match. A transcript hit names its call item and the line (`line`); the two lists are merged
 * by time.
 */
export function searchItems(db: Database, query: string, limit = 50): SearchHit[] {
  const match = toFtsQuery(query);
  if (!match) return [];
  const n = Math.min(limit, 200);
  const messages = (
    db
      .prepare(
        `SELECT i.id, i.thread_id, i.at, snippet(items_fts, 0, char(1), char(2), '…', 12) AS snip
         FROM items_fts JOIN items i ON i.id = items_fts.rowid
         WHERE items_fts MATCH ? ORDER BY items_fts.rowid DESC LIMIT ?`,
      )
      .all(match, n) as Array<{ id: number; thread_id: number; at: string; snip: string }>
  ).map((r) => ({ itemId: Number(r.id), threadId: Number(r.thread_id), at: r.at, snippet: r.snip, line: null }));
  const spoken = (
    db
      .prepare(
        `SELECT i.id, i.thread_id, i.at, l.idx, snippet(transcript_fts, 0, char(1), char(2), '…', 12) AS snip
         FROM transcript_fts JOIN transcript_lines l ON l.id = transcript_fts.rowid JOIN items i ON i.id = l.item_id
         WHERE transcript_fts MATCH ? ORDER BY transcript_fts.rowid DESC LIMIT ?`,
      )
      .all(match, n) as Array<{ id: number; thread_id: number; at: string; idx: number; snip: string }>
  ).map((r) => ({ itemId: Number(r.id), threadId: Number(r.thread_id), at: r.at, snippet: r.snip, line: Number(r.idx) }));
  if (spoken.length === 0) return messages;
  return [...messages, ...spoken].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.itemId - a.itemId)).slice(0, n);
}

/** Contacts whose name, username or number matches. */
export function searchContacts(db: Database, query: string, limit = 20): number[] {
  const match = toFtsQuery(query);
  if (!match) return [];
  return (
    db.prepare('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT ?').all(match, limit) as Array<{ rowid: number }>
  ).map((r) => Number(r.rowid));
}

/**
 * Turns what a person typed into a safe FTS5 query: each word becomes a quoted prefix term, so
 * punctuation and FTS operators in the input can never form a syntax error or an injection.
 */
export function toFtsQuery(input: string): string | null {
  const words = input
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '')}"*`).join(' ');
}
