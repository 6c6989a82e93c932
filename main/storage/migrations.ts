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
];
