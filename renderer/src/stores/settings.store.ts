/**
 * The settings store: the number's calling settings. `server` is what Graph has (re-read after
 * every save, and replaced by the `callingSettings` event); `draft` is what the owner is editing.
 * The POST body, dirty state and validation all come from common/calling-settings.ts, so the
 * screen refuses exactly what main (and Meta) would refuse.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallingSettingsView } from '../../../common/bridge-contract.ts';
import {
  DAYS,
  MAX_HOLIDAYS,
  MAX_PERIODS_PER_DAY,
  diffCallingSettings,
  todayIn,
  validateCallingChanges,
  type CallHours,
  type CallingSettings,
  type Day,
  type FieldError,
} from '../../../common/calling-settings.ts';
import { BridgeCallError, useBridge } from '../bridge/bridge.ts';
import { errorText } from '../format/error-text.ts';
import { translate } from '../i18n/index.ts';

export type SaveState = 'idle' | 'saving' | 'saved' | 'failed';

/** A rule's refusal in the owner's language (the rules in common/ say it in English for main). */
function fieldErrorText(e: FieldError): string {
  if (!e.code) return e.message;
  const day = e.params?.day ? (translate(`settings.calling.hours.days.${e.params.day}`) ?? e.params.day) : '';
  return translate(`validation.calling.${e.code}`, { day, max: e.params?.max ?? 0 }) ?? e.message;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function defaultCallHours(timeZone = localTimeZone()): CallHours {
  return {
    status: 'ENABLED',
    timezone_id: timeZone,
    weekly_operating_hours: (['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).map((d) => ({
      day_of_week: d,
      open_time: '0900',
      close_time: '1700',
    })),
    holiday_schedule: [],
  };
}

