/**
 * `npm run package:dir`: runs electron-builder's `--linux dir` target with a stub Electron
 * distribution, because no Electron binary can be downloaded on our build machines. It still
 * produces the real `resources/app.asar` (and `app.asar.unpacked`), and runs the fuse step
 * against the stub, which carries an Electron-shaped fuse wire, so both can be inspected.
 *
 * Prints the output folder. Requires `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's defaults, in fuse order: RunAsNode, CookieEncryption, NODE_OPTIONS, inspect, asar integrity, only-asar, v8 snapshot, file privileges. */
const STOCK_WIRE = '10110001';

export function makeStubElectronDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-stub-electron-'));
  const head = Buffer.from('#!/bin/sh\necho "stub Electron (packaging test only)"\nexit 0\n# ');
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, STOCK_WIRE.length]), Buffer.from(STOCK_WIRE)]);
  const bin = path.join(dir, 'electron');
  writeFileSync(bin, Buffer.concat([head, wire, Buffer.from('\n')]));
  chmodSync(bin, 0o755);
  mkdirSync(path.join(dir, 'resources'));
  writeFileSync(path.join(dir, 'LICENSE'), 'stub');
  return dir;
}

export function packageLinuxDir(outDir: string): { appDir: string; status: number; output: string } {
  if (!existsSync(path.join(root, 'out', 'main', 'index.js'))) throw new Error('Build first: npm run build');
  const stub = makeStubElectronDist();
  const res = spawnSync(
    path.join(root, 'node_modules', '.bin', 'electron-builder'),
    ['--linux', 'dir', '--publish', 'never', `-c.electronDist=${stub}`, '-c.npmRebuild=false', `-c.directories.output=${outDir}`],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  return { appDir: path.join(outDir, 'linux-unpacked'), status: res.status ?? 1, output: `${res.stdout}\n${res.stderr}` };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const out = path.join(root, 'dist');
  const r = packageLinuxDir(out);
  process.stdout.write(r.output);
  if (r.status !== 0) process.exit(r.status);
  console.log(`Packaged (stub Electron) into ${r.appDir}`);
}
