/**
 * Longer languages must not break the layout (issue 21). The main screens — Conversations with a
 * thread open, the call-back list, the call log, a ringing call, a call in progress, and every
 * Settings section (Calling with its hours editor open) — are rendered at 1366×768 in Brazilian
 * Portuguese, in Spanish, and in the pseudo-locale en-XA (every English string 40% longer, accented:
 * renderer/src/i18n/pseudo.ts). On each, every element that shows text is measured:
 *
 *  - its text is wider or taller than its box (scrollWidth > clientWidth, scrollHeight > clientHeight)
 *    and the box is not a scroll container;
 *  - it is cut by an ancestor that clips (overflow hidden / clip), or lies outside the window sideways;
 *  - the page scrolls sideways.
 *
 * Truncating a customer's own words with an ellipsis (names, previews, snippets: dir="auto") is
 * the design, not a fault; truncating the app's own words is. The failure lists each problem with
 * locale, screen, element and the text. Screenshots of every screen in each language, light and
 * dark, go to test/screenshots/locale/ (not committed) for a person to look at.
 *
 * The second test is the direction check: an Arabic message with trailing punctuation renders
 * right to left, its question mark at the left end, while a Latin message stays left to right.
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
const shotsDir = path.resolve(import.meta.dirname, '../screenshots/locale');
const VIEWPORT = { width: 1366, height: 768 };

const spec = callAppSpec({ shotsDir });
let app: CallApp | null = null;
const peers = spec.peers;

/** Every text that does not fit where it is drawn, in words (runs in the page). */
function textOverflows(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    const seen = new Set<Element>();
    const name = (el: Element): string => {
      const id = el.getAttribute('data-testid');
      const cls = [...el.classList].slice(0, 2).join('.');
      const owner = el.closest('[data-testid]');
      const where = owner && owner !== el ? ` in [${owner.getAttribute('data-testid')}]` : '';
      return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${cls ? `.${cls}` : ''}${where}`;
    };
    const textOf = (el: Element): string => {
      const t = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
      return t.length > 60 ? `${t.slice(0, 57)}…` : t;
    };
    const isInline = (el: Element): boolean => getComputedStyle(el).display === 'inline';
    const scrolls = (el: Element): boolean => {
      const s = getComputedStyle(el);
      return ['auto', 'scroll'].includes(s.overflowX) || ['auto', 'scroll'].includes(s.overflowY);
    };
    // A customer's own words (dir="auto") may be cut with an ellipsis; the app's may not.
    const userText = (el: Element): boolean => !!el.closest('[dir="auto"]') || !!el.querySelector('[dir="auto"]');
    const visible = (el: Element): boolean => {
      if (!el.checkVisibility({ opacityProperty: false, visibilityProperty: true })) return false;
      const r = el.getBoundingClientRect();
      return r.width > 1 && r.height > 1;
    };

    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.nodeValue?.trim()) continue;
      let el = node.parentElement;
      if (!el || ['SCRIPT', 'STYLE', 'OPTION', 'TEXTAREA', 'TITLE'].includes(el.tagName)) continue;
      // The box the text lays out in: the nearest ancestor that is not inline.
      while (el && isInline(el) && el.parentElement) el = el.parentElement;
      if (!el || seen.has(el) || !visible(el)) continue;
      seen.add(el);
      if (el.closest('.visually-hidden, [aria-hidden="true"] svg')) continue;
      const s = getComputedStyle(el);
      const text = textOf(el);
      if (!scrolls(el)) {
        const wide = el.scrollWidth - el.clientWidth;
        const tall = el.scrollHeight - el.clientHeight;
        const ellipsis = s.textOverflow === 'ellipsis' || s.webkitLineClamp !== 'none';
        if ((wide > 1 || tall > 2) && !(ellipsis && userText(el))) {
          const what = wide > 1 ? `${el.scrollWidth} > ${el.clientWidth} px wide` : `${el.scrollHeight} > ${el.clientHeight} px high`;
          out.push(`${name(el)} "${text}": text does not fit its box (${what}${ellipsis ? ', cut with …' : ''})`);
          continue;
        }
      }
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.right > vw + 1) {
        out.push(`${name(el)} "${text}": outside the window sideways (${Math.round(r.left)}–${Math.round(r.right)} of ${vw} px)`);
        continue;
      }
      // Sticking out of the box it sits in (the nearest ancestor it overflows), or cut by an
      // ancestor that clips — up to the first scroll container, inside which one can scroll to read.
      const positioned = ['absolute', 'fixed'].includes(s.position);
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (scrolls(a)) break;
        const as = getComputedStyle(a);
        if (as.display === 'contents' || as.display === 'inline') continue; // no box of its own
        const ar = a.getBoundingClientRect();
        const clips = as.overflowX === 'hidden' || as.overflowX === 'clip';
        // In flow, the text must stay inside the box's content (its padding is the box's own margin);
        // anything may reach the edge of a box that clips.
        const inset = (side: 'Left' | 'Right'): number =>
          clips ? 0 : parseFloat(as[`padding${side}`]) + parseFloat(as[`border${side}Width`]);
        const outside = r.left < ar.left + inset('Left') - 1 || r.right > ar.right - inset('Right') + 1;
        if (outside && (clips || !positioned) && !userText(el)) {
          const how = clips ? 'cut by' : 'sticks out of';
          out.push(
            `${name(el)} "${text}": ${how} ${name(a)} (${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(ar.left)}–${Math.round(ar.right)})`,
          );
          break;
        }
        if (clips) break;
      }
    }
    if (document.documentElement.scrollWidth > vw + 1)
      out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw} px)`);
    return out;
  });
}

