/**
 * The call-back list and the call log (issue 17, "never lose a caller") in the browser host
 * against the Cloud API simulator, in Debian's Chromium: customers' calls reach the app as
 * webhooks, the lists are what main derives from the threads' calls, and the keys are pressed as
 * an owner would press them.
 *
 *  - three missed calls from two customers → two rows (tries 2 and 1), oldest first, the count on
 *    the rail; calling one back (C) and the customer picking up takes them off;
 *  - a customer calling while the business is closed asks for a call back: a row with the
 *    permission's expiry;
 *  - D marks a row done; a newer missed call brings it back;
 *  - the call log lists every call, filters, exports CSV, and a row opens the call card;
 *  - screenshots of both views at 960×700 and 1366×768, light and dark (test/screenshots/callback/),
 *    and an axe-core audit (WCAG 2.1 A/AA) of both in both themes.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPhonePeer } from '../sim/peer/phone-peer.ts';
import { seedThreads } from '../support/thread-seed.ts';
import { until } from '../support/until.ts';
import { audit, formatFindings, type Finding } from './support/axe-sweep.ts';
import { callAppSpec, type CallApp } from './support/call-app.ts';

const defaultSeed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  calling?: Record<string, unknown>;
  users: Array<{ wa_id?: string; user_id?: string; name: string }>;
};
/** Callback permission on: a customer who calls gets an automatic temporary permission (calling-api.md §1.2). */
const seed = { ...defaultSeed, calling: { ...defaultSeed.calling, callback_permission_status: 'ENABLED' } };
const [ana, jonas, priya] = seed.users as [(typeof seed.users)[0], (typeof seed.users)[0], (typeof seed.users)[0]];
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/callback');
const json = { 'content-type': 'application/json' };

test.describe.configure({ mode: 'serial' });
const spec = callAppSpec({ shotsDir, launchArgs: ['--allow-loopback-in-peer-connection'] });
let app: CallApp | null = null;
const peers = spec.peers;

async function control(pathname: string, body: unknown = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app!.controlUrl}${pathname}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A customer calls and hangs up before anyone answers: a missed call, as the webhooks tell it. */
async function missedCall(p: Page, waId: string, body: Record<string, unknown> = {}): Promise<string> {
  const call = await control(`/users/${waId}/call`, body);
  expect(call.status).toBe(201);
  const id = call.json['id'] as string;
  await until('the app knows the call', () => app!.services.threads.callItem(id));
  await control(`/calls/${encodeURIComponent(id)}/hangup`);
  await until('the call is missed', () => app!.services.threads.callItem(id)?.status === 'missed');
  await expect(p.getByTestId('incoming-call')).toHaveCount(0);
  return id;
}

const rows = (p: Page) => p.locator('[data-callback-row]');
const row = (p: Page, name: string) => rows(p).filter({ hasText: name });

