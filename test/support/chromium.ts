/**
 * How tests launch Chromium: Debian's /usr/bin/chromium where it is installed (our machines
 * cannot download Playwright's own browser), otherwise Playwright's bundled browser.
 */
import { existsSync } from 'node:fs';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env['SWITCHBOARD_CHROMIUM'];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined;
}

/** Flags: no sandbox when root (CI), no background network chatter (closed network), fake media. */
export function chromiumArgs(extra: string[] = []): string[] {
  const args = [
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    ...extra,
  ];
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  return args;
}

export function chromiumLaunchOptions(extra: string[] = []): { executablePath?: string; args: string[] } {
  const executablePath = chromiumExecutable();
  return { ...(executablePath ? { executablePath } : {}), args: chromiumArgs(extra) };
}
