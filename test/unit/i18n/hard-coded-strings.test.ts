/**
 * The guard: main's user-facing texts come from its catalog (main/i18n/messages/), never from a
 * string written in the code. It reads main/**\/*.ts with the TypeScript parser and fails on
 *  - `new DomainError(code, message)` whose message is a string or template literal with words in it;
 *  - a word-bearing literal given as a user-facing field — message, fix, reason, text, title, body,
 *    label, detail, tooltip — in an object literal (bridge answers, notifications, menus, GraphError,
 *    connect steps, warnings), or as `run.set(step, state, message, fix)`'s texts;
 *  - `throw new Error('…')` / `new TunnelStartError('…')` / `new MediaDownloadRefused('…')` whose text reaches the owner.
 * What stays English on purpose is listed below, each with its reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const USER_FACING_FIELDS = new Set(['message', 'fix', 'reason', 'text', 'title', 'body', 'label', 'detail', 'tooltip']);
const OWNER_FACING_ERRORS = new Set(['DomainError', 'TunnelStartError', 'MediaDownloadRefused', 'GraphError']);

/**
 * Files whose strings are not for the owner, or not yet in the catalog — each with why. A file
 * listed here is skipped whole; keep the list short and the reasons true.
 */
const NOT_OWNER_FACING: Record<string, string> = {
  'main/i18n/messages/en.ts': 'the catalog itself',
  'main/i18n/messages/pt-BR.ts': 'the catalog itself',
  'main/i18n/messages/es.ts': 'the catalog itself',
  'main/bridge/dispatcher.ts': 'transport errors (unknown request, unreadable params, a bug): for developers, like the log',
  'main/shell/ipc.ts': 'a refused sender is a foreign page, not the owner',
  'main/host/ws-bridge.ts': 'transport errors for developers, like the log',
  'main/host/web-host.ts': 'command-line usage errors for whoever starts `npm run web`, in English like the CLI',
  'main/host/http-host.ts': 'HTTP answers to the local browser, not shown as text',
  'main/webhooks/webhook-receiver.ts': "HTTP answers to Meta's servers",
  'main/shell/protocol.ts': 'HTTP answers inside the app protocol',
  'main/desktop/autostart.ts': 'the .desktop file: Name/Comment are read by the desktop, in English like the app name',
  'main/core/diagnostics.ts': 'the diagnostics bundle is for support, in English on purpose',
};

/** Single texts that stay English, by file and how the text starts — each with why. */
const ALLOWED: Array<[file: string, startsWith: string, why: string]> = [
  ['main/account/secrets.ts', 'the keychain did not return', "a detail inside KeychainUnavailableError's translated message"],
  ['main/account/secrets.ts', 'Refusing to store an empty', 'a programming error, never shown'],
  ['main/calls/bridge-media-port.ts', 'the audio engine returned no', "a detail inside the translated 'audio could not be set up'"],
  ['main/desktop/click-to-call.ts', '', 'why a click-to-call link was refused: logged, never shown'],
  ['main/reachability/localtunnel-worker.ts', '', "the worker's own errors: logged; the owner sees the provider's reason"],
  ['main/shell/desktop-autostart.ts', 'not packaged', 'logged'],
  ['main/shell/security.ts', 'Switchboard', "the app's name"],
  ['main/shell/updates.ts', 'not an https URL', 'logged'],
  ['main/storage/database.ts', 'This data was written by a newer', 'a start failure: logged, the app exits'],
  ['main/threads/thread-store.ts', 'no such thread', 'a programming error, never shown'],
];
const allowedBy = ([file, start]: readonly [string, string, ...unknown[]], finding: string): boolean =>
  finding.startsWith(`${file}:`) && finding.split(': ').slice(1).join(': ').startsWith(JSON.stringify(start).slice(0, -1));
const allowed = (finding: string): boolean => ALLOWED.some((entry) => allowedBy(entry, finding));

