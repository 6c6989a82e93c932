/**
 * Part of `npm run lint`: every GitHub Actions workflow in .github/workflows is checked with
 * action-validator (@action-validator/cli: the workflow schema, job and step shapes, `needs`, globs),
 * so a broken workflow fails on our machines before it ever reaches a hosted runner. It runs
 * offline. Prints one line per file; on a failure, the validator's own message, and exits 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, '.github', 'workflows');
// The CLI itself (not the .bin shim, which is a .cmd on Windows), run by this same Node.
const cli = path.join(root, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

if (!existsSync(cli)) {
  console.error('action-validator is not installed (npm ci installs @action-validator/cli)');
  process.exit(1);
}
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
  : [];
if (files.length === 0) {
  console.error(`no workflow files in ${path.relative(root, dir)}: the hosted CI and release workflows are expected there`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  const rel = path.posix.join('.github', 'workflows', file);
  const r = spawnSync(process.execPath, [cli, rel], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (r.status === 0) {
    console.log(`workflow ok: ${rel}`);
    continue;
  }
  failed++;
  console.error(`workflow invalid: ${rel}`);
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  console.error(out || (r.error ? r.error.message : `action-validator exited with ${r.status ?? r.signal}`));
}
console.log(`action-validator: ${files.length - failed} of ${files.length} workflow files valid`);
process.exit(failed > 0 ? 1 : 0);
