import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrate, openDatabase, schemaVersion } from '../../../main/storage/database.ts';
import { MIGRATIONS } from '../../../main/storage/migrations.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';

const latest = Math.max(...MIGRATIONS.map((m) => m.version));
const tmpFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'sb-mig-')), 'switchboard.db');

describe('schema migrations', () => {
  it('numbers migrations 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1));
  });

  it('migrates a database from every earlier version to the latest', () => {
    for (let from = 0; from < latest; from++) {
      const file = tmpFile();
      const db = new DatabaseSync(file);
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= from),
      );
      expect(schemaVersion(db)).toBe(from);
      db.close();
      const reopened = openDatabase(file, { file: true });
      expect(schemaVersion(reopened)).toBe(latest);
      expect(reopened.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      expect(reopened.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      reopened.close();
    }
  });

  it('moves transcripts indexed line by line (version 6) into one document per call, still found at their line', () => {
    const file = tmpFile();
    const db = new DatabaseSync(file);
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 6),
    );
    db.exec(`
      INSERT INTO contacts (id, wa_id, created_at, updated_at) VALUES (1, '5511987650001', 'x', 'x');
      INSERT INTO threads (id, contact_id, created_at) VALUES (1, 1, 'x');
      INSERT INTO items (id, thread_id, kind, meta_id, direction, at, type) VALUES (7, 1, 'call', 'wacid.M', 'in', '2026-03-01T10:00:00.000Z', 'call');
      INSERT INTO transcript_lines (item_id, idx, text) VALUES (7, 0, 'Bom dia'), (7, 1, 'Tem pão de queijo?');
    `);
    db.close();
    const reopened = openDatabase(file, { file: true });
    const threads = new ThreadStore(reopened);
    expect(threads.searchItems('queijo')).toMatchObject([{ itemId: 7, line: 1, snippet: 'Tem pão de \u0001queijo\u0002?' }]);
    expect(reopened.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    reopened.close();
  });

  it('refuses, with a plain message, a database written by a newer version', () => {
    const file = tmpFile();
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${latest + 1}`);
    db.close();
    expect(() => openDatabase(file, { file: true })).toThrow(/newer Switchboard/);
  });

  it('rolls back a migration that fails half-way', () => {
    const db = new DatabaseSync(':memory:');
    const broken = [
      ...MIGRATIONS,
      { version: latest + 1, name: 'broken', up: (d: DatabaseSync) => d.exec('CREATE TABLE half (x); SELECT nonsense FROM nowhere;') },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(latest);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
  });

  it("rewrites call events stored with Meta's directions, so a catch-up after the upgrade projects them the same way", () => {
    const file = tmpFile();
    const old = new DatabaseSync(file);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 2),
    );
    old
      .prepare("INSERT INTO inbox (id, received_at, body, body_sha256, state) VALUES (1, '2026-01-01T00:00:00Z', 'x', 'h', 'processed')")
      .run();
    const user = { waId: '5511987650001', userId: null, parentUserId: null, username: null, profileName: 'Ana' };
    const base = { wabaId: 'W', phoneNumberId: 'P', occurredAt: '2026-01-01T00:00:00.000Z', raw: {} };
    const stored = [
      {
        ...base,
        kind: 'call.connect',
        key: 'k1',
        callId: 'wacid.IN',
        direction: 'USER_INITIATED',
        user,
        session: null,
        ctaPayload: null,
        deeplinkPayload: null,
        bizOpaque: null,
      },
      {
        ...base,
        kind: 'call.terminate',
        key: 'k2',
        callId: 'wacid.OUT',
        direction: 'BUSINESS_INITIATED',
        user,
        status: 'COMPLETED',
        durationSeconds: 42,
        errors: [],
        bizOpaque: null,
      },
      {
        ...base,
        kind: 'call.terminate',
        key: 'k3',
        callId: 'wacid.NONE',
        direction: null,
        user,
        status: 'FAILED',
        durationSeconds: null,
        errors: [],
        bizOpaque: null,
      },
    ];
    const insert = old.prepare(
      "INSERT INTO domain_events (event_key, kind, occurred_at, inbox_id, payload, created_at) VALUES (?, ?, ?, 1, ?, '2026-01-01')",
    );
    for (const e of stored) insert.run(e.key, e.kind, e.occurredAt, JSON.stringify(e));
    old.close();

    const db = openDatabase(file, { file: true });
    const directions = db
      .prepare(
        "SELECT json_extract(payload, '$.callId') AS id, json_extract(payload, '$.direction') AS d FROM domain_events ORDER BY domain_events.id",
      )
      .all();
    expect(directions).toEqual([
      { id: 'wacid.IN', d: 'incoming' },
      { id: 'wacid.OUT', d: 'outgoing' },
      { id: 'wacid.NONE', d: null },
    ]);
    const store = new ThreadStore(db, { clock: () => new Date('2026-01-01T00:01:00Z'), countryOf: () => 'BR' });
    store.catchUp();
    const items = store.timeline(store.listThreads()[0]!.id);
    expect(Object.fromEntries(items.map((i) => [i.metaId, i.direction]))).toEqual({
      'wacid.IN': 'in',
      'wacid.OUT': 'out',
      'wacid.NONE': 'in',
    });
    db.close();
  });
});
