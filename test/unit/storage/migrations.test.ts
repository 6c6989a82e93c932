import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrate, openDatabase, schemaVersion } from '../../../main/storage/database.ts';
import { MIGRATIONS } from '../../../main/storage/migrations.ts';

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
});
