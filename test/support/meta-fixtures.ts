/**
 * Loads the payload samples copied from Meta's documentation (../shared/fixtures/meta-docs),
 * turning their JSONC (comments, trailing commas, pseudo-values like `[FAILED | COMPLETED]`)
 * into JSON and their `<PLACEHOLDER>`s into the values a test chooses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const META_FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/meta-docs');

export function stripJsonc(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

export function loadMetaFixture<T = unknown>(name: string, placeholders: Record<string, string> = {}, pseudo: Record<string, string> = {}): T {
  let text = stripJsonc(readFileSync(path.join(META_FIXTURES, name), 'utf8'));
  for (const [from, to] of Object.entries(pseudo)) text = text.split(from).join(to);
  text = text.replace(/<([A-Z0-9_]+)>/g, (m, key: string) => (key in placeholders ? placeholders[key]! : m));
  return JSON.parse(text) as T;
}
