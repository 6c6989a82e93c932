/**
 * Benchmark: the thread store at the size of years of use — 2,000 customers and 1,000,000 timeline
 * items (one thread of 100,000 items, one of 100, the rest spread out) — in a real SQLite file.
 *
 *   node test/bench/threads.bench.ts [--items 1000000] [--data-dir DIR] [--runs 50]
 *
 * Prints, side by side in one run:
 *  - a thread's first page (50 newest items) for the 100,000-item thread vs the 100-item thread
 *    (target: within 1.5× — cost must not grow with thread length);
 *  - full-text search (FTS5) vs a `LIKE '%…%'` scan of the same items (target: ≥ 50× faster,
 *    FTS p95 < 50 ms).
 * The renderer-side figures (time to first rendered items in Chromium, JS heap after scrolling
 * 20,000 items) are measured by the browser benchmark once the conversations screen exists.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { openDatabase } from '../../main/storage/database.ts';
import { ThreadStore } from '../../main/threads/thread-store.ts';
import { seedCustomers, seedItems } from '../support/bulk-seed.ts';

const values = cliOptions('usage: node test/bench/threads.bench.ts [--items 1000000] [--data-dir DIR] [--runs 50]', {
  items: { type: 'string', default: '1000000' },
  'data-dir': { type: 'string' },
  runs: { type: 'string', default: '50' },
});
const TOTAL = cliNumber('items', values.items, 1000);
const RUNS = cliNumber('runs', values.runs, 1);
const CUSTOMERS = 2000;
const dir = values['data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'sb-bench-threads-'));
const fresh = !existsSync(path.join(dir, 'switchboard.db'));
const db = openDatabase(dir);
const store = new ThreadStore(db);

if (fresh) {
  const t0 = performance.now();
  // Customers and items as test/support/bulk-seed.ts writes them (the call-log benchmark uses it too).
  const threadIds = seedCustomers(db, store, CUSTOMERS);
  // Thread 0: 100,000 items; thread 1: 100 items; the rest share what is left.
  const plan = (n: number): number => (n < 100_000 ? 0 : n < 100_100 ? 1 : 2 + ((n - 100_100) % (CUSTOMERS - 2)));
  seedItems(db, { total: TOTAL, threadIds, threadOf: plan });
  console.log(
    `seeded ${TOTAL.toLocaleString('en')} items for ${CUSTOMERS} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`,
  );
} else {
  console.log(`reusing ${dir}`);
}

function measure(fn: () => unknown): { p50: number; p95: number; mean: number } {
  fn(); // warm
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return {
    p50: t[Math.floor(t.length * 0.5)]!,
    p95: t[Math.min(t.length - 1, Math.floor(t.length * 0.95))]!,
    mean: t.reduce((a, b) => a + b, 0) / t.length,
  };
}

const counts = db.prepare('SELECT thread_id, COUNT(*) AS n FROM items GROUP BY thread_id ORDER BY n DESC').all() as Array<{
  thread_id: number;
  n: number;
}>;
const big = counts[0]!;
const small = counts.find((c) => Number(c.n) === 100) ?? counts.at(-1)!;
const pageBig = measure(() => store.timeline(Number(big.thread_id), { limit: 50 }));
const pageSmall = measure(() => store.timeline(Number(small.thread_id), { limit: 50 }));
// A page deep in the long thread (keyset cursor from the middle).
const mid = db
  .prepare('SELECT at, id FROM items WHERE thread_id = ? ORDER BY at DESC, id DESC LIMIT 1 OFFSET 50000')
  .get(big.thread_id) as { at: string; id: number };
const pageDeep = measure(() => store.timeline(Number(big.thread_id), { limit: 50, before: { at: mid.at, id: Number(mid.id) } }));

// What an owner searches for: something specific from months ago (here: the number a message
// carries), which only a few rows match. A common word is measured too: it matches a third of
// the table, and the newest 50 are wanted.
const rare = Array.from({ length: 20 }, (_, i) => String(1000 + Math.floor((i * (TOTAL - 2000)) / 20)));
const common = ['aniversário', 'queijo', 'pix', 'encomenda', 'sábado'];
const likeStmt = db.prepare('SELECT id, thread_id, at FROM items WHERE body LIKE ? ORDER BY id DESC LIMIT 50');
let qi = 0;
const fts = measure(() => store.searchItems(rare[qi++ % rare.length]!, 50));
qi = 0;
const like = measure(() => likeStmt.all(`%${rare[qi++ % rare.length]!}%`));
qi = 0;
const ftsCommon = measure(() => store.searchItems(common[qi++ % common.length]!, 50));
qi = 0;
const likeCommon = measure(() => likeStmt.all(`%${common[qi++ % common.length]!}%`));

const f = (x: { p50: number; p95: number }) => `p50 ${x.p50.toFixed(2).padStart(8)} ms   p95 ${x.p95.toFixed(2).padStart(8)} ms`;
console.log('');
console.log(`thread first page, ${Number(big.n).toLocaleString('en')} items   ${f(pageBig)}`);
console.log(`thread first page, ${Number(small.n).toLocaleString('en')} items        ${f(pageSmall)}`);
console.log(`thread page 1,000 deep (keyset)      ${f(pageDeep)}`);
const ratio = pageBig.p50 / pageSmall.p50;
console.log(`  long/short ratio ${ratio.toFixed(2)} (target ≤ 1.5) ${ratio <= 1.5 ? 'MET' : 'MISSED'}`);
console.log(`search FTS5, specific term           ${f(fts)}`);
console.log(`search LIKE '%…%', specific term     ${f(like)}`);
console.log(`search FTS5, common word             ${f(ftsCommon)}`);
console.log(`search LIKE '%…%', common word       ${f(likeCommon)}`);
const speedup = like.p50 / fts.p50;
console.log(
  `  FTS speed-up ${speedup.toFixed(0)}× (target ≥ 50×) ${speedup >= 50 ? 'MET' : 'MISSED'}; FTS p95 ${fts.p95.toFixed(2)} ms (target < 50 ms) ${fts.p95 < 50 ? 'MET' : 'MISSED'}`,
);
db.close();
