/**
 * A log file that rotates by size: `switchboard.log` → `switchboard.1.log` → … keeping `keep`
 * old files. Plain Node (the shell and the browser host both use it); lines arrive already
 * redacted by the logger.
 */
import { appendFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LogSink } from './log.ts';
import { makePrivateTree, mkdirPrivate, PRIVATE_FILE_MODE } from './private-files.ts';

export class RotatingFileSink implements LogSink {
  private readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private size: number;

  constructor(opts: { dir: string; name?: string; maxBytes?: number; keep?: number }) {
    // The log says who called whom and when: this user's alone (0700 folder, 0600 files, older ones tightened).
    mkdirPrivate(opts.dir);
    makePrivateTree(opts.dir);
    this.file = path.join(opts.dir, opts.name ?? 'switchboard.log');
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.keep = opts.keep ?? 3;
    this.size = existsSync(this.file) ? statSync(this.file).size : 0;
  }

  get path(): string {
    return this.file;
  }

  private rotated(n: number): string {
    return this.file.replace(/\.log$/, `.${n}.log`);
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.maxBytes && this.size > 0) this.rotate();
    try {
      appendFileSync(this.file, line, { mode: PRIVATE_FILE_MODE });
      this.size += bytes;
    } catch {
      // A full disk must not take the app down; the line is lost.
    }
  }

  private rotate(): void {
    try {
      rmSync(this.rotated(this.keep), { force: true });
      for (let n = this.keep - 1; n >= 1; n--) if (existsSync(this.rotated(n))) renameSync(this.rotated(n), this.rotated(n + 1));
      renameSync(this.file, this.rotated(1));
    } catch {
      // keep appending to the current file
    }
    this.size = 0;
  }
}

/** Keeps the last warnings and errors in memory, for the diagnostics bundle. */
export class RecentProblemsSink implements LogSink {
  readonly lines: string[] = [];
  private readonly max: number;
  constructor(max = 200) {
    this.max = max;
  }
  write(line: string): void {
    if (!/"level":"(warn|error)"/.test(line)) return;
    this.lines.push(line.trimEnd());
    if (this.lines.length > this.max) this.lines.shift();
  }
}

/** Sends every line to several sinks. */
export function teeSink(...sinks: LogSink[]): LogSink {
  return { write: (line) => sinks.forEach((s) => s.write(line)) };
}