test('three missed calls from two customers → two rows with their tries; calling one back takes them off once the call connects', async () => {
  test.setTimeout(90_000);
  app = await spec.start({ seed });
  const p = app.page;
  await missedCall(p, ana.wa_id!);
  await missedCall(p, jonas.wa_id!);
  await missedCall(p, ana.wa_id!);
  await control(`/users/${jonas.wa_id}/messages`, { text: 'Can you call me back about the cake?' });

  await expect(p.getByTestId('nav-callbacks-count')).toHaveText('2');
  await p.getByTestId('nav-callbacks').click();
  await expect(rows(p)).toHaveCount(2);
  // Oldest waiting first: Ana's first call came before Jonas's.
  await expect(rows(p).nth(0)).toContainText(ana.name);
  await expect(row(p, ana.name).getByTestId('callback-what')).toHaveText('Missed call · 2 tries');
  await expect(row(p, jonas.name).getByTestId('callback-what')).toHaveText('Missed call · 1 try');
  await expect(row(p, jonas.name).getByTestId('callback-wrote')).toHaveText('1 message since: “Can you call me back about the cake?”');
  await expect(row(p, ana.name).getByTestId('callback-wrote')).toHaveText('No messages since');
  await expect(p.getByTestId('callbacks-count')).toHaveText('2 customers waiting');
  await expect(p.getByTestId('callbacks-keys')).toContainText('Enter');
  // Callback permission: calling made them callable for 7 days.
  await expect(row(p, ana.name)).toHaveAttribute('data-permission', 'temporary');
  await expect(row(p, ana.name).getByTestId('callback-permission')).toHaveText(/^Can call until \w{3}, \w{3} \d{1,2}, \d{1,2}:\d{2}/);
  await expect(row(p, ana.name).getByTestId('callback-act')).toHaveAttribute('data-act', 'call');

  // The list is ready for the keyboard: the first row has focus; ↓ ↑ move, C calls.
  await expect(rows(p).nth(0)).toBeFocused();
  await p.keyboard.press('ArrowDown');
  await expect(rows(p).nth(1)).toBeFocused();
  await p.keyboard.press('ArrowUp');
  await expect(rows(p).nth(0)).toBeFocused();
  await p.keyboard.press('c');
  // Placing the call opens Ana's conversation, with the call panel.
  await expect(p.getByTestId('call-panel')).toBeVisible();
  await expect(p.getByTestId('caller-name')).toHaveText(ana.name);
  const callId = await until('the call id', () => app!.services.calls.list().find((c) => c.direction === 'outgoing')?.callId);
  const customer = createPhonePeer({ label: 'customer', source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } });
  peers.push(customer);
  const offer = (await (await fetch(`${app.controlUrl}/calls/${encodeURIComponent(callId)}/answer`)).json()) as { sdp: string };
  const answerSdp = await customer.acceptOffer(offer.sdp);
  await control(`/calls/${encodeURIComponent(callId)}/answer`, { sdp: answerSdp });
  // Still ringing: Ana is still waiting.
  await p.getByTestId('nav-callbacks').click();
  await expect(rows(p)).toHaveCount(2);
  await control(`/calls/${encodeURIComponent(callId)}/pickup`);
  await expect(rows(p)).toHaveCount(1);
  await expect(rows(p).nth(0)).toContainText(jonas.name);
  await expect(p.getByTestId('nav-callbacks-count')).toHaveText('1');
  await control(`/calls/${encodeURIComponent(callId)}/hangup`);
  await until('completed', () => app!.services.threads.callItem(callId)?.status === 'completed');
  await expect(rows(p)).toHaveCount(1);
});

test('a customer who calls while the business is closed asks for a call back: a row with the permission’s expiry', async () => {
  app = await spec.start({ seed });
  const p = app.page;
  // Open one minute a week (Monday 00:00–00:01 UTC): closed now, almost surely.
  const closed = await fetch(`${app.controlUrl}/settings`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      calling: {
        call_hours: {
          status: 'ENABLED',
          timezone_id: 'UTC',
          weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0000', close_time: '0001' }],
        },
      },
    }),
  });
  expect(closed.status).toBe(200);
  await p.getByTestId('nav-callbacks').click();
  await expect(p.getByTestId('callbacks-empty')).toBeVisible();
  const refused = await control(`/users/${priya.wa_id}/call`, { request_callback: true });
  expect(refused).toMatchObject({ status: 409, json: { reason: 'outside_call_hours', callback_requested: true } });
  // No call reached the app; the permission did, naming the refused call.
  await expect(rows(p)).toHaveCount(1);
  const r = row(p, priya.name);
  await expect(r.getByTestId('callback-what')).toHaveText('Asked to be called back');
  const expires = new Date(Date.now() + 7 * 86_400_000);
  const day = new Intl.DateTimeFormat('en', { weekday: 'short' }).format(expires);
  await expect(r.getByTestId('callback-permission')).toHaveText(new RegExp(`^Can call until ${day}, `));
  await expect(r.getByTestId('callback-act')).toHaveAttribute('data-act', 'call');
  expect(app.services.threads.callItem(refused.json['call_id'] as string)).toBeNull();
});

