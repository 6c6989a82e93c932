/** Settings → Calling in the browser host, against the Cloud API simulator. */
import { test, expect, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeWav, toneSamples } from '../sim/peer/audio.ts';
import { oggOpusInfo } from '../sim/media.ts';
import { startWebHost, type WebHostProcess } from '../support/web-host-process.ts';
import { connectThroughUi, startSimHarness, type SimHarness } from './support/sim-account.ts';

let host: WebHostProcess;
let h: SimHarness;
test.beforeEach(async () => {
  h = await startSimHarness();
  host = await startWebHost({ extraArgs: ['--secrets', 'memory'] });
});
test.afterEach(async () => {
  expect(await host.stop()).toBe(0);
  await h.close();
});

const nextYear = new Date().getUTCFullYear() + 1;
const CHRISTMAS = `${nextYear}-12-25`;
const NEW_YEAR = `${nextYear}-01-01`;

async function openCalling(page: Page): Promise<void> {
  await connectThroughUi(page, host.url, h);
  await page.getByTestId('settings-nav-calling').click();
  await expect(page.getByTestId('calling-form')).toBeVisible();
}
/** Types into a field and commits it (the change event), as a person tabbing on would. */
async function type(page: Page, testid: string, value: string): Promise<void> {
  const el = page.getByTestId(testid);
  await el.fill(value);
  await el.blur();
}
async function addCountry(page: Page, query: string, code: string): Promise<void> {
  await page.getByTestId('country-search').fill(query);
  await page.getByTestId(`country-option-${code}`).click();
  await expect(page.getByTestId(`country-chip-${code}`)).toBeVisible();
}
async function save(page: Page): Promise<void> {
  await expect(page.getByTestId('calling-save')).toBeEnabled();
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-save-status')).toHaveAttribute('data-state', 'saved');
  await expect(page.getByTestId('calling-save')).toBeDisabled();
}

