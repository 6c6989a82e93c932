/**
 * Benchmark: the conversations screen in Chromium on years of data — 2,000 customers and
 * 1,000,000 timeline items, one thread of 100,000 items and one of 100, in a real SQLite file (the
 * data dir `test/bench/threads.bench.ts` seeds; it is seeded here first when missing, which also
 * prints the store-level figures). Main's services and the browser host run in this process on
 * that data dir (memory secrets, no account, no simulator); Debian Chromium runs the real renderer.
 *
 *   npx electron-vite build   # once: the browser host serves out/renderer
 *   node test/bench/threads-ui.bench.ts [--data-dir DIR] [--runs 20] [--scroll 20000]
 *
 * Prints, side by side in one run:
 *  - opening the 100,000-item thread vs the 100-item thread, N times each, alternating (after one
 *    warm-up of each; each open replaces the other thread's timeline), twice: clicking the row in
 *    the contact search results (one row listed), then in the thread list paged to the end (both
 *    threads are among the oldest, so all 2,000 rows are loaded): from the click on the thread
 *    row (capture listener in the page) to the first of the thread's newest 60 items in the
 *    timeline's DOM, and after the next animation frame (painted) — target: long ≤ 1.5× short;
 *  - the renderer's JS heap (CDP Runtime.getHeapUsage, and performance.memory with
 *    --enable-precise-memory-info) with the long thread and the full list open, before and after
 *    scrolling up through 20,000 of its items (older pages load as the top is reached) — target
 *    < 200 MB;
 *  - jumping to a search hit: the oldest message of the long thread (100,000 items back) vs one on
 *    its newest page (baseline), N times each, alternating: from the click on the hit to the item
 *    in the timeline's DOM. Two messages get a unique word for this (written once into the data
 *    dir; the FTS index follows by trigger). Target: old ≤ 2× recent (one centred page, not
 *    paging in from the newest item).
 * No renderer or main code is instrumented: everything is observed from outside.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { DatabaseSync } from 'node:sqlite';
import { chromium, type Browser } from 'playwright-core';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { MemorySecrets } from '../../main/account/secrets.ts';
import { confFactory } from '../../main/account/conf-store.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { memoryLogger } from '../support/test-log.ts';
import { PAGE_CLOCK, machineLine, stat, type Stat } from './page-clock.ts';

const values = cliOptions('usage: node test/bench/threads-ui.bench.ts [--data-dir DIR] [--runs 20] [--scroll 20000]', {
  'data-dir': { type: 'string' },
  runs: { type: 'string', default: '20' },
  scroll: { type: 'string', default: '20000' },
});
const RUNS = cliNumber('runs', values.runs, 1);
const SCROLL = cliNumber('scroll', values.scroll, 1);
const dir = path.resolve(values['data-dir'] ?? path.join(tmpdir(), 'switchboard-bench-1m'));
const MB = 1024 * 1024;

if (!existsSync(path.join(dir, 'switchboard.db'))) {
  mkdirSync(dir, { recursive: true });
  console.log(`seeding ${dir} with test/bench/threads.bench.ts (1,000,000 items; about a minute or two)…`);
  const r = spawnSync(process.execPath, [path.join(import.meta.dirname, 'threads.bench.ts'), '--data-dir', dir, '--runs', '5'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('seeding failed');
  console.log('');
}

// The two threads, their newest page and the item 20,000 back in the long one.
const ro = new DatabaseSync(path.join(dir, 'switchboard.db'), { readOnly: true });
const counts = ro.prepare('SELECT thread_id AS id, COUNT(*) AS n FROM items GROUP BY thread_id ORDER BY n DESC').all() as Array<{
  id: number;
  n: number;
}>;
const big = counts[0]!;
const small = counts.find((c) => Number(c.n) === 100) ?? counts.at(-1)!;
const newest = (threadId: number): number[] =>
  (ro.prepare('SELECT id FROM items WHERE thread_id = ? ORDER BY at DESC, id DESC LIMIT 60').all(threadId) as Array<{ id: number }>).map(
    (r) => Number(r.id),
  );
const nameOf = (threadId: number): string =>
  String(
    (
      ro.prepare('SELECT c.profile_name AS name FROM threads t JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?').get(threadId) as {
        name: string;
      }
    ).name,
  );
const names = { big: nameOf(Number(big.id)), small: nameOf(Number(small.id)) };
const bigIds = newest(Number(big.id));
const smallIds = newest(Number(small.id));
const deep = ro
  .prepare('SELECT at, id FROM items WHERE thread_id = ? ORDER BY at DESC, id DESC LIMIT 1 OFFSET ?')
  .get(big.id, SCROLL - 1) as { at: string; id: number };
const totalItems = Number((ro.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n);
const oldestId = Number(
  (ro.prepare("SELECT id FROM items WHERE thread_id = ? AND type = 'text' ORDER BY at ASC, id ASC LIMIT 1").get(big.id) as { id: number })
    .id,
);
const recentId = bigIds[30]!;
ro.close();
// Unique words for the jump measurement (idempotent; the FTS update trigger re-indexes them).
{
  const rw = new DatabaseSync(path.join(dir, 'switchboard.db'));
  const mark = rw.prepare("UPDATE items SET body = ? WHERE id = ? AND (body IS NULL OR body NOT LIKE '%' || ? || '%')");
  mark.run('Benchjumpoldest order from long ago', oldestId, 'Benchjumpoldest');
  mark.run('Benchjumprecent order from this week', recentId, 'Benchjumprecent');
  rw.close();
}

// Set inside main(), closed in the finally below.
let services = null as AppServices | null;
let host = null as BrowserHost | null;
let browser = null as Browser | null;

async function main(): Promise<void> {
  const machine = `${machineLine()}, before the run`;
  const { log } = memoryLogger();
  services = await startAppServices({
    dataDir: dir,
    version: '0.0.0-bench',
    host: 'browser-host',
    log,
    secrets: new MemorySecrets(),
    configStore: confFactory,
    webhookPort: 0,
    localtunnelHost: 'http://127.0.0.1:1',
  });
  await services.connection.stop();
  host = await startBrowserHost({ services, rendererDir: path.resolve(import.meta.dirname, '../../out/renderer'), port: 0, log });
  browser = await chromium.launch(chromiumLaunchOptions(['--enable-precise-memory-info']));
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.addInitScript({ content: PAGE_CLOCK });
  await page.goto(host.url);
  await page.getByTestId('thread-rows').waitFor({ timeout: 30_000 });

  const rowSel = (id: number) => `[data-testid="thread-row-${id}"]`;
  type Via = 'search' | 'list';
  const openMs: Record<Via, { big: number[]; small: number[]; bigDom: number[]; smallDom: number[] }> = {
    search: { big: [], small: [], bigDom: [], smallDom: [] },
    list: { big: [], small: [], bigDom: [], smallDom: [] },
  };
  async function open(which: 'big' | 'small', via: Via, record: boolean): Promise<void> {
    const id = Number(which === 'big' ? big.id : small.id);
    const ids = which === 'big' ? bigIds : smallIds;
    let row = page.locator(`[data-testid="thread-rows"] ${rowSel(id)}`);
    if (via === 'list') await reveal(id);
    if (via === 'search') {
      await page.getByTestId('thread-search').fill(names[which]);
      row = page.locator(`[data-testid="search-contacts"] ${rowSel(id)}`);
      await row.waitFor({ timeout: 10_000 });
      await page.waitForTimeout(300); // the debounced search has settled
    }
    const sel = ids.map((i) => `[data-testid="timeline"] [data-testid="item-${i}"]`).join(', ');
    const appear = page.evaluate(
      ([s]) =>
        (globalThis as unknown as { __appear: (s: string, t: number) => Promise<{ dom: number; painted: number } | null> }).__appear(
          s!,
          10_000,
        ),
      [sel],
    );
    await row.click();
    const shown = await appear;
    const clicked = (await page.evaluate(`window.__clicks["thread-row-${id}"]`)) as number;
    if (!shown || !clicked) throw new Error(`the ${which} thread's items did not appear`);
    if (shown.dom < clicked) throw new Error(`the ${which} thread's items were on screen before the click`);
    if (record) {
      openMs[via][which].push(shown.painted - clicked);
      openMs[via][which === 'big' ? 'bigDom' : 'smallDom'].push(shown.dom - clicked);
    }
    await page.waitForTimeout(150);
  }
  // The thread list is virtual: scroll it (from the end, where the oldest threads are) until the row is rendered.
  async function reveal(id: number): Promise<void> {
    const found = await page.getByTestId('thread-rows').evaluate(async (el, sel) => {
      el.scrollTop = el.scrollHeight;
      for (let i = 0; i < 400; i++) {
        await new Promise((r) => setTimeout(r, 40)); // two frames: the list renders the rows now in view
        if (el.querySelector(sel)) return true;
        if (el.scrollTop <= 0) return false;
        el.scrollTop -= el.clientHeight;
      }
      return false;
    }, rowSel(id));
    if (!found) throw new Error(`thread row ${id} not found in the list`);
  }
  // Strictly alternating, so every open replaces the other thread's timeline.
  async function series(via: Via): Promise<void> {
    process.stdout.write(
      `opening threads from the ${via === 'search' ? 'search results (one row listed)' : 'full thread list (2,000 rows)'}: ${RUNS}× each, alternating `,
    );
    await open('big', via, false);
    await open('small', via, false);
    for (let i = 0; i < RUNS; i++) {
      await open('big', via, true);
      await open('small', via, true);
      process.stdout.write('.');
    }
    process.stdout.write('\n');
  }

  // First from a contact search (the list shows one row), then from the thread list itself: both
  // threads are among the oldest, so the list is paged ("Load more") until their rows are there —
  // all 2,000 rows.
  await series('search');
  await page.getByTestId('thread-search').fill('');
  await page.getByTestId('thread-rows').waitFor({ timeout: 10_000 });
  // Page the (virtual) list to its end by scrolling it: every thread is loaded, the two measured ones among the oldest.
  const list = page.getByTestId('thread-rows');
  for (let i = 0; i < 400 && (await list.getAttribute('data-complete')) !== 'true'; i++) {
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(30);
  }
  const listedRows = Number(await list.getAttribute('data-rows'));
  const renderedRows = await page.locator('[data-testid="thread-rows"] [data-thread-id]').count();
  console.log(`thread list: ${listedRows.toLocaleString('en')} threads loaded, ${renderedRows} rows in the DOM`);
  await series('list');

  // Heap with the long thread open, then after scrolling up through SCROLL items.
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    const perf = (await page.evaluate('performance.memory.usedJSHeapSize')) as number;
    const cdpUsed = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
    await cdp.send('HeapProfiler.collectGarbage');
    const afterGc = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
    return { perf, cdpUsed, afterGc };
  };
  await open('big', 'list', false);
  await page.waitForTimeout(500);
  const before = await heap();
  process.stdout.write(`scrolling up through ${SCROLL.toLocaleString('en')} items `);
  const t0 = performance.now();
  const scrolled = (await page.evaluate(
    async ([deepId, timeoutMs]) => {
      // Runs in the page: scroll the timeline to its top until the item SCROLL back is rendered.
      const g = globalThis as unknown as {
        document: {
          querySelector: (
            s: string,
          ) => { scrollTop: number; querySelectorAll: (s: string) => ArrayLike<{ dataset: Record<string, string> }> } | null;
        };
      };
      const el = g.document.querySelector('[data-testid="timeline"]')!;
      const end = Date.now() + timeoutMs!;
      let minId = Infinity;
      let steps = 0;
      while (Date.now() < end) {
        const rows = el.querySelectorAll('[data-kind]');
        for (let i = 0; i < rows.length; i++) {
          const m = /^item-(\d+)$/.exec(rows[i]!.dataset['testid'] ?? '');
          if (m) minId = Math.min(minId, Number(m[1]));
        }
        if (minId <= deepId!) return { ok: true, minId, steps };
        el.scrollTop = 0;
        steps++;
        await new Promise((r) => setTimeout(r, 16));
      }
      return { ok: false, minId, steps };
    },
    [Number(deep.id), 300_000],
  )) as { ok: boolean; minId: number; steps: number };
  const scrollSeconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    scrolled.ok
      ? `done in ${scrollSeconds.toFixed(1)} s\n`
      : `gave up after ${scrollSeconds.toFixed(1)} s (oldest item on screen ${scrolled.minId})\n`,
  );
  await page.waitForTimeout(500);
  const after = await heap();
  await cdp.detach();

  // Jumping to a search hit: the thread's oldest message vs one on its newest page.
  const jumps = { old: [] as number[], recent: [] as number[] };
  const jump = async (which: 'old' | 'recent'): Promise<number> => {
    const word = which === 'old' ? 'Benchjumpoldest' : 'Benchjumprecent';
    const id = which === 'old' ? oldestId : recentId;
    await page.getByTestId('thread-search').fill(word);
    const hit = page.getByTestId(`search-hit-${id}`);
    await hit.waitFor({ timeout: 30_000 });
    const t = performance.now();
    await hit.click();
    await page.locator(`[data-testid="timeline"] [data-testid="item-${id}"]`).waitFor({ timeout: 120_000 });
    const took = performance.now() - t;
    // Leave the thread so the next jump starts from the list, like the owner's next search.
    await page.getByTestId('thread-search').fill('');
    return took;
  };
  process.stdout.write(`jumping to a search hit: ${RUNS}× each, alternating `);
  await jump('old');
  await jump('recent');
  for (let i = 0; i < RUNS; i++) {
    jumps.old.push(await jump('old'));
    jumps.recent.push(await jump('recent'));
    process.stdout.write('.');
  }
  process.stdout.write('\n');

  // ---- the table ----
  const ms = (x: number) => x.toFixed(1).padStart(8);
  const mb = (x: number) => `${(x / MB).toFixed(1)} MB`.padStart(10);
  const row = (label: string, s: Stat) => console.log(`${label.padEnd(52)}${String(s.n).padStart(5)}${ms(s.p50)}${ms(s.p95)}`);
  console.log('');
  console.log(machine);
  console.log(`data dir ${dir}: ${totalItems.toLocaleString('en')} items, ${counts.length.toLocaleString('en')} threads`);
  console.log(`${'open thread: click → first items (ms)'.padEnd(52)}${'runs'.padStart(5)}${'p50'.padStart(8)}${'p95'.padStart(8)}`);
  for (const via of ['search', 'list'] as const) {
    const o = openMs[via];
    console.log(
      via === 'search'
        ? '  from the search results (one row listed)'
        : `  from the full thread list (${listedRows.toLocaleString('en')} rows)`,
    );
    const b = stat(o.big);
    const s = stat(o.small);
    row(`    ${Number(big.n).toLocaleString('en')}-item thread, in DOM`, stat(o.bigDom));
    row(`    ${Number(small.n).toLocaleString('en')}-item thread, in DOM`, stat(o.smallDom));
    row(`    ${Number(big.n).toLocaleString('en')}-item thread, painted`, b);
    row(`    ${Number(small.n).toLocaleString('en')}-item thread, painted (baseline)`, s);
    const r50 = b.p50 / s.p50;
    console.log(
      `    long ÷ short (painted): p50 ${r50.toFixed(2)}×, p95 ${(b.p95 / s.p95).toFixed(2)}×   target ≤ 1.5× (p50)   ${r50 <= 1.5 ? 'MET' : 'MISSED'}`,
    );
  }
  const heapRow = (label: string, h: { perf: number; cdpUsed: number; afterGc: number }) =>
    console.log(`${label.padEnd(40)}${mb(h.perf).padStart(22)}${mb(h.cdpUsed).padStart(14)}${mb(h.afterGc).padStart(18)}`);
  console.log(
    `${'JS heap, long thread + full list open'.padEnd(40)}${'performance.memory'.padStart(22)}${'CDP used'.padStart(14)}${'after forced GC'.padStart(18)}`,
  );
  heapRow('  after opening it (baseline)', before);
  heapRow(`  after scrolling up ${SCROLL.toLocaleString('en')} items`, after);
  const worst = Math.max(after.perf, after.cdpUsed);
  const jo = stat(jumps.old);
  const jr = stat(jumps.recent);
  console.log(
    `${'jump to a search hit: click → item in DOM (ms)'.padEnd(52)}${'runs'.padStart(5)}${'p50'.padStart(8)}${'p95'.padStart(8)}`,
  );
  row(`  the oldest of ${Number(big.n).toLocaleString('en')} items`, jo);
  row('  one on the newest page (baseline)', jr);
  console.log(`  old ÷ recent: p50 ${(jo.p50 / jr.p50).toFixed(2)}×   target ≤ 2× (p50)   ${jo.p50 / jr.p50 <= 2 ? 'MET' : 'MISSED'}`);
  console.log(
    `  scrolled ${scrolled.ok ? SCROLL.toLocaleString('en') : `only to item ${scrolled.minId}`} items in ${scrollSeconds.toFixed(1)} s (${scrolled.steps} scrolls to the top); heap before GC ${(worst / MB).toFixed(1)} MB   target < 200 MB   ${scrolled.ok && worst < 200 * MB ? 'MET' : 'MISSED'}`,
  );
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
