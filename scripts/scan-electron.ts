/**
 * `npm run scan`: Electronegativity (@doyensec/electronegativity) over what ships — the built
 * out/main, out/preload and out/renderer (`npm run build` first) — with zero findings left
 * unexplained. Every finding must match an entry of `accepted` in electronegativity.json (same
 * check, same file, and its sample / description text), where the reason it is a deliberate choice
 * or a scanner blind spot is written down; every entry must still match a finding, so the list
 * never outlives the code. Checks that cannot run here are in `excludedChecks`, with their reason.
 *
 * Runs offline: the scanner's translation download is answered "offline" before it is tried.
 * Writes reports/electronegativity.json (every finding and its verdict) and ends with a summary
 * line; exits 1 on an unexplained finding, a stale entry or a file the scanner could not parse.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

const root = path.resolve(import.meta.dirname, '..');
const input = path.join(root, 'out');
const configFile = path.join(root, 'electronegativity.json');
const reportFile = path.join(root, 'reports', 'electronegativity.json');

const Config = z.object({
  excludedChecks: z.array(z.object({ check: z.string().min(1), reason: z.string().min(20) }).strict()),
  accepted: z.array(
    z
      .object({
        check: z.string().min(1),
        file: z.string().min(1),
        sample: z.string().min(1).optional(),
        description: z.string().min(1).optional(),
        reason: z.string().min(20),
      })
      .strict()
      .refine((e) => e.sample !== undefined || e.description !== undefined, 'an accepted finding names its sample or description'),
  ),
});
type Accepted = z.infer<typeof Config>['accepted'][number];

/** What the scanner's runner returns (dist/runner.js, called without the CLI). */
interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
  sample?: string;
  severity: { name: string };
  confidence: { name: string };
  manualReview: boolean;
}
interface ScanResult {
  globalChecks: number;
  atomicChecks: number;
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  issues: Finding[];
}
type Runner = (options: Record<string, unknown>) => Promise<ScanResult>;

for (const built of ['main/index.js', 'preload/index.cjs', 'renderer/index.html']) {
  if (!existsSync(path.join(input, built))) {
    console.error(`out/${built} is missing: run "npm run build" before "npm run scan"`);
    process.exit(1);
  }
}
const config = Config.parse(JSON.parse(readFileSync(configFile, 'utf8')));

const require = createRequire(import.meta.url);
const runnerPath = require.resolve('@doyensec/electronegativity');
// The scanner fetches translations from the internet before every run (1 s timeout, after which
// `got` throws from a timer and kills the process). Answer "offline" at once: it then uses the
// English texts it ships.
const gotPath = createRequire(runnerPath).resolve('got');
const offline = (): Promise<never> => Promise.reject(new Error('offline: electronegativity translations are not fetched'));
require.cache[gotPath] = {
  id: gotPath,
  filename: gotPath,
  loaded: true,
  exports: Object.assign(offline, { default: offline }),
} as NodeJS.Module;
const run = require(runnerPath) as Runner;

const electronVersion = (
  JSON.parse(readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }
).version;

// The runner reports "could not retrieve translations" on console.log: that line is expected here.
const log = console.log;
console.log = (...args: unknown[]) => {
  if (!(typeof args[0] === 'string' && args[0].startsWith('Could not retrieve updated translations'))) log(...args);
};
let result: ScanResult;
try {
  result = await run({
    input,
    excludeFromScan: config.excludedChecks.map((c) => c.check),
    // The built files carry no package.json: without this it would assume Electron 0.1.0's defaults.
    electronVersionOverride: electronVersion,
    isRelative: true,
    isVerbose: true,
    parserPlugins: [],
  });
} finally {
  console.log = log;
}

const normalise = (file: string): string => file.replaceAll('\\', '/');
const matches = (a: Accepted, f: Finding): boolean =>
  a.check === f.id &&
  a.file === normalise(f.file) &&
  (a.sample === undefined || (f.sample ?? '').includes(a.sample)) &&
  (a.description === undefined || f.description.includes(a.description));

const verdicts = result.issues.map((f) => ({ finding: f, accepted: config.accepted.find((a) => matches(a, f)) ?? null }));
const unexplained = verdicts.filter((v) => v.accepted === null);
const stale = config.accepted.filter((a) => !result.issues.some((f) => matches(a, f)));
const unparsed = result.errors.filter((e) => !e.tolerable);

mkdirSync(path.dirname(reportFile), { recursive: true });
writeFileSync(
  reportFile,
  JSON.stringify(
    {
      electronVersion,
      input: 'out/',
      checks: { global: result.globalChecks, atomic: result.atomicChecks, excluded: config.excludedChecks },
      findings: verdicts.map((v) => ({
        check: v.finding.id,
        file: normalise(v.finding.file),
        line: v.finding.location.line,
        severity: v.finding.severity.name,
        confidence: v.finding.confidence.name,
        description: v.finding.description,
        sample: v.finding.sample ?? null,
        acceptedBecause: v.accepted?.reason ?? null,
      })),
      staleEntries: stale,
      parseErrors: result.errors,
    },
    null,
    2,
  ) + '\n',
);

for (const v of verdicts) {
  const f = v.finding;
  const where = `${normalise(f.file)}:${f.location.line}`;
  if (v.accepted) console.log(`accepted   ${f.id} ${where} — ${v.accepted.reason.split('. ')[0]!.replace(/\.$/, '')}.`);
}
for (const v of unexplained) {
  const f = v.finding;
  console.error(
    `UNEXPLAINED ${f.id} (${f.severity.name}, ${f.confidence.name}) at ${normalise(f.file)}:${f.location.line}:${f.location.column}\n` +
      `  ${f.description}\n  sample: ${f.sample ?? '(none)'}\n` +
      '  Fix the code, or add it to "accepted" in electronegativity.json with the reason it is a deliberate choice.',
  );
}
for (const a of stale) console.error(`STALE entry in electronegativity.json: ${a.check} in ${a.file} no longer found; remove it.`);
for (const e of unparsed) console.error(`NOT SCANNED ${normalise(path.relative(input, e.file))}: ${e.message}`);
for (const e of result.errors.filter((x) => x.tolerable))
  console.log(`parser warning ${normalise(path.relative(input, e.file))}: ${e.message}`);

console.log(
  `electronegativity (Electron ${electronVersion}, ${result.globalChecks + result.atomicChecks} checks, ` +
    `${config.excludedChecks.length} excluded): ${result.issues.length} findings, ${result.issues.length - unexplained.length} accepted ` +
    `with a reason, ${unexplained.length} unexplained, ${stale.length} stale entries, ${unparsed.length} files not scanned ` +
    `(report: ${path.relative(root, reportFile)})`,
);
process.exit(unexplained.length + stale.length + unparsed.length > 0 ? 1 : 0);
