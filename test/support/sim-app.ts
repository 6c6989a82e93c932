/**
 * The Cloud API simulator plus main's services, connected to each other: the account is connected
 * through the bridge with the simulator's credentials, the tunnel is stopped, and the simulator's
 * phone-number override points straight at the receiver on loopback (with the hub.* handshake).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAppServices, type AppServices } from '../../main/app-services.ts';
import { createSimulator, type Credentials, type Simulator, type SimulatorOptions } from '../sim/simulator.ts';
import { testServiceOptions } from './host.ts';
import { memoryLogger } from './test-log.ts';

export interface SeedUser {
  wa_id?: string;
  user_id?: string;
  name: string;
}

export const defaultSeed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../sim/seed.default.json'), 'utf8')) as {
  users: SeedUser[];
} & Record<string, unknown>;

export interface SimApp {
  sim: Simulator;
  services: AppServices;
  creds: Credentials;
  close(): Promise<void>;
}

export async function startSimApp(
  opts: { timeFactor?: number; config?: SimulatorOptions['config']; recentProblems?: { lines: string[] }; startAtMs?: number } = {},
): Promise<SimApp> {
  const sim = createSimulator({
    seed: defaultSeed,
    timeFactor: opts.timeFactor ?? 50,
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.startAtMs !== undefined ? { startAtMs: opts.startAtMs } : {}),
  });
  await sim.listen(0);
  const creds = sim.credentials();
  // The tunnel is not wanted here: its server address leads nowhere.
  const services = await startAppServices({
    ...testServiceOptions(memoryLogger().log),
    localtunnelHost: 'http://127.0.0.1:1',
    ...(opts.recentProblems ? { recentProblems: opts.recentProblems } : {}),
  });
  const res = await services.dispatch('connectAccount', {
    graphBaseUrl: creds.graphBaseUrl,
    apiVersion: creds.apiVersion,
    accessToken: creds.accessToken,
    appSecret: creds.appSecret,
    appId: creds.appId,
    wabaId: creds.wabaId,
    phoneNumberId: creds.phoneNumberId,
  });
  if (!res.ok || !(res.result as { saved: boolean }).saved) throw new Error(`could not connect to the simulator: ${JSON.stringify(res)}`);
  await services.connection.stop();
  const set = await fetch(`${creds.graphBaseUrl}/${creds.apiVersion}/${creds.phoneNumberId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${creds.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      webhook_configuration: {
        override_callback_uri: `http://127.0.0.1:${services.receiver.port}/webhook`,
        verify_token: services.account.verifyToken(),
      },
    }),
  });
  if (set.status !== 200) throw new Error(`the simulator refused the callback override: HTTP ${set.status}`);
  return {
    sim,
    services,
    creds,
    close: async () => {
      await services.close();
      await sim.close();
    },
  };
}

export { until } from './until.ts';

/** A simulated customer sends a text message. */
export async function customerWrites(app: SimApp, waId: string, text: string): Promise<void> {
  const res = await fetch(`${app.creds.controlUrl}/users/${waId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (res.status !== 201) throw new Error(`the simulator refused the message: HTTP ${res.status}`);
}
