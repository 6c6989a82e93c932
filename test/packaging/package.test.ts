/**
 * What the installer would ship: electron-builder's `--linux dir` with a stub Electron
 * distribution (see scripts/package-dir.ts). Checks the asar holds the built main, preload and
 * renderer and nothing of the sources or tests, keytar's native binary is unpacked, and the
 * Electron fuses and macOS entitlements are configured.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
import { packageLinuxDir } from '../../scripts/package-dir.ts';

const root = path.resolve(import.meta.dirname, '../..');
/** Fuse states are ASCII digits in the binary's wire. */
const FuseState = { DISABLE: '0'.charCodeAt(0), ENABLE: '1'.charCodeAt(0) } as const;
let appDir = '';
let files: string[] = [];

beforeAll(() => {
  expect(existsSync(path.join(root, 'out/renderer/index.html')), 'run "npm run build" before the packaging test').toBe(true);
  const r = packageLinuxDir(mkdtempSync(path.join(tmpdir(), 'sb-dist-')));
  expect(r.status, r.output).toBe(0);
  appDir = r.appDir;
  files = listPackage(path.join(appDir, 'resources', 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/'));
}, 120_000);

describe('packaged app (linux dir, stub Electron)', () => {
  it('contains the built main, preload and renderer', () => {
    expect(files).toContain('/out/main/index.js');
    expect(files).toContain('/out/main/localtunnel-worker.js');
    expect(files).toContain('/out/preload/index.cjs');
    expect(files).toContain('/out/renderer/index.html');
    expect(files.some((f) => /^\/out\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    expect(files).toContain('/package.json');
  });

  it('contains no sources, tests, configs or source maps', () => {
    const offenders = files.filter(
      (f) =>
        /^\/(main|preload|renderer|common|test|scripts|docs|\.ci)\//.test(f) ||
        (/\.(ts|vue|map)$/.test(f) && !f.endsWith('.d.ts')) ||
        /\/(tsconfig[^/]*\.json|electron\.vite\.config\.ts|vitest\.config\.ts|playwright\.config\.ts)$/.test(f),
    );
    expect(offenders).toEqual([]);
  });

  it('ships only runtime dependencies (no build or test tooling)', () => {
    const modules = new Set(files.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/')[2]));
    for (const dev of [
      'electron',
      'vite',
      'vitest',
      'vue',
      'typescript',
      'playwright',
      '@playwright',
      'electron-builder',
      'eslint',
      'werift',
    ]) {
      expect(modules.has(dev), dev).toBe(false);
    }
    for (const dep of ['zod', 'electron-store', 'keytar', 'localtunnel']) expect(modules.has(dep), dep).toBe(true);
  });

  it('ships the tray icons next to the asar', () => {
    for (const state of ['ready', 'ringing', 'on-call', 'dnd', 'unreachable', 'not-connected']) {
      expect(existsSync(path.join(appDir, 'resources', 'icons', `tray-${state}.png`)), state).toBe(true);
    }
  });

  it("unpacks keytar's native binary outside the asar", () => {
    expect(
      existsSync(path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', 'keytar', 'build', 'Release', 'keytar.node')),
    ).toBe(true);
  });

  it('flips the Electron fuses: no RunAsNode, no NODE_OPTIONS, no inspect, no file:// privileges; cookie encryption, asar integrity and asar-only on', async () => {
    const wire = await getCurrentFuseWire(path.join(appDir, 'switchboard'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
  });

  it('declares the macOS microphone entitlement and usage description', () => {
    const yml = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/NSMicrophoneUsageDescription: .+/);
    expect(yml).toMatch(/hardenedRuntime: true/);
    const plist = readFileSync(path.join(root, 'build', 'entitlements.mac.plist'), 'utf8');
    expect(plist).toMatch(/<key>com\.apple\.security\.device\.audio-input<\/key>\s*<true\/>/);
  });
});