test('every calling setting changed through the UI is exactly what the server then has', async ({ page }) => {
  await openCalling(page);
  await expect(page.getByTestId('calling-save')).toBeDisabled();

  await page.getByTestId('calling-status').click(); // ENABLED → DISABLED
  // The radio is visually hidden: click its card, as a person would (a forced click can land on the save bar).
  await page.getByTestId('calling-icon-hidden').locator('xpath=ancestor::label[1]').click();
  await expect(page.getByTestId('calling-icon-hidden')).toBeChecked();
  await addCountry(page, 'Braz', 'BR');
  await addCountry(page, 'germ', 'DE');

  await page.getByTestId('calling-hours').click();
  await type(page, 'calling-timezone', 'Europe/Berlin');
  // Default week is Mon–Fri 09:00–17:00 (periods 0–4). Monday gets a second period; Saturday one.
  await type(page, 'hours-open-0', '08:30');
  await type(page, 'hours-close-0', '12:00');
  await page.getByTestId('hours-add-MONDAY').click();
  await type(page, 'hours-open-1', '13:00');
  await type(page, 'hours-close-1', '18:00');
  await page.getByTestId('hours-remove-5').click(); // Friday off
  await page.getByTestId('hours-add-SATURDAY').click();
  await type(page, 'hours-open-5', '10:00');
  await type(page, 'hours-close-5', '14:00');
  await page.getByTestId('holiday-add').click();
  await type(page, 'holiday-date-0', CHRISTMAS);
  await page.getByTestId('holiday-add').click();
  await type(page, 'holiday-date-1', NEW_YEAR);
  await type(page, 'holiday-start-1', '00:00');
  await type(page, 'holiday-end-1', '12:00');

  await page.getByTestId('calling-callback').click();
  await page.getByTestId('codec-PCMA').check();
  await page.getByTestId('codec-PCMU').check();

  await page.getByTestId('calling-voicemail').click();
  await expect(page.getByTestId('voicemail-hours-conflict')).toBeVisible();
  await page.getByTestId('voicemail-trigger-REJECT').uncheck();
  await type(page, 'voicemail-timeout', '25');
  // WhatsApp requires a greeting: without one the form refuses to save, and says why.
  await expect(page.getByTestId('voicemail-announcement')).toContainText('No greeting yet');
  // A file the owner picks (a 3 s WAV) is made into Ogg/Opus in the window (WebCodecs) and uploaded.
  const wav = path.join(mkdtempSync(path.join(tmpdir(), 'sb-greeting-')), 'greeting.wav');
  writeFileSync(wav, encodeWav(toneSamples({ frequency: 440, amplitude: 0.3 }, 48_000 * 3)));
  await page.getByTestId('voicemail-file').setInputFiles(wav);
  await expect(page.getByTestId('voicemail-announcement')).toContainText(/Greeting ready \(3 s\)/, { timeout: 15_000 });
  await expect(page.getByTestId('voicemail-preview')).toBeVisible();

  await save(page);
  expect(h.settingsPosts()).toHaveLength(1);

  const calling = await h.serverCalling();
  expect(calling).toEqual({
    status: 'DISABLED',
    call_icon_visibility: 'DISABLE_ALL',
    callback_permission_status: 'ENABLED',
    call_icons: { restrict_to_user_countries: ['BR', 'DE'] },
    call_hours: {
      status: 'ENABLED',
      timezone_id: 'Europe/Berlin',
      weekly_operating_hours: [
        { day_of_week: 'MONDAY', open_time: '0830', close_time: '1200' },
        { day_of_week: 'MONDAY', open_time: '1300', close_time: '1800' },
        { day_of_week: 'TUESDAY', open_time: '0900', close_time: '1700' },
        { day_of_week: 'WEDNESDAY', open_time: '0900', close_time: '1700' },
        { day_of_week: 'THURSDAY', open_time: '0900', close_time: '1700' },
        { day_of_week: 'SATURDAY', open_time: '1000', close_time: '1400' },
      ],
      holiday_schedule: [
        { date: CHRISTMAS, start_time: '0000', end_time: '2359' },
        { date: NEW_YEAR, start_time: '0000', end_time: '1200' },
      ],
    },
    audio: { additional_codecs: ['PCMA', 'PCMU'] },
    voicemail: {
      status: 'ENABLED',
      triggers: ['TIMEOUT'],
      audio: { default: { timeout_seconds: 25, announcement_media_id: expect.any(Number) as unknown as number } },
    },
    sip: { status: 'DISABLED' },
  });
  // The uploaded greeting is Ogg/Opus, 3 s, stored for the voicemail use case.
  const mediaId = String(
    (calling['voicemail'] as { audio: { default: { announcement_media_id: number } } }).audio.default.announcement_media_id,
  );
  const media = h.sim.media.get(mediaId)!;
  expect(media).toMatchObject({ mimeType: 'audio/ogg', useCase: 'call_voicemail_announcement' });
  expect(oggOpusInfo(media.bytes)?.durationS).toBeCloseTo(3, 1);

  // The screen shows what the server has: re-read after the save, and still there after a reload.
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-nav-calling').click();
  await expect(page.getByTestId('calling-status')).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('calling-icon-hidden')).toBeChecked();
  await expect(page.getByTestId('country-chip-DE')).toBeVisible();
  await expect(page.getByTestId('calling-timezone')).toHaveValue('Europe/Berlin');
  // Shown in the window's clock (format/intl.ts): 12-hour for the browser's en-US, 24-hour elsewhere.
  await expect(page.getByTestId('hours-close-1')).toHaveValue(/^(18:00|6:00\sPM)$/);
  await expect(page.getByTestId('holiday-date-1')).toHaveValue(NEW_YEAR);
  await expect(page.getByTestId('calling-callback')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('codec-PCMU')).toBeChecked();
  await expect(page.getByTestId('voicemail-timeout')).toHaveValue('25');
  await expect(page.getByTestId('calling-save')).toBeDisabled();
});

