/**
 * Every call control can be clicked where it is drawn, at every window size a shop owner uses:
 * from 800×600 to full HD, ringing and in a call (with the keypad and the devices open). The probe
 * is a real hit test — `document.elementFromPoint` at the centre of each control must land on the
 * control — and each control must lie wholly inside the window. The page must never scroll
 * sideways. The thread behind the call holds long, unbreakable text, which is what used to spill
 * over the call dock and swallow clicks.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPhonePeer } from '../sim/peer/phone-peer.ts';
import { until } from '../support/until.ts';
import { callAppSpec, type CallApp } from './support/call-app.ts';

const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: Array<{ wa_id?: string; name: string }>;
};
const ana = seed.users[0]!;
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/layout');

const SIZES = [
  { width: 800, height: 600 },
  { width: 960, height: 700 },
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];

const spec = callAppSpec({ shotsDir });
let app: CallApp | null = null;
const peers = spec.peers;

/**
 * Controls in `rootSelector` that a click at their centre would miss, or that the window cuts,
 * each first scrolled into view inside its own scroll box (as a person scrolls the call dock).
 * `fixed` names the controls that must be in view without scrolling (Hang up).
 */
async function unreachableControls(p: Page, rootSelector: string, fixed: string[]): Promise<string[]> {
  return p.evaluate(
    ({ sel, fixed }) => {
      const out: string[] = [];
      const describe = (el: Element | null): string =>
        el
          ? `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}.${[...el.classList].join('.')}`
          : 'nothing';
      const vw = document.documentElement.clientWidth;
      const vh = document.documentElement.clientHeight;
      const controls = [...document.querySelectorAll(sel)].flatMap((root) => [
        ...root.querySelectorAll('button, select, input:not([type="hidden"]), [role="button"]'),
      ]);
      // Fixed controls first, before anything scrolls.
      const ordered = [
        ...controls.filter((el) => fixed.includes(el.getAttribute('data-testid') ?? '')),
        ...controls.filter((el) => !fixed.includes(el.getAttribute('data-testid') ?? '')),
      ];
      for (const el of ordered) {
        if (!fixed.includes(el.getAttribute('data-testid') ?? '')) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        const r = el.getBoundingClientRect();
        if (r.width < 4 || r.height < 4) continue; // not drawn (or a visually hidden input)
        const name = el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().slice(0, 24);
        if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
          out.push(
            `${name}: cut by the window (${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)})`,
          );
          continue;
        }
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!hit || !(hit === el || el.contains(hit))) out.push(`${name}: covered by ${describe(hit)}`);
      }
      if (document.documentElement.scrollWidth > vw + 1)
        out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
      for (const el of document.querySelectorAll('[data-testid="call-dock"]')) el.scrollTop = 0;
      return out;
    },
    { sel: rootSelector, fixed },
  );
}

async function sweep(p: Page, state: string, rootSelector: string, fixed: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const size of SIZES) {
    await p.setViewportSize(size);
    await p.waitForTimeout(250);
    await expect(p.locator(rootSelector).first()).toBeVisible();
    for (const problem of await unreachableControls(p, rootSelector, fixed))
      problems.push(`${size.width}×${size.height} ${state}: ${problem}`);
    if (size.width === 960 || size.width === 1366) {
      for (const scheme of ['light', 'dark'] as const) {
        await p.emulateMedia({ colorScheme: scheme });
        await p.waitForTimeout(100);
        await p.screenshot({ path: path.join(shotsDir, `${state}-${size.width}-${scheme}.png`) });
      }
      await p.emulateMedia({ colorScheme: 'light' });
    }
  }
  return problems;
}

