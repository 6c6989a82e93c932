/**
 * Graph failures in the real UI: the simulator injects Graph errors (test/sim/graph-faults.ts)
 * and the owner sees the specific message from the one table (main/graph/graph-errors.ts) where
 * the action happened — the ended call, the message bubble (with Retry), the settings save bar —
 * and an accept whose answer was lost is sent exactly once.
 *
 * The simulator, main's services and the browser host run in this process (as in outgoing.spec.ts).
 */
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { describeGraphCode } from '../../main/graph/graph-errors.ts';
import type { GraphFault } from '../sim/graph-faults.ts';
import { defaultSeed as seed, startSimApp, until, type SimApp } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const ana = seed.users[0]!;
let app: SimApp;
let host: BrowserHost;

// A request that never answers fails after 2.5 s here, instead of 15 s (only for this file's tests).
const previousTimeout = process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'];
test.beforeEach(async () => {
  process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'] = '2500';
  app = await startSimApp({ timeFactor: 1 });
  host = await startBrowserHost({
    services: app.services,
    rendererDir: path.join(root, 'out', 'renderer'),
    port: 0,
    log: memoryLogger().log,
  });
});
test.afterEach(async () => {
  await host.close();
  await app.close();
  if (previousTimeout === undefined) delete process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'];
  else process.env['SWITCHBOARD_GRAPH_TIMEOUT_MS'] = previousTimeout;
});

async function control(method: string, pathname: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${app.creds.controlUrl}${pathname}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, pathname).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}
async function inject(
  match: { method?: 'GET' | 'POST'; path: string; action?: string; type?: string },
  fault: GraphFault,
  opts: { after?: boolean; count?: number } = {},
): Promise<void> {
  await control('PUT', '/graph-faults', { rules: [{ match, fault, ...opts }] });
}
/** The table's words for a code: the message, then the next step. */
const said = (code: number): string => {
  const i = describeGraphCode(code);
  return i.fix ? `${i.message} ${i.fix}` : i.message;
};

/** Text messages the business sent to the simulator (answered or not), mark-as-read excluded. */
const textSends = (): number =>
  app.sim.ctx.sent.filter((s) => s.kind === 'message' && (s.body as { type?: string }).type === 'text').length;

async function openAna(page: Page): Promise<void> {
  await page.goto(host.url);
  await control('POST', `/users/${ana.wa_id}/messages`, { text: 'Oi, tudo bem?' });
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: ana.name }).click();
  await expect(page.getByTestId('timeline')).toContainText('Oi, tudo bem?');
}

test('Call → 138006, 138005, 138013: the ended call says why, in plain words', async ({ page }) => {
  await control('POST', `/users/${ana.wa_id}/permission`, { source: 'profile' });
  await openAna(page);
  await expect(page.getByTestId('thread-call')).toBeEnabled();
  for (const code of [138006, 138005, 138013]) {
    const before = app.sim.graphFaults.count('POST', '/calls', 'connect');
    await inject({ method: 'POST', path: '/calls', action: 'connect' }, { error: code });
    await page.getByTestId('thread-call').click();
    const ended = page.getByTestId('call-ended');
    await expect(ended).toHaveAttribute('data-outcome', 'failed');
    await expect(ended.getByTestId('call-reason')).toHaveText(said(code));
    expect(app.sim.graphFaults.count('POST', '/calls', 'connect') - before).toBe(1);
    await ended.getByTestId('call-dismiss').click();
    await expect(ended).toHaveCount(0);
  }
});

