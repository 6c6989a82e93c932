/**
 * The "Copy diagnostics" bundle: what support needs to understand a problem — version, OS,
 * runtime, reachability history, inbox counters and recent warnings/errors — and nothing private:
 * no secrets (every configured secret is removed even if it slipped into a log line), no message
 * text, no phone numbers of customers.
 */
import os from 'node:os';
import type { SecretRedactor } from './log.ts';

export interface DiagnosticsInput {
  app: { name: string; version: string; host: string; versions: Record<string, string | null> };
  account: { connected: boolean; graphBaseUrl: string | null; apiVersion: string | null; phoneNumberId: string | null };
  reachability: unknown;
  inbox: unknown;
  recentProblems: string[];
  redactor: SecretRedactor;
  now: Date;
}

/** Removes what looks like message text or a customer's number from a structured log line. */
function scrubLine(line: string): string {
  return line
    .replace(/"(text|body|caption|message|name|profileName|snippet)":"(?:[^"\\]|\\.)*"/g, '"$1":"[removed]"')
    .replace(/\b\d{10,15}\b/g, '[number]');
}

export function buildDiagnostics(i: DiagnosticsInput): string {
  const bundle = {
    generatedAt: i.now.toISOString(),
    app: i.app,
    os: { platform: process.platform, release: os.release(), arch: process.arch, memoryMB: Math.round(os.totalmem() / 1048576) },
    account: i.account,
    reachability: i.reachability,
    inbox: i.inbox,
    recentProblems: i.recentProblems.slice(-100).map(scrubLine),
  };
  return i.redactor.redact(JSON.stringify(bundle, null, 2));
}
