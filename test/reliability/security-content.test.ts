/**
 * Security fixes from issue 19, each shown at the smallest level that has it:
 *  - customers' names and text went into Linux notifications as markup (daemons render a subset of
 *    HTML in the body; KDE makes <a href> clickable);
 *  - the CSV export let cells starting with TAB or CR through to a spreadsheet unneutralised;
 *  - the shell opened links to IP-address and LAN hosts (the renderer side is in
 *    test/renderer/format/linkify-hosts.test.ts);
 *  - the Electron hardening checklist: webPreferences and fuses that no test asserted;
 *  - updates: the feed came from an environment variable and no signature check was configured;
 *  - the pinned Electron lagged behind the newest patch of its major.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import type { AccountService } from '../../main/account/account-service.ts';
import { incomingCallNotification, MessageNotifier, type NewMessage } from '../../main/desktop/message-notifications.ts';
import { notificationText } from '../../main/desktop/notification-text.ts';
import { updateFeed } from '../../main/desktop/update-feed.ts';
import { isSafeExternalUrl, mainWindowOptions } from '../../main/shell/security.ts';
import { openDatabase } from '../../main/storage/database.ts';
import { csvCell } from '../../main/threads/csv.ts';
import { MessagingService } from '../../main/threads/messaging-service.ts';
import { ThreadStore } from '../../main/threads/thread-store.ts';
import { memoryLogger } from '../support/test-log.ts';

const root = path.resolve(import.meta.dirname, '../..');
const HOSTILE_NAME = '<a href="https://evil.example">Ana</a> & <b>Co</b>';

describe('notifications: customer text is never markup on Linux', () => {
  const message = (body: string): NewMessage => ({ id: 1, threadId: 1, direction: 'in', kind: 'message', type: 'text', body });
  const ctx = (platform: NodeJS.Platform) => ({
    window: { visible: false, focused: false },
    dnd: false,
    now: 1_000_000,
    nameOf: () => HOSTILE_NAME,
    platform,
  });

  it('escapes the caller name in the incoming-call body on linux and leaves it as written elsewhere', () => {
    const linux = incomingCallNotification(HOSTILE_NAME, 'linux');
    expect(linux.body).not.toContain('<a');
    expect(linux.body).not.toContain('<b>');
    expect(linux.body).toBe('&lt;a href=&quot;https://evil.example&quot;&gt;Ana&lt;/a&gt; &amp; &lt;b&gt;Co&lt;/b&gt; is calling.');
    // macOS and Windows show the text as text: an entity there would be shown literally.
    expect(incomingCallNotification(HOSTILE_NAME, 'darwin').body).toBe(`${HOSTILE_NAME} is calling.`);
    expect(incomingCallNotification(HOSTILE_NAME, 'win32').body).toBe(`${HOSTILE_NAME} is calling.`);
  });

  it("escapes a customer's message preview in the body on linux, and not on macOS or Windows", () => {
    const text = `<a href="https://evil.example/pay">Pay here</a> & it's <i>urgent</i>`;
    const [linux] = new MessageNotifier().decide([message(text)], ctx('linux'));
    expect(linux!.body).not.toMatch(/<[a-z/]/i);
    expect(linux!.body).toBe(
      '&lt;a href=&quot;https://evil.example/pay&quot;&gt;Pay here&lt;/a&gt; &amp; it&#39;s &lt;i&gt;urgent&lt;/i&gt;',
    );
    // The title is the summary, plain text in the notification spec (GNOME, KDE, dunst show it as
    // text): escaping it would show "&amp;" in the owner's face. It is passed on as written.
    expect(linux!.title).toBe(HOSTILE_NAME);
    const [mac] = new MessageNotifier().decide([message(text)], ctx('darwin'));
    expect(mac!.body).toBe(text);
    const [win] = new MessageNotifier().decide([message(text)], ctx('win32'));
    expect(win!.body).toBe(text);
  });

  it('escapes after clipping, so a long preview never ends inside an entity', () => {
    const [n] = new MessageNotifier().decide([message(`${'x'.repeat(98)}<&>`)], ctx('linux'));
    expect(n!.body).toBe(`${'x'.repeat(98)}&lt;…`);
  });

  it('notificationText escapes & < > " \' in the body on linux only', () => {
    const n = { title: 'A & B', body: `<b>"x" & 'y'</b>` };
    expect(notificationText(n, 'linux')).toEqual({ title: 'A & B', body: '&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;' });
    expect(notificationText(n, 'freebsd').body).toBe('&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;');
    expect(notificationText(n, 'darwin')).toEqual(n);
    expect(notificationText(n, 'win32')).toEqual(n);
  });

  it('every Notification the shell builds goes through notificationText or the decisions that apply it', () => {
    const shell = path.join(root, 'main', 'shell');
    for (const file of readdirSync(shell).filter((f) => f.endsWith('.ts'))) {
      const src = readFileSync(path.join(shell, file), 'utf8');
      for (const m of src.matchAll(/new Notification\(\{([^}]*)\}/g)) {
        const fields = m[1]!;
        // Either built from a decision (d.title / text.body…) or wrapped: ...notificationText(…)
        expect(/\.\.\.notificationText\(|title: (d|text)\.title/.test(fields), `${file}: new Notification({${fields}})`).toBe(true);
      }
    }
  });
});

describe('CSV export: no cell runs as a formula', () => {
  it('prefixes cells starting with = + - @ TAB or CR with a quote, and quotes them', () => {
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-1')).toBe(`"'-1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\t=cmd|"/c calc"!A0')).toBe(`"'\t=cmd|""/c calc""!A0"`);
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell('1-2 =3')).toBe('1-2 =3');
    expect(csvCell('')).toBe('');
  });

  it('quotes embedded CR, LF, commas and quotes (doubling the quotes)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvCell('a\rb')).toBe('"a\rb"');
  });

  it("the thread export neutralises a customer's TAB- and CR-led text", () => {
    const db = openDatabase(':memory:');
    const threads = new ThreadStore(db);
    const contact = { waId: '5511987650001', userId: null, parentUserId: null, profileName: 'Ana', username: null };
    const bodies = ['\t=HYPERLINK("https://evil.example")', '\r@SUM(1)', 'two\r\nlines "quoted"'];
    let threadId = 0;
    bodies.forEach((body, i) => {
      threadId = threads.addOutgoingMessage({
        contact,
        wamid: `wamid.${i}`,
        type: 'text',
        body,
        at: `2026-01-01T00:00:0${i}.000Z`,
      }).threadId;
    });
    const { log } = memoryLogger();
    const messaging = new MessagingService({ db, threads, account: {} as AccountService, log });
    const { content } = messaging.exportThread(threadId, 'csv');
    expect(content).toContain(`,"'\t=HYPERLINK(""https://evil.example"")",`);
    expect(content).toContain(`,"'\r@SUM(1)",`);
    expect(content).toContain(`,"two\r\nlines ""quoted""",`);
    expect(content).not.toMatch(/,\t=/);
    expect(content).not.toMatch(/,\r@/);
  });
});

describe('external links: the shell opens no IP-address or LAN host', () => {
  it('refuses IP literals (in any spelling), single-label and LAN names; opens public hosts', () => {
    for (const bad of [
      'https://192.168.1.1/',
      'https://10.0.0.1/admin',
      'https://127.0.0.1:8443/',
      'https://0x7f.1/',
      'https://2130706433/',
      'https://[::1]/',
      'https://[fe80::1]/',
      'https://router.local/',
      'https://router.local./',
      'https://nas.lan/',
      'https://printer.home.arpa/',
      'https://app.localhost/',
      'https://localhost/',
      'https://intranet/',
      'https://db.internal/',
    ]) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
    for (const good of [
      'https://example.com/a',
      'https://developers.facebook.com/docs',
      'https://xn--bcher-kva.de/',
      'https://1.example.com/',
    ]) {
      expect(isSafeExternalUrl(good), good).toBe(true);
    }
  });
});

/** The YAML electron-builder reads (js-yaml comes with electron-updater and electron-builder). */
function builderConfig(): Configuration {
  const yaml = createRequire(import.meta.url)('js-yaml') as { load: (text: string) => unknown };
  return yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Configuration;
}

