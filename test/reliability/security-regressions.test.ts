/**
 * Regression tests for what the security suite (security.ts) found, each at the smallest level
 * that shows it:
 *  - the webhook receiver dropped requests Node's parser refused (and CONNECT) without an answer;
 *  - a secret echoed by Graph in an error's details (the app secret, a base64 token) reached the
 *    renderer over the bridge, and the log redactor only knew raw values;
 *  - the TURN credential was kept in plain text in config.json.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import { createDispatcher, type BridgeHandlers } from '../../main/bridge/dispatcher.ts';
import { DomainError } from '../../main/core/domain-error.ts';
import { BridgeEventBus } from '../../main/core/events.ts';
import { SecretRedactor } from '../../main/core/log.ts';
import { MemorySecrets, type SecretName } from '../../main/account/secrets.ts';
import { confFactory } from '../../main/account/conf-store.ts';
import type { WebhookReceiver } from '../../main/webhooks/webhook-receiver.ts';
import { memoryLogger } from '../support/test-log.ts';
import { startScratchReceiver } from '../support/webhooks.ts';
import { rawRequest } from './security.ts';

describe('webhook receiver: requests Node refuses still get a plain answer', () => {
  let receiver: WebhookReceiver | null = null;
  afterEach(async () => {
    await receiver?.close();
    receiver = null;
  });

  it('answers 400 to bad bytes and smuggling headers, 431 to huge headers, 404 to CONNECT — no banner, no stack', async () => {
    receiver = await startScratchReceiver();
    const port = receiver.port;
    const h = `Host: 127.0.0.1:${port}\r\nConnection: close\r\n`;
    const cases: [string, string | Buffer, number, string][] = [
      ['NUL in the path', Buffer.from(`GET /web\0hook HTTP/1.1\r\n${h}\r\n`, 'latin1'), 400, 'Bad request'],
      ['raw UTF-8 in the path', Buffer.from(`GET /webhooké HTTP/1.1\r\n${h}\r\n`, 'utf8'), 400, 'Bad request'],
      [
        'Content-Length with Transfer-Encoding',
        `POST /webhook HTTP/1.1\r\n${h}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
        'Bad request',
      ],
      ['an unknown method', `FOO /webhook HTTP/1.1\r\n${h}\r\n`, 400, 'Bad request'],
      ['a 32 kB header', `GET /webhook HTTP/1.1\r\n${h}X-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`, 431, 'Request header fields too large'],
      ['CONNECT', `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`, 404, 'Not found'],
    ];
    for (const [name, bytes, status, body] of cases) {
      const r = await rawRequest(port, bytes);
      expect({ name, status: r.status, body: r.body }).toEqual({ name, status, body });
      expect(r.headers['server']).toBeUndefined();
      expect(Object.keys(r.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
    }
    // And it still serves its route afterwards.
    expect(
      (await rawRequest(port, `GET /webhook?hub.mode=subscribe&hub.challenge=ok&hub.verify_token=verify-0123456789 HTTP/1.1\r\n${h}\r\n`))
        .body,
    ).toBe('ok');
  });
});

describe('secrets never reach the renderer or a log, in any encoding', () => {
  const TOKEN = 'EAAregressionTOKEN+/x0123456789';
  const SECRET = 'regression_app_secret_0123';

  it('the redactor masks raw, URL-encoded, base64 and base64url forms; redactForRenderer spares what the window needs', () => {
    const r = new SecretRedactor();
    r.add(TOKEN);
    r.add(SECRET);
    r.add('turn-credential-xyz', { rendererMayKnow: true });
    const forms = [
      TOKEN,
      encodeURIComponent(TOKEN),
      Buffer.from(TOKEN).toString('base64'),
      Buffer.from(TOKEN).toString('base64url'),
      SECRET,
    ];
    const text = `a ${forms.join(' b ')} c turn-credential-xyz`;
    expect(r.redact(text)).toBe('a [redacted] b [redacted] b [redacted] b [redacted] b [redacted] c [redacted]');
    expect(r.redactForRenderer(text)).toBe('a [redacted] b [redacted] b [redacted] b [redacted] b [redacted] c turn-credential-xyz');
    // Message text that merely mentions "Bearer …" is left alone on the bridge (logs still mask it).
    expect(r.redactForRenderer('Bearer abcdefghijkl')).toBe('Bearer abcdefghijkl');
    expect(r.redact('Bearer abcdefghijkl')).toBe('Bearer [redacted]');
  });

  it('the dispatcher redacts a secret a handler let slip into an error or a result; the event bus redacts pushed payloads', async () => {
    const r = new SecretRedactor();
    r.add(TOKEN);
    r.add(SECRET);
    const { log, events } = memoryLogger();
    const handlers = {
      getCallingSettings: () => {
        throw new DomainError('graph_131000', `Graph said: request failed for ${SECRET}`, {
          details: `https://graph.facebook.com/me?access_token=${encodeURIComponent(TOKEN)}`,
        });
      },
      getAppInfo: () => ({
        name: `Switchboard ${Buffer.from(TOKEN).toString('base64')}`,
        version: '1',
        host: 'browser-host',
        platform: 'linux',
        versions: { node: '24', electron: null, chrome: null },
      }),
    } as unknown as BridgeHandlers;
    const dispatch = createDispatcher(handlers, log, { redact: (t) => r.redactForRenderer(t) });
    const failed = await dispatch('getCallingSettings', {});
    expect(JSON.stringify(failed)).not.toContain(SECRET);
    expect(JSON.stringify(failed)).not.toContain(encodeURIComponent(TOKEN));
    expect(failed).toMatchObject({ ok: false, error: { code: 'graph_131000', message: 'Graph said: request failed for [redacted]' } });
    const info = await dispatch('getAppInfo', {});
    expect(info).toMatchObject({ ok: true, result: { name: 'Switchboard [redacted]' } });
    expect(events()).toContain('bridge.secret_redacted');

    const bus = new BridgeEventBus({ redact: (t) => r.redactForRenderer(t) });
    const got: unknown[] = [];
    bus.subscribe((_e, p) => got.push(p));
    bus.emit('status', {
      startedAt: 'now',
      account: { state: 'error', detail: `token ${TOKEN} refused` },
      reachability: { state: 'unknown', since: null, detail: null },
    });
    expect(got).toEqual([
      {
        startedAt: 'now',
        account: { state: 'error', detail: 'token [redacted] refused' },
        reachability: { state: 'unknown', since: null, detail: null },
      },
    ]);
  });
});

describe('TURN credentials are kept with the secrets, not in config.json', () => {
  const CREDENTIAL = 'turn-secret-credential-0042';
  const opened: AppServices[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });
  const start = async (dataDir: string, secrets: MemorySecrets): Promise<AppServices> => {
    const s = await startAppServices({
      dataDir,
      version: '0.0.0-test',
      host: 'browser-host',
      log: memoryLogger().log,
      secrets,
      configStore: confFactory,
      webhookPort: 0,
      localtunnelHost: 'http://127.0.0.1:1',
    });
    opened.push(s);
    return s;
  };
  const turn = { urls: 'turn:turn.example.com:3478', username: 'shop', credential: CREDENTIAL };

  it('saves the address in the config and the credential in the secrets service; serves both after a restart', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-turn-'));
    const secrets = new MemorySecrets();
    const s = await start(dataDir, secrets);
    expect(await s.dispatch('setCallPreferences', { turnServers: [turn] })).toMatchObject({ ok: true, result: { turnServers: [turn] } });
    const file = readFileSync(path.join(dataDir, 'config.json'), 'utf8');
    expect(file).toContain('turn:turn.example.com:3478');
    expect(file).not.toContain(CREDENTIAL);
    expect(JSON.parse((await secrets.get('turnCredentials'))!)).toEqual([CREDENTIAL]);
    await s.close();
    opened.pop();

    const again = await start(dataDir, secrets);
    expect(await again.dispatch('getCallPreferences', {})).toMatchObject({ ok: true, result: { turnServers: [turn] } });
    // Disconnecting the WhatsApp account does not forget this computer's TURN server.
    await again.dispatch('disconnectAccount', {});
    expect(await again.dispatch('getCallPreferences', {})).toMatchObject({ ok: true, result: { turnServers: [turn] } });
    // Removing the server removes its credential.
    await again.dispatch('setCallPreferences', { turnServers: [] });
    expect(await secrets.get('turnCredentials')).toBeNull();
  });

  it('moves a plain-text credential left in config.json by an older version into the secrets service', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-turn-'));
    writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ preferences: { turnServers: [turn] } }));
    const secrets = new MemorySecrets();
    const s = await start(dataDir, secrets);
    expect(readFileSync(path.join(dataDir, 'config.json'), 'utf8')).not.toContain(CREDENTIAL);
    expect(await s.dispatch('getCallPreferences', {})).toMatchObject({ ok: true, result: { turnServers: [turn] } });
  });

  it('says so when the keychain cannot take the credential, and keeps the previous servers', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-turn-'));
    const secrets = new MemorySecrets();
    const s = await start(dataDir, secrets);
    const { KeychainUnavailableError } = await import('../../main/account/secrets.ts');
    secrets.set = async (name: SecretName) => {
      throw new KeychainUnavailableError(`cannot store ${name}`, 'linux');
    };
    const res = await s.dispatch('setCallPreferences', { turnServers: [turn] });
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'keychain_unavailable', message: expect.stringContaining('No keychain is available') },
    });
    expect(s.config.get().preferences.turnServers).toEqual([]);
    expect(readFileSync(path.join(dataDir, 'config.json'), 'utf8')).not.toContain(CREDENTIAL);
  });
});

describe('links in message text (renderer linkify)', () => {
  it('makes only well-formed https URLs links; every other scheme stays text', async () => {
    const { linkParts } = await import('../../renderer/src/components/conversations/linkify.ts');
    const text =
      'see https://example.com/a, http://example.com javascript:alert(1) file:///etc/passwd data:text/html,<b>x</b> app://switchboard/x //evil.com https://user:pw@example.com/ https://localhost/ javascript:https://example.com/b (https://en.wikipedia.org/wiki/Foo_(bar)). HTTPS://EXAMPLE.ORG/Up\u200Bhidden';
    const links = linkParts(text).filter((p) => p.href);
    expect(links).toEqual([
      { text: 'https://example.com/a', href: 'https://example.com/a' },
      { text: 'https://en.wikipedia.org/wiki/Foo_(bar)', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
      { text: 'HTTPS://EXAMPLE.ORG/Up', href: 'https://example.org/Up' },
    ]);
    // Nothing is lost or added: the parts put together are the text.
    expect(
      linkParts(text)
        .map((p) => p.text)
        .join(''),
    ).toBe(text);
  });
});