test('every call control can be clicked at 800 to 1920 px wide, ringing and in a call with keypad and devices open', async () => {
  test.setTimeout(120_000);
  app = await spec.start({ seed });
  const { page: p, controlUrl } = app;
  // A thread with long, unbreakable text: a URL-like run and a word longer than any column.
  const long = `https://example.com/${'a'.repeat(400)} ${'Supercalifragilistic'.repeat(30)}`;
  for (const text of [long, 'Olá! Vocês têm horário amanhã?', long]) {
    const res = await fetch(`${controlUrl}/users/${ana.wa_id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(201);
  }
  await p.getByTestId('thread-rows').getByText('Supercalifragilistic', { exact: false }).first().click();
  await expect(p.getByTestId('timeline')).toBeVisible();

  const customer = createPhonePeer({ label: 'customer', metaShaped: true, source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } });
  peers.push(customer);
  const res = await fetch(`${controlUrl}/users/${ana.wa_id}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sdp: await customer.createOffer() }),
  });
  expect(res.status).toBe(201);
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  const problems = await sweep(p, 'ringing', '[data-testid="incoming-call"]', ['incoming-answer', 'incoming-decline']);

  await p.setViewportSize({ width: 1280, height: 800 });
  await p.getByTestId('incoming-answer').click();
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await p.getByTestId('call-keypad-toggle').click();
  await p.getByTestId('call-devices-toggle').click();
  await expect(p.getByTestId('call-keypad')).toBeVisible();
  await expect(p.getByTestId('call-devices')).toBeVisible();
  problems.push(...(await sweep(p, 'in-call', '[data-testid="call-panel"]', ['call-hangup', 'call-mute'])));

  if (problems.length) console.log(problems.join('\n'));
  // The sweep's own check: a click at 960 px on Hang up really ends the call.
  await p.setViewportSize({ width: 960, height: 700 });
  await p.waitForTimeout(250);
  const box = (await p.getByTestId('call-hangup').boundingBox())!;
  await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await until('the call ends', async () => app!.services.calls.list().every((c) => c.state === 'ended' || c.state === 'ending'));
  expect(problems).toEqual([]);
});

/** How far the page scrolls sideways: 0 when everything reflows into the window. */
const sidewaysOverflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('at 200% zoom (640×400 CSS px) every screen reflows without scrolling sideways; the list and the thread take turns', async () => {
  test.setTimeout(90_000);
  app = await spec.start({ seed, viewport: { width: 640, height: 400 } });
  const { page: p, controlUrl } = app;
  const res = await fetch(`${controlUrl}/users/${ana.wa_id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Olá! Vocês têm horário amanhã?' }),
  });
  expect(res.status).toBe(201);
  const overflow: Record<string, number> = {};
  const rows = p.getByTestId('thread-rows');
  await expect(rows.getByTestId('thread-row-name').first()).toBeVisible();
  overflow['conversations'] = await sidewaysOverflow(p);
  await rows.getByTestId('thread-row-name').first().click();
  // The thread takes the whole column, the list steps aside, and Back brings it again.
  await expect(p.getByTestId('thread-name')).toBeVisible();
  await expect(p.getByTestId('thread-list')).toBeHidden();
  overflow['thread'] = await sidewaysOverflow(p);
  await p.screenshot({ path: path.join(shotsDir, 'zoom-200-thread.png') });
  await p.getByTestId('thread-back').click();
  await expect(p.getByTestId('thread-list')).toBeVisible();
  await expect(p.getByTestId('thread-back')).toBeHidden();
  await p.getByRole('button', { name: 'Settings' }).first().click();
  for (const section of ['account', 'calling', 'connection', 'desktop', 'appearance', 'about']) {
    await p.getByTestId(`settings-nav-${section}`).click();
    await p.waitForTimeout(200);
    overflow[section] = await sidewaysOverflow(p);
  }
  await p.screenshot({ path: path.join(shotsDir, 'zoom-200-settings.png') });
  expect(overflow).toEqual({ conversations: 0, thread: 0, account: 0, calling: 0, connection: 0, desktop: 0, appearance: 0, about: 0 });
  // At full width the Back button is not drawn: the list and the thread sit side by side.
  await p.setViewportSize({ width: 1280, height: 800 });
  await p.getByRole('button', { name: 'Conversations' }).first().click();
  await expect(p.getByTestId('thread-list')).toBeVisible();
  await expect(p.getByTestId('thread-back')).toBeHidden();
});