function files(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return files(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The literal's words when it carries words a person reads (two letters in a row, and a space or a capital), else null. */
function words(node: ts.Node): string | null {
  let text: string | null = null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
  else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  else if (ts.isParenthesizedExpression(node)) return words(node.expression);
  else if (ts.isConditionalExpression(node)) return words(node.whenTrue) ?? words(node.whenFalse);
  else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return words(node.right);
  if (text === null) return null;
  return /[A-Za-z]{2}/.test(text) && /[A-Za-z]{2,}[ ,.:;!?]|^[A-Z][a-z]/.test(text) ? text : null;
}

export function hardCodedTexts(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (n: ts.Node, what: string, text: string) =>
    found.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1} ${what}: ${JSON.stringify(text.slice(0, 80))}`);
  const visit = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) {
      const name = n.expression.text;
      const args = n.arguments ?? [];
      const message = name === 'DomainError' ? args[1] : OWNER_FACING_ERRORS.has(name) ? args[0] : undefined;
      const w = message && words(message);
      if (w) at(n, `new ${name}`, w);
    }
    if (ts.isThrowStatement(n) && n.expression && ts.isNewExpression(n.expression) && ts.isIdentifier(n.expression.expression)) {
      const arg = n.expression.expression.text === 'Error' ? n.expression.arguments?.[0] : undefined;
      const w = arg && words(arg);
      if (w) at(n, 'throw new Error', w);
    }
    if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) && USER_FACING_FIELDS.has(n.name.text)) {
      const w = words(n.initializer);
      if (w) at(n, n.name.text, w);
    }
    // The connect checks: run.set(step, state, message, fix).
    if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'set' &&
      n.arguments.length >= 3
    ) {
      for (const arg of n.arguments.slice(2)) {
        const w = words(arg);
        if (w) at(n, 'step text', w);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe("main's user-facing texts", () => {
  it('come from the catalog: no hard-coded message, notification, menu or error text in main/', () => {
    const found = files('main')
      .filter((f) => !(f in NOT_OWNER_FACING))
      .flatMap((f) => hardCodedTexts(f, readFileSync(path.join(root, f), 'utf8')))
      .filter((finding) => !allowed(finding));
    expect(found).toEqual([]);
  });

  it('every excuse is still needed (a stale one would hide a new text)', () => {
    const all = new Set(files('main'));
    expect(Object.keys(NOT_OWNER_FACING).filter((f) => !all.has(f))).toEqual([]);
    const findings = files('main').flatMap((f) => hardCodedTexts(f, readFileSync(path.join(root, f), 'utf8')));
    const unused = ALLOWED.filter(([file, start]) => !findings.some((x) => allowedBy([file, start], x)));
    expect(unused).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    const bad = [
      "throw new DomainError('not_found', 'That conversation no longer exists.');",
      'throw new DomainError(`graph_${e.code}`, `The file is ${n} MB.`);',
      "new Notification({ title: 'Missed WhatsApp call', body: x });",
      "Menu.buildFromTemplate([{ label: 'Quit Switchboard', click }]);",
      "run.set('token', 'ok', 'The access token works.');",
      "return { ok: false, message: cond ? 'No public address yet.' : other };",
      "throw new Error('No account is connected.');",
    ];
    for (const line of bad) expect(hardCodedTexts('x.ts', line), line).toHaveLength(1);
    const fine = [
      "throw new DomainError('not_found', tr('common.threadGone'));",
      'throw new DomainError(`graph_${e.code}`, e.actionMessage);',
      "log.warn('calls.refused', { reason: 'unanswerable' });",
      'new Notification({ title: d.title, body: d.body });',
      "run.set('token', 'running', tr('connect.token.running'));",
      "return { state: 'ok', message: tr('webhookFields.ok') };",
    ];
    for (const line of fine) expect(hardCodedTexts('x.ts', line), line).toEqual([]);
  });
});
