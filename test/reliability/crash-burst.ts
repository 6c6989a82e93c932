/**
 * Crash safety under a burst: the Cloud API simulator sends a burst of mixed webhooks
 * (customer texts from many customers, reactions, call connect/terminate pairs, statuses of the
 * replies the app sends) while the REAL app — main's services (`main/app-services.ts`) in their own
 * process (`test/support/app-process.ts`), receiver + inbox + thread projection + call controller
 * + messaging — is SIGKILLed at random (seeded) points and restarted on the same data dir and
 * port. The burst does not pause while the app is down: the simulator's retries (its normal
 * schedule, compressed by its time factor) and its duplicate/reorder faults deliver everything
 * once the app is back. Then, with the app stopped cleanly, the database is checked:
 *
 *  - every webhook body the simulator sent is in the inbox exactly once, all processed;
 *  - every domain event the bodies carry (by Meta's ids) is recorded exactly once, and nothing else;
 *  - every customer message is in its customer's thread exactly once (per-thread counts and unread
 *    counts match what the simulator emitted), every reaction sits on its message, every call is
 *    one item with a final status, missed-call counts match;
 *  - every reply the app confirmed sending is at its final status (read) in the thread and in the
 *    inbox's status table, and every status the simulator sent ended at its final value;
 *  - `PRAGMA integrity_check` = ok, no foreign-key violations, FTS indexes intact, no orphan rows.
 *
 *   node test/reliability/crash-burst.ts [--events 10000] [--kills 8] [--seed 1] [--customers 200]
 *
 * Prints what it tried and what held; exits 1 when an invariant fails.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseEnvelope } from '../../main/webhooks/envelope.ts';
import { createSimulator, type Simulator } from '../sim/simulator.ts';
import type { SimUser } from '../sim/users.ts';
import { startAppProcess, type AppProcess } from '../support/app-process.ts';
import { defaultSeed } from '../support/sim-app.ts';
import { prng } from '../support/prng.ts';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { until } from '../support/until.ts';

export interface CrashBurstOptions {
  events: number;
  kills: number;
  seed: number;
  /** Simulated customers (default 200; a tenth of them BSUID-only). */
  customers?: number;
  /** Divides the simulator's retry schedule (default 1000: 5 s → 5 ms … 1 h → 3.6 s). */
  timeFactor?: number;
  /** Progress lines on stderr. */
  progress?: (line: string) => void;
}

export interface CrashBurstReport {
  seed: number;
  eventsTarget: number;
  eventsEmitted: number;
  actions: {
    texts: number;
    reactions: number;
    calls: number;
    callsRefused: number;
    replies: number;
    repliesConfirmed: number;
    repliesInterrupted: number;
    faultRules: number;
  };
  kills: Array<{ atEvent: number; downMs: number }>;
  restarts: number;
  posts: number;
  duplicatePosts: number;
  retries: number;
  postsRetried: number;
  inboxRows: number;
  duplicatesAbsorbed: number;
  eventsVerified: number;
  messagesVerified: number;
  reactionsVerified: number;
  /** Reactions that reached the app before the message they react to (reordered by retries). */
  earlyReactions: number;
  callsVerified: number;
  statusesVerified: number;
  threads: number;
  stuckSending: number;
  integrity: string;
  failures: string[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const EMOJIS = ['👍', '❤️', '😂', '🙏', '😮', '🎉'];

export async function runCrashBurst(opts: CrashBurstOptions): Promise<CrashBurstReport> {
  const t0 = performance.now();
  const rnd = prng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const progress = opts.progress ?? (() => {});
  const sim: Simulator = createSimulator({ seed: defaultSeed, timeFactor: opts.timeFactor ?? 1000, webhookConcurrency: 8 });
  await sim.listen(0);
  const creds = sim.credentials();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-crash-burst-'));
  const failures: string[] = [];
  let app: AppProcess | null = null;
  const unexpectedExits: string[] = [];
  const watch = (a: AppProcess): void => {
    void a.exited.then(({ code, signal }) => {
      if (signal !== 'SIGKILL' && !(code === 0 && stopping))
        unexpectedExits.push(`the app exited on its own (code ${code}, signal ${signal}): ${a.output().slice(-1500)}`);
    });
  };
  let stopping = false;
  try {
    app = await startAppProcess({ dataDir, credentials: creds });
    watch(app);
    const verifyToken = app.verifyToken;
    const port = app.webhookPort;
    const graph = `${creds.graphBaseUrl}/${creds.apiVersion}`;
    const auth = { authorization: `Bearer ${creds.accessToken}`, 'content-type': 'application/json' };
    const set = await fetch(`${graph}/${creds.phoneNumberId}`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        webhook_configuration: { override_callback_uri: `http://127.0.0.1:${port}/webhook`, verify_token: verifyToken },
      }),
    });
    if (set.status !== 200) throw new Error(`the simulator refused the callback override: HTTP ${set.status} ${await set.text()}`);

