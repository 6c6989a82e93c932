/**
 * The security checks suite in the browser, against the browser host and the Cloud API
 * simulator in this process (like threads.spec.ts): the CSP in the running app, hostile strings
 * from customers in every place the UI shows them, a hostile SDP offer, and links in messages.
 * Each test prints what it tried and what held.
 *
 * Strings come through the simulator's control API where it has one (profile name, text, caption,
 * a call from a deep link); the rest (reaction, interactive reply, call-permission reply, a
 * terminate with an error text, a connect with a hostile SDP) as signed webhooks straight to the
 * receiver — byte for byte what Meta would send.
 */
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { startBrowserHost, type BrowserHost } from '../../main/host/http-host.ts';
import { CONTENT_SECURITY_POLICY } from '../../main/renderer-files.ts';
import { startSimApp, until, type SimApp } from '../support/sim-app.ts';
import { memoryLogger } from '../support/test-log.ts';
import { envelope, postSigned } from '../support/webhooks.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

let app: SimApp;
let host: BrowserHost;

test.beforeEach(async () => {
  app = await startSimApp({ timeFactor: 100 });
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
});

/** Records, from before the app's own script runs, anything a hostile string could make happen. */
async function watchPage(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __watch: { violations: string[]; added: string[] } };
    w.__watch = { violations: [], added: [] };
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__watch.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`),
    );
    const suspicious = (el: Element): string | null => {
      const tag = el.tagName.toLowerCase();
      if (['script', 'iframe', 'object', 'embed', 'frame', 'base', 'meta'].includes(tag)) return `<${tag}>`;
      // The app's own ringing badge: a PNG drawn on a canvas, swapped in as the tab's icon.
      const ownBadge =
        tag === 'link' &&
        /(^|\s)icon(\s|$)/.test(el.getAttribute('rel') ?? '') &&
        /^data:image\/png;base64,/.test(el.getAttribute('href') ?? '');
      for (const a of el.getAttributeNames()) {
        if (a.startsWith('on')) return `<${tag} ${a}>`;
        if (ownBadge && a === 'href') continue;
        if (
          ['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a) &&
          /^\s*(javascript|data|vbscript):/i.test(el.getAttribute(a) ?? '')
        )
          return `<${tag} ${a}=${el.getAttribute(a)}>`;
      }
      if (tag === 'img' && el.getAttribute('src') === 'x') return '<img src=x>';
      return null;
    };
    // The page's own markup (its meta tags and module script) is parsed before this starts.
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof Element) {
          const s = suspicious(r.target);
          if (s) w.__watch.added.push(s);
        }
        for (const n of r.addedNodes) {
          if (!(n instanceof Element)) continue;
          for (const el of [n, ...n.querySelectorAll('*')]) {
            const s = suspicious(el);
            if (s) w.__watch.added.push(s);
          }
        }
      }
    });
    document.addEventListener('DOMContentLoaded', () => observer.observe(document, { subtree: true, childList: true, attributes: true }));
  });
}

async function watched(page: Page): Promise<{ violations: string[]; added: string[]; pwned: unknown }> {
  return page.evaluate(() => {
    const w = window as unknown as { __watch: { violations: string[]; added: string[] }; __pwned?: unknown };
    return { ...w.__watch, pwned: w.__pwned };
  });
}

async function control(pathname: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${app.creds.controlUrl}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${pathname}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as Record<string, unknown>;
}

async function webhook(field: string, value: Record<string, unknown>): Promise<void> {
  const res = await postSigned(
    app.services.receiver.port,
    '/webhook',
    envelope(field, value, app.creds.wabaId, { phoneNumberId: app.creds.phoneNumberId, displayPhoneNumber: app.creds.displayPhoneNumber }),
    app.creds.appSecret,
  );
  expect(res.status).toBe(200);
}

test('the CSP blocks inline script, inline handlers, javascript: URLs and eval in the running app', async ({ page }) => {
  // The policy as served, and as the page's own meta tag says it.
  const res = await fetch(host.url.split('#')[0]!);
  const header = res.headers.get('content-security-policy') ?? '';
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(await res.text())?.[1] ?? '';
  for (const policy of [header, meta]) {
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(policy)?.[1] ?? '';
    expect(scriptSrc.trim()).toBe("'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
  }
  expect(header).toBe(CONTENT_SECURITY_POLICY);
  expect(header).toContain("frame-ancestors 'none'");

  await page.goto(host.url);
  await expect(page.getByTestId('app-frame')).toBeVisible();
  const result = await page.evaluate(async () => {
    const w = window as unknown as Record<string, unknown>;
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    document.body.insertAdjacentHTML('beforeend', '<img src="x" onerror="window.__cspImg = 1">');
    document.body.insertAdjacentHTML('beforeend', '<svg><animate onbegin="window.__cspSvg = 1" attributeName="x" dur="1s"/></svg>');
    const s = document.createElement('script');
    s.textContent = 'window.__cspScript = 1';
    document.body.appendChild(s);
    document.body.insertAdjacentHTML('beforeend', '<a id="sec-js" href="javascript:window.__cspHref = 1">x</a>');
    (document.getElementById('sec-js') as HTMLAnchorElement).click();
    const blocked = (f: () => void): string => {
      try {
        f();
        return 'ran';
      } catch (e) {
        return (e as Error).name;
      }
    };
    // String-to-code runs from a timer, after this evaluation has returned: DevTools lets code it
    // evaluates itself use eval (Runtime.evaluate's allowUnsafeEvalBlockedByCSP), page code may not.
    const results: Record<string, string> = {};
    setTimeout(() => {
      results['eval'] = blocked(() => (0, eval)('window.__cspEval = 1'));
      results['fn'] = blocked(() => new Function('window.__cspFn = 1')());
      results['timer'] = blocked(() => (setTimeout as unknown as (code: string) => void)('window.__cspTimer = 1'));
    }, 50);
    await new Promise((r) => setTimeout(r, 1000));
    const evalResult = results['eval'];
    const fnResult = results['fn'];
    const timerResult = results['timer'];
    return {
      violations,
      sideEffects: ['__cspImg', '__cspSvg', '__cspScript', '__cspHref', '__cspEval', '__cspFn', '__cspTimer'].filter(
        (k) => w[k] !== undefined,
      ),
      evalResult,
      fnResult,
      timerResult,
    };
  });
  console.log(
    `CSP: tried 7 ways to run injected code (img onerror, svg onbegin, inline <script>, javascript: link, eval, new Function, setTimeout(string)); side effects: ${result.sideEffects.length}; violations reported: ${result.violations.length} (${[...new Set(result.violations)].join(', ')}); eval → ${result.evalResult}, new Function → ${result.fnResult}`,
  );
  expect(result.sideEffects).toEqual([]);
  expect(result.evalResult).toBe('EvalError');
  expect(result.fnResult).toBe('EvalError');
  // Every attempt was reported as a violation: inline script and handlers, the javascript: URL, eval.
  expect(result.violations.length).toBeGreaterThanOrEqual(5);
  expect(result.violations.some((v) => v.startsWith('script-src'))).toBe(true);
});

test('hostile strings from a customer show as text everywhere, and nothing runs', async ({ page }) => {
  await watchPage(page);
  const hostile = (n: number): string =>
    `<img src=x onerror="window.__pwned=${n}"><script>window.__pwned=${n}</script>{{ constructor.constructor('window.__pwned=${n}')() }} javascript:window.__pwned=${n} \u202Eevil.exe\u202C z\u200Bw\u200Dj\uFEFF`;
  const big = 'W'.repeat(10_000);
  const waId = '5511900000666';
  await control('/users', { wa_id: waId, name: hostile(1), country: 'BR' });
  const text = (await control(`/users/${waId}/messages`, { text: `${hostile(2)} ${big}` })) as { message: { id: string } };
  await control(`/users/${waId}/messages`, {
    type: 'image',
    data_base64: Buffer.from('\x89PNG\r\n\x1a\nhostile').toString('base64'),
    mime_type: 'image/png',
    caption: hostile(3),
  });
  // Wait until the simulator's webhooks are in, so the reaction finds its message.
  const threadId = await until("the customer's thread with both messages", () => {
    const t = app.services.threads.listThreads({ filter: 'all', after: null, limit: 50 }).find((x) => x.contact.waId === waId);
    return t && app.services.threads.timeline(t.id, { before: null, limit: 10 }).length >= 2 ? t.id : null;
  });
  const contacts = [{ profile: { name: hostile(1) }, wa_id: waId }];
  const ts = (): string => String(Math.floor(Date.now() / 1000));
  await webhook('messages', {
    contacts,
    messages: [
      {
        from: waId,
        id: 'wamid.hostile-reaction',
        timestamp: ts(),
        type: 'reaction',
        reaction: { message_id: text.message.id, emoji: hostile(4) },
      },
    ],
  });
  await webhook('messages', {
    contacts,
    messages: [
      {
        from: waId,
        id: 'wamid.hostile-button',
        timestamp: ts(),
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: hostile(5), title: hostile(5) } },
      },
    ],
  });
  await webhook('messages', {
    contacts,
    messages: [
      {
        from: waId,
        id: 'wamid.hostile-permission',
        timestamp: ts(),
        type: 'interactive',
        interactive: {
          type: 'call_permission_reply',
          call_permission_reply: {
            response: 'accept',
            is_permanent: false,
            expiration_timestamp: Math.floor(Date.now() / 1000) + 86400,
            response_source: hostile(6),
          },
        },
      },
    ],
  });
  // A call from a deep link with a hostile payload, which the customer then hangs up.
  const call = (await control(`/users/${waId}/deeplink`, { biz_payload: hostile(7).slice(0, 200) })) as { id: string };
  await control(`/calls/${call.id}/hangup`, {});
  // The owner sends a template whose parameters are hostile (they come back in the timeline).
  const sent = await app.services.dispatch('sendTemplate', {
    threadId,
    name: 'sample_cpr_template',
    language: 'en',
    parameters: [hostile(8), hostile(8)],
  });
  expect(sent.ok, JSON.stringify(sent)).toBe(true);
  // A call that ends with a hostile error text as its reason.
  await webhook('calls', {
    contacts,
    calls: [
      {
        id: 'wacid.hostile-reason',
        from: '5511955550100',
        to: waId,
        event: 'terminate',
        direction: 'BUSINESS_INITIATED',
        timestamp: ts(),
        status: 'FAILED',
        errors: [{ code: 138021, message: hostile(9), title: hostile(9) }],
      },
    ],
  });
  // The template "fails" with a hostile error text (a code the error table does not know, so Meta's own details are what the bubble shows).
  const wamid = (sent as { result: { metaId: string } }).result.metaId;
  await webhook('messages', {
    statuses: [
      {
        id: wamid,
        status: 'failed',
        timestamp: ts(),
        recipient_id: waId,
        errors: [{ code: 131999, title: hostile(10), message: hostile(10), error_data: { details: hostile(10) } }],
      },
    ],
  });

  await page.goto(host.url);
  const row = page.getByTestId(`thread-row-${threadId}`);
  await expect(row.getByTestId('thread-row-name')).toContainText('<img src=x onerror="window.__pwned=1">');
  await row.click();
  await expect(page.getByTestId('thread-name')).toContainText('<img src=x onerror="window.__pwned=1">');
  const timeline = page.getByTestId('timeline');
  const shown: string[] = [];
  for (const [n, what] of [
    [2, 'message text'],
    [3, 'photo caption'],
    [4, 'reaction'],
    [5, 'interactive reply title'],
    [8, 'template parameter'],
  ] as const) {
    await expect
      .poll(
        () =>
          timeline.evaluate(
            (el, t) => el.textContent?.includes(t) ?? false,
            `<img src=x onerror="window.__pwned=${n}"><script>window.__pwned=${n}</script>{{ constructor.constructor('window.__pwned=${n}')() }} javascript:window.__pwned=${n}`,
          ),
        { message: what },
      )
      .toBe(true);
    shown.push(what);
  }
  await expect(timeline.getByTestId('call-payload').first()).toContainText('<img src=x onerror="window.__pwned=7">');
  shown.push('deep-link payload');
  // (Checked with evaluate: a failing toContainText would print the 10 kB word.)
  const has = (needle: string): Promise<boolean> => timeline.evaluate((el, n) => el.textContent?.includes(n) ?? false, needle);
  await expect.poll(() => has('<img src=x onerror="window.__pwned=9">'), { message: 'call end reason' }).toBe(true);
  shown.push('call end reason');
  await expect.poll(() => has('<img src=x onerror="window.__pwned=10">'), { message: 'message failure reason' }).toBe(true);
  shown.push('message failure reason');
  expect(await has(big)).toBe(true);
  // The invisible characters are kept as characters (no markup, nothing dropped).
  expect(await has('\u202Eevil.exe\u202C z\u200Bw\u200Dj')).toBe(true);
  // The 10 kB word wraps inside its bubble instead of widening the timeline.
  const overflow = await timeline.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  // Give any handler that could have been attached a chance to fire, then look.
  await page.waitForTimeout(500);
  const w = await watched(page);
  const imgs = await page.locator('img[src="x"]').count();
  console.log(
    `hostile strings: delivered in 11 places (profile name, text, caption, reaction, interactive reply, call-permission reply, deep-link payload, template parameters, call end reason, message failure reason, a 10 kB word); shown as literal text in ${shown.length + 1} checked places; injected elements/attributes: ${w.added.length}; CSP violations: ${w.violations.length}; window.__pwned: ${String(w.pwned)}`,
  );
  expect(w.added).toEqual([]);
  expect(w.violations).toEqual([]);
  expect(w.pwned).toBeUndefined();
  expect(imgs).toBe(0);
});

test('a hostile SDP offer is handled without markup reaching the page', async ({ page }) => {
  await watchPage(page);
  await page.goto(host.url);
  await expect(page.getByTestId('app-frame')).toBeVisible();
  const waId = '5511987650001';
  const sdp = [
    'v=0',
    `o=- 1 2 IN IP4 127.0.0.1`,
    `s=<img src=x onerror="window.__pwned='sdp'"><script>window.__pwned='sdp'</script>`,
    't=0 0',
    'a=ice-lite',
    'm=audio 3480 UDP/TLS/RTP/SAVPF 111 126',
    'c=IN IP4 127.0.0.1',
    `a=x-evil:${'<b onmouseover="window.__pwned=1">'.repeat(2000)}`,
    `a=fingerprint:sha-256 ${'AB:'.repeat(31)}AB`,
    'a=setup:actpass',
    'a=mid:0',
    'a=rtcp-mux',
    'a=sendrecv',
    `a=ice-ufrag:${'<svg/onload=window.__pwned=2>'}`,
    'a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaaaa',
    'a=rtpmap:111 opus/48000/2',
    'a=rtpmap:126 telephone-event/8000',
    `a=candidate:1 1 udp 2122260223 127.0.0.1 3480 typ host`,
    '',
  ].join('\r\n');
  const ts = String(Math.floor(Date.now() / 1000));
  await webhook('calls', {
    contacts: [{ profile: { name: 'Ana Souza' }, wa_id: waId }],
    calls: [
      {
        id: 'wacid.hostile-sdp',
        from: waId,
        to: '5511955550100',
        event: 'connect',
        direction: 'USER_INITIATED',
        timestamp: ts,
        session: { sdp_type: 'offer', sdp },
      },
    ],
  });
  // Whatever the media engine makes of it (it cannot be answered), the call is shown and ends
  // with a plain reason; the SDP is never rendered.
  await expect.poll(() => app.services.calls.list().length, { timeout: 20_000 }).toBeGreaterThan(0);
  // It rings like any call (the caller's name, as text), and the call says, in words, why its
  // audio cannot be set up — the media engine refused the offer; the SDP itself is never echoed.
  await expect(page.getByTestId('incoming-call')).toContainText('Ana Souza');
  await expect.poll(() => app.services.calls.list()[0]?.reason ?? null, { timeout: 20_000 }).toMatch(/could not/i);
  await page.waitForTimeout(500);
  const outcome = app.services.calls.list();
  expect(outcome[0]!.reason).not.toContain('onerror');
  expect(outcome[0]!.reason!.length).toBeLessThan(600);
  const w = await watched(page);
  const body = await page.locator('body').innerHTML();
  console.log(
    `hostile SDP: ${sdp.length} bytes with markup in s=, a= and ice-ufrag lines; the call is "${outcome.map((c) => `${c.state}: ${c.reason}`).join(', ')}"; injected elements/attributes: ${w.added.length}; window.__pwned: ${String(w.pwned)}; SDP text in the page: ${body.includes('ice-lite')}`,
  );
  expect(w.added).toEqual([]);
  expect(w.pwned).toBeUndefined();
  expect(body).not.toContain('ice-lite');
});

test('links in customer messages: only https is clickable, it opens outside the app, the app never navigates', async ({
  page,
  context,
}) => {
  await watchPage(page);
  await context.route('https://example.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>outside</title>outside' }),
  );
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const waId = '4915112340002';
  const links = [
    'https://example.com/a',
    'http://example.com',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'app://switchboard/index.html',
    '//evil.com',
    'https://user:pw@example.com/x',
    'JaVaScRiPt:alert(2)',
  ];
  await control(`/users/${waId}/messages`, { text: `Links: ${links.join(' ')}` });
  await page.goto(host.url);
  const appUrl = page.url();
  await page.locator('[data-testid^="thread-row-"][data-thread-id]').filter({ hasText: 'Jonas Weber' }).click();
  const bubble = page.locator('[data-kind="message"]').filter({ hasText: 'Links:' });
  await expect(bubble).toContainText(links.join(' '));
  const anchors = await page
    .locator('a[href]')
    .evaluateAll((els) =>
      els.map((a) => ({ href: a.getAttribute('href'), target: a.getAttribute('target'), rel: a.getAttribute('rel'), text: a.textContent })),
    );
  const messageLinks = anchors.filter((a) => a.href !== null && !a.href.startsWith('#'));
  expect(messageLinks).toEqual([
    { href: 'https://example.com/a', target: '_blank', rel: 'noopener noreferrer', text: 'https://example.com/a' },
  ]);

  // Clicking the https link opens it in a new browsing context (the OS browser in Electron), with no opener.
  const [popup] = await Promise.all([context.waitForEvent('page'), bubble.getByTestId('message-link').click()]);
  await popup.waitForLoadState();
  expect(popup.url()).toBe('https://example.com/a');
  expect(await popup.evaluate(() => window.opener)).toBeNull();
  await popup.close();
  // The rest is plain text: clicking across the bubble does nothing.
  const box = (await bubble.locator('.body').boundingBox())!;
  for (let x = 5; x < box.width; x += 40) await page.mouse.click(box.x + x, box.y + box.height / 2);
  await page.waitForTimeout(300);
  expect(page.url()).toBe(appUrl);
  expect(context.pages()).toHaveLength(1);
  expect(dialogs).toEqual([]);
  const w = await watched(page);
  expect(w.added).toEqual([]);
  console.log(
    `links: ${links.length} URLs in one message; clickable: ${messageLinks.length} (${messageLinks.map((a) => a.href).join(', ')}), opened in a new context without opener; the app's URL unchanged; dialogs: ${dialogs.length}`,
  );
});
