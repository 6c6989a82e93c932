/**
 * Secrets (access token, app secret, webhook verify token) live only in the OS keychain, via
 * keytar, read and written only by main. This is the one module that knows keytar: moving to
 * another backend (`@napi-rs/keyring`, Electron's `safeStorage`) is a change to this file.
 *
 * No silent fallback: when no keychain is reachable (e.g. a Linux desktop without a Secret
 * Service) every call fails with `KeychainUnavailableError`, whose message says what to install.
 * The in-memory backend exists only for the demo's throwaway simulator credentials and must be
 * chosen explicitly.
 */
import { tr } from '../i18n/tr.ts';

/** The WhatsApp account's secrets: `clear()` (disconnecting) removes exactly these. */
export const ACCOUNT_SECRET_NAMES = ['accessToken', 'appSecret', 'verifyToken'] as const;
/** Plus this computer's TURN credentials (a JSON array, by server position; see turn-credentials.ts). */
export const SECRET_NAMES = [...ACCOUNT_SECRET_NAMES, 'turnCredentials'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const ACCOUNT_OF: Record<SecretName, string> = {
  accessToken: 'access-token',
  appSecret: 'app-secret',
  verifyToken: 'webhook-verify-token',
  turnCredentials: 'turn-credentials',
};

export class KeychainUnavailableError extends Error {
  override name = 'KeychainUnavailableError';
  readonly fix: string;
  constructor(detail: string, platform: NodeJS.Platform = process.platform) {
    super(tr('keychain.unavailable', { detail }));
    this.fix = tr(platform === 'linux' ? 'keychain.fix.linux' : platform === 'darwin' ? 'keychain.fix.darwin' : 'keychain.fix.windows');
  }
}

export interface SecretsService {
  /** Which backend holds the secrets, for Settings → Account ("OS keychain (libsecret)"). */
  readonly backend: string;
  /** Resolves when the keychain can be used; rejects with KeychainUnavailableError otherwise. */
  check(): Promise<void>;
  get(name: SecretName): Promise<string | null>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
  /** Removes the account's secrets (ACCOUNT_SECRET_NAMES); TURN credentials belong to the computer and stay. */
  clear(): Promise<void>;
}

interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

function backendName(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'macOS Keychain' : platform === 'win32' ? 'Windows Credential Manager' : 'Secret Service (libsecret)';
}

/** keytar-backed secrets. `service` scopes the entries (tests use their own). */
export class KeytarSecrets implements SecretsService {
  readonly backend: string;
  private readonly service: string;
  private keytar: Promise<KeytarLike> | null = null;
  private readonly load: () => Promise<KeytarLike>;

  constructor(opts: { service?: string; load?: () => Promise<KeytarLike> } = {}) {
    this.service = opts.service ?? 'Switchboard';
    this.backend = `OS keychain — ${backendName(process.platform)}`;
    this.load =
      opts.load ??
      (async () => {
        const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & KeytarLike;
        return mod.default ?? mod;
      });
  }

  private async kt(): Promise<KeytarLike> {
    this.keytar ??= this.load().catch((err: unknown) => {
      this.keytar = null;
      throw new KeychainUnavailableError(`the keychain module could not be loaded: ${(err as Error).message.split('\n')[0]}`);
    });
    return this.keytar;
  }

  private async call<T>(fn: (k: KeytarLike) => Promise<T>): Promise<T> {
    const k = await this.kt();
    try {
      return await fn(k);
    } catch (err) {
      throw new KeychainUnavailableError(((err as Error).message || String(err)).split('\n')[0]!.slice(0, 200));
    }
  }

  async check(): Promise<void> {
    const probe = `probe-${process.pid}-${Date.now()}`;
    await this.call(async (k) => {
      await k.setPassword(this.service, probe, 'probe');
      const back = await k.getPassword(this.service, probe);
      await k.deletePassword(this.service, probe);
      if (back !== 'probe') throw new Error('the keychain did not return what was stored');
    });
  }

  get(name: SecretName): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, ACCOUNT_OF[name]));
  }
  async set(name: SecretName, value: string): Promise<void> {
    if (!value) throw new Error(`Refusing to store an empty ${name}.`);
    await this.call((k) => k.setPassword(this.service, ACCOUNT_OF[name], value));
  }
  async delete(name: SecretName): Promise<void> {
    await this.call((k) => k.deletePassword(this.service, ACCOUNT_OF[name]));
  }
  async clear(): Promise<void> {
    for (const n of ACCOUNT_SECRET_NAMES) await this.delete(n);
  }
}

/** Memory only, gone at exit. For the demo's throwaway simulator credentials — never a fallback. */
export class MemorySecrets implements SecretsService {
  readonly backend = 'memory (demo only — nothing is saved)';
  private readonly values = new Map<SecretName, string>();
  async check(): Promise<void> {}
  async get(name: SecretName): Promise<string | null> {
    return this.values.get(name) ?? null;
  }
  async set(name: SecretName, value: string): Promise<void> {
    this.values.set(name, value);
  }
  async delete(name: SecretName): Promise<void> {
    this.values.delete(name);
  }
  async clear(): Promise<void> {
    for (const n of ACCOUNT_SECRET_NAMES) this.values.delete(n);
  }
}
