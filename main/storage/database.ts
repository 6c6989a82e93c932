/**
 * The app's SQLite database (`switchboard.db` in the data dir), through Node's built-in
 * `node:sqlite` — the same module Electron's main process has, so nothing native to rebuild.
 * WAL journal, foreign keys on, a busy timeout, and schema migrations in code.
 */
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { makePrivate, touchPrivate } from '../core/private-files.ts';
import { MIGRATIONS } from './migrations.ts';

export type Database = DatabaseSync;

export interface Migration {
  version: number;
  name: string;
  up: (db: DatabaseSync) => void;
}

export const DATABASE_FILE = 'switchboard.db';

export function openDatabase(dataDirOrFile: string, opts: { migrations?: readonly Migration[]; file?: boolean } = {}): DatabaseSync {
  const file = opts.file || dataDirOrFile === ':memory:' ? dataDirOrFile : path.join(dataDirOrFile, DATABASE_FILE);
  const onDisk = file !== '' && file !== ':memory:' && !file.startsWith('file:');
  // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm the database file's mode.
  if (onDisk) touchPrivate(file);
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  migrate(db, opts.migrations ?? MIGRATIONS);
  if (onDisk) for (const suffix of ['-wal', '-shm']) makePrivate(file + suffix);
  return db;
}

export function schemaVersion(db: DatabaseSync): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}

/** Applies every migration newer than the file's `user_version`, each in its own transaction. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new Error(
      `This data was written by a newer Switchboard (schema ${current}; this version knows up to ${latest}). Update Switchboard to open it.`,
    );
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    transaction(db, () => {
      m.up(db);
      db.exec(`PRAGMA user_version = ${m.version}`);
    });
  }
}

/** Runs `fn` in a transaction (IMMEDIATE, so writers queue instead of failing mid-way). */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
