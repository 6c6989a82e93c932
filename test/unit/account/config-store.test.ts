import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../main/account/config-store.ts';
import { confFactory } from '../../../main/account/conf-store.ts';

const dir = () => mkdtempSync(path.join(tmpdir(), 'sb-config-'));
const account = { graphBaseUrl: 'http://127.0.0.1:4010', apiVersion: 'v25.0', appId: '1', wabaId: '2', phoneNumberId: '3' };

describe('config store', () => {
  it('starts with defaults and persists validated updates', () => {
    const d = dir();
    const s = new ConfigStore(d, confFactory);
    expect(s.problem).toBeNull();
    expect(s.get().account).toBeNull();
    s.update((c) => {
      c.account = { ...account, displayPhoneNumber: '+55 11 90000-0000', verifiedName: 'Padaria', connectedAt: null };
      c.preferences.preAccept = false;
    });
    const again = new ConfigStore(d, confFactory);
    expect(again.get().account?.phoneNumberId).toBe('3');
    expect(again.get().preferences.preAccept).toBe(false);
  });

  it('refuses an invalid update and leaves the file as it was', () => {
    const d = dir();
    const s = new ConfigStore(d, confFactory);
    s.update((c) => void (c.account = { ...account, displayPhoneNumber: null, verifiedName: null, connectedAt: null }));
    const before = readFileSync(s.path, 'utf8');
    expect(() => s.update((c) => void (c.account!.phoneNumberId = '12; DROP TABLE'))).toThrow();
    expect(readFileSync(s.path, 'utf8')).toBe(before);
    expect(s.get().account?.phoneNumberId).toBe('3');
  });

  it('survives a corrupt file: sets it aside, uses defaults, and says so', () => {
    const d = dir();
    writeFileSync(path.join(d, 'config.json'), '{ this is not json');
    const s = new ConfigStore(d, confFactory);
    expect(s.problem).toMatch(/could not be read.*default settings/);
    expect(s.get().account).toBeNull();
    expect(readdirSync(d).some((f) => f.startsWith('config.json.invalid-'))).toBe(true);
  });

  it('survives a hand-edited file with a wrong value', () => {
    const d = dir();
    writeFileSync(
      path.join(d, 'config.json'),
      JSON.stringify({ version: 1, account: { ...account, apiVersion: 'latest' }, preferences: { theme: 'purple' } }),
    );
    const s = new ConfigStore(d, confFactory);
    expect(s.problem).toMatch(/invalid value/);
    expect(s.get().preferences.theme).toBe('system');
  });
});