test('D marks a customer done; a newer missed call brings them back', async () => {
  app = await spec.start({ seed });
  const p = app.page;
  await missedCall(p, jonas.wa_id!);
  await p.getByTestId('nav-callbacks').click();
  await expect(rows(p)).toHaveCount(1);
  await expect(rows(p).nth(0)).toBeFocused();
  await p.keyboard.press('d');
  await expect(rows(p)).toHaveCount(0);
  await expect(p.getByTestId('callbacks-empty')).toBeVisible();
  await expect(p.getByTestId('nav-callbacks-count')).toHaveCount(0);
  // Still done after a reload (main remembers it).
  await p.reload();
  await expect(p.getByTestId('callbacks-view')).toHaveCount(0);
  await p.getByTestId('nav-callbacks').click();
  await expect(p.getByTestId('callbacks-empty')).toBeVisible();

  await missedCall(p, jonas.wa_id!);
  await expect(rows(p)).toHaveCount(1);
  await expect(row(p, jonas.name).getByTestId('callback-what')).toHaveText('Missed call · 1 try');
  await expect(p.getByTestId('nav-callbacks-count')).toHaveText('1');
  // Enter opens the conversation at the waiting call.
  await rows(p).nth(0).focus();
  await p.keyboard.press('Enter');
  await expect(p.getByTestId('thread-header')).toContainText(jonas.name);
  await expect(p.locator('[data-kind="call"].focused')).toHaveAttribute('data-status', 'missed');
});

test('the call log lists every call newest first, filters, exports CSV, and a row opens the call card', async () => {
  test.setTimeout(90_000);
  app = await spec.start({ seed });
  const p = app.page;
  await missedCall(p, ana.wa_id!);
  await missedCall(p, jonas.wa_id!, { via: 'call_button', cta_payload: 'order-1042' });
  const linked = await missedCall(p, ana.wa_id!, { via: 'deeplink', deeplink_payload: 'summer-menu' });
  // A call of ours that nobody picks up.
  const placed = await app.services.dispatch('placeCall', { threadId: app.services.threads.callItem(linked)!.threadId });
  expect(placed.ok).toBe(true);
  const outId = await until('the call id', () => app!.services.calls.list().find((c) => c.direction === 'outgoing')?.callId);
  await until('the sim has our offer', async () =>
    (await fetch(`${app!.controlUrl}/calls/${encodeURIComponent(outId)}`)).ok ? true : null,
  );
  await control(`/calls/${encodeURIComponent(outId)}/ring-out`);
  await until('not answered', () => app!.services.threads.callItem(outId)?.status === 'no_answer');
  await expect(p.getByTestId('call-ended')).toBeVisible();

  await p.getByTestId('nav-calls').click();
  const list = p.getByTestId('call-log-rows');
  const logRows = list.locator('[data-testid^="call-log-row-"]');
  await expect(logRows).toHaveCount(4);
  await expect(logRows.nth(0)).toHaveAttribute('data-direction', 'out');
  await expect(logRows.nth(0).getByTestId('call-log-status')).toHaveText('No answer');
  await expect(logRows.nth(0).getByTestId('call-log-from')).toHaveText('You called');
  await expect(logRows.nth(1).getByTestId('call-log-from')).toHaveText('Call linksummer-menu');
  await expect(logRows.nth(2).getByTestId('call-log-from')).toHaveText('Call buttonorder-1042');
  await expect(logRows.nth(3).getByTestId('call-log-from')).toHaveText('WhatsApp');
  await expect(logRows.nth(3).getByTestId('call-log-status')).toHaveText('Missed');
  await expect(logRows.nth(3).getByTestId('call-log-duration')).toHaveText('—');

  await p.getByTestId('call-log-filter-missed').click();
  await expect(list).toHaveAttribute('data-filter', 'missed');
  await expect(logRows).toHaveCount(3);
  await p.getByTestId('call-log-filter-outgoing').click();
  await expect(logRows).toHaveCount(1);
  await p.getByTestId('call-log-filter-incoming').click();
  await expect(logRows).toHaveCount(3);
  await p.getByTestId('call-log-filter-failed').click();
  await expect(p.getByTestId('call-log-empty')).toContainText('No failed calls');
  await p.getByTestId('call-log-filter-all').click();
  await expect(logRows).toHaveCount(4);

  const download = p.waitForEvent('download');
  await p.getByTestId('call-log-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^switchboard-calls-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8').split('\r\n');
  expect(csv[0]).toBe(
    'at,customer,number,direction,outcome,duration_seconds,duration,reason,called_from,payload,voicemail,whatsapp_call_id',
  );
  expect(csv.filter(Boolean)).toHaveLength(5);
  expect(csv[2]).toContain(',call_link,summer-menu,');
  await expect(p.getByTestId('call-log-export-note')).toContainText('Saved switchboard-calls-');

  // Keyboard: the rows are buttons; ↓ moves, Enter opens the conversation at that call's card.
  await logRows.nth(0).focus();
  await p.keyboard.press('ArrowDown');
  await expect(logRows.nth(1)).toBeFocused();
  const itemId = (await logRows.nth(1).getAttribute('data-testid'))!.replace('call-log-row-', '');
  await p.keyboard.press('Enter');
  await expect(p.getByTestId('thread-header')).toContainText(ana.name);
  await expect(p.getByTestId(`item-${itemId}`)).toHaveClass(/focused/);
  await expect(p.getByTestId(`item-${itemId}`).getByTestId('call-payload')).toContainText('summer-menu');
});

