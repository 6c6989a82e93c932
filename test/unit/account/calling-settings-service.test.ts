/** Calling settings service against the Cloud API simulator: read, save only what changed, refuse bad input before Graph. */
import { muxOggOpus } from '../../../renderer/src/media/ogg-mux.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AccountService } from '../../../main/account/account-service.ts';
import { CallingSettingsService } from '../../../main/account/calling-settings-service.ts';
import { ConfigStore } from '../../../main/account/config-store.ts';
import { confFactory } from '../../../main/account/conf-store.ts';
import { MemorySecrets } from '../../../main/account/secrets.ts';
import { DomainError } from '../../../main/core/domain-error.ts';
import { createLogger, MemorySink, SecretRedactor } from '../../../main/core/log.ts';
import type { CallHours } from '../../../common/calling-settings.ts';
import { createSimulator, type Simulator } from '../../sim/simulator.ts';

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const defaultSeed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../sim/seed.default.json'), 'utf8')) as Record<
  string,
  unknown
>;
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function setup(opts: { seed?: Record<string, unknown>; simStartAtMs?: number; connect?: boolean } = {}) {
  sim = createSimulator({ seed: { ...defaultSeed, ...opts.seed }, ...(opts.simStartAtMs ? { startAtMs: opts.simStartAtMs } : {}) });
  await sim.listen(0);
  const creds = sim.credentials();
  const redactor = new SecretRedactor();
  const log = createLogger({ sink: new MemorySink(10_000), redactor, level: 'debug' });
  const account = new AccountService({
    config: new ConfigStore(mkdtempSync(path.join(tmpdir(), 'sb-cs-')), confFactory),
    secrets: new MemorySecrets(),
    log,
    redactor,
  });
  if (opts.connect !== false) {
    const res = await account.connect({ ...creds, saveAnyway: true });
    expect(res.saved).toBe(true);
  }
  const service = new CallingSettingsService({
    graph: () => account.graph(),
    phoneNumberId: () => account.account()?.phoneNumberId ?? null,
    log,
  });
  const posts: unknown[] = [];
  sim.ctx.events.subscribe((e) => {
    if (e.type === 'settings.changed') posts.push(e.data);
  });
  const serverCalling = async () => {
    const res = await fetch(`${creds.graphBaseUrl}/${creds.apiVersion}/${creds.phoneNumberId}/settings`, {
      headers: { Authorization: `Bearer ${creds.accessToken}` },
    });
    return ((await res.json()) as { calling: Record<string, unknown> }).calling;
  };
  return { service, creds, posts, serverCalling };
}

