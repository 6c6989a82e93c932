/**
 * `npm test`: builds the app, runs every test runner, and ends with one plain line that totals
 * them all — `N passed, N failed, N skipped` — which is what CI reads.
 *
 *  - Vitest: unit tests (node + DOM projects), the simulator's tests.
 *  - Playwright: browser tests against the browser host in Chromium (Debian's /usr/bin/chromium
 *    where installed), and the Electron shell tests (skipped with the reason without a binary).
 *
 * Environment: SWITCHBOARD_SKIP_BUILD=1 skips the build (CI builds in its own step).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'reports');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.error) {
    console.error(`could not run ${cmd}: ${res.error.message}`);
    return 1;
  }
  return res.status ?? 1;
}

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function vitestTotals(file: string, exitCode: number): Totals {
  const r = readJson<{
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numTotalTestSuites: number;
    numFailedTestSuites: number;
  }>(file);
  if (!r) return { passed: 0, failed: 1, skipped: 0 }; // the runner itself failed
  // A file that fails to load counts as a failure even though no test inside it ran.
  const brokenFiles = r.numFailedTests === 0 && exitCode !== 0 ? Math.max(1, r.numFailedTestSuites) : 0;
  return { passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightTotals(file: string, exitCode: number): Totals {
  const r = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number }; errors?: unknown[] }>(file);
  if (!r) return { passed: 0, failed: 1, skipped: 0 };
  const globalErrors = r.errors?.length ?? 0;
  const failed = r.stats.unexpected + globalErrors + (r.stats.unexpected === 0 && globalErrors === 0 && exitCode !== 0 ? 1 : 0);
  return { passed: r.stats.expected + r.stats.flaky, failed, skipped: r.stats.skipped };
}

rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

if (process.env['SWITCHBOARD_SKIP_BUILD'] !== '1') {
  if (run(bin('electron-vite'), ['build']) !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
if (!existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
  console.error('The renderer is not built; run "npm run build".');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const vitestJson = path.join(reports, 'vitest.json');
const vitestCode = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const v = vitestTotals(vitestJson, vitestCode);

const pwJson = path.join(reports, 'playwright.json');
const pwCode = run(bin('playwright'), ['test'], { PW_JSON_REPORT: pwJson });
const p = playwrightTotals(pwJson, pwCode);

const total: Totals = { passed: v.passed + p.passed, failed: v.failed + p.failed, skipped: v.skipped + p.skipped };
console.log('');
console.log(
  `Per runner (passed/failed/skipped): vitest ${v.passed}/${v.failed}/${v.skipped}, playwright ${p.passed}/${p.failed}/${p.skipped}`,
);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
