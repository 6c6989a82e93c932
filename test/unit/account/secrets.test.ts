/**
 * The secrets service against a REAL keychain (gnome-keyring in CI, inside a private D-Bus
 * session). Where no Secret Service is reachable the keychain tests are skipped with the reason;
 * the "unavailable" behaviour is tested everywhere.
 */
import { describe, expect, it } from 'vitest';
import { KeychainUnavailableError, KeytarSecrets, MemorySecrets } from '../../../main/account/secrets.ts';

const service = `SwitchboardTest-${process.pid}-${Date.now()}`;
const real = new KeytarSecrets({ service });
const availability = await real.check().then(
  () => null,
  (err: unknown) => (err instanceof Error ? err.message : String(err)),
);

describe('secrets in the OS keychain', () => {
  it.skipIf(availability !== null)(
    `round-trips every secret and deletes them${availability ? ` — skipped: ${availability}` : ''}`,
    async () => {
      await real.set('accessToken', 'EAAG-token-abc');
      await real.set('appSecret', 'app-secret-xyz');
      await real.set('verifyToken', 'verify-123');
      const other = new KeytarSecrets({ service });
      expect(await other.get('accessToken')).toBe('EAAG-token-abc');
      expect(await other.get('appSecret')).toBe('app-secret-xyz');
      expect(await other.get('verifyToken')).toBe('verify-123');
      await real.clear();
      expect(await other.get('accessToken')).toBeNull();
      expect(await other.get('appSecret')).toBeNull();
      expect(await other.get('verifyToken')).toBeNull();
    },
  );

  it.skipIf(availability !== null)('refuses to store an empty secret', async () => {
    await expect(real.set('accessToken', '')).rejects.toThrow(/empty/);
  });
});

describe('no keychain available', () => {
  it('fails with what to install instead of falling back to plain text', async () => {
    const broken = new KeytarSecrets({
      service,
      load: async () => ({
        getPassword: async () => {
          throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
        },
        setPassword: async () => {
          throw new Error('The name org.freedesktop.secrets was not provided by any .service files');
        },
        deletePassword: async () => false,
      }),
    });
    const err = await broken.check().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    const e = err as KeychainUnavailableError;
    expect(e.message).toMatch(/No keychain is available/);
    if (process.platform === 'linux') expect(e.fix).toMatch(/gnome-keyring/);
    await expect(broken.get('accessToken')).rejects.toBeInstanceOf(KeychainUnavailableError);
  });

  it('reports a keychain module that cannot load', async () => {
    const noModule = new KeytarSecrets({
      service,
      load: async () => {
        throw new Error('Cannot find module keytar.node');
      },
    });
    await expect(noModule.get('appSecret')).rejects.toThrow(/could not be loaded/);
  });

  it('keeps demo secrets in memory only', async () => {
    const m = new MemorySecrets();
    await m.set('accessToken', 't');
    expect(await m.get('accessToken')).toBe('t');
    expect(m.backend).toMatch(/demo only/);
  });
});