type Screen = { name: string; show: (p: Page) => Promise<void> };

const SETTINGS = ['account', 'calling', 'connection', 'desktop', 'appearance', 'about'] as const;

async function openSettings(p: Page, section: (typeof SETTINGS)[number]): Promise<void> {
  await p.getByTestId('nav-settings').click();
  await p.getByTestId(`settings-nav-${section}`).click();
  await expect(p.getByTestId(`settings-${section}`)).toBeVisible();
}

const SCREENS: Screen[] = [
  {
    name: 'conversations-thread',
    show: async (p) => {
      await p.getByTestId('nav-threads').click();
      await p.getByTestId('thread-rows').getByText(ana.name).first().click();
      await expect(p.getByTestId('timeline')).toBeVisible();
    },
  },
  {
    name: 'callbacks',
    show: async (p) => {
      await p.getByTestId('nav-callbacks').click();
      await expect(p.locator('[data-view="callbacks"]')).toBeVisible();
    },
  },
  {
    name: 'call-log',
    show: async (p) => {
      await p.getByTestId('nav-calls').click();
      await expect(p.locator('[data-view="calls"]')).toBeVisible();
    },
  },
  ...SETTINGS.map((section) => ({ name: `settings-${section}`, show: (p: Page) => openSettings(p, section) })),
  {
    name: 'settings-calling-hours',
    show: async (p) => {
      await openSettings(p, 'calling');
      const hours = p.getByTestId('calling-hours');
      await expect(hours).toBeVisible();
      if ((await hours.getAttribute('aria-checked')) !== 'true') await hours.click();
      if ((await p.getByTestId('holiday-0').count()) === 0) await p.getByTestId('holiday-add').click();
      await p.getByTestId('hours-day-MONDAY').scrollIntoViewIfNeeded();
    },
  },
];

/** Each problem found, by locale and element, with the screens it shows on. */
type Problems = Map<string, string[]>;