test('sending a message → 131047, 130429, no answer: the bubble says why and Retry sends it', async ({ page }) => {
  await openAna(page);
  const send = async (text: string): Promise<ReturnType<Page['locator']>> => {
    await page.getByTestId('composer-input').fill(text);
    await page.getByTestId('composer-send').click();
    return page.locator('[data-kind="message"]').filter({ hasText: text });
  };
  await inject({ method: 'POST', path: '/messages', type: 'text' }, { error: 131047 });
  const closed = await send('Seu bolo está pronto.');
  await expect(closed.getByTestId('message-failed')).toContainText(said(131047));

  // Throttled on every attempt (Switchboard repeats a throttled send: nothing happened).
  await inject({ method: 'POST', path: '/messages', type: 'text' }, { error: 130429 }, { count: 4 });
  const throttled = await send('Pode buscar às 17h.');
  await expect(throttled.getByTestId('message-failed')).toContainText(said(130429));

  await inject({ method: 'POST', path: '/messages', type: 'text' }, { hang: true });
  const lost = await send('Obrigado!');
  await expect(lost.getByTestId('message-failed')).toContainText(
    'did not answer within 2.5 s. WhatsApp may have carried it out anyway: check before trying again.',
  );
  expect(textSends()).toBe(1 + 4 + 1);

  // Retry: a new send, once.
  await expect(throttled.getByTestId('message-retry')).toBeVisible();
  await throttled.getByTestId('message-retry').click();
  await expect(
    page.locator('[data-kind="message"]').filter({ hasText: 'Pode buscar às 17h.' }).getByTestId('message-status'),
  ).toHaveAttribute('data-status', /sent|delivered|read/);
  expect(textSends()).toBe(7);
  expect(app.sim.messaging.outbound.filter((m) => JSON.stringify(m.body).includes('Pode buscar às 17h.'))).toHaveLength(1);
});

test('turning calling on → 138015, 138018: the message shows next to the form; nothing changed', async ({ page }) => {
  await control('POST', '/settings', { calling: { status: 'DISABLED' } });
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-nav-calling').click();
  await expect(page.getByTestId('calling-form')).toBeVisible();
  for (const code of [138015, 138018]) {
    await inject({ method: 'POST', path: '/settings' }, { error: code });
    if (!(await page.getByTestId('calling-save').isEnabled())) await page.getByTestId('calling-status').click(); // DISABLED → ENABLED
    await page.getByTestId('calling-save').click();
    await expect(page.getByTestId('calling-save-status')).toHaveAttribute('data-state', 'failed');
    await expect(page.getByTestId('calling-save-error')).toHaveText(said(code));
    expect(app.sim.ctx.state.settings.status).toBe('DISABLED');
  }
});

test('Answer, and WhatsApp accepts but the answer is lost (500): one accept, the call ends and says why', async ({ page }) => {
  await openAna(page);
  await inject({ method: 'POST', path: '/calls', action: 'accept' }, { http: 500, body: 'html' }, { after: true });
  const call = await control('POST', `/users/${ana.wa_id}/call`, {});
  const callId = String(call['id']);
  const card = page.getByTestId('incoming-call');
  await expect(card).toBeVisible();
  await until('pre_accept', () => app.sim.graphFaults.count('POST', '/calls', 'pre_accept') === 1, 10_000);
  await card.getByTestId('incoming-answer').click();
  const ended = page.getByTestId('call-ended');
  await expect(ended).toHaveAttribute('data-outcome', 'failed');
  await expect(ended.getByTestId('call-reason')).toHaveText(
    "WhatsApp's server had a problem (HTTP 500) and answered with an error page instead of a result. WhatsApp may have connected the call anyway, so Switchboard ended it rather than leave the customer in a silent call. Call them back if needed.",
  );
  expect(app.sim.graphFaults.count('POST', '/calls', 'accept')).toBe(1);
  // Switchboard ended the call at WhatsApp, so the customer is not left in a silent call.
  await until('terminated at the simulator', () => app.sim.calls.get(callId)?.state === 'ended', 10_000);
  expect(app.sim.graphFaults.count('POST', '/calls', 'terminate')).toBe(1);
  expect(app.sim.graphFaults.count('POST', '/calls', 'accept')).toBe(1);
});
