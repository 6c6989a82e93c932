/**
 * The receiver's process is killed with SIGKILL in the middle of a burst of webhooks from the
 * Cloud API simulator; the simulator retries whatever was not acknowledged (as Meta does). Once
 * the receiver is back, every event is present exactly once and the database is intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { createSimulator, type Simulator } from '../../sim/simulator.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { until } from '../../support/until.ts';

const script = path.resolve(import.meta.dirname, '../../support/receiver-process.ts');
const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../sim/seed.default.json'), 'utf8')) as Record<string, unknown>;

let sim: Simulator | null = null;
let child: ChildProcess | null = null;
afterEach(async () => {
  child?.kill('SIGKILL');
  await sim?.close();
});

function startReceiver(dataDir: string, port: number, secret: string): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, dataDir, String(port), secret], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.on('exit', (code) => reject(new Error(`receiver exited early (${code})`)));
  });
}

describe('webhook burst from the simulator with SIGKILLs', () => {
  it('loses nothing and applies nothing twice', async () => {
    sim = createSimulator({ seed, timeFactor: 500, webhookConcurrency: 8 });
    await sim.listen(0);
    const c = sim.credentials();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-sim-crash-'));
    let r = await startReceiver(dataDir, 0, c.appSecret);
    child = r.proc;
    const port = r.port;
    // Point the simulator's phone-number override at the receiver (it verifies with the handshake).
    const set = await fetch(`${c.graphBaseUrl}/${c.apiVersion}/${c.phoneNumberId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        webhook_configuration: { override_callback_uri: `http://127.0.0.1:${port}/webhook`, verify_token: 'unused-verify-token' },
      }),
    });
    expect(set.status).toBe(200);

    const users = sim.ctx.users.all().filter((u) => u.waId);
    const TOTAL = 900;
    const KILL_AT = [250, 550];
    let kills = 0;
    for (let i = 0; i < TOTAL; i++) {
      sim.messaging.userSends(users[i % users.length]!, 'text', { body: `burst ${i}` });
      if (KILL_AT.includes(i)) {
        await new Promise((res) => setTimeout(res, 15)); // let some deliveries be in flight
        child.kill('SIGKILL');
        await new Promise((res) => child!.once('exit', res));
        kills++;
        await new Promise((res) => setTimeout(res, 100)); // the simulator sees refusals and schedules retries
        r = await startReceiver(dataDir, port, c.appSecret);
        child = r.proc;
      }
      if (i % 50 === 0) await new Promise((res) => setImmediate(res));
    }
    await until(
      'every webhook delivered',
      () => sim!.webhooks.posts.filter((p) => p.fields.includes('messages')).every((p) => p.state === 'delivered'),
      60_000,
    );
    child.kill('SIGTERM');
    await new Promise((res) => child!.once('exit', res));
    child = null;

    const posts = sim.webhooks.posts.filter((p) => p.fields.includes('messages'));
    const retried = posts.filter((p) => p.attempts > 1).length;
    const db = openDatabase(dataDir);
    const inbox = new WebhookInbox(db, memoryLogger().log);
    inbox.drainNow();
    const bodies = (
      db.prepare("SELECT payload FROM domain_events WHERE kind = 'message.received'").all() as Array<{ payload: string }>
    ).map((row) => (JSON.parse(row.payload) as { raw: { text: { body: string } } }).raw.text.body);
    expect(kills).toBe(2);
    expect(retried).toBeGreaterThan(0);
    expect(bodies).toHaveLength(TOTAL);
    expect(new Set(bodies).size).toBe(TOTAL);
    expect(inbox.counts()).toMatchObject({ pending: 0, malformed: 0 });
    db.close();
    const check = new DatabaseSync(path.join(dataDir, 'switchboard.db'));
    expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    check.close();
    console.log(
      `crash-safety (simulator): ${TOTAL} events, ${kills} SIGKILLs, ${retried} posts retried by the simulator, all present exactly once`,
    );
  }, 120_000);
});
