/**
 * Loads the payload samples copied from Meta's documentation (test/fixtures/meta-docs, a copy of
 * the workplace's ../shared/fixtures/meta-docs so a clone anywhere has them; a test keeps the two equal),
 * turning their JSONC (comments, trailing commas, pseudo-values like `[FAILED | COMPLETED]`)
 * into JSON and their `<PLACEHOLDER>`s into the values a test chooses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const META_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/meta-docs');

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

export function loadMetaFixture<T = unknown>(
  name: string,
  placeholders: Record<string, string> = {},
  pseudo: Record<string, string> = {},
): T {
  let text = stripJsonc(readFileSync(path.join(META_FIXTURES, name), 'utf8'));
  for (const [from, to] of Object.entries(pseudo)) text = text.split(from).join(to);
  text = text.replace(/<([A-Z0-9_]+)>/g, (m, key: string) => (key in placeholders ? placeholders[key]! : m));
  return JSON.parse(text) as T;
}

/**
 * A webhook sample from Meta's pages as a body Meta would really send: HTML comments and `. . .`
 * elisions removed, commas the page left out put back, pseudo-values (`"[A|B]"`, `[FAILED |
 * COMPLETED]`) resolved to their first choice, `<PLACEHOLDER>` / `{placeholder}` filled from
 * `values` (anything else quoted becomes "sample", unquoted 0), and a fragment wrapped into a full
 * envelope. `phone_number_id`s are set to `phoneNumberId` (the samples are meant as ours); the
 * sample's own `display_phone_number` is kept (some samples put the business number in `to`).
 */
export function loadMetaWebhook(
  name: string,
  ctx: { wabaId: string; phoneNumberId: string; values?: Record<string, string> },
): { body: Record<string, unknown>; fragment: boolean } {
  let text = readFileSync(path.join(META_FIXTURES, name), 'utf8');
  text = text.replace(/<!--[\s\S]*?-->/g, '').replace(/^\s*\. \. \.\s*$/gm, '');
  text = stripJsonc(text);
  // The permission-reply fragment on Meta's page never closes its message object.
  if (name.includes('permission-reply-fragment')) text = text.replace(/\}\s*\}\s*\]/, '} } } ]');
  text = text.replace(/"\[([A-Za-z_]+)\s*(?:\|[^"\]]*)?\]"/g, '"$1"');
  text = text.replace(/:\s*\[\s*([A-Z_]+)\s*\|[^\]]*\]/g, ': "$1"');
  const values: Record<string, string> = {
    WHATSAPP_BUSINESS_ACCOUNT_ID: ctx.wabaId,
    PHONE_NUMBER_ID: ctx.phoneNumberId,
    BUSINESS_PHONE_NUMBER_ID: ctx.phoneNumberId,
    ...ctx.values,
  };
  text = text.replace(/"<<[^"]*>>"/g, '"sample"');
  text = text.replace(/"<([A-Z0-9_]+)>"|"\{([a-z_]+)\}"/g, (_m, a?: string, b?: string) => JSON.stringify(values[(a ?? b)!] ?? 'sample'));
  text = text.replace(/<([A-Z0-9_]+)>/g, (_m, key: string) => values[key] ?? '0');
  text = text.replace(/:\s*([A-Z][A-Z0-9_]+)\s*([,}\n])/g, (_m, key: string, end: string) => `: ${values[key] ?? '0'}${end}`);
  // Commas the page left out between two members or elements.
  text = text.replace(/(["\d}\]el])(\s*\n\s*)(["{])/g, '$1,$2$3');
  text = text.replace(/,(\s*[}\]])/g, '$1');
  const parsed = JSON.parse(text) as Record<string, unknown> | Array<Record<string, unknown>>;
  // Some pages show the body inside an array; Meta POSTs the envelope itself.
  let json = Array.isArray(parsed) ? parsed[0]! : parsed;
  const fragment = json['object'] === undefined;
  if (fragment) {
    json = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: ctx.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: values['BUSINESS_DISPLAY_PHONE_NUMBER'] ?? '0', phone_number_id: ctx.phoneNumberId },
                ...json,
              },
            },
          ],
        },
      ],
    };
  }
  for (const entry of (json['entry'] as Array<Record<string, unknown>>) ?? []) {
    for (const change of (entry['changes'] as Array<Record<string, unknown>>) ?? []) {
      const value = change['value'] as Record<string, unknown> | undefined;
      const meta = value?.['metadata'] as Record<string, unknown> | undefined;
      if (meta) meta['phone_number_id'] = ctx.phoneNumberId;
      const settings = value?.['phone_number_settings'] as Record<string, unknown> | undefined;
      if (settings) settings['phone_number_id'] = ctx.phoneNumberId;
    }
  }
  return { body: json, fragment };
}
