/**
 * Fuzzing the webhook pipeline: generated and mutated bodies — valid envelopes with wrong types,
 * missing fields, huge strings, deep nesting, unicode edge cases, random bytes — posted to the
 * real receiver over loopback, unsigned and correctly signed.
 *
 *   node test/reliability/webhook-fuzz.ts [--bodies 100000] [--seed 1]
 *
 * Holds, or the run fails: nothing crashes; no unsigned body reaches the inbox; every signed body
 * is stored (processed, or marked malformed with nothing of it applied); the receiver keeps
 * answering throughout (a valid event sent after every 1,000 fuzzed bodies is processed).
 */
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { openDatabase } from '../../main/storage/database.ts';
import { WebhookInbox } from '../../main/webhooks/inbox.ts';
import { signBody } from '../../main/webhooks/signature.ts';
import { startWebhookReceiver } from '../../main/webhooks/webhook-receiver.ts';
import { ThreadStore } from '../../main/threads/thread-store.ts';
import { createLogger, MemorySink } from '../../main/core/log.ts';

const SECRET = 'fuzz-app-secret-0123456789';

export interface FuzzReport {
  bodies: number;
  signed: number;
  unsigned: number;
  statuses: Record<string, number>;
  stored: number;
  processed: number;
  malformed: number;
  canaries: number;
  canariesProcessed: number;
  crashes: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '😀'.repeat(50),
  'ℌ𝔢𝔩𝔩𝔬',
  '<script>alert(1)</script>',
  "'; DROP TABLE items; --",
  '${process.exit()}',
  '../../etc/passwd',
  'a'.repeat(100_000),
  '\u202Eevil',
  'null',
  '[object Object]',
];
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  {},
  [[[]]],
  { __proto__: { polluted: true } },
  ...WEIRD_STRINGS,
];

function validBody(r: () => number, i: number): Record<string, unknown> {
  const kinds = ['text', 'status', 'connect', 'terminate', 'permission', 'settings', 'unknown'];
  const kind = kinds[Math.floor(r() * kinds.length)]!;
  const wa = `55119${String(Math.floor(r() * 1e8)).padStart(8, '0')}`;
  const ts = String(1_767_000_000 + i);
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '5511955550100', phone_number_id: '3000' },
    contacts: [{ profile: { name: 'Fuzz' }, wa_id: wa, user_id: `BR.${wa}` }],
  };
  let field = 'messages';
  if (kind === 'text') value['messages'] = [{ from: wa, id: `wamid.F${i}`, timestamp: ts, type: 'text', text: { body: `fuzz ${i}` } }];
  if (kind === 'status')
    value['statuses'] = [{ id: `wamid.F${i}`, status: ['sent', 'delivered', 'read', 'failed'][i % 4], timestamp: ts, recipient_id: wa }];
  if (kind === 'connect' || kind === 'terminate') {
    field = 'calls';
    value['calls'] = [
      {
        id: `wacid.F${i}`,
        from: wa,
        to: '5511955550100',
        event: kind,
        timestamp: ts,
        direction: 'USER_INITIATED',
        ...(kind === 'connect' ? { session: { sdp_type: 'offer', sdp: 'v=0\r\n' } } : { status: 'FAILED' }),
      },
    ];
  }
  if (kind === 'permission')
    value['messages'] = [
      {
        from: wa,
        id: `wamid.P${i}`,
        timestamp: ts,
        type: 'interactive',
        interactive: {
          type: 'call_permission_reply',
          call_permission_reply: { response: 'accept', is_permanent: false, expiration_timestamp: 1_767_600_000 },
        },
      },
    ];
  if (kind === 'settings') {
    field = 'account_settings_update';
    value['phone_number_settings'] = { phone_number_id: '3000', calling: { status: 'ENABLED' } };
  }
  if (kind === 'unknown') field = `fuzz_field_${i % 7}`;
  return { object: 'whatsapp_business_account', entry: [{ id: '2000', changes: [{ field, value }] }] };
}

/** Replaces a random leaf or node with something hostile. */
function mutate(r: () => number, node: unknown, depth = 0): unknown {
  if (r() < 0.15 || depth > 6) return WEIRD_VALUES[Math.floor(r() * WEIRD_VALUES.length)];
  if (Array.isArray(node)) return r() < 0.2 ? [] : node.map((x) => (r() < 0.3 ? mutate(r, x, depth + 1) : x));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (r() < 0.08) continue; // missing field
      out[r() < 0.03 ? `${k}_renamed` : k] = r() < 0.3 ? mutate(r, v, depth + 1) : v;
    }
    return out;
  }
  return node;
}

