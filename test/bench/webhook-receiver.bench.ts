/**
 * Benchmark: the webhook receiver (verify HMAC + durable SQLite insert + 200) against a bare Node
 * HTTP server that answers 200 doing nothing, in the same run, each in its own process, driven
 * over loopback by this process with keep-alive connections.
 *
 *   node test/bench/webhook-receiver.bench.ts [--seconds 5] [--rate 2000] [--concurrency 64]
 *
 * Prints throughput and p50/p99 latency at a fixed offered rate and at saturation, the ratios,
 * and checks that every event sent to the receiver is in its inbox exactly once.
 * Targets (2-core machine): receiver throughput ≥ ½ of bare; p99 < 25 ms at 2,000 req/s offered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { DatabaseSync } from 'node:sqlite';
import { signBody } from '../../main/webhooks/signature.ts';
import { textMessage } from '../support/webhooks.ts';

const values = cliOptions('usage: node test/bench/webhook-receiver.bench.ts [--seconds 5] [--rate 2000] [--concurrency 64]', {
  seconds: { type: 'string', default: '5' },
  rate: { type: 'string', default: '2000' },
  concurrency: { type: 'string', default: '64' },
});
const SECONDS = cliNumber('seconds', values.seconds, 1, { integer: false });
const RATE = cliNumber('rate', values.rate, 1);
const CONCURRENCY = cliNumber('concurrency', values.concurrency, 1);
const SECRET = 'bench-app-secret-0123456789';
const here = import.meta.dirname;

function startProcess(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (c) => reject(new Error(`server exited (${c})`)));
  });
}

let seq = 0;
function nextBody(): { body: Buffer; sig: string } {
  const i = seq++;
  const payload = textMessage(`wamid.BENCH${i}`, '5511987654321', `message number ${i} from the benchmark`, 1_700_000_000 + i);
  const body = Buffer.from(JSON.stringify(payload));
  return { body, sig: signBody(body, SECRET) };
}

function send(agent: Agent, port: number): Promise<number> {
  const { body, sig } = nextBody();
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhook',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-hub-signature-256': sig },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Result {
  sent: number;
  ok: number;
  errors: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
}

function summarise(lat: number[], errors: number, seconds: number): Result {
  const s = [...lat].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { sent: lat.length + errors, ok: lat.length, errors, seconds, throughput: lat.length / seconds, p50: q(0.5), p99: q(0.99) };
}

async function fixedRate(port: number): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const total = RATE * SECONDS;
  const lat: number[] = [];
  let errors = 0;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send(agent, port).then(
        (ms) => void lat.push(ms),
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return summarise(lat, errors, (performance.now() - start) / 1000);
}

async function saturation(port: number): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const lat: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        try {
          lat.push(await send(agent, port));
        } catch {
          errors++;
        }
      }
    }),
  );
  agent.destroy();
  return summarise(lat, errors, (performance.now() - start) / 1000);
}

const fmt = (r: Result) =>
  `${r.throughput.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms   (${r.ok} ok, ${r.errors} errors)`;

const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-bench-'));
const bare = await startProcess([path.join(here, 'bare-server.ts'), '0']);
const real = await startProcess([path.join(here, '../support/receiver-process.ts'), dataDir, '0', SECRET]);

console.log(
  `Webhook receiver benchmark — ${SECONDS} s per phase, ${RATE} req/s offered, ${CONCURRENCY} connections, node ${process.version}`,
);
const seqBefore = seq;
const bareFixed = await fixedRate(bare.port);
const bareSat = await saturation(bare.port);
const sentToBare = seq - seqBefore;
const realStart = seq;
const realFixed = await fixedRate(real.port);
const realSat = await saturation(real.port);
const sentToReal = seq - realStart;
bare.child.kill();
await new Promise((r) => setTimeout(r, 300)); // let the receiver finish processing
real.child.kill('SIGTERM');

const db = new DatabaseSync(path.join(dataDir, 'switchboard.db'));
const inboxRows = Number((db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number }).n);
const distinct = Number((db.prepare('SELECT COUNT(DISTINCT body_sha256) AS n FROM inbox').get() as { n: number }).n);
const integrity = (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
db.close();

console.log('');
console.log(`fixed rate   bare     ${fmt(bareFixed)}`);
console.log(`fixed rate   receiver ${fmt(realFixed)}`);
console.log(`saturation   bare     ${fmt(bareSat)}`);
console.log(`saturation   receiver ${fmt(realSat)}`);
console.log('');
const ratio = realSat.throughput / bareSat.throughput;
console.log(`receiver/bare throughput at saturation: ${ratio.toFixed(2)} (target ≥ 0.50) ${ratio >= 0.5 ? 'MET' : 'MISSED'}`);
console.log(
  `receiver p99 at ${RATE} req/s offered: ${realFixed.p99.toFixed(2)} ms (target < 25 ms) ${realFixed.p99 < 25 ? 'MET' : 'MISSED'}`,
);
const acked = realFixed.ok + realSat.ok;
console.log(
  `inbox: ${inboxRows} rows, ${distinct} distinct, ${acked} acknowledged of ${sentToReal} sent; integrity ${integrity} — ${inboxRows === acked && distinct === inboxRows ? 'every acknowledged event present exactly once' : 'MISMATCH'}`,
);
void sentToBare;
