/**
 * The owner's choice of which calls WhatsApp records and transcribes (Settings → Calling →
 * Recording and transcripts), kept in the config file, and what it means for one call: the
 * `recording` / `transcription` objects that go with `accept` and `connect`.
 *
 * WhatsApp requires a purpose (≤ 250 characters, spoken to both parties in the announcement's
 * language) and an announcement language whenever a call is recorded, and has no defaults: when
 * the owner leaves the purpose empty, Switchboard sends its own default in the announcement's
 * language (English for languages it has no text in).
 */
import type { AnnouncementLanguage, RecordingRequest, RecordingSettings } from '../../common/bridge/recordings.ts';
import { RECORDING_PURPOSE_MAX, RecordingSettings as RecordingSettingsSchema } from '../../common/bridge/recordings.ts';
import type { Locale } from '../../common/i18n/locales.ts';
import type { ConfigStore } from '../account/config-store.ts';
import { DomainError } from '../core/domain-error.ts';
import { mainLocale, tr, trIn } from '../i18n/tr.ts';

/** The `recording` / `transcription` objects of one accept or connect, and what they ask for. */
export interface RecordingPlan {
  request: RecordingRequest;
  /** Merged into the Graph request body. */
  body: { recording?: GraphCaptureObject; transcription?: GraphCaptureObject };
}
interface GraphCaptureObject {
  status: 'ENABLED';
  purpose: string;
  announcement_language: AnnouncementLanguage;
}

/** The announcement language that matches the owner's language. */
export function announcementLanguageFor(locale: Locale): AnnouncementLanguage {
  return locale === 'pt-BR' ? 'pt' : locale === 'es' ? 'es' : 'en_US';
}

/** The catalog a default purpose is written from, for an announcement language. */
function purposeLocale(language: AnnouncementLanguage): Locale {
  if (language === 'pt') return 'pt-BR';
  if (language === 'es' || language === 'es_ES') return 'es';
  return 'en';
}

export class RecordingSettingsService {
  private readonly config: ConfigStore;
  /** Under "ask me per call": the owner's Record choice for this session (not stored: off at every start). */
  private recordChoice = false;

  constructor(config: ConfigStore) {
    this.config = config;
  }

  get(): { settings: RecordingSettings; defaultPurpose: string; recordChoice: boolean } {
    const c = this.config.get().recording;
    const announcementLanguage = c.announcementLanguage ?? announcementLanguageFor(mainLocale());
    return {
      settings: { mode: c.mode, audio: c.audio, transcript: c.transcript, purpose: c.purpose, announcementLanguage },
      defaultPurpose: trIn(purposeLocale(announcementLanguage), 'recording.defaultPurpose'),
      recordChoice: this.recordChoice,
    };
  }

  /** Changes some settings; refused with the field's problem (nothing stored) when the result would be invalid. */
  set(patch: Partial<RecordingSettings>): ReturnType<RecordingSettingsService['get']> {
    const next = { ...this.get().settings, ...patch };
    if (patch.purpose !== undefined) next.purpose = patch.purpose.trim();
    const parsed = RecordingSettingsSchema.safeParse(next);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new DomainError('invalid_params', issue.message, { field: issue.path.map(String).join('.') });
    }
    if (next.purpose.length > RECORDING_PURPOSE_MAX)
      throw new DomainError('invalid_params', tr('recording.purposeTooLong', { max: RECORDING_PURPOSE_MAX }), { field: 'purpose' });
    if (next.mode !== 'off' && !next.audio && !next.transcript)
      throw new DomainError('invalid_params', tr('recording.keepSomething'), { field: 'audio' });
    this.config.update((c) => {
      c.recording = {
        mode: next.mode,
        audio: next.audio,
        transcript: next.transcript,
        purpose: next.purpose,
        // Stored only once chosen: until then it follows the owner's language.
        announcementLanguage:
          patch.announcementLanguage !== undefined || c.recording.announcementLanguage !== null ? next.announcementLanguage : null,
      };
    });
    return this.get();
  }

  /** The owner's Record choice for this session (under "ask me per call"). */
  setRecordChoice(record: boolean): ReturnType<RecordingSettingsService['get']> {
    this.recordChoice = record;
    return this.get();
  }

  /**
   * What to ask of WhatsApp for one call: nothing when recording is off; everything chosen when
   * it is on for all calls; under "ask me per call", when the owner said Record — for this call
   * (`record`), else their choice for the session (a notification's Answer, a global shortcut).
   */
  planFor(record: boolean | undefined): RecordingPlan | null {
    const { settings, defaultPurpose } = this.get();
    const wanted = settings.mode === 'all' || (settings.mode === 'ask' && (record ?? this.recordChoice));
    if (!wanted || (!settings.audio && !settings.transcript)) return null;
    const object: GraphCaptureObject = {
      status: 'ENABLED',
      purpose: (settings.purpose || defaultPurpose).slice(0, RECORDING_PURPOSE_MAX),
      announcement_language: settings.announcementLanguage,
    };
    return {
      request: { audio: settings.audio, transcript: settings.transcript },
      body: { ...(settings.audio ? { recording: object } : {}), ...(settings.transcript ? { transcription: { ...object } } : {}) },
    };
  }
}
