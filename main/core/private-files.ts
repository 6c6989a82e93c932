/**
 * The app's files are this user's alone: folders 0700, files 0600 (the database holds every
 * customer's messages, the config names the WhatsApp account, logs and media say who called whom).
 * Modes are given explicitly (the `mode` option, then chmod), so a umask of 022 cannot leave them
 * readable by every user of the computer, and files an older version left at 644 are tightened on
 * start. Only what the app owns is touched: symlinks are never followed, and entries owned by
 * another user are left alone. Windows has no such modes; nothing is done there.
 */
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const applies = process.platform !== 'win32';
const uid = process.getuid?.() ?? null;

/** Whether `st` is ours to change: not a symlink, owned by this user. */
function ours(st: Stats): boolean {
  return !st.isSymbolicLink() && (uid === null || st.uid === uid);
}

/** Gives `p` the private mode for its kind, if it is ours; false when left as it was. */
export function makePrivate(p: string): boolean {
  if (!applies) return false;
  try {
    const st = lstatSync(p);
    if (!ours(st) || !(st.isDirectory() || st.isFile())) return false;
    const mode = st.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if ((st.mode & 0o777) !== mode) chmodSync(p, mode);
    return true;
  } catch {
    return false;
  }
}

/** `makePrivate` for `p` and, when it is a folder of ours, everything under it (symlinks not followed). */
export function makePrivateTree(p: string): void {
  if (!makePrivate(p)) return;
  let entries;
  try {
    entries = readdirSync(p, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory()) makePrivateTree(path.join(p, e.name));
    else if (e.isFile()) makePrivate(path.join(p, e.name));
  }
}

/** Creates a folder (and any missing parents) 0700; an existing one of ours is made 0700. */
export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  makePrivate(dir);
}

/** Creates an empty file 0600 if there is none (e.g. before SQLite opens it); an existing one of ours is made 0600. */
export function touchPrivate(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  makePrivate(file);
}

/**
 * Why a folder must not be made 0700 even though the app was pointed at it: a shared folder
 * (sticky bit, like /tmp), the home folder or the file system's root. Null when it may be.
 */
export function sharedFolderReason(dir: string): string | null {
  const abs = path.resolve(dir);
  if (abs === path.parse(abs).root) return 'it is the root of the file system';
  if (abs === path.resolve(homedir())) return 'it is the home folder';
  try {
    if (lstatSync(abs).mode & 0o1000) return 'it is a shared folder (sticky bit)';
  } catch {
    // does not exist (yet): nothing shared about it
  }
  return null;
}