function deepNest(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

export function fuzzBody(r: () => number, i: number): Buffer {
  const roll = r();
  if (roll < 0.1) return Buffer.from(Array.from({ length: Math.floor(r() * 2000) }, () => Math.floor(r() * 256)));
  if (roll < 0.13) return Buffer.from(deepNest(2000 + Math.floor(r() * 50_000)));
  if (roll < 0.16)
    return Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messages: [
                    {
                      from: '1',
                      id: 'wamid.x',
                      timestamp: '1',
                      type: 'text',
                      text: { body: WEIRD_STRINGS[Math.floor(r() * WEIRD_STRINGS.length)] },
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
  if (roll < 0.2) return Buffer.from(JSON.stringify(validBody(r, i)).slice(0, Math.floor(r() * 200))); // truncated
  if (roll < 0.3) return Buffer.from(JSON.stringify(validBody(r, i)));
  return Buffer.from(JSON.stringify(mutate(r, validBody(r, i))) ?? 'undefined');
}

function post(agent: Agent, port: number, body: Buffer, signature: string | null): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhook',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          ...(signature ? { 'x-hub-signature-256': signature } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

export async function runWebhookFuzz(opts: { bodies: number; seed: number; dataDir?: string; concurrency?: number }): Promise<FuzzReport> {
  const db = openDatabase(opts.dataDir ?? ':memory:');
  const sink = new MemorySink(100);
  const log = createLogger({ sink, level: 'error' });
  const inbox = new WebhookInbox(db, log);
  const threads = new ThreadStore(db);
  inbox.addApplier((e, id) => threads.apply(e, id));
  const receiver = await startWebhookReceiver({
    inbox,
    port: 0,
    appSecret: () => SECRET,
    verifyToken: () => 'v',
    log,
    signatureLogIntervalMs: 60_000,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 16 });
  const r = rng(opts.seed);
  const report: FuzzReport = {
    bodies: 0,
    signed: 0,
    unsigned: 0,
    statuses: {},
    stored: 0,
    processed: 0,
    malformed: 0,
    canaries: 0,
    canariesProcessed: 0,
    crashes: 0,
  };
  const signedHashes = new Set<string>();
  let crashed = 0;
  const onCrash = () => void crashed++;
  process.on('uncaughtException', onCrash);
  try {
    const BATCH = opts.concurrency ?? 16;
    for (let i = 0; i < opts.bodies; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, opts.bodies - i) }, async (_, k) => {
          const n = i + k;
          const body = fuzzBody(r, n);
          const signed = r() < 0.5;
          const status = await post(
            agent,
            receiver.port,
            body,
            signed ? signBody(body, SECRET) : r() < 0.5 ? null : signBody(body, 'wrong-secret'),
          );
          report.bodies++;
          if (signed) report.signed++;
          else report.unsigned++;
          report.statuses[`${signed ? 'signed' : 'unsigned'} ${status}`] =
            (report.statuses[`${signed ? 'signed' : 'unsigned'} ${status}`] ?? 0) + 1;
          if (signed) signedHashes.add(createHash('sha256').update(body).digest('hex'));
        }),
      );
      if (i % 1000 < BATCH) {
        // A canary: a valid, signed message must still go all the way through.
        const canary = Buffer.from(
          JSON.stringify({
            object: 'whatsapp_business_account',
            entry: [
              {
                id: '2000',
                changes: [
                  {
                    field: 'messages',
                    value: {
                      messaging_product: 'whatsapp',
                      metadata: { phone_number_id: '3000' },
                      messages: [
                        {
                          from: '5511900000001',
                          id: `wamid.CANARY${i}`,
                          timestamp: String(1_767_000_000 + i),
                          type: 'text',
                          text: { body: `canary ${i}` },
                        },
                      ],
                    },
                  },
                ],
              },
            ],
          }),
        );
        report.canaries++;
        signedHashes.add(createHash('sha256').update(canary).digest('hex'));
        if ((await post(agent, receiver.port, canary, signBody(canary, SECRET))) !== 200)
          throw new Error(`the receiver stopped accepting valid events after ${i} bodies`);
      }
    }
    while ((await inbox.drain()) > 0) {
      /* finish processing */
    }
    const counts = inbox.counts();
    report.stored = counts.total;
    report.processed = counts.processed;
    report.malformed = counts.malformed;
    report.canariesProcessed = Number(
      (db.prepare("SELECT COUNT(*) AS n FROM domain_events WHERE event_key LIKE 'msg:wamid.CANARY%'").get() as { n: number }).n,
    );
    // Every stored body is one that was signed correctly.
    const stored = db.prepare('SELECT body_sha256 FROM inbox').all() as Array<{ body_sha256: string }>;
    const unsignedStored = stored.filter((row) => !signedHashes.has(row.body_sha256)).length;
    report.crashes = crashed;
    if (unsignedStored > 0) throw new Error(`${unsignedStored} bodies without a valid signature reached the inbox`);
    if (counts.pending !== 0) throw new Error(`${counts.pending} signed bodies were left unprocessed`);
    if (report.canariesProcessed !== report.canaries)
      throw new Error(`only ${report.canariesProcessed} of ${report.canaries} canaries were processed`);
    if (crashed) throw new Error(`${crashed} uncaught exceptions`);
    const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
    if (integrity !== 'ok') throw new Error(`integrity check failed: ${integrity}`);
    return report;
  } finally {
    process.off('uncaughtException', onCrash);
    agent.destroy();
    await receiver.close();
    await inbox.close();
    db.close();
  }
}

if (process.argv[1] && process.argv[1].endsWith('webhook-fuzz.ts')) {
  const values = cliOptions('usage: node test/reliability/webhook-fuzz.ts [--bodies 100000] [--seed 1]', {
    bodies: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
  });
  const t0 = performance.now();
  const rep = await runWebhookFuzz({ bodies: cliNumber('bodies', values.bodies, 1), seed: cliNumber('seed', values.seed, 0) });
  console.log(JSON.stringify(rep, null, 2));
  console.log(
    `webhook fuzz: ${rep.bodies} bodies (${rep.signed} signed, ${rep.unsigned} unsigned) in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${rep.stored} stored (${rep.processed} processed, ${rep.malformed} malformed and applied not at all); 0 unsigned stored; ${rep.canariesProcessed}/${rep.canaries} canaries through; 0 crashes`,
  );
}
