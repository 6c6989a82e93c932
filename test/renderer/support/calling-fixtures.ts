/** Sample account and calling-settings answers for renderer tests. */
import type { AccountView, CallingSettingsView } from '../../../common/bridge-contract.ts';

export function sampleAccount(overrides: Partial<AccountView> = {}): AccountView {
  return {
    connected: false,
    account: null,
    secretsBackend: 'OS keychain — Secret Service (libsecret)',
    keychainProblem: null,
    configProblem: null,
    verifyTokenHint: null,
    canCopyVerifyToken: false,
    defaults: { graphBaseUrl: 'https://graph.facebook.com', apiVersion: 'v25.0' },
    ...overrides,
  };
}

export function connectedAccount(overrides: Partial<AccountView> = {}): AccountView {
  return sampleAccount({
    connected: true,
    account: {
      graphBaseUrl: 'https://graph.facebook.com',
      apiVersion: 'v25.0',
      appId: '1000000000000001',
      wabaId: '2000000000000002',
      phoneNumberId: '3000000000000003',
      displayPhoneNumber: '5511955550100',
      verifiedName: 'Padaria Aurora',
      connectedAt: '2026-11-25T09:00:00.000Z',
    },
    verifyTokenHint: 'x9Qa',
    ...overrides,
  });
}

export function sampleCalling(
  overrides: Partial<CallingSettingsView['calling']> = {},
  restrictions: CallingSettingsView['restrictions'] = [],
  transport: CallingSettingsView['transport'] = { sip: 'DISABLED', srtp: 'DTLS' },
): CallingSettingsView {
  return {
    calling: {
      status: 'ENABLED',
      call_icon_visibility: 'DEFAULT',
      call_icons: { restrict_to_user_countries: [] },
      call_hours: null,
      callback_permission_status: 'DISABLED',
      audio: { additional_codecs: [] },
      voicemail: null,
      ...overrides,
    },
    restrictions,
    transport,
    fetchedAt: '2026-11-25T10:00:00.000Z',
  };
}

export const weekdayHours = (): NonNullable<CallingSettingsView['calling']['call_hours']> => ({
  status: 'ENABLED',
  timezone_id: 'America/Sao_Paulo',
  weekly_operating_hours: (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).map((d) => ({
    day_of_week: d,
    open_time: '0900',
    close_time: '1700',
  })),
  holiday_schedule: [{ date: '2099-12-25', start_time: '0000', end_time: '2359' }],
});
