/** Connecting an account, tested against the Cloud API simulator (test/sim). */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AccountService, type ConnectStep } from '../../../main/account/account-service.ts';
import { ConfigStore } from '../../../main/account/config-store.ts';
import { confFactory } from '../../../main/account/conf-store.ts';
import { KeytarSecrets, MemorySecrets, type SecretsService } from '../../../main/account/secrets.ts';
import { createLogger, MemorySink, SecretRedactor } from '../../../main/core/log.ts';
import { createSimulator, type Simulator } from '../../sim/simulator.ts';

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const defaultSeed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../sim/seed.default.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

async function setup(opts: { seed?: Record<string, Record<string, unknown>>; secrets?: SecretsService } = {}) {
  const seed = { ...defaultSeed };
  for (const [k, v] of Object.entries(opts.seed ?? {})) seed[k] = { ...defaultSeed[k], ...v };
  sim = createSimulator({ seed });
  await sim.listen(0);
  const creds = sim.credentials();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-acct-'));
  const sink = new MemorySink(10_000);
  const redactor = new SecretRedactor();
  const log = createLogger({ sink, redactor, level: 'debug' });
  const secrets = opts.secrets ?? new MemorySecrets();
  const service = new AccountService({ config: new ConfigStore(dataDir, confFactory), secrets, log, redactor });
  const input = {
    graphBaseUrl: creds.graphBaseUrl,
    apiVersion: creds.apiVersion,
    accessToken: creds.accessToken,
    appSecret: creds.appSecret,
    appId: creds.appId,
    wabaId: creds.wabaId,
    phoneNumberId: creds.phoneNumberId,
  };
  return { service, input, creds, dataDir, sink, secrets };
}

const byId = (steps: ConnectStep[]) => Object.fromEntries(steps.map((s) => [s.id, s]));

describe('connecting an account', () => {
  it('connects a good account, step by step, and saves it', async () => {
    const s = await setup();
    const progress: string[] = [];
    const res = await s.service.connect(s.input, (st) => progress.push(`${st.id}:${st.state}`));
    expect(res.saved).toBe(true);
    expect(res.steps.every((st) => st.state === 'ok' || st.state === 'warning')).toBe(true);
    expect(progress).toContain('token:running');
    expect(progress).toContain('token:ok');
    expect(res.phone?.displayPhoneNumber).toBe(s.creds.displayPhoneNumber);
    expect(s.service.account()?.phoneNumberId).toBe(s.creds.phoneNumberId);
    expect(await s.secrets.get('accessToken')).toBe(s.creds.accessToken);
    expect(s.service.verifyToken()).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('names a wrong token, and saves nothing', async () => {
    const s = await setup();
    const res = await s.service.connect({ ...s.input, accessToken: 'EAAwrongwrongwrongwrongwrong' });
    const steps = byId(res.steps);
    expect(res.saved).toBe(false);
    expect(steps['token']!.state).toBe('failed');
    expect(steps['token']!.message).toMatch(/access token was refused/);
    expect(steps['phone']!.state).toBe('skipped');
    expect(s.service.account()).toBeNull();
    expect(await s.secrets.get('accessToken')).toBeNull();
  });

  it('names a wrong phone number id', async () => {
    const s = await setup();
    const res = await s.service.connect({ ...s.input, phoneNumberId: '999999999' });
    const steps = byId(res.steps);
    expect(steps['token']!.state).toBe('ok');
    expect(steps['phone']!.state).toBe('failed');
    expect(steps['phone']!.message).toMatch(/No phone number with id 999999999/);
    expect(steps['phone']!.fix).toMatch(/not the phone number itself/);
  });

  it('names an unreachable URL', async () => {
    const s = await setup();
    const res = await s.service.connect({ ...s.input, graphBaseUrl: 'http://127.0.0.1:1' });
    const steps = byId(res.steps);
    expect(steps['token']!.state).toBe('failed');
    expect(steps['token']!.message).toMatch(/Could not reach 127\.0\.0\.1:1/);
    expect(res.saved).toBe(false);
  });

  it('names a wrong app secret', async () => {
    const s = await setup();
    const res = await s.service.connect({ ...s.input, appSecret: 'not-the-right-secret-at-all' });
    expect(byId(res.steps)['app']!.state).toBe('failed');
    expect(byId(res.steps)['app']!.message).toMatch(/do not belong together/);
  });

  it('says when calling is not allowed: calling off, and no calls webhook subscription (138018)', async () => {
    const s = await setup({
      seed: {
        calling: { status: 'DISABLED' },
        webhooks: { appCallbackUrl: 'https://hooks.example.com/whatsapp', fields: ['messages'], wabaSubscribed: true },
      },
    });
    const res = await s.service.connect(s.input);
    const steps = byId(res.steps);
    expect(steps['settings']!.state).toBe('warning');
    expect(steps['settings']!.message).toMatch(/Calling is turned off/);
    expect(steps['webhooks']!.state).toBe('failed');
    expect(steps['webhooks']!.message).toMatch(/"calls".*138018/);
    expect(res.saved).toBe(false);
    const anyway = await s.service.connect({ ...s.input, saveAnyway: true });
    expect(anyway.saved).toBe(true);
  });

  it('refuses malformed input before calling Graph', async () => {
    const s = await setup();
    await expect(s.service.connect({ ...s.input, phoneNumberId: '+55 11 95555-0100' })).rejects.toThrow(/phone number id is a number/);
  });

  it('disconnect removes the secrets and the configuration', async () => {
    const s = await setup();
    await s.service.connect(s.input);
    await s.service.disconnect();
    expect(s.service.account()).toBeNull();
    for (const n of ['accessToken', 'appSecret', 'verifyToken'] as const) expect(await s.secrets.get(n)).toBeNull();
  });
});

describe('secrets stay in the keychain', () => {
  const keychain = new KeytarSecrets({ service: `SwitchboardAcctTest-${process.pid}` });
  let reason: string | null = null;
  it('checks for a keychain', async () => {
    reason = await keychain.check().then(
      () => null,
      (e: unknown) => (e as Error).message,
    );
    expect(reason === null || /keychain/i.test(reason)).toBe(true);
  });

  it('keeps every secret out of the data dir files and the logs', async (ctx) => {
    if (reason !== null) ctx.skip(`no keychain: ${reason}`);
    const s = await setup({ secrets: keychain });
    const res = await s.service.connect(s.input);
    expect(res.saved).toBe(true);
    const verify = s.service.verifyToken()!;
    const secrets = [s.creds.accessToken, s.creds.appSecret, verify];
    const files = readdirSync(s.dataDir, { recursive: true })
      .map((f) => path.join(s.dataDir, String(f)))
      .filter((f) => statSync(f).isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(f).toString('latin1');
      for (const secret of secrets) expect(text.includes(secret), `${path.basename(f)} contains a secret`).toBe(false);
    }
    const logs = s.sink.lines.join('\n');
    for (const secret of secrets) expect(logs.includes(secret)).toBe(false);
    // A fresh service (next start) reads them back from the keychain.
    const again = new AccountService({
      config: new ConfigStore(s.dataDir, confFactory),
      secrets: keychain,
      log: createLogger({ sink: new MemorySink() }),
      redactor: new SecretRedactor(),
    });
    await again.load();
    expect(again.accessToken()).toBe(s.creds.accessToken);
    await again.disconnect();
    expect(await keychain.get('accessToken')).toBeNull();
  });
});
