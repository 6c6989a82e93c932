/**
 * Benchmark: the call log and the call-back list (issue 17) at 100,000 calls — 2,000 customers,
 * 400,000 timeline items of which every 4th is a call with real outcome shares (test/support/
 * bulk-seed.ts, the generator the thread benchmark uses) — in a real SQLite file.
 *
 *   npx electron-vite build   # once, for the Chromium part: the browser host serves out/renderer
 *   npm run bench:calls-log -- [--calls 100000] [--data-dir DIR] [--runs 30] [--no-ui]
 *
 * Prints, side by side in one run:
 *  - the store: the call log's newest page (100 calls) for each filter, and a page 50,000 calls
 *    deep (keyset), with migration 4's indexes — against the same queries on the schema before it
 *    (the indexes dropped inside a transaction that is rolled back; the planner's own choice), and
 *    the deep page against OFFSET; the call-back list, for every customer whose last call did
 *    not connect (500 rows at most) and for an owner who keeps up (marked done up to 2 days ago);
 *  - through the bridge (the dispatcher validating params and result, then JSON as the
 *    transports send it): what the window waits for;
 *  - in Chromium (the real renderer, the browser host in this process): clicking "Call log" to its
 *    rows painted, and clicking each filter to that filter's rows painted — target p95 < 100 ms.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CallLogFilter } from '../../common/bridge-contract.ts';
import { confFactory } from '../../main/account/conf-store.ts';
import { MemorySecrets } from '../../main/account/secrets.ts';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { openDatabase, type Database } from '../../main/storage/database.ts';
import { CallLog, callLogSql } from '../../main/threads/call-log.ts';
import { CallbackList } from '../../main/threads/callback-list.ts';
import { ThreadStore } from '../../main/threads/thread-store.ts';
import { seedCustomers, seedItems, seededRandom } from '../support/bulk-seed.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { memoryLogger } from '../support/test-log.ts';
import { PAGE_CLOCK, machineLine, stat, type Stat } from './page-clock.ts';

const values = cliOptions('usage: node test/bench/call-log.bench.ts [--calls 100000] [--data-dir DIR] [--runs 30] [--no-ui]', {
  calls: { type: 'string', default: '100000' },
  'data-dir': { type: 'string' },
  runs: { type: 'string', default: '30' },
  'no-ui': { type: 'boolean', default: false },
});
const CALLS = cliNumber('calls', values.calls, 1000);
const RUNS = cliNumber('runs', values.runs, 3);
const CUSTOMERS = 2000;
const CALL_EVERY = 4;
const FILTERS: CallLogFilter[] = ['all', 'missed', 'incoming', 'outgoing', 'failed'];
const TARGET_MS = 100;
const dir = path.resolve(values['data-dir'] ?? path.join(tmpdir(), `switchboard-bench-calls-${CALLS}`));
const machine = `${machineLine()}, before the run`;

// ---- data ------------------------------------------------------------------------------------
mkdirSync(dir, { recursive: true });
const fresh = !existsSync(path.join(dir, 'switchboard.db'));
{
  const db = openDatabase(dir);
  if (fresh) {
    const t0 = performance.now();
    const store = new ThreadStore(db);
    const threadIds = seedCustomers(db, store, CUSTOMERS);
    // Spread over the customers, 50 regulars writing and calling much more than the rest; a call
    // every 4 items, every 5 minutes, for about 4 years.
    const pick = seededRandom(7);
    const n = seedItems(db, {
      total: CALLS * CALL_EVERY,
      threadIds,
      threadOf: () => Math.floor(pick() * (pick() < 0.2 ? 50 : CUSTOMERS)),
      stepMs: 5 * 60_000,
      base: Date.parse('2023-01-01T00:00:00Z'),
      callEvery: CALL_EVERY,
    });
    console.log(
      `seeded ${(CALLS * CALL_EVERY).toLocaleString('en')} items (${n.toLocaleString('en')} calls) for ${CUSTOMERS} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`,
    );
  } else {
    console.log(`reusing ${dir}`);
  }
  db.close();
}

// ---- timing ----------------------------------------------------------------------------------
function measure(fn: () => unknown, runs = RUNS): Stat {
  fn(); // warm
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return stat(t);
}
async function measureAsync(fn: () => Promise<unknown>, runs = RUNS): Promise<Stat> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return stat(t);
}
const ms = (x: number) => x.toFixed(2).padStart(9);
const head = (label: string) => console.log(`${label.padEnd(58)}${'runs'.padStart(5)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}`);
const line = (label: string, s: Stat, extra = '') =>
  console.log(`${label.padEnd(58)}${String(s.n).padStart(5)}${ms(s.p50)}${ms(s.p95)}${extra}`);
const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');

// ---- the store, with and without migration 4's indexes ----------------------------------------
const MIGRATION_4_INDEXES = [
  'items_call_log',
  'items_call_log_direction',
  'items_call_log_status',
  'items_call_log_missed',
  'items_call_outcome',
  'items_system_type',
  'items_permission_requests',
];

function storeFigures(db: Database): void {
  const log = new CallLog(db);
  const callbacks = new CallbackList(db);
  const totalCalls = Number((db.prepare("SELECT COUNT(*) AS n FROM items WHERE kind = 'call'").get() as { n: number }).n);
  const deep = db
    .prepare("SELECT at, id FROM items WHERE kind = 'call' ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?")
    .get(Math.floor(totalCalls / 2)) as { at: string; id: number };
  const plain = (filter: CallLogFilter, cursor: boolean) => db.prepare(callLogSql(filter, cursor, false));

  console.log('');
  console.log(`the store: ${totalCalls.toLocaleString('en')} calls`);
  head('call log, newest 100');
  const ours: Record<string, Stat> = {};
  const before: Record<string, Stat> = {};
  for (const f of FILTERS) ours[f] = measure(() => log.page({ filter: f, limit: 100 }));
  ours['deep'] = measure(() => log.page({ filter: 'all', limit: 100, before: { at: deep.at, id: Number(deep.id) } }));
  const offset = Math.floor(totalCalls / 2);
  const offsetStmt = db.prepare(callLogSql('all', false).replace('LIMIT ?', 'LIMIT ? OFFSET ?'));
  const offsetPage = measure(() => offsetStmt.all(100, offset), Math.max(3, Math.floor(RUNS / 3)));
  // Without migration 4's indexes: the same queries, on the schema before it (rolled back after).
  db.exec('BEGIN');
  try {
    for (const name of MIGRATION_4_INDEXES) db.exec(`DROP INDEX ${name}`);
    for (const f of FILTERS) before[f] = measure(() => plain(f, false).all(100), Math.max(3, Math.floor(RUNS / 3)));
    before['deep'] = measure(() => plain('all', true).all(deep.at, Number(deep.id), 100), Math.max(3, Math.floor(RUNS / 3)));
    before['callbacks'] = measure(() => callbacks.list(), 3);
  } finally {
    db.exec('ROLLBACK');
  }
  for (const f of FILTERS) {
    line(`  ${f.padEnd(9)} with the indexes`, ours[f]!);
    line(`  ${f.padEnd(9)} without (schema 3, baseline)`, before[f]!, `   ${(before[f]!.p50 / ours[f]!.p50).toFixed(0)}× at p50`);
  }
  line(`  page ${offset.toLocaleString('en')} calls deep, keyset`, ours['deep']!);
  line('  the same page, keyset without the indexes (baseline)', before['deep']!);
  line('  the same page, OFFSET (baseline)', offsetPage, `   ${(offsetPage.p50 / ours['deep']!.p50).toFixed(0)}× at p50`);
  const worst = Math.max(...FILTERS.map((f) => ours[f]!.p95), ours['deep']!.p95);
  console.log(`  slowest p95 ${worst.toFixed(2)} ms   target < ${TARGET_MS} ms   ${verdict(worst < TARGET_MS)}`);

  head('call-back list');
  const everyone = measure(() => callbacks.list(), Math.max(5, Math.floor(RUNS / 2)));
  const rowsEveryone = callbacks.list().length;
  line(`  every customer whose last call did not connect (${rowsEveryone} rows)`, everyone);
  line(
    '  the same without the indexes (baseline)',
    before['callbacks']!,
    `   ${(before['callbacks']!.p50 / everyone.p50).toFixed(1)}× at p50`,
  );
  // An owner who keeps up: every customer dealt with (marked done) up to two days ago. (The
  // generated calls never call anyone back, so without marks most customers end up waiting.)
  db.exec('BEGIN');
  try {
    const newest = (db.prepare('SELECT MAX(at) AS at FROM items').get() as { at: string }).at;
    const cutoff = new Date(Date.parse(newest) - 2 * 86_400_000).toISOString();
    db.prepare(
      'INSERT INTO callback_done (thread_id, up_to_item_id, done_at) SELECT thread_id, MAX(id), ? FROM items WHERE at < ? GROUP BY thread_id',
    ).run(newest, cutoff);
    const keptUp = measure(() => callbacks.list(), Math.max(5, Math.floor(RUNS / 2)));
    line(`  an owner who marked done up to 2 days ago (${callbacks.list().length} rows)`, keptUp);
  } finally {
    db.exec('ROLLBACK');
  }
}

// ---- through the bridge, and in Chromium -----------------------------------------------------
let services = null as AppServices | null;
let host = null as BrowserHost | null;
let browser = null as Browser | null;

async function bridgeFigures(s: AppServices): Promise<void> {
  console.log('');
  head('through the bridge: dispatch (validated) + JSON');
  for (const f of FILTERS) {
    const st = await measureAsync(async () => JSON.stringify(await s.dispatch('listCallLog', { filter: f, before: null, limit: 100 })));
    line(`  listCallLog ${f}`, st);
  }
  const cb = await measureAsync(async () => JSON.stringify(await s.dispatch('listCallbacks', {})), Math.max(5, Math.floor(RUNS / 2)));
  line('  listCallbacks (every customer whose last call did not connect)', cb);
}

/** Click → the selector's element in the DOM and painted (the page's own clock, PAGE_CLOCK). */
async function clickUntil(page: Page, testid: string, selector: string): Promise<{ dom: number; painted: number }> {
  const appear = page.evaluate(
    ([s]) =>
      (globalThis as unknown as { __appear: (s: string, t: number) => Promise<{ dom: number; painted: number } | null> }).__appear(
        s!,
        15_000,
      ),
    [selector],
  );
  await page.getByTestId(testid).click();
  const shown = await appear;
  const clicked = (await page.evaluate(`window.__clicks[${JSON.stringify(testid)}]`)) as number;
  if (!shown || !clicked) throw new Error(`${selector} did not appear after clicking ${testid}`);
  return { dom: shown.dom - clicked, painted: shown.painted - clicked };
}

