/**
 * TURN credentials are secrets: they live with the account's secrets (the OS keychain through the
 * secrets service), never in `config.json`. The config keeps each TURN server's address and
 * username with `credential: null`; the secret `turnCredentials` holds a JSON array of the
 * credentials by server position. A config written by an older version (credentials in plain
 * text) is migrated at start: the credentials move to the keychain and leave the file.
 *
 * The renderer still receives them (`getCallPreferences`): its RTCPeerConnection cannot use a TURN
 * server without them. So the redactor masks them in logs and diagnostics, not on the bridge.
 */
import { z } from 'zod';
import type { CallPreferences } from '../../common/bridge-contract.ts';
import type { Logger, SecretRedactor } from '../core/log.ts';
import { Preferences, type ConfigStore } from './config-store.ts';
import type { SecretsService } from './secrets.ts';

export type TurnServer = CallPreferences['turnServers'][number];

const Stored = z.array(z.string().max(200).nullable()).max(3);

export class TurnCredentials {
  private credentials: (string | null)[] = [];
  /** Why the stored credentials could not be read (keychain unavailable), or null. */
  problem: string | null = null;
  private readonly config: ConfigStore;
  private readonly secrets: SecretsService;
  private readonly redactor: SecretRedactor;
  private readonly log: Logger;

  constructor(opts: { config: ConfigStore; secrets: SecretsService; redactor: SecretRedactor; log: Logger }) {
    this.config = opts.config;
    this.secrets = opts.secrets;
    this.redactor = opts.redactor;
    this.log = opts.log;
  }

  /** Reads the stored credentials (and moves any plain-text ones out of the config file). */
  async load(): Promise<void> {
    const servers = this.config.get().preferences.turnServers;
    const plain = servers.map((s) => s.credential);
    try {
      if (plain.some((c) => c !== null)) {
        await this.store(plain);
        this.config.update((c) => void (c.preferences.turnServers = c.preferences.turnServers.map((s) => ({ ...s, credential: null }))));
        this.log.info('turn.credentials_migrated', { count: plain.filter((c) => c !== null).length });
        return;
      }
      if (servers.length === 0) return;
      const raw = await this.secrets.get('turnCredentials');
      const parsed = raw === null ? null : Stored.safeParse(JSON.parse(raw) as unknown);
      this.remember(parsed?.success ? parsed.data : []);
    } catch (err) {
      // Without a keychain, credentials an older version left in the file keep working from there.
      if (plain.some((c) => c !== null)) this.remember(plain);
      this.problem = (err as Error).message;
      this.log.warn('turn.credentials_unavailable', { error: this.problem });
    }
  }

  /** The configured TURN servers with their credentials (for the renderer's RTCPeerConnection). */
  servers(): TurnServer[] {
    return this.config
      .get()
      .preferences.turnServers.map((s, i) => ({ urls: s.urls, username: s.username, credential: this.credentials[i] ?? null }));
  }

  /**
   * Replaces the TURN servers. Validated first (a ZodError for a bad address, nothing stored);
   * then the credentials go to the keychain and the addresses to the config.
   */
  async set(servers: TurnServer[]): Promise<void> {
    const checked = Preferences.shape.turnServers.parse(
      servers.map((t) => ({ urls: t.urls.trim(), username: t.username, credential: null })),
    );
    await this.store(servers.map((t) => t.credential));
    this.config.update((c) => void (c.preferences.turnServers = checked));
  }

  private async store(credentials: (string | null)[]): Promise<void> {
    const list = credentials.map((c) => (c ? c : null));
    if (list.some((c) => c !== null)) await this.secrets.set('turnCredentials', JSON.stringify(list));
    else await this.secrets.delete('turnCredentials');
    this.remember(list);
  }

  private remember(list: (string | null)[]): void {
    this.credentials = list;
    for (const c of list) this.redactor.add(c, { rendererMayKnow: true });
  }
}