    // ---- customers (through the control API) ----
    const control = async (method: string, p: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const res = await fetch(`${creds.controlUrl}${p}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const nCustomers = opts.customers ?? 200;
    const customers: SimUser[] = [];
    for (let i = 0; i < nCustomers; i++) {
      const bsuidOnly = i % 10 === 9;
      const body = bsuidOnly
        ? { user_id: `MX.${String(30_000_000_000_000_000_000n + BigInt(i))}`, name: `Cliente ${i}`, country: 'MX' }
        : { wa_id: `55119${String(10_000_000 + i)}`, name: `Cliente ${i}`, country: 'BR' };
      const r = await control('POST', '/users', body);
      if (r.status !== 201) throw new Error(`could not create customer ${i}: ${JSON.stringify(r.json)}`);
      customers.push(sim.ctx.users.all().find((u) => u.userId === r.json['user_id'])!);
    }

    // ---- bookkeeping of what the simulator was asked to do ----
    let emitted = 0;
    // The order in which message ids first reached the app (to count reactions that beat their message).
    const firstDelivered = new Map<string, number>();
    const postById = new Map<number, string>();
    const offEmitted = sim.ctx.events.subscribe((e) => {
      if (e.type === 'webhook.emitted') emitted++;
      if (e.type === 'webhook.delivered') {
        const postId = Number(e.data['postId']);
        if (postById.size < sim.webhooks.posts.length) for (const p of sim.webhooks.posts) postById.set(p.postId, p.body);
        const body = postById.get(postId);
        if (body)
          for (const m of body.matchAll(/"id":"(wamid\.[^"]+)"/g))
            if (!firstDelivered.has(m[1]!)) firstDelivered.set(m[1]!, firstDelivered.size);
      }
    });
    const texts = new Map<string, { userId: string; body: string }>(); // wamid → customer
    const textsByUser = new Map<string, string[]>();
    const reactions = new Map<string, { userId: string; emoji: string; id: string }>(); // target wamid → reaction
    const callsPlaced = new Map<string, string>(); // wacid → userId
    const openCalls: Array<{ id: string; userId: string; hangAt: number }> = [];
    const confirmedReplies = new Map<string, { userId: string; itemId: number }>(); // wamid → item
    const repliesByUser = new Map<string, string[]>();
    const threadOf = new Map<string, number>(); // sim userId → app thread id
    const actions = {
      texts: 0,
      reactions: 0,
      calls: 0,
      callsRefused: 0,
      replies: 0,
      repliesConfirmed: 0,
      repliesInterrupted: 0,
      faultRules: 0,
    };
    const inflightReplies = new Set<Promise<void>>();

    // ---- kills: at seeded points of the emitted-event count ----
    const killAt = Array.from({ length: opts.kills }, () => Math.floor(opts.events * (0.05 + 0.85 * rnd()))).sort((a, b) => a - b);
    const kills: CrashBurstReport['kills'] = [];
    let restarts = 0;
    let alive = true;
    let restarting: Promise<void> | null = null;
    const killAndRestart = async (): Promise<void> => {
      await sleep(Math.floor(rnd() * 25)); // let deliveries and replies be in flight
      const atEvent = emitted;
      await app!.kill();
      alive = false;
      const downMs = 50 + Math.floor(rnd() * 400);
      kills.push({ atEvent, downMs });
      progress(`SIGKILL #${kills.length} at event ${atEvent} (down ${downMs} ms + start-up)`);
      await sleep(downMs);
      app = await startAppProcess({ dataDir, credentials: creds, verifyToken, webhookPort: port });
      watch(app);
      restarts++;
      alive = true;
    };

    const refreshThreads = async (): Promise<void> => {
      let after: unknown = null;
      for (;;) {
        const page: { threads: Array<{ id: number; contact: { userId: string | null; waId: string | null } }>; next: unknown } =
          await app!.dispatch('listThreads', { filter: 'all', after, limit: 200 });
        for (const t of page.threads) {
          const u = customers.find(
            (c) => (t.contact.userId && c.userId === t.contact.userId) || (t.contact.waId && c.waId === t.contact.waId),
          );
          if (u) threadOf.set(u.userId, t.id);
        }
        if (!page.next) return;
        after = page.next;
      }
    };

    // ---- the burst ----
    let action = 0;
    let lastFaults = 0;
    while (emitted < opts.events) {
      action++;
      if (killAt.length > 0 && emitted >= killAt[0]! && !restarting) {
        killAt.shift();
        restarting = killAndRestart().finally(() => (restarting = null));
      }
      // Now and then a few duplicated and reordered posts (the simulator's fault switches).
      if (action - lastFaults >= 150) {
        lastFaults = action;
        const r = await control('PUT', '/faults', {
          next: [
            { faults: { duplicate: true }, count: 3 },
            { faults: { reorder: true }, count: 2 },
            { faults: { delayMs: 200 }, count: 2 },
          ],
        });
        if (r.status !== 200) throw new Error(`fault switch refused: ${JSON.stringify(r.json)}`);
        actions.faultRules += 3;
      }
      if (alive && !restarting && action % 200 === 1) await refreshThreads().catch(() => undefined);
      // Hang up calls that have rung long enough.
      for (let i = openCalls.length - 1; i >= 0; i--) {
        const c = openCalls[i]!;
        if (c.hangAt > action) continue;
        openCalls.splice(i, 1);
        await control('POST', `/calls/${c.id}/hangup`); // 409/404 when the app already ended it
      }
      const u = pick(customers);
      const r = rnd();
      let kind: 'call' | 'reply' | 'reaction' | 'text' = r < 0.08 ? 'call' : r < 0.16 ? 'reply' : r < 0.24 ? 'reaction' : 'text';
      if (kind === 'call' && openCalls.some((c) => c.userId === u.userId)) kind = 'text';
      if (kind === 'reply' && !(alive && !restarting && threadOf.has(u.userId))) kind = 'text';
      // A reaction goes to one of this customer's older messages (or a reply they got), at most one each.
      const candidates =
        kind === 'reaction'
          ? [...(textsByUser.get(u.userId) ?? []).slice(0, -5), ...(repliesByUser.get(u.userId) ?? [])].filter((w) => !reactions.has(w))
          : [];
      if (kind === 'reaction' && candidates.length === 0) kind = 'text';
      const key = encodeURIComponent(u.waId ?? u.userId);
      if (kind === 'call') {
        const res = await control('POST', `/users/${key}/call`, {});
        if (res.status === 201) {
          const id = String(res.json['id']);
          callsPlaced.set(id, u.userId);
          openCalls.push({ id, userId: u.userId, hangAt: action + 3 + Math.floor(rnd() * 30) });
          actions.calls++;
        } else {
          actions.callsRefused++;
        }
      } else if (kind === 'reply') {
        const threadId = threadOf.get(u.userId)!;
        actions.replies++;
        const p = app!
          .dispatch<{ id: number; metaId: string | null; status: string | null }>('sendTextMessage', {
            threadId,
            text: `Reply ${action} to ${u.name}`,
          })
          .then(
            (item) => {
              if (item.metaId && item.status !== 'failed') {
                confirmedReplies.set(item.metaId, { userId: u.userId, itemId: item.id });
                repliesByUser.set(u.userId, [...(repliesByUser.get(u.userId) ?? []), item.metaId]);
                actions.repliesConfirmed++;
              } else {
                failures.push(`a reply was not sent: ${JSON.stringify(item).slice(0, 300)}`);
              }
            },
            () => {
              actions.repliesInterrupted++; // the app was killed while sending
            },
          );
        inflightReplies.add(p);
        void p.finally(() => inflightReplies.delete(p));
      } else if (kind === 'reaction') {
        const target = pick(candidates);
        const emoji = pick(EMOJIS);
        // The control API has no reaction route: the same call it makes for texts, in process.
        const msg = sim.messaging.userSends(u, 'reaction', { message_id: target, emoji });
        reactions.set(target, { userId: u.userId, emoji, id: String(msg['id']) });
        actions.reactions++;
      } else {
        const body = `Olá ${action}: pedido #${1000 + action}`;
        const res = await control('POST', `/users/${key}/messages`, { text: body });
        if (res.status !== 201) throw new Error(`the simulator refused a text: ${JSON.stringify(res.json)}`);
        const wamid = String((res.json['message'] as { id: string }).id);
        texts.set(wamid, { userId: u.userId, body });
        textsByUser.set(u.userId, [...(textsByUser.get(u.userId) ?? []), wamid]);
        actions.texts++;
      }
      if (action % 500 === 0) progress(`${emitted} events emitted, ${kills.length} kills, ${sim.webhooks.pendingCount()} posts waiting`);
    }
    // Remaining kills (when the burst ended before their point) and the last restart.
    if (restarting) await restarting;
    while (killAt.length > 0) {
      killAt.shift();
      await killAndRestart();
    }
    for (const c of openCalls.splice(0)) await control('POST', `/calls/${c.id}/hangup`);
    await Promise.allSettled([...inflightReplies]);
    progress(`burst done: ${emitted} events emitted; waiting for the simulator's retries to drain`);

    // ---- drain: everything delivered, quiet for 4 s (read statuses come 3 s after a send) ----
    let lastCount = -1;
    let quietSince = Date.now();
    await until(
      'every webhook delivered',
      () => {
        const n = sim.webhooks.posts.length;
        if (n !== lastCount) {
          lastCount = n;
          quietSince = Date.now();
        }
        return (
          sim.webhooks.pendingCount() === 0 && sim.webhooks.posts.every((p) => p.state === 'delivered') && Date.now() - quietSince > 4000
        );
      },
      180_000,
      100,
    );
    await until('the app processed its inbox', async () => (await app!.metrics()).inbox.pending === 0, 60_000, 100);
    offEmitted();
    stopping = true;
    const stopped = await app.stop();
    if (stopped.code !== 0) failures.push(`the app did not stop cleanly: code ${stopped.code}, signal ${stopped.signal}`);
    failures.push(...unexpectedExits);

    // ---- verification, on the database file ----
    const db = new DatabaseSync(path.join(dataDir, 'switchboard.db'));
    try {
      const posts = sim.webhooks.posts;
      const retries = posts.reduce((n, p) => n + Math.max(0, p.attempts - 1), 0);
      const bodies = new Map<string, string>(); // sha256 → body
      for (const p of posts) bodies.set(createHash('sha256').update(p.body).digest('hex'), p.body);
      const inbox = db.prepare('SELECT body_sha256 AS sha, state, deliveries FROM inbox').all() as Array<{
        sha: string;
        state: string;
        deliveries: number;
      }>;
      const inboxSha = new Set(inbox.map((r) => r.sha));
      const missingBodies = [...bodies.keys()].filter((s) => !inboxSha.has(s));
      const strayBodies = inbox.filter((r) => !bodies.has(r.sha));
      if (missingBodies.length) failures.push(`${missingBodies.length} webhook bodies the simulator delivered are not in the inbox`);
      if (strayBodies.length) failures.push(`${strayBodies.length} inbox rows match no body the simulator sent`);
      const notProcessed = inbox.filter((r) => r.state !== 'processed');
      if (notProcessed.length)
        failures.push(`${notProcessed.length} inbox rows are not processed (${[...new Set(notProcessed.map((r) => r.state))].join(', ')})`);
      const duplicatesAbsorbed = inbox.reduce((n, r) => n + Number(r.deliveries) - 1, 0);

      // Domain events: exactly the keys the bodies carry.
      const expectedKeys = new Set<string>();
      for (const body of bodies.values()) for (const e of parseEnvelope(Buffer.from(body))) expectedKeys.add(e.key);
      const keys = (db.prepare('SELECT event_key AS k FROM domain_events').all() as Array<{ k: string }>).map((r) => r.k);
      const keySet = new Set(keys);
      const missingEvents = [...expectedKeys].filter((k) => !keySet.has(k));
      const extraEvents = keys.filter((k) => !expectedKeys.has(k));
      if (keys.length !== keySet.size) failures.push(`${keys.length - keySet.size} domain events recorded twice`);
      if (missingEvents.length)
        failures.push(`${missingEvents.length} domain events missing, e.g. ${missingEvents.slice(0, 3).join(', ')}`);
      if (extraEvents.length) failures.push(`${extraEvents.length} unexpected domain events, e.g. ${extraEvents.slice(0, 3).join(', ')}`);

      // Threads: one per customer who did something, matched by BSUID / phone number.
      const contactThread = new Map<string, { threadId: number; unread: number; missed: number }>();
      for (const row of db
        .prepare('SELECT t.id, t.unread_count, t.missed_calls, c.wa_id, c.user_id FROM threads t JOIN contacts c ON c.id = t.contact_id')
        .all() as Array<{ id: number; unread_count: number; missed_calls: number; wa_id: string | null; user_id: string | null }>) {
        const u = customers.find((c) => (row.user_id && c.userId === row.user_id) || (row.wa_id && c.waId === row.wa_id));
        if (!u) {
          failures.push(`thread ${row.id} belongs to no simulated customer (${row.wa_id ?? row.user_id})`);
          continue;
        }
        if (contactThread.has(u.userId)) failures.push(`customer ${u.userId} has two threads`);
        contactThread.set(u.userId, { threadId: Number(row.id), unread: Number(row.unread_count), missed: Number(row.missed_calls) });
      }
      const itemStmt = db.prepare(
        'SELECT id, thread_id, kind, type, direction, status, status_rank, data FROM items WHERE kind = ? AND meta_id = ?',
      );
      type ItemRow = {
        id: number;
        thread_id: number;
        kind: string;
        type: string;
        direction: string;
        status: string | null;
        status_rank: number;
        data: string;
      };
      const threadOfUser = (userId: string): number | undefined => contactThread.get(userId)?.threadId;

      let messagesVerified = 0;
      for (const [wamid, t] of texts) {
        const rows = itemStmt.all('message', wamid) as ItemRow[];
        if (rows.length !== 1) failures.push(`customer message ${wamid} is in the threads ${rows.length} times`);
        else if (Number(rows[0]!.thread_id) !== threadOfUser(t.userId))
          failures.push(`customer message ${wamid} is in thread ${rows[0]!.thread_id}, not its customer's (${threadOfUser(t.userId)})`);
        else messagesVerified++;
      }
      // Per-thread counts: inbound messages and unread counts equal what each customer sent.
      const inboundPerThread = new Map<number, number>();
      for (const r of db
        .prepare("SELECT thread_id, COUNT(*) AS n FROM items WHERE kind = 'message' AND direction = 'in' GROUP BY thread_id")
        .all() as Array<{ thread_id: number; n: number }>)
        inboundPerThread.set(Number(r.thread_id), Number(r.n));
      for (const u of customers) {
        const sent = textsByUser.get(u.userId)?.length ?? 0;
        const th = contactThread.get(u.userId);
        if (!th) {
          if (sent > 0) failures.push(`customer ${u.userId} sent ${sent} messages but has no thread`);
          continue;
        }
        const got = inboundPerThread.get(th.threadId) ?? 0;
        if (got !== sent) failures.push(`thread ${th.threadId} holds ${got} customer messages, the customer sent ${sent}`);
        if (th.unread !== sent) failures.push(`thread ${th.threadId} counts ${th.unread} unread, the customer sent ${sent}`);
      }
      const standaloneReactions = Number(
        (db.prepare("SELECT COUNT(*) AS n FROM items WHERE kind = 'message' AND type = 'reaction'").get() as { n: number }).n,
      );
      if (standaloneReactions)
        failures.push(`${standaloneReactions} reactions became messages of their own instead of sitting on the message they react to`);
      let reactionsVerified = 0;
      const earlyReactions = [...reactions].filter(
        ([target, re]) => (firstDelivered.get(re.id) ?? Infinity) < (firstDelivered.get(target) ?? Infinity),
      ).length;
      for (const [target, re] of reactions) {
        const row = itemStmt.get('message', target) as ItemRow | undefined;
        const got = row ? (JSON.parse(row.data) as { reactions?: { customer?: string } }).reactions?.customer : undefined;
        if (got !== re.emoji) failures.push(`message ${target} shows reaction ${got ?? 'none'}, the customer reacted ${re.emoji}`);
        else reactionsVerified++;
      }
      let callsVerified = 0;
      const missedPerThread = new Map<number, number>();
      for (const [wacid, userId] of callsPlaced) {
        const rows = itemStmt.all('call', wacid) as ItemRow[];
        if (rows.length !== 1) {
          failures.push(`call ${wacid} is in the threads ${rows.length} times`);
          continue;
        }
        const row = rows[0]!;
        if (Number(row.thread_id) !== threadOfUser(userId))
          failures.push(`call ${wacid} is in thread ${row.thread_id}, not its customer's`);
        else if (Number(row.status_rank) !== 3) failures.push(`call ${wacid} ended at status ${row.status}, not a final one`);
        else callsVerified++;
        if (row.status === 'missed') missedPerThread.set(Number(row.thread_id), (missedPerThread.get(Number(row.thread_id)) ?? 0) + 1);
      }
      for (const [userId, th] of contactThread) {
        const want = missedPerThread.get(th.threadId) ?? 0;
        if (th.missed !== want)
          failures.push(`thread ${th.threadId} (${userId}) counts ${th.missed} missed calls, its call items say ${want}`);
      }
      // Statuses: confirmed replies read in the thread; every status the simulator sent at its final value.
      let statusesVerified = 0;
      const finalStatus = new Map<string, string>();
      const rank: Record<string, number> = { sent: 1, delivered: 2, failed: 3, read: 4, played: 5 };
      for (const body of bodies.values())
        for (const e of parseEnvelope(Buffer.from(body)))
          if (e.kind === 'message.status' && (rank[e.status] ?? 0) > (rank[finalStatus.get(e.wamid) ?? ''] ?? 0))
            finalStatus.set(e.wamid, e.status);
      const statusStmt = db.prepare('SELECT status FROM message_status WHERE wamid = ?');
      for (const [wamid, want] of finalStatus) {
        const got = (statusStmt.get(wamid) as { status: string } | undefined)?.status;
        if (got !== want) failures.push(`message ${wamid}: inbox status ${got ?? 'none'}, the last the simulator sent was ${want}`);
        else statusesVerified++;
      }
      for (const [wamid, r] of confirmedReplies) {
        const row = itemStmt.get('message', wamid) as ItemRow | undefined;
        if (!row) failures.push(`reply ${wamid} is not in the thread`);
        else if (Number(row.thread_id) !== threadOfUser(r.userId)) failures.push(`reply ${wamid} is in the wrong thread`);
        else if (row.status !== (finalStatus.get(wamid) ?? 'read'))
          failures.push(`reply ${wamid} shows ${row.status}, the last status sent was ${finalStatus.get(wamid) ?? 'none'}`);
      }
      const stuckSending = Number((db.prepare("SELECT COUNT(*) AS n FROM items WHERE status = 'sending'").get() as { n: number }).n);
      // A reply cut off by a kill becomes failed ("may or may not have been delivered") at the next start; none stays "sending".
      if (stuckSending > 0) failures.push(`${stuckSending} replies left "sending" after the restarts`);
      const interruptedFailed = Number(
        (
          db
            .prepare("SELECT COUNT(*) AS n FROM items WHERE status = 'failed' AND json_extract(data, '$.error.code') = 'interrupted'")
            .get() as { n: number }
        ).n,
      );
      if (interruptedFailed > actions.repliesInterrupted)
        failures.push(`${interruptedFailed} replies marked interrupted, more than the ${actions.repliesInterrupted} the kills interrupted`);

      // Structure: integrity, foreign keys, FTS, orphans, the projection cursor.
      const integrity = (db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>)
        .map((r) => r.integrity_check)
        .join('; ');
      if (integrity !== 'ok') failures.push(`integrity_check: ${integrity}`);
      const fk = db.prepare('PRAGMA foreign_key_check').all();
      if (fk.length) failures.push(`${fk.length} foreign key violations`);
      for (const t of ['items_fts', 'contacts_fts']) {
        try {
          db.exec(`INSERT INTO ${t}(${t}) VALUES ('integrity-check')`);
        } catch (err) {
          failures.push(`${t} integrity-check: ${(err as Error).message}`);
        }
      }
      const orphans: Record<string, string> = {
        'items without a thread': 'SELECT COUNT(*) AS n FROM items i LEFT JOIN threads t ON t.id = i.thread_id WHERE t.id IS NULL',
        'threads without a contact': 'SELECT COUNT(*) AS n FROM threads t LEFT JOIN contacts c ON c.id = t.contact_id WHERE c.id IS NULL',
        'contacts without a thread': 'SELECT COUNT(*) AS n FROM contacts c LEFT JOIN threads t ON t.contact_id = c.id WHERE t.id IS NULL',
        'domain events without their inbox row':
          'SELECT COUNT(*) AS n FROM domain_events d LEFT JOIN inbox i ON i.id = d.inbox_id WHERE i.id IS NULL',
        'contact index rows without a contact':
          'SELECT COUNT(*) AS n FROM contacts_fts f LEFT JOIN contacts c ON c.id = f.rowid WHERE c.id IS NULL',
        'contacts missing from the contact index':
          'SELECT COUNT(*) AS n FROM contacts c WHERE c.id NOT IN (SELECT rowid FROM contacts_fts)',
        'threads whose last item is elsewhere':
          'SELECT COUNT(*) AS n FROM threads t WHERE t.last_item_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = t.last_item_id AND i.thread_id = t.id)',
      };
      for (const [what, sql] of Object.entries(orphans)) {
        const n = Number((db.prepare(sql).get() as { n: number }).n);
        if (n) failures.push(`${n} ${what}`);
      }
      const cursor = Number(
        (db.prepare("SELECT value FROM kv WHERE key = 'threads.cursor'").get() as { value: string } | undefined)?.value ?? 0,
      );
      const maxEvent = Number((db.prepare('SELECT COALESCE(MAX(id), 0) AS m FROM domain_events').get() as { m: number }).m);
      if (cursor !== maxEvent) failures.push(`the thread projection cursor is at ${cursor}, the newest domain event is ${maxEvent}`);

      return {
        seed: opts.seed,
        eventsTarget: opts.events,
        eventsEmitted: emitted,
        actions,
        kills,
        restarts,
        posts: posts.length,
        duplicatePosts: posts.filter((p) => p.duplicateOf !== undefined).length,
        retries,
        postsRetried: posts.filter((p) => p.attempts > 1).length,
        inboxRows: inbox.length,
        duplicatesAbsorbed,
        eventsVerified: expectedKeys.size - missingEvents.length,
        messagesVerified,
        reactionsVerified,
        earlyReactions,
        callsVerified,
        statusesVerified,
        threads: contactThread.size,
        stuckSending,
        integrity,
        failures,
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      db.close();
    }
  } finally {
    stopping = true;
    if (app) await app.kill().catch(() => undefined);
    await sim.close();
    if (failures.length === 0) rmSync(dataDir, { recursive: true, force: true });
    else progress(`data dir kept for inspection: ${dataDir}`);
  }
}

export function formatCrashBurst(r: CrashBurstReport): string {
  const a = r.actions;
  return [
    `crash burst (seed ${r.seed}): ${r.eventsEmitted} webhook events emitted by the simulator (target ${r.eventsTarget}) in ${r.posts} posts (${r.duplicatePosts} duplicated by fault switches)`,
    `  inputs: ${a.texts} customer texts, ${a.reactions} reactions, ${a.calls} calls (${a.callsRefused} refused by the simulator), ${a.replies} replies sent by the app (${a.repliesConfirmed} confirmed, ${a.repliesInterrupted} interrupted by a kill), ${a.faultRules} fault rules`,
    `  kills: ${r.kills.length} SIGKILLs at events ${r.kills.map((k) => `${k.atEvent} (down ${k.downMs} ms)`).join(', ')}; ${r.restarts} restarts`,
    `  delivery: ${r.retries} retries by the simulator (${r.postsRetried} posts retried), ${r.duplicatesAbsorbed} duplicate deliveries absorbed by the inbox, ${r.inboxRows} inbox rows`,
    `  verified: ${r.eventsVerified} domain events exactly once, ${r.messagesVerified} customer messages in the right thread exactly once, ${r.reactionsVerified} reactions on their message (${r.earlyReactions} had arrived before it), ${r.callsVerified} calls final, ${r.statusesVerified} message statuses final, ${r.threads} threads, ${r.stuckSending} replies left "sending" (interrupted ones are marked failed at the next start); integrity_check ${r.integrity}`,
    `  ${r.failures.length === 0 ? 'every invariant held' : `FAILED (${r.failures.length}):\n    ${r.failures.slice(0, 30).join('\n    ')}`} (${r.seconds.toFixed(1)} s)`,
  ].join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('crash-burst.ts')) {
  const values = cliOptions('usage: node test/reliability/crash-burst.ts [--events 10000] [--kills 8] [--seed 1] [--customers 200]', {
    events: { type: 'string', default: '10000' },
    kills: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    customers: { type: 'string', default: '200' },
  });
  const num = (name: string, v: string, min: number): number => cliNumber(name, v, min);
  const r = await runCrashBurst({
    events: num('events', values.events, 100),
    kills: num('kills', values.kills, 0),
    seed: num('seed', values.seed, 0),
    customers: num('customers', values.customers, 10),
    progress: (l) => process.stderr.write(`${l}\n`),
  });
  console.log(formatCrashBurst(r));
  process.exit(r.failures.length === 0 ? 0 : 1);
}