test('invalid call hours are refused in the UI, with the field highlighted, and nothing is sent', async ({ page }) => {
  await openCalling(page);
  await page.getByTestId('calling-hours').click();

  // Closing before opening.
  await type(page, 'hours-close-0', '08:00');
  await expect(page.getByTestId('hours-close-0')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('hours-day-MONDAY')).toContainText('Closing time must be later than opening time.');
  // Overlapping periods.
  await page.getByTestId('hours-add-TUESDAY').click();
  await type(page, 'hours-open-2', '16:00');
  await type(page, 'hours-close-2', '19:00');
  await expect(page.getByTestId('hours-open-2')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('hours-day-TUESDAY')).toContainText('This period overlaps another one on Tuesday.');
  // Not a time.
  await type(page, 'hours-open-3', '25:00');
  await expect(page.getByTestId('hours-open-3')).toHaveAttribute('aria-invalid', 'true');
  // A holiday in the past, and an unknown time zone.
  await page.getByTestId('holiday-add').click();
  await type(page, 'holiday-date-0', '2020-01-01');
  await expect(page.getByTestId('holiday-date-0')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('holiday-0')).toContainText('already passed');
  await type(page, 'calling-timezone', 'Mars/Olympus_Mons');
  await expect(page.getByTestId('calling-timezone')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Choose a time zone from the list.')).toBeVisible();

  // Save (button and Ctrl+S) sends nothing.
  await page.getByTestId('calling-save').click();
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('calling-save-status')).toContainText('Fix the highlighted fields');
  expect(h.settingsPosts()).toEqual([]);
  expect((await h.serverCalling())['call_hours']).toBeUndefined();

  // Fixing everything makes it savable.
  await type(page, 'hours-close-0', '17:00');
  await page.getByTestId('hours-remove-2').click();
  await type(page, 'hours-open-2', '09:00');
  await page.getByTestId('holiday-remove-0').click();
  await type(page, 'calling-timezone', 'America/Sao_Paulo');
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('calling-save-status')).toHaveAttribute('data-state', 'saved');
  expect(h.settingsPosts()).toHaveLength(1);
  expect(await h.serverCalling()).toMatchObject({ call_hours: { status: 'ENABLED', timezone_id: 'America/Sao_Paulo' } });
});

test('a holiday list survives an unrelated edit', async ({ page }) => {
  await openCalling(page);
  await page.getByTestId('calling-hours').click();
  await type(page, 'calling-timezone', 'America/Sao_Paulo');
  await page.getByTestId('holiday-add').click();
  await type(page, 'holiday-date-0', CHRISTMAS);
  await page.getByTestId('holiday-add').click();
  await type(page, 'holiday-date-1', NEW_YEAR);
  await page.getByTestId('holiday-add').click();
  await save(page);
  const holidays = ((await h.serverCalling())['call_hours'] as { holiday_schedule: unknown[] }).holiday_schedule;
  expect(holidays).toHaveLength(3);

  await page.getByTestId('calling-callback').click();
  await save(page);
  // Only the changed key went out; the holidays are untouched on the server.
  expect(h.settingsPosts().at(-1)!.body).toEqual({ calling: { callback_permission_status: 'ENABLED' } });
  const after = await h.serverCalling();
  expect(after['callback_permission_status']).toBe('ENABLED');
  expect((after['call_hours'] as { holiday_schedule: unknown[] }).holiday_schedule).toEqual(holidays);

  // An edit inside call hours sends the whole holiday list with it.
  await type(page, 'hours-close-0', '18:00');
  await save(page);
  const body = h.settingsPosts().at(-1)!.body as { calling: { call_hours: { holiday_schedule: unknown[] } } };
  expect(Object.keys(body.calling)).toEqual(['call_hours']);
  expect(body.calling.call_hours.holiday_schedule).toEqual(holidays);
  expect(((await h.serverCalling())['call_hours'] as { holiday_schedule: unknown[] }).holiday_schedule).toEqual(holidays);
});

test('Graph’s refusal is shown in plain words and nothing changes', async ({ page }) => {
  await openCalling(page);
  // The simulator refuses enabling calling when no app receives the calls webhook (138018).
  h.sim.ctx.state.settings.status = 'DISABLED';
  h.sim.ctx.state.enableCallingError = 138018;
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-nav-calling').click();
  await expect(page.getByTestId('calling-status')).toHaveAttribute('aria-checked', 'false');
  await page.getByTestId('calling-status').click();
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-save-status')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('calling-save-error')).not.toBeEmpty();
  await expect(page.getByTestId('calling-save')).toBeEnabled();
  expect((await h.serverCalling())['status']).toBe('DISABLED');
});
