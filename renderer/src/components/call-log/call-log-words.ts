/**
 * The call log's words, looked up once per view (and again when the language changes) rather
 * than by each row: a filter brings twenty new rows, and each used to ask vue-i18n five times and
 * parse its customer's number twice (test/bench/call-log.bench.ts measured the difference).
 */
import type { CallLogEntry } from '../../../../common/bridge-contract.ts';
import { contactName, contactSubtitle } from '../conversations/thread-format.ts';

type Translate = (key: string) => string;

const STATUSES = ['completed', 'answered', 'ringing', 'missed', 'declined', 'no_answer', 'cancelled', 'failed'] as const;
const ORIGINS = ['call_button', 'call_link', 'whatsapp', 'business'] as const;

export interface CallLogWords {
  locale: string;
  unknownContact: string;
  status: { in: Record<string, string>; out: Record<string, string> };
  from: Record<string, string>;
  fromTitle: Record<string, string>;
  voicemail: string;
  noDuration: string;
}

export function callLogWords(t: Translate, locale: string): CallLogWords {
  const each = <K extends string>(keys: readonly K[], key: (k: K) => string): Record<string, string> =>
    Object.fromEntries(keys.map((k) => [k, t(key(k))]));
  return {
    locale,
    unknownContact: t('conversation.list.unknownContact'),
    status: {
      in: each(STATUSES, (s) => `callLog.status.in.${s}`),
      out: each(STATUSES, (s) => `callLog.status.out.${s}`),
    },
    from: each(ORIGINS, (o) => `callLog.from.${o}`),
    fromTitle: each(ORIGINS, (o) => `callLog.fromTitle.${o}`),
    voicemail: t('callLog.voicemail'),
    noDuration: t('callLog.noDuration'),
  };
}

/** A customer's name and second line (the number), kept per contact as long as what names them is the same. */
const names = new Map<string, { name: string; subtitle: string | null }>();
export function namesOf(c: CallLogEntry['contact'], unknown: string): { name: string; subtitle: string | null } {
  const key = [c.id, c.ownerName, c.profileName, c.waId, c.username, c.userId, unknown].join('\u0000');
  let hit = names.get(key);
  if (!hit) {
    if (names.size >= 5000) names.clear();
    hit = { name: contactName(c, unknown), subtitle: contactSubtitle(c) };
    names.set(key, hit);
  }
  return hit;
}
