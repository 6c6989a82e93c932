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
 * that match. A transcript is one document per call (migration 7): the calls that match are found
 * in the index, then the lines that say the words are found in those calls' lines (at most 3 a
 * call), each hit naming its line (`line`). The two lists are merged by time.
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
  const spoken = transcriptHits(db, match, queryWords(query), n);
  if (spoken.length === 0) return messages;
  return [...messages, ...spoken].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.itemId - a.itemId)).slice(0, n);
}

/** Transcript lines of one call a search returns at most. */
const LINES_PER_CALL = 3;
/** Words either side of the first match in a transcript hit's snippet. */
const SNIPPET_WORDS = 6;

/** The calls whose transcript matches, newest first, and in each the lines that say the words. */
function transcriptHits(db: Database, match: string, words: string[], n: number): SearchHit[] {
  const calls = db
    .prepare(
      `SELECT i.id, i.thread_id, i.at FROM transcript_fts JOIN items i ON i.id = transcript_fts.rowid
       WHERE transcript_fts MATCH ? ORDER BY transcript_fts.rowid DESC LIMIT ?`,
    )
    .all(match, n) as Array<{ id: number; thread_id: number; at: string }>;
  const linesOf = db.prepare('SELECT idx, text FROM transcript_lines WHERE item_id = ? ORDER BY idx');
  // Each word as the beginning of a word, accents and case aside, tested on the lines as they are
  // (50 calls' lines are ~100,000 words: folding them first cost more than the search itself).
  const tests = words.map(wordStart);
  const hits: SearchHit[] = [];
  for (const c of calls) {
    // Read line by line: a common word is said in the first lines, and the rest are never read.
    type Line = { idx: number; text: string };
    let firstLine: Line | null = null;
    const saying: Array<{ l: Line; said: number }> = [];
    let sayAll = 0;
    for (const l of linesOf.iterate(c.id) as Iterable<Line>) {
      firstLine ??= l;
      const said = tests.reduce((n, t) => n + (t.test(l.text) ? 1 : 0), 0);
      if (said > 0) saying.push({ l, said });
      if (said === tests.length) sayAll++;
      // Enough lines that say every word: the rest cannot do better.
      if (sayAll >= LINES_PER_CALL) break;
    }
    const chosen = saying
      // The lines that say most of the words, then in the order they were said.
      .sort((a, b) => b.said - a.said || a.l.idx - b.l.idx)
      .slice(0, LINES_PER_CALL)
      .sort((a, b) => a.l.idx - b.l.idx)
      .map((x) => x.l);
    // The words span lines (the document matched as a whole): the call's first line stands for it.
    if (chosen.length === 0 && firstLine) chosen.push(firstLine);
    for (const l of chosen)
      hits.push({ itemId: Number(c.id), threadId: Number(c.thread_id), at: c.at, snippet: snippetOf(l.text, words), line: Number(l.idx) });
  }
  return hits;
}

/** What unicode61 with remove_diacritics makes of a word: lower case, without accents. */
const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Every Latin letter with a mark, by the letter it folds to ("a" → "áàâãäåā…"), for wordStart. */
const ACCENTED = (() => {
  const by = new Map<string, string>();
  for (let code = 0xc0; code <= 0x24f; code++) {
    const ch = String.fromCharCode(code);
    const base = fold(ch);
    if (base.length === 1 && base !== ch.toLowerCase()) by.set(base, (by.get(base) ?? '') + ch);
  }
  return by;
})();

/**
 * A folded query word as a regular expression that finds it at the beginning of a word in text
 * as written: each letter also as its accented forms, or followed by combining marks, any case.
 */
function wordStart(word: string): RegExp {
  const letters = [...word].map((c) => {
    const escaped = c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    return `[${escaped}${ACCENTED.get(c) ?? ''}]\\p{M}*`;
  });
  return new RegExp(`(?<![\\p{L}\\p{N}])${letters.join('')}`, 'iu');
}

/** The words of a query as the index compares them (each a prefix). */
function queryWords(query: string): string[] {
  return searchWords(query).map(fold);
}

/** What a person typed, as the words a search looks for (at most 8; punctuation and operators are not words). */
function searchWords(input: string): string[] {
  return input
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
}

/** A line's snippet: the words around its first match, each match wrapped in \u0001…\u0002 as snippet() does. */
function snippetOf(text: string, words: string[]): string {
  const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const hitsOf = tokens.map((t) => {
    const folded = fold(text.slice(t.start, t.end));
    return words.some((w) => folded.startsWith(w));
  });
  const first = Math.max(0, hitsOf.indexOf(true));
  const from = Math.max(0, first - SNIPPET_WORDS);
  const to = Math.min(tokens.length, first + SNIPPET_WORDS + 1);
  let out = '';
  let at = from > 0 ? tokens[from]!.start : 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    out += text.slice(at, t.start) + (hitsOf[i] ? `\u0001${text.slice(t.start, t.end)}\u0002` : text.slice(t.start, t.end));
    at = t.end;
  }
  out += to >= tokens.length ? text.slice(at) : '';
  return `${from > 0 ? '…' : ''}${out.trim()}${to < tokens.length ? '…' : ''}`;
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
  const words = searchWords(input);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '')}"*`).join(' ');
}
