/**
 * Whether a real Electron binary is installed. Our build machines cannot download one
 * (`electron` fetches it lazily from GitHub), so the shell's Playwright tests skip with this reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const electronDir = path.resolve(import.meta.dirname, '../../node_modules/electron');

export function electronBinary(): { path: string } | { path: null; reason: string } {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      path: null,
      reason: 'no Electron binary is installed (node_modules/electron/path.txt is missing; it cannot be downloaded on this machine)',
    };
  }
  const rel = readFileSync(pathFile, 'utf8').trim();
  const bin = path.join(electronDir, 'dist', rel);
  if (!existsSync(bin)) return { path: null, reason: `the Electron binary ${bin} is missing` };
  return { path: bin };
}