/** electron-builder's own schema check of a configuration (rejects, e.g., electron-builder 25's `win.publisherName`). */
async function validateBuilderConfig(c: Configuration): Promise<void> {
  const req = createRequire(import.meta.url);
  const { validateConfiguration } = req('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration: (config: Configuration, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = req('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(c, new DebugLogger(false));
}

/** What is wrong with the fuses of a configuration against Electron's hardening checklist. */
function fuseProblems(c: Configuration): string[] {
  const f = c.electronFuses ?? {};
  const want: Record<string, boolean> = {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  };
  return Object.entries(want)
    .filter(([k, v]) => (f as Record<string, unknown>)[k] !== v)
    .map(([k, v]) => `${k} should be ${v}`);
}

describe('Electron hardening checklist', () => {
  it('keeps experimental features and Blink feature switches off in the window', () => {
    for (const isPackaged of [true, false]) {
      const wp = mainWindowOptions({ preloadPath: '/p.cjs', dark: false, isPackaged }).webPreferences!;
      expect(wp.experimentalFeatures).toBe(false);
      expect(wp.enableBlinkFeatures ?? '').toBe('');
      expect(wp.contextIsolation && wp.sandbox && !wp.nodeIntegration && wp.webSecurity).toBe(true);
    }
  });

  it('builds every BrowserWindow from mainWindowOptions', () => {
    const shell = path.join(root, 'main', 'shell');
    for (const file of readdirSync(shell).filter((f) => f.endsWith('.ts'))) {
      const src = readFileSync(path.join(shell, file), 'utf8');
      for (const m of src.matchAll(/new BrowserWindow\(\s*([A-Za-z]+)/g)) expect(m[1], file).toBe('mainWindowOptions');
      expect(src, file).not.toMatch(/enableBlinkFeatures|experimentalFeatures:\s*true/);
    }
  });

  it('configures the fuses: cookie encryption and asar-only on, file:// privileges off (and the rest)', () => {
    const config = builderConfig();
    expect(fuseProblems(config)).toEqual([]);
    // The check itself bites: a configuration that lost one of them is reported.
    expect(fuseProblems({ ...config, electronFuses: { ...config.electronFuses, grantFileProtocolExtraPrivileges: true } })).toEqual([
      'grantFileProtocolExtraPrivileges should be false',
    ]);
    const { enableCookieEncryption: _c, ...withoutCookie } = config.electronFuses ?? {};
    expect(fuseProblems({ ...config, electronFuses: withoutCookie })).toEqual(['enableCookieEncryption should be true']);
  });
});

describe('updates: a configured feed, and signatures checked', () => {
  it('publishes to a fixed feed, names the Windows publisher, and never turns code-signature verification off', async () => {
    const config = builderConfig();
    await validateBuilderConfig(config);
    const publish = [config.publish ?? []].flat() as Array<{ provider: string; owner?: string; repo?: string; url?: string }>;
    expect(publish.length).toBeGreaterThan(0);
    for (const p of publish) {
      expect(['github', 'generic']).toContain(p.provider);
      if (p.provider === 'github') expect(p.owner && p.repo).toBeTruthy();
      if (p.provider === 'generic') expect(p.url).toMatch(/^https:\/\//);
    }
    expect(config.win?.signtoolOptions?.publisherName).toBeTruthy();
    expect(config.win?.verifyUpdateCodeSignature).not.toBe(false);
    // electron-updater on macOS installs from the zip (Squirrel.Mac checks the code signature).
    expect([config.mac?.target].flat().map((t) => (typeof t === 'string' ? t : t?.target))).toContain('zip');
  });

  it('uses the built-in feed in a packaged build; an override must be https, and there is none in development', () => {
    expect(updateFeed({ isPackaged: false, override: undefined })).toEqual({ check: false, reason: 'development' });
    expect(updateFeed({ isPackaged: false, override: 'https://downloads.example.com/switchboard/' })).toEqual({
      check: false,
      reason: 'development',
    });
    expect(updateFeed({ isPackaged: true, override: undefined })).toEqual({ check: true, feed: 'built-in' });
    expect(updateFeed({ isPackaged: true, override: '' })).toEqual({ check: true, feed: 'built-in' });
    expect(updateFeed({ isPackaged: true, override: 'https://downloads.example.com/switchboard/' })).toEqual({
      check: true,
      feed: { provider: 'generic', url: 'https://downloads.example.com/switchboard/' },
    });
    for (const refused of ['http://downloads.example.com/', 'file:///tmp/feed/', 'not a url', 'https://user:pw@example.com/']) {
      expect(updateFeed({ isPackaged: true, override: refused }), refused).toEqual({
        check: true,
        feed: 'built-in',
        refusedOverride: true,
      });
    }
  });
});

/** The registry npm uses here: npm_config_registry, else `npm config get registry`, else npmjs. */
function npmRegistry(): string {
  const env = process.env['npm_config_registry'];
  if (env) return env;
  const r = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', timeout: 10_000 });
  const out = r.status === 0 ? r.stdout.trim() : '';
  return /^https?:\/\//.test(out) ? out : 'https://registry.npmjs.org/';
}

const stable = (v: string): [number, number, number] | null => {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
};

describe('Electron is on the newest patch of its major', () => {
  it('pins exactly the newest released 45.x (or whatever major is pinned), in package.json and the lock file', async (ctx) => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const pinned = pkg.devDependencies['electron']!;
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    expect(stable(pinned), `electron is pinned exactly: ${pinned}`).not.toBeNull();
    expect(lock.packages['node_modules/electron']?.version).toBe(pinned);

    const registry = npmRegistry().replace(/\/?$/, '/');
    let versions: Record<string, { deprecated?: string }>;
    try {
      const res = await fetch(`${registry}electron`, {
        headers: { accept: 'application/vnd.npm.install-v1+json' },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      versions = ((await res.json()) as { versions: Record<string, { deprecated?: string }> }).versions;
    } catch (err) {
      ctx.skip(`the npm registry (${registry}) could not be reached within 10 s: ${(err as Error).message}`);
      return;
    }
    const major = stable(pinned)![0];
    const newest = Object.entries(versions)
      .filter(([, meta]) => !meta.deprecated)
      .map(([v]) => stable(v))
      .filter((v): v is [number, number, number] => v !== null && v[0] === major)
      .sort((a, b) => a[1] - b[1] || a[2] - b[2])
      .at(-1);
    expect(newest, `no released electron ${major}.x found`).toBeDefined();
    expect(pinned, `electron ${newest!.join('.')} is released: update package.json and package-lock.json`).toBe(newest!.join('.'));
  }, 30_000);
});
