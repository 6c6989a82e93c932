/**
 * Schema migrations, oldest first. Never edit a released migration: add a new one.
 * Tests open a database at every earlier version and migrate it to the latest.
 */
import type { Migration } from './database.ts';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'webhook inbox and domain events',
    up: (db) => {
      db.exec(`
        -- Every signed webhook body exactly as it arrived (raw bytes), before anything parses it.
        CREATE TABLE inbox (
          id            INTEGER PRIMARY KEY,
          received_at   TEXT NOT NULL,
          body          BLOB NOT NULL,
          body_sha256   TEXT NOT NULL UNIQUE,      -- a retried delivery carries the same bytes
          state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','processed','malformed')),
          error         TEXT,
          processed_at  TEXT,
          deliveries    INTEGER NOT NULL DEFAULT 1 -- how many times these exact bytes arrived
        );
        CREATE INDEX inbox_pending ON inbox(state) WHERE state = 'pending';

        -- Domain events parsed out of the inbox, each keyed by Meta's ids (idempotent).
        CREATE TABLE domain_events (
          id          INTEGER PRIMARY KEY,
          event_key   TEXT NOT NULL UNIQUE,
          kind        TEXT NOT NULL,
          occurred_at TEXT,                         -- Meta's timestamp, ISO 8601
          inbox_id    INTEGER NOT NULL REFERENCES inbox(id),
          payload     TEXT NOT NULL,                -- JSON of the domain event
          created_at  TEXT NOT NULL
        );
        CREATE INDEX domain_events_kind ON domain_events(kind, id);

        -- The latest status of each message we sent; only ever moves forward.
        CREATE TABLE message_status (
          wamid       TEXT PRIMARY KEY,
          status      TEXT NOT NULL,
          rank        INTEGER NOT NULL,
          updated_at  TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    name: 'contacts, threads and timeline items with full-text search',
    up: (db) => {
      db.exec(`
        -- A customer: known by phone number (wa_id), by BSUID (user_id), or both.
        CREATE TABLE contacts (
          id              INTEGER PRIMARY KEY,
          wa_id           TEXT UNIQUE,
          user_id         TEXT UNIQUE,
          parent_user_id  TEXT,
          profile_name    TEXT,
          username        TEXT,
          owner_name      TEXT,      -- the owner's own name for them
          notes           TEXT,
          country         TEXT,      -- ISO 3166 alpha-2, from the phone number
          created_at      TEXT NOT NULL,
          updated_at      TEXT NOT NULL,
          CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL)
        );

        -- One thread per customer.
        CREATE TABLE threads (
          id                  INTEGER PRIMARY KEY,
          contact_id          INTEGER NOT NULL UNIQUE REFERENCES contacts(id) ON DELETE CASCADE,
          last_item_id        INTEGER,
          last_item_at        TEXT,
          unread_count        INTEGER NOT NULL DEFAULT 0,
          missed_calls        INTEGER NOT NULL DEFAULT 0,
          -- The 24-hour customer-service window: free-form messages allowed until then.
          window_expires_at   TEXT,
          created_at          TEXT NOT NULL
        );
        CREATE INDEX threads_recent ON threads(last_item_at DESC, id DESC);

        -- Everything that happens in a thread, keyed by Meta's ids where there is one.
        CREATE TABLE items (
          id          INTEGER PRIMARY KEY,
          thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
          kind        TEXT NOT NULL CHECK (kind IN ('message', 'call', 'system')),
          meta_id     TEXT,                       -- wamid for messages, wacid for calls
          direction   TEXT CHECK (direction IN ('in', 'out')),
          at          TEXT NOT NULL,              -- when it happened (ISO 8601, UTC)
          type        TEXT NOT NULL,              -- text, image, …; call; permission_granted, …
          body        TEXT,                       -- the searchable text
          status      TEXT,                       -- messages: sending/sent/delivered/read/failed; calls: ringing/…/completed/missed
          status_rank INTEGER NOT NULL DEFAULT 0,
          data        TEXT NOT NULL DEFAULT '{}', -- JSON: the details of each kind
          UNIQUE (kind, meta_id)
        );
        CREATE INDEX items_timeline ON items(thread_id, at, id);

        CREATE VIRTUAL TABLE items_fts USING fts5(body, content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER items_fts_insert AFTER INSERT ON items WHEN new.body IS NOT NULL BEGIN
          INSERT INTO items_fts(rowid, body) VALUES (new.id, new.body);
        END;
        CREATE TRIGGER items_fts_delete AFTER DELETE ON items WHEN old.body IS NOT NULL BEGIN
          INSERT INTO items_fts(items_fts, rowid, body) VALUES ('delete', old.id, old.body);
        END;
        CREATE TRIGGER items_fts_update AFTER UPDATE OF body ON items BEGIN
          INSERT INTO items_fts(items_fts, rowid, body) SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL;
          INSERT INTO items_fts(rowid, body) SELECT new.id, new.body WHERE new.body IS NOT NULL;
        END;

        -- Small key/value state, e.g. how far the thread store has projected domain_events.
        CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        -- Names and numbers of contacts (rowid = contacts.id), kept by the thread store.
        CREATE VIRTUAL TABLE contacts_fts USING fts5(name, tokenize='unicode61 remove_diacritics 2');
      `);
    },
  },
  {
    version: 3,
    name: "call events say incoming/outgoing instead of Meta's USER_INITIATED/BUSINESS_INITIATED",
    up: (db) => {
      // Stored call events are replayed when the thread store catches up; the parser now emits
      // the app's words, so the events written before it are rewritten once, here.
      db.exec(`
        UPDATE domain_events
           SET payload = json_set(payload, '$.direction',
                 CASE upper(json_extract(payload, '$.direction'))
                   WHEN 'USER_INITIATED' THEN 'incoming'
                   WHEN 'BUSINESS_INITIATED' THEN 'outgoing'
                 END)
         WHERE kind IN ('call.connect', 'call.terminate')
           AND upper(json_extract(payload, '$.direction')) IN ('USER_INITIATED', 'BUSINESS_INITIATED');
      `);
    },
  },
  {
    version: 4,
    name: 'call log and call-back list: call indexes, and the customers marked as called back',
    up: (db) => {
      db.exec(`
        -- The call log, newest first: all calls, or by direction, or by outcome (keyset pages on (at, id)).
        -- kind leads each key so that the planner sees "kind = 'call'" answered by the index and the order given.
        CREATE INDEX items_call_log ON items(kind, at, id) WHERE kind = 'call';
        CREATE INDEX items_call_log_direction ON items(kind, direction, at, id) WHERE kind = 'call';
        CREATE INDEX items_call_log_status ON items(kind, status, at, id) WHERE kind = 'call';
        CREATE INDEX items_call_log_missed ON items(kind, at, id) WHERE kind = 'call' AND direction = 'in' AND status IN ('missed', 'declined');
        -- The call-back list: a thread's latest call of each outcome (one seek each), its permission
        -- replies (system items) and the permission requests the business sent.
        CREATE INDEX items_call_outcome ON items(thread_id, status, at) WHERE kind = 'call';
        CREATE INDEX items_system_type ON items(thread_id, type, at) WHERE kind = 'system';
        CREATE INDEX items_permission_requests ON items(thread_id, at) WHERE type = 'call_permission_request';

        -- A customer the owner marked as called back: the newest waiting item they had seen. A call
        -- or callback request with a larger item id puts the customer back on the list.
        CREATE TABLE callback_done (
          thread_id      INTEGER PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
          up_to_item_id  INTEGER NOT NULL,
          done_at        TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 5,
    name: 'missed-call replies, one per call (or callback request)',
    up: (db) => {
      db.exec(`
        -- The missed-call reply (issue 17): a row is claimed before the reply is sent, so a call
        -- whose webhooks are replayed (retries, catch-up after a restart) never gets a second one.
        CREATE TABLE missed_call_replies (
          id          INTEGER PRIMARY KEY,
          key         TEXT NOT NULL UNIQUE,       -- the call's wacid, or the callback request's wamid
          thread_id   INTEGER NOT NULL,           -- no foreign key: a merge of two threads must not erase the claims
          at          TEXT NOT NULL,              -- when it was decided (ISO 8601, UTC)
          state       TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'skipped', 'interrupted')),
          kind        TEXT,                       -- text, permission_request, call_button, template
          reason      TEXT,                       -- why skipped or failed, in plain words
          item_id     INTEGER,                    -- the message it became in the thread
          wamid       TEXT
        );
        CREATE INDEX missed_call_replies_thread ON missed_call_replies(thread_id, at);
      `);
    },
  },
  {
    version: 6,
    name: 'call transcripts, line by line, with full-text search',
    up: (db) => {
      db.exec(`
        -- The lines of a call's transcript (issue 16), as WhatsApp's document gave them. Kept out of
        -- items so that a page of the timeline never carries a transcript; the call item's
        -- data.recording says whether there is one.
        CREATE TABLE transcript_lines (
          id        INTEGER PRIMARY KEY,
          item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          idx       INTEGER NOT NULL,             -- the line's place in the transcript, from 0
          speaker   TEXT CHECK (speaker IN ('business', 'customer')),
          label     TEXT,                         -- the document's own name for the speaker
          start_ms  INTEGER,
          end_ms    INTEGER,
          text      TEXT NOT NULL,
          UNIQUE (item_id, idx)
        );

        -- Spoken words are searchable like messages: a hit names its line.
        CREATE VIRTUAL TABLE transcript_fts USING fts5(text, content='transcript_lines', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER transcript_fts_insert AFTER INSERT ON transcript_lines BEGIN
          INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER transcript_fts_delete AFTER DELETE ON transcript_lines BEGIN
          INSERT INTO transcript_fts(transcript_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;

        -- The call log's "Recorded" filter: calls with data.recording, newest first (keyset pages).
        CREATE INDEX items_call_log_recorded ON items(kind, at, id) WHERE kind = 'call' AND json_extract(data, '$.recording') IS NOT NULL;
      `);
    },
  },
  {
    version: 7,
    name: 'call transcripts indexed one document per call (search stays fast at 100,000 transcripts)',
    up: (db) => {
      // Migration 6 indexed each transcript line with positions: a prefix query for a common word
      // ("que"*) then merged millions of entries (p95 688 ms at 100,000 transcripts). One document
      // per call, without positions (detail=none: no phrase queries, no snippet() — search builds
      // its snippet from the call's lines), with prefix indexes for 2 and 3 letters, bounds every
      // query by the number of calls. Contentless: the text stays in transcript_lines only.
      db.exec(`
        DROP TRIGGER transcript_fts_insert;
        DROP TRIGGER transcript_fts_delete;
        DROP TABLE transcript_fts;
        CREATE VIRTUAL TABLE transcript_fts USING fts5(
          text, content='', contentless_delete=1, detail='none', prefix='2 3', tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO transcript_fts (rowid, text)
          SELECT item_id, group_concat(text, ' ') FROM (SELECT item_id, text FROM transcript_lines ORDER BY item_id, idx) GROUP BY item_id;
        -- A call item that goes takes its transcript's entry with it (its lines go by ON DELETE CASCADE).
        CREATE TRIGGER transcript_fts_item_delete AFTER DELETE ON items WHEN old.kind = 'call' BEGIN
          DELETE FROM transcript_fts WHERE rowid = old.id;
        END;
      `);
    },
  },
];