test('screenshots: both views at 960×700 and 1366×768, light and dark; no axe violations', async () => {
  test.setTimeout(120_000);
  app = await spec.start({ seed, viewport: { width: 1366, height: 768 } });
  const p = app.page;
  // A realistic history (14 customers, a year of calls with Ana) and, through the simulator, today's calls.
  seedThreads(app.services, { longThreadItems: 400 });
  await missedCall(p, jonas.wa_id!, { via: 'call_button', cta_payload: 'order-1042' });
  await control(`/users/${jonas.wa_id}/messages`, { text: 'Hi! I tried calling about my order for Saturday, please call me back 🙏' });
  await missedCall(p, jonas.wa_id!);
  await missedCall(p, '447700900003');
  await control('/settings', {
    calling: {
      call_hours: {
        status: 'ENABLED',
        timezone_id: 'UTC',
        weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0000', close_time: '0001' }],
      },
    },
  });
  await control('/users/MX.10000000000000000004/call', { request_callback: true });
  await p.reload();
  await expect(p.getByTestId('app-frame')).toBeVisible();

  const shoot = async (name: string): Promise<void> => {
    for (const size of [
      { width: 960, height: 700 },
      { width: 1366, height: 768 },
    ]) {
      await p.setViewportSize(size);
      for (const scheme of ['light', 'dark'] as const) {
        await p.emulateMedia({ colorScheme: scheme });
        await p.waitForTimeout(200);
        await p.screenshot({ path: path.join(shotsDir, `${name}-${size.width}-${scheme}.png`) });
      }
    }
    await p.emulateMedia({ colorScheme: 'light' });
  };
  await p.getByTestId('nav-callbacks').click();
  await expect(rows(p).first()).toBeVisible();
  await expect(row(p, 'Carlos').getByTestId('callback-what')).toHaveText('Asked to be called back');
  await shoot('callbacks');
  // WCAG 2.1 A/AA (axe-core), both themes, at 1366×768 as the loop left it.
  const findings: Finding[] = [];
  await audit(p, 'call back', findings);
  await p.getByTestId('nav-calls').click();
  await expect(p.locator('[data-testid^="call-log-row-"]').first()).toBeVisible();
  await shoot('call-log');
  await p.getByTestId('call-log-filter-missed').click();
  await expect(p.getByTestId('call-log-rows')).toHaveAttribute('data-filter', 'missed');
  await shoot('call-log-missed');
  await audit(p, 'call log', findings);
  expect(formatFindings(findings)).toBe('no violations');
  // No page scrolls sideways at either size.
  for (const width of [960, 1366]) {
    await p.setViewportSize({ width, height: 700 });
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1)).toBe(true);
  }
});