async function uiFigures(s: AppServices): Promise<void> {
  host = await startBrowserHost({
    services: s,
    rendererDir: path.resolve(import.meta.dirname, '../../out/renderer'),
    port: 0,
    log: memoryLogger().log,
  });
  browser = await chromium.launch(chromiumLaunchOptions());
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await page.addInitScript({ content: PAGE_CLOCK });
  await page.goto(host.url);
  await page.getByTestId('app-frame').waitFor({ timeout: 30_000 });
  await page.getByTestId('nav-callbacks-count').waitFor({ timeout: 30_000 });
  const rowsOf = (f: CallLogFilter) =>
    `[data-testid="call-log-rows"][data-filter="${f}"][data-loading="false"] [data-testid^="call-log-row-"]`;

  process.stdout.write(`\nin Chromium: opening the call log ${RUNS}×, each filter ${RUNS}× `);
  const first = await clickUntil(page, 'nav-calls', rowsOf('all'));
  const opens: number[] = [];
  const filters: Record<string, number[]> = Object.fromEntries(FILTERS.map((f) => [f, []]));
  for (let i = 0; i < RUNS; i++) {
    await page.getByTestId('nav-threads').click();
    await page.getByTestId('thread-list').waitFor();
    opens.push((await clickUntil(page, 'nav-calls', rowsOf('all'))).painted);
    // Each filter after another: every click asks main for that filter's newest page.
    for (const f of [...FILTERS.slice(1), 'all' as const])
      filters[f]!.push((await clickUntil(page, `call-log-filter-${f}`, rowsOf(f))).painted);
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const rendered = await page.locator('[data-testid^="call-log-row-"]').count();
  head(`in Chromium, 1366×768: click → rows painted (${rendered} rows in the DOM)`);
  line('  open the call log, the first time (one sample)', stat([first.painted]));
  const o = stat(opens);
  line('  open the call log again (rows kept, newest page refreshed)', o);
  let worst = o.p95;
  for (const f of FILTERS) {
    const st = stat(filters[f]!);
    worst = Math.max(worst, st.p95);
    line(`  filter: ${f}`, st);
  }
  console.log(`  slowest p95 ${worst.toFixed(1)} ms   target < ${TARGET_MS} ms   ${verdict(worst < TARGET_MS)}`);
}

async function main(): Promise<void> {
  {
    const db = openDatabase(dir);
    try {
      storeFigures(db);
    } finally {
      db.close();
    }
  }
  services = await startAppServices({
    dataDir: dir,
    version: '0.0.0-bench',
    host: 'browser-host',
    log: memoryLogger().log,
    secrets: new MemorySecrets(),
    configStore: confFactory,
    webhookPort: 0,
    localtunnelHost: 'http://127.0.0.1:1',
  });
  await services.connection.stop();
  await bridgeFigures(services);
  if (!values['no-ui']) await uiFigures(services);
  console.log('');
  console.log(machine);
}

async function cleanup(): Promise<void> {
  await browser?.close().catch(() => undefined);
  await host?.close().catch(() => undefined);
  await services?.close().catch(() => undefined);
}

const watchdog = setTimeout(() => {
  console.error('benchmark timed out (15 min)');
  void cleanup().finally(() => process.exit(1));
}, 15 * 60_000);
watchdog.unref();
try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