/** One locale: every screen measured, and shot in light and dark. */
async function sweepLocale(a: CallApp, locale: string, problems: Problems): Promise<void> {
  const p = a.page;
  const shoot = async (screen: string): Promise<void> => {
    for (const scheme of ['light', 'dark'] as const) {
      await p.emulateMedia({ colorScheme: scheme });
      await p.waitForTimeout(350); // colours change with 120 ms transitions
      await p.screenshot({ path: path.join(shotsDir, `${locale}-${screen}-${scheme}.png`) });
    }
    await p.emulateMedia({ colorScheme: 'light' });
  };
  const measure = async (screen: string): Promise<void> => {
    await p.waitForTimeout(200);
    for (const problem of await textOverflows(p)) {
      const key = `[${locale}] ${problem}`;
      problems.set(key, [...(problems.get(key) ?? []), screen]);
    }
    await shoot(screen);
  };
  for (const screen of SCREENS) {
    await screen.show(p);
    await measure(screen.name);
  }
  // Leave the hours draft behind: nothing is saved.
  await p.getByTestId('nav-threads').click();
  await p.getByTestId('thread-rows').getByText(ana.name).first().click();

  // A ringing call, then the call in progress, over the open thread.
  const customer = createPhonePeer({ label: 'customer', metaShaped: true, source: { kind: 'tone', frequency: 1000, amplitude: 0.3 } });
  peers.push(customer);
  const res = await fetch(`${a.controlUrl}/users/${ana.wa_id}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sdp: await customer.createOffer() }),
  });
  expect(res.status).toBe(201);
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  await measure('ringing');
  await p.getByTestId('incoming-answer').click();
  await expect(p.getByTestId('call-state')).toHaveAttribute('data-state', 'active');
  await measure('in-call');
  await p.getByTestId('call-keypad-toggle').click();
  await p.getByTestId('call-devices-toggle').click();
  await measure('in-call-keypad-devices');
  await p.getByTestId('call-hangup').click();
  await until('the call ends', async () => a.services.calls.list().every((c) => c.state === 'ended'));
  await measure('call-ended');
}

async function setLanguage(a: CallApp, preference: 'pt-BR' | 'es'): Promise<void> {
  const res = await a.services.dispatch('setLanguage', { preference });
  expect(res).toMatchObject({ ok: true, result: { effective: preference } });
  // The window follows main's `language` event.
  await expect(a.page.locator('html')).toHaveAttribute('lang', preference);
}

test('main screens in pt-BR, es and the 40%-longer pseudo-locale: no text overflows its box at 1366×768', async () => {
  test.setTimeout(300_000);
  app = await spec.start({ seed, viewport: VIEWPORT });
  const { page: p, controlUrl } = app;
  for (const text of ['Bom dia! Vocês têm pão de queijo hoje? Queria encomendar duas dúzias para amanhã cedo.', 'Obrigada!']) {
    const res = await fetch(`${controlUrl}/users/${ana.wa_id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(201);
  }
  await expect(p.getByTestId('thread-rows').getByText(ana.name).first()).toBeVisible();
  // A call Jonas hangs up before it is answered: the call-back list and the call log have a row.
  const jonas = seed.users[1]!;
  const missed = await fetch(`${controlUrl}/users/${jonas.wa_id}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(missed.status).toBe(201);
  await expect(p.getByTestId('incoming-call')).toBeVisible();
  const { id } = (await missed.json()) as { id: string };
  expect((await fetch(`${controlUrl}/calls/${encodeURIComponent(id)}/hangup`, { method: 'POST' })).status).toBeLessThan(300);
  await until('the missed call ends', async () => app!.services.calls.list().every((c) => c.state === 'ended'));

  const problems: Problems = new Map();
  await setLanguage(app, 'pt-BR');
  await expect(p.getByTestId('nav-threads')).toContainText('Conversas');
  await sweepLocale(app, 'pt-BR', problems);

  await setLanguage(app, 'es');
  await expect(p.getByTestId('nav-threads')).toContainText('Conversaciones');
  await sweepLocale(app, 'es', problems);

  // The pseudo-locale is per window: a developer's switch, read at start.
  await p.evaluate(() => localStorage.setItem('switchboard.pseudoLocale', '1'));
  await p.reload();
  await expect(p.getByTestId('nav-threads')).toContainText('[Çöñṽéŕšåţîöñš');
  await sweepLocale(app, 'en-XA', problems);

  const report = [...problems].map(([problem, screens]) => `${problem}\n    on ${screens.join(', ')}`);
  expect(report.length, `${report.length} text(s) do not fit:\n${report.join('\n')}\n`).toBe(0);
});

test('an Arabic message reads right to left with its punctuation at its left end; a Latin one left to right', async () => {
  app = await spec.start({ seed, viewport: VIEWPORT });
  const { page: p, controlUrl } = app;
  const arabic = 'مرحبا، هل أنتم مفتوحون غدا؟';
  const latin = 'Olá, vocês abrem amanhã?';
  for (const text of [arabic, latin]) {
    const res = await fetch(`${controlUrl}/users/${ana.wa_id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(201);
  }
  await p.getByTestId('thread-rows').getByText(ana.name).first().click();
  const measure = (text: string) =>
    p
      .getByTestId('message-text')
      .filter({ hasText: text })
      .evaluate((el) => {
        const body = el.querySelector('.body')!;
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        let node = walker.nextNode()!;
        while (!node.nodeValue) node = walker.nextNode()!; // Vue leaves empty text nodes around fragments
        const value = node.nodeValue!;
        const rectOf = (i: number): DOMRect => {
          const r = document.createRange();
          r.setStart(node, i);
          r.setEnd(node, i + 1);
          return r.getBoundingClientRect();
        };
        const first = rectOf(0);
        const last = rectOf(value.length - 1);
        const timeEl = el.querySelector('time')!;
        const time = timeEl.getBoundingClientRect();
        return {
          direction: getComputedStyle(el).direction,
          timeDirection: getComputedStyle(timeEl).direction,
          punctuationLeftOfFirstLetter: last.left < first.left,
          timeLeftOfText: time.right <= Math.min(first.left, last.left) + 1,
        };
      });
  expect(await measure(arabic)).toEqual({
    direction: 'rtl',
    timeDirection: 'ltr',
    punctuationLeftOfFirstLetter: true,
    timeLeftOfText: true,
  });
  expect(await measure(latin)).toEqual({
    direction: 'ltr',
    timeDirection: 'ltr',
    punctuationLeftOfFirstLetter: false,
    timeLeftOfText: false,
  });
  // The list's preview (the newest message) is isolated in its own dir="auto" span inside the row.
  await expect(p.getByTestId('thread-row-preview').first().locator('[dir="auto"]')).toHaveText(latin);
  await p.screenshot({ path: path.join(shotsDir, 'direction-arabic-latin.png') });
});
