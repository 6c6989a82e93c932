/**
 * SIGKILL the receiver's process in the middle of a burst, restart it, and check that every
 * event the sender got a 200 for — and every one it retried — is present exactly once and the
 * database is intact. The sender behaves like Meta: anything not answered 200 is retried.
 */
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { postSigned, textMessage } from '../../support/webhooks.ts';

const SECRET = 'crash-secret-123456';
const script = path.resolve(import.meta.dirname, '../../support/receiver-process.ts');

function startChild(dataDir: string, port: number): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dataDir, String(port), SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`receiver exited early (${code})`)));
  });
}

describe('webhook inbox under SIGKILL', () => {
  it('loses nothing and duplicates nothing across repeated kills', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-crash-'));
    const TOTAL = 1200;
    const KILLS = 3;
    let { child, port } = await startChild(dataDir, 0);
    let alive = true;
    let kills = 0;
    let retries = 0;

    const sendOne = async (i: number): Promise<void> => {
      const payload = textMessage(`wamid.CRASH${i}`, '5511900000009', `event ${i}`, 1_700_000_000 + i);
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          if (alive && (await postSigned(port, '/webhook', payload, SECRET)).status === 200) return;
        } catch {
          // connection refused / reset while the receiver is down
        }
        retries++;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`event ${i} was never acknowledged`);
    };

    // Send in waves of concurrent requests; kill the receiver mid-wave, then bring it back.
    const WAVE = 50;
    for (let start = 0; start < TOTAL; start += WAVE) {
      const wave = Array.from({ length: Math.min(WAVE, TOTAL - start) }, (_, k) => sendOne(start + k));
      if (kills < KILLS && start > 0 && start % 300 === 0) {
        await new Promise((r) => setTimeout(r, 5));
        child.kill('SIGKILL');
        alive = false;
        kills++;
        await new Promise((r) => child.once('exit', r));
        ({ child, port } = await startChild(dataDir, port));
        alive = true;
      }
      await Promise.all(wave);
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    // Reopen the data dir as the app would at next start and finish anything pending.
    const db = openDatabase(dataDir);
    const inbox = new WebhookInbox(db, memoryLogger().log);
    inbox.drainNow();
    expect(kills).toBe(KILLS);
    expect(inbox.eventCount('message.received')).toBe(TOTAL);
    const distinct = db.prepare("SELECT COUNT(DISTINCT event_key) AS n FROM domain_events WHERE kind = 'message.received'").get() as {
      n: number;
    };
    expect(Number(distinct.n)).toBe(TOTAL);
    expect(inbox.counts()).toMatchObject({ pending: 0, malformed: 0, total: TOTAL });
    db.close();
    const check = new DatabaseSync(path.join(dataDir, 'switchboard.db'));
    expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    check.close();
    console.log(`crash-safety: ${TOTAL} events, ${kills} SIGKILLs, ${retries} retries, all present exactly once`);
  }, 120_000);
});