export const useSettingsStore = defineStore('settings', () => {
  const server = shallowRef<CallingSettingsView | null>(null);
  const draft = ref<CallingSettings | null>(null);
  const loading = ref(false);
  const loadError = ref<{ code: string; message: string } | null>(null);
  const saveState = ref<SaveState>('idle');
  const saveError = ref<string | null>(null);
  /** Field errors Graph (or main) returned for the last save, by path. */
  const serverFieldErrors = ref<Record<string, string>>({});
  const now = ref(new Date());

  const changes = computed(() => (server.value && draft.value ? diffCallingSettings(server.value.calling, draft.value) : {}));
  const dirty = computed(() => Object.keys(changes.value).length > 0);
  const validation = computed<FieldError[]>(() => validateCallingChanges(changes.value, now.value));
  /** Every field problem by path: the shared rules first, then what the server said. */
  const errors = computed<Record<string, string>>(() => {
    const out: Record<string, string> = { ...serverFieldErrors.value };
    for (const e of validation.value) out[e.path] ??= fieldErrorText(e);
    return out;
  });
  const valid = computed(() => validation.value.length === 0);

  let stopEvents: (() => void) | null = null;

  function adopt(view: CallingSettingsView): void {
    server.value = view;
    draft.value = clone(view.calling);
    serverFieldErrors.value = {};
  }

  async function load(): Promise<void> {
    const bridge = useBridge();
    stopEvents ??= bridge.on('callingSettings', (view) => {
      // A change made elsewhere: show it, unless the owner is in the middle of an edit.
      if (!dirty.value) adopt(view);
      else server.value = view;
    });
    loading.value = true;
    try {
      const view = await bridge.request('getCallingSettings', {});
      // Coming back to the screen with unsaved edits keeps them (compared against the fresh read).
      if (dirty.value) server.value = view;
      else adopt(view);
      loadError.value = null;
      now.value = new Date();
    } catch (err) {
      loadError.value = { code: err instanceof BridgeCallError ? err.code : 'internal', message: errorText(err) };
    } finally {
      loading.value = false;
    }
  }

  async function save(): Promise<boolean> {
    if (!draft.value || !dirty.value || saveState.value === 'saving') return false;
    now.value = new Date();
    if (!valid.value) {
      saveState.value = 'failed';
      saveError.value = null;
      return false;
    }
    saveState.value = 'saving';
    saveError.value = null;
    serverFieldErrors.value = {};
    try {
      adopt(await useBridge().request('updateCallingSettings', { changes: clone(changes.value) }));
      saveState.value = 'saved';
      return true;
    } catch (err) {
      saveState.value = 'failed';
      saveError.value = errorText(err);
      if (err instanceof BridgeCallError) {
        const d = err.details as { field?: string | null; fieldErrors?: FieldError[] } | undefined;
        const fields: Record<string, string> = {};
        for (const fe of d?.fieldErrors ?? []) fields[fe.path] ??= fe.message;
        if (d?.field) fields[d.field] = err.message;
        serverFieldErrors.value = fields;
      }
      return false;
    }
  }

  /** One-click fixes for a number Switchboard cannot use: SIP off, or DTLS instead of SDES. */
  const fixing = ref<'sip' | 'srtp' | null>(null);
  const fixError = ref<string | null>(null);
  async function fixTransport(what: 'sip' | 'srtp'): Promise<boolean> {
    if (fixing.value) return false;
    fixing.value = what;
    fixError.value = null;
    try {
      const changes = what === 'sip' ? { sip: { status: 'DISABLED' as const } } : { srtp_key_exchange_protocol: 'DTLS' as const };
      const view = await useBridge().request('updateCallingSettings', { changes });
      if (dirty.value) server.value = view;
      else adopt(view);
      return true;
    } catch (err) {
      fixError.value = errorText(err);
      return false;
    } finally {
      fixing.value = null;
    }
  }

  function discard(): void {
    if (server.value) adopt(server.value);
    saveState.value = 'idle';
    saveError.value = null;
  }

  function touched(): void {
    if (saveState.value === 'saved') saveState.value = 'idle';
    serverFieldErrors.value = {};
  }

  // ---- editing helpers (each keeps the draft in a shape Meta accepts) ----

  function setCallHoursEnabled(on: boolean): void {
    const d = draft.value;
    if (!d) return;
    if (on) d.call_hours = d.call_hours ? { ...d.call_hours, status: 'ENABLED' } : defaultCallHours();
    else if (server.value?.calling.call_hours) d.call_hours = d.call_hours ? { ...d.call_hours, status: 'DISABLED' } : null;
    else d.call_hours = null;
    touched();
  }

  function setVoicemailEnabled(on: boolean): void {
    const d = draft.value;
    if (!d) return;
    if (on) {
      const prev = d.voicemail;
      d.voicemail = {
        status: 'ENABLED',
        triggers: prev && prev.triggers.length ? prev.triggers : ['REJECT', 'TIMEOUT'],
        audio: { default: { ...prev?.audio?.default, timeout_seconds: prev?.audio?.default.timeout_seconds ?? 20 } },
      };
    } else if (server.value?.calling.voicemail) d.voicemail = d.voicemail ? { ...d.voicemail, status: 'DISABLED' } : null;
    else d.voicemail = null;
    touched();
  }

  function periodsOf(day: Day): number[] {
    const h = draft.value?.call_hours;
    return h ? h.weekly_operating_hours.flatMap((w, i) => (w.day_of_week === day ? [i] : [])) : [];
  }

  function addPeriod(day: Day): void {
    const h = draft.value?.call_hours;
    if (!h) return;
    const idx = periodsOf(day);
    if (idx.length >= MAX_PERIODS_PER_DAY) return;
    const last = idx.length ? h.weekly_operating_hours[idx[idx.length - 1]!]! : null;
    const period = last
      ? {
          day_of_week: day,
          open_time: last.close_time < '2200' ? String(Number(last.close_time.slice(0, 2)) + 1).padStart(2, '0') + '00' : '2200',
          close_time: '2300',
        }
      : { day_of_week: day, open_time: '0900', close_time: '1700' };
    if (last && period.open_time >= period.close_time) period.close_time = '2359';
    // Keep the list in week order: insert after the day's last period (or before the next day's).
    const at = idx.length
      ? idx[idx.length - 1]! + 1
      : h.weekly_operating_hours.findIndex((w) => DAYS.indexOf(w.day_of_week) > DAYS.indexOf(day));
    h.weekly_operating_hours.splice(at < 0 ? h.weekly_operating_hours.length : at, 0, period);
    touched();
  }

  function removePeriod(index: number): void {
    draft.value?.call_hours?.weekly_operating_hours.splice(index, 1);
    touched();
  }

  /** Copies Monday's periods to Tuesday–Friday. */
  function copyMondayToWeekdays(): void {
    const h = draft.value?.call_hours;
    if (!h) return;
    const monday = h.weekly_operating_hours.filter((w) => w.day_of_week === 'MONDAY');
    const rest = h.weekly_operating_hours.filter((w) => !['TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].includes(w.day_of_week));
    const copies = (['TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).flatMap((d) => monday.map((m) => ({ ...m, day_of_week: d })));
    h.weekly_operating_hours = [...rest, ...copies].sort(
      (a, b) => DAYS.indexOf(a.day_of_week) - DAYS.indexOf(b.day_of_week) || a.open_time.localeCompare(b.open_time),
    );
    touched();
  }

  function addHoliday(): void {
    const h = draft.value?.call_hours;
    if (!h || h.holiday_schedule.length >= MAX_HOLIDAYS) return;
    const last = h.holiday_schedule[h.holiday_schedule.length - 1];
    const from = last && /^\d{4}-\d{2}-\d{2}$/.test(last.date) ? last.date : todayIn(h.timezone_id, new Date());
    const next = new Date(`${from}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    h.holiday_schedule.push({ date: next.toISOString().slice(0, 10), start_time: '0000', end_time: '2359' });
    touched();
  }

  function removeHoliday(index: number): void {
    draft.value?.call_hours?.holiday_schedule.splice(index, 1);
    touched();
  }

  /** Uploads a voicemail greeting (Ogg/Opus bytes) through main; answers its WhatsApp media id. */
  async function uploadVoicemailGreeting(oggOpus: Uint8Array): Promise<string> {
    const { mediaId } = await useBridge().request('uploadVoicemailAnnouncement', { audioBase64: toBase64(oggOpus), mimeType: 'audio/ogg' });
    return mediaId;
  }

  function stop(): void {
    stopEvents?.();
    stopEvents = null;
  }

  return {
    server,
    draft,
    loading,
    loadError,
    saveState,
    saveError,
    changes,
    dirty,
    errors,
    valid,
    now,
    load,
    save,
    discard,
    touched,
    setCallHoursEnabled,
    setVoicemailEnabled,
    periodsOf,
    addPeriod,
    removePeriod,
    copyMondayToWeekdays,
    addHoliday,
    removeHoliday,
    uploadVoicemailGreeting,
    stop,
    fixing,
    fixError,
    fixTransport,
  };
});