const hours = (holidays: CallHours['holiday_schedule'] = []): CallHours => ({
  status: 'ENABLED',
  timezone_id: 'America/Sao_Paulo',
  weekly_operating_hours: [
    { day_of_week: 'MONDAY', open_time: '0900', close_time: '1200' },
    { day_of_week: 'MONDAY', open_time: '1300', close_time: '1800' },
    { day_of_week: 'SATURDAY', open_time: '1000', close_time: '1400' },
  ],
  holiday_schedule: holidays,
});

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('calling settings service', () => {
  it('reads the settings, filling what the server leaves out', async () => {
    const s = await setup();
    const view = await s.service.get();
    expect(view.calling).toEqual({
      status: 'ENABLED',
      call_icon_visibility: 'DEFAULT',
      call_icons: { restrict_to_user_countries: [] },
      call_hours: null,
      callback_permission_status: 'DISABLED',
      audio: { additional_codecs: [] },
      voicemail: null,
    });
    expect(view.restrictions).toEqual([]);
    expect(Date.parse(view.fetchedAt)).not.toBeNaN();
  });

  it('saves every setting and answers with what the server now has', async () => {
    const s = await setup();
    const holidays = [{ date: isoDay(Date.now() + 10 * DAY), start_time: '0000', end_time: '2359' }];
    // The greeting WhatsApp requires for voicemail: uploaded first (Ogg/Opus), then named by its id.
    const { mediaId } = await s.service.uploadAnnouncement(
      Buffer.from(
        muxOggOpus(
          Array.from({ length: 150 }, () => new Uint8Array([0xf8, 0xff, 0xfe])),
          3 * 48_000,
        ),
      ),
      'audio/ogg',
    );
    const view = await s.service.update({
      call_icon_visibility: 'DISABLE_ALL',
      call_icons: { restrict_to_user_countries: ['BR', 'PT'] },
      call_hours: hours(holidays),
      callback_permission_status: 'ENABLED',
      audio: { additional_codecs: ['PCMA', 'PCMU'] },
      voicemail: {
        status: 'ENABLED',
        triggers: ['REJECT', 'TIMEOUT'],
        audio: { default: { timeout_seconds: 25, announcement_media_id: mediaId } },
      },
    });
    expect(view.calling.call_hours).toEqual(hours(holidays));
    expect(view.calling.voicemail).toEqual({
      status: 'ENABLED',
      triggers: ['REJECT', 'TIMEOUT'],
      audio: { default: { timeout_seconds: 25, announcement_media_id: mediaId } },
    });
    // Sent (and so stored) as the integer Meta documents.
    expect(await s.serverCalling()).toMatchObject({ voicemail: { audio: { default: { announcement_media_id: Number(mediaId) } } } });
    const server = await s.serverCalling();
    expect(server).toMatchObject({
      call_icon_visibility: 'DISABLE_ALL',
      call_icons: { restrict_to_user_countries: ['BR', 'PT'] },
      callback_permission_status: 'ENABLED',
      audio: { additional_codecs: ['PCMA', 'PCMU'] },
      call_hours: { holiday_schedule: holidays },
    });
    expect(s.posts).toHaveLength(1);
  });

  it('refuses invalid call hours with field errors, and sends nothing', async () => {
    const s = await setup();
    const bad = hours([{ date: isoDay(Date.now() - 2 * DAY), start_time: '0000', end_time: '2359' }]);
    bad.weekly_operating_hours[1]!.open_time = '1100'; // overlaps 09:00–12:00
    const err = await refusal(s.service.update({ call_hours: bad }));
    expect(err.code).toBe('invalid_settings');
    const fieldErrors = (err.details as { fieldErrors: Array<{ path: string }> }).fieldErrors.map((e) => e.path);
    expect(fieldErrors).toEqual(['call_hours.weekly_operating_hours[1].open_time', 'call_hours.holiday_schedule[0].date']);
    expect(s.posts).toHaveLength(0);
    expect((await s.serverCalling())['call_hours']).toBeUndefined();
  });

  it('turns Graph refusals into plain messages with the Graph code', async () => {
    const s = await setup({
      seed: {
        calling: { status: 'DISABLED', call_icon_visibility: 'DEFAULT', callback_permission_status: 'DISABLED' },
        enableCallingError: 138018,
      },
    });
    const err = await refusal(s.service.update({ status: 'ENABLED' }));
    expect(err.code).toBe('graph_138018');
    expect(err.message).not.toMatch(/EAA|token/i);
    expect(err.message.length).toBeGreaterThan(20);
  });

  it('names the field when Graph does (a holiday Graph thinks is in the past)', async () => {
    // The simulator's clock runs three days ahead of Switchboard's, so it refuses tomorrow.
    const s = await setup({ simStartAtMs: Date.now() + 3 * DAY });
    const tomorrow = isoDay(Date.now() + DAY + 12 * 3600_000);
    const err = await refusal(
      s.service.update({
        call_hours: hours([
          { date: isoDay(Date.now() + 20 * DAY), start_time: '0000', end_time: '2359' },
          { date: tomorrow, start_time: '0000', end_time: '2359' },
        ]),
      }),
    );
    expect(err.code).toBe('graph_100');
    expect(err.details).toMatchObject({ field: 'call_hours.holiday_schedule[1].date' });
  });

  it('says to connect first when no account is connected', async () => {
    const s = await setup({ connect: false });
    expect((await refusal(s.service.get())).code).toBe('not_connected');
    expect((await refusal(s.service.update({ status: 'DISABLED' }))).code).toBe('not_connected');
  });
});
