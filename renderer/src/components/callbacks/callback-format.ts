/**
 * Words for a call-back row: what happened (missed call, 2 tries, asked to be called back), since
 * when, what the customer wrote since, and the call permission with the one action it allows —
 * Call, Ask to call (inside the 24-hour window), Ask to call… (a template, chosen in the
 * conversation), or nothing until WhatsApp allows another request. Times are judged on this
 * window's clock, so a permission that runs out while the list is open says so.
 */
import type { CallbackEntry } from '../../../../common/bridge-contract.ts';
import { clockTime, dateTime, permissionUntil, previewOf } from '../conversations/thread-format.ts';

type Translate = (key: string, named?: Record<string, unknown> | number, plural?: number) => string;

export type RowAct = 'call' | 'ask' | 'ask-template' | 'none';

/** "14:02" today, "25 Nov, 14:00" otherwise. */
export function whenText(iso: string, locale: string, now: Date): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? clockTime(iso, locale) : dateTime(iso, locale, now);
}

/** "Missed call · 2 tries · you called back once" / "Asked to be called back". */
export function whatHappened(row: CallbackEntry, t: Translate): string {
  const parts: string[] = [];
  if (row.lastOutcome) {
    parts.push(row.lastDirection === 'out' ? t(`callbacks.outcomeOut.${row.lastOutcome}`) : t(`callbacks.outcome.${row.lastOutcome}`));
  }
  if (row.callbackRequestedAt) parts.push(t('callbacks.requested'));
  if (row.customerCalls > 0) parts.push(t('callbacks.tries', row.customerCalls));
  if (row.ourCalls > 0) parts.push(t('callbacks.ourTries', row.ourCalls));
  return parts.join(' · ');
}

/** "No messages since" / "2 messages since:" and the newest one, in one line. */
export function wroteSince(row: CallbackEntry, t: Translate): { label: string; text: string | null } {
  if (row.messagesSince === 0 || !row.lastMessage) return { label: t('callbacks.wroteNone'), text: null };
  const m = row.lastMessage;
  const preview = previewOf({ kind: 'message', type: m.type, direction: 'in', body: m.text, status: null }, t as never);
  // Main counts up to 100.
  const label = row.messagesSince >= 100 ? t('callbacks.wrote', { n: '99+' }, 100) : t('callbacks.wrote', row.messagesSince);
  return { label, text: preview.text };
}

export interface PermissionLine {
  tone: 'ok' | 'muted' | 'warning';
  text: string;
  act: RowAct;
  /** For tests and styling: permanent, temporary, asked, ask, ask-template, none. */
  state: string;
}

export function permissionLine(row: CallbackEntry, t: Translate, locale: string, now: Date): PermissionLine {
  const p = row.permission;
  if (p.status === 'permanent') return { tone: 'ok', text: t('callbacks.permission.permanent'), act: 'call', state: 'permanent' };
  if (p.status === 'temporary' && p.expiresAt && Date.parse(p.expiresAt) > now.getTime())
    return {
      tone: 'ok',
      text: t('callbacks.permission.until', { when: permissionUntil(p.expiresAt, locale, now) }),
      act: 'call',
      state: 'temporary',
    };
  const windowOpen = row.windowExpiresAt !== null && Date.parse(row.windowExpiresAt) > now.getTime();
  const nextAt = p.nextRequestAt && Date.parse(p.nextRequestAt) > now.getTime() ? p.nextRequestAt : null;
  const left = nextAt ? p.requestsLeft : Math.max(p.requestsLeft, 1);
  const askAct: RowAct = left > 0 ? (windowOpen ? 'ask' : 'ask-template') : 'none';
  if (p.askedAt)
    return {
      tone: 'muted',
      text: t('callbacks.permission.asked', { when: whenText(p.askedAt, locale, now) }),
      act: askAct,
      state: 'asked',
    };
  if (left > 0 && windowOpen) return { tone: 'warning', text: t('callbacks.permission.ask', left), act: 'ask', state: 'ask' };
  if (left > 0) return { tone: 'warning', text: t('callbacks.permission.askTemplate'), act: 'ask-template', state: 'ask-template' };
  if (nextAt)
    return { tone: 'muted', text: t('callbacks.permission.noneLeft', { when: whenText(nextAt, locale, now) }), act: 'none', state: 'none' };
  return { tone: 'muted', text: t('callbacks.permission.noneNow'), act: 'none', state: 'none' };
}
