/**
 * The data directory: created private, or checked and tightened (part of the composition root).
 */
import { accessSync, constants as fsConstants, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/log.ts';
import { makePrivateTree, mkdirPrivate, sharedFolderReason } from '../core/private-files.ts';

/** Thrown when the data directory cannot be used; the message is meant for the person. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

/**
 * What the app keeps at the top of its data dir: the database and its WAL, the config (and copies
 * set aside), the media cache, logs. Electron's userData also holds Chromium's own folders, which
 * are not the app's to change.
 */
const APP_DATA_ENTRY = /^(switchboard\.db(-wal|-shm|-journal)?|config\.json(\.invalid-.+)?|media|logs)$/;

/**
 * Creates the data dir (0700, parents too) or checks an existing one, and makes what the app keeps
 * there this user's alone: the folder 0700 and, under it, the app's own folders 0700 and files 0600
 * — older versions left them 755/644. A folder that is shared or the home folder is never made
 * 0700 (`npm run web -- --data-dir /tmp` must not lock other users out of /tmp): that is logged,
 * and only the app's own entries in it are tightened.
 */
export function ensureDataDir(dir: string, log?: Logger): void {
  const leftOpen = sharedFolderReason(dir);
  try {
    if (leftOpen) mkdirSync(dir, { recursive: true });
    else mkdirPrivate(dir);
  } catch (err) {
    throw new DataDirError(`cannot create data dir ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    accessSync(dir, fsConstants.W_OK | fsConstants.R_OK);
  } catch {
    throw new DataDirError(`data dir ${dir} is not writable`);
  }
  if (leftOpen) log?.warn('data_dir.shared', { reason: leftOpen });
  for (const name of readdirSync(dir)) if (APP_DATA_ENTRY.test(name)) makePrivateTree(path.join(dir, name));
}
