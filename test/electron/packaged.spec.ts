/**
 * The fuses of a packaged build are the ones electron-builder.yml configures, read from the real
 * packaged binary with @electron/fuses (on macOS, from the Electron Framework inside the .app).
 * The build is whatever `npx electron-builder --dir` (or `npm run dist`) left in dist/ for this
 * OS; the hosted CI makes one before the specs. Skipped, with the reason, where there is none —
 * including dist/linux-unpacked from `npm run package:dir`, whose binary is a stub (the packaging
 * test checks that one's fuses). A packaged app cannot be driven by Playwright: its fuses turn
 * the inspector off, which is the point.
 */
import { test, expect } from '@playwright/test';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { e2eRequired, root } from './support/electron-app.ts';

const dist = path.join(root, 'dist');

/** The packaged Electron binary for this OS in dist/, or why there is none. */
function packagedBinary(): { path: string } | { path: null; reason: string } {
  const override = process.env['SWITCHBOARD_PACKAGED_APP'];
  if (override)
    return existsSync(override) ? { path: override } : { path: null, reason: `SWITCHBOARD_PACKAGED_APP=${override} does not exist` };
  const dirs = existsSync(dist) ? readdirSync(dist) : [];
  const candidates: string[] = [];
  for (const d of dirs) {
    if (process.platform === 'linux' && /^linux(-[a-z0-9]+)?-unpacked$/.test(d)) candidates.push(path.join(dist, d, 'switchboard'));
    if (process.platform === 'win32' && /^win(-[a-z0-9]+)?-unpacked$/.test(d)) candidates.push(path.join(dist, d, 'Switchboard.exe'));
    if (process.platform === 'darwin' && /^mac(-[a-z0-9]+)?$/.test(d)) candidates.push(path.join(dist, d, 'Switchboard.app'));
  }
  const found = candidates.filter((c) => existsSync(c));
  if (found.length === 0)
    return {
      path: null,
      reason: 'no packaged build in dist/ for this OS (make one with `npx electron-builder --dir` after `npm run build`)',
    };
  const real = found.filter((c) => c.endsWith('.app') || statSync(c).size > 10_000_000);
  if (real.length === 0)
    return { path: null, reason: `${path.relative(root, found[0]!)} is the stub Electron of \`npm run package:dir\`, not a real build` };
  return { path: real[0]! };
}

/** electron-builder.yml's `electronFuses:` block, as { runAsNode: false, … }. */
function configuredFuses(): Record<string, boolean> {
  const lines = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8').split(/\r?\n/);
  const start = lines.findIndex((l) => l.trimEnd() === 'electronFuses:');
  const fuses: Record<string, boolean> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^ {2}([A-Za-z]+): *(true|false) *$/.exec(line);
    if (!m) break;
    fuses[m[1]!] = m[2] === 'true';
  }
  return fuses;
}

test.describe('Packaged build', () => {
  test('its fuses are exactly as electron-builder.yml configures them', async () => {
    const bin = packagedBinary();
    test.skip(bin.path === null && !e2eRequired, bin.path === null ? bin.reason : '');
    if (bin.path === null) throw new Error(`SWITCHBOARD_E2E_REQUIRE=1, but ${bin.reason}`);

    const configured = configuredFuses();
    // The ones the packaging test and the security review rely on are all configured.
    expect(Object.keys(configured).sort()).toEqual(
      expect.arrayContaining([
        'enableCookieEncryption',
        'enableEmbeddedAsarIntegrityValidation',
        'enableNodeCliInspectArguments',
        'enableNodeOptionsEnvironmentVariable',
        'grantFileProtocolExtraPrivileges',
        'onlyLoadAppFromAsar',
        'runAsNode',
      ]),
    );
    const wire = await getCurrentFuseWire(bin.path);
    for (const [key, on] of Object.entries(configured)) {
      const option = FuseV1Options[(key[0]!.toUpperCase() + key.slice(1)) as keyof typeof FuseV1Options];
      expect(option, `electron-builder.yml names a fuse @electron/fuses does not know: ${key}`).toBeDefined();
      expect(String.fromCharCode(wire[option]!), `${key} in ${path.relative(root, bin.path)}`).toBe(on ? '1' : '0');
    }
    test.info().annotations.push({ type: 'packaged binary', description: path.relative(root, bin.path) });
  });
});
