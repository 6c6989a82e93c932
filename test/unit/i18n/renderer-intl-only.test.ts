/**
 * Dates, times, numbers and names reach the screen through one module bound to the window's
 * language, renderer/src/format/intl.ts (issue 21). A formatter made elsewhere — `new Intl.…`,
 * `toLocale…String()`, `toFixed()`, a hard-coded 'en-US' — would keep English (or the browser's)
 * conventions after the owner picks another language; this lists every such line.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../../renderer/src');
const ALLOWED = new Set(['format/intl.ts']);
const PATTERNS: Array<[RegExp, string]> = [
  [/\bnew Intl\.\w+/, 'an Intl formatter'],
  [/\.toLocale(Date|Time)?String\(/, 'toLocale…String()'],
  [/\.toFixed\(/, 'toFixed()'],
  [/['"]en-US['"]/, "a hard-coded 'en-US'"],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ts|vue)$/.test(name) ? [full] : [];
  });
}

describe('one formatting module', () => {
  it('no date, number or name is formatted outside renderer/src/format/intl.ts', () => {
    const found: string[] = [];
    const all = files(root);
    expect(all.length).toBeGreaterThan(100);
    for (const file of all) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      if (ALLOWED.has(rel) || rel.startsWith('i18n/')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim().startsWith('*') || line.trim().startsWith('//')) return;
          for (const [re, what] of PATTERNS) if (re.test(line)) found.push(`${rel}:${i + 1}: ${what}: ${line.trim()}`);
        });
    }
    expect(found.length, `format through renderer/src/format/intl.ts instead:\n${found.join('\n')}\n`).toBe(0);
  });
});
