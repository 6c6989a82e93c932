/**
 * The pickup-rate guard (issue 17) over the thread store's call items (main/threads/call-records.ts,
 * main/calls/pickup-guard.ts): customers' calls picked up over 24 hours and 7 days, the calls that
 * lowered the rate, and business calls unanswered in a row with what resets the run.
 */
import { describe, expect, it } from 'vitest';
import { streakWarning } from '../../../common/rules/pickup.ts';
import { PickupGuard } from '../../../main/calls/pickup-guard.ts';
import { openDatabase } from '../../../main/storage/database.ts';
import { CallRecords } from '../../../main/threads/call-records.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import type { ContactRef, DomainEvent } from '../../../main/webhooks/envelope.ts';

const T0 = Date.parse('2026-03-09T12:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const who = (waId: string, name: string): ContactRef => ({ waId, userId: null, parentUserId: null, profileName: name, username: null });
const ana = who('5511987650001', 'Ana Souza');
const jonas = who('4915112340002', 'Jonas Weber');

function setup() {
  const now = T0;
  const db = openDatabase(':memory:');
  const store = new ThreadStore(db, { clock: () => new Date(now) });
  const records = new CallRecords(db);
  let threshold = 80;
  const guard = new PickupGuard({ records, threshold: () => threshold, clock: () => new Date(now) });
  let seq = 0;
  const apply = (e: Record<string, unknown>, at: number): void =>
    store.apply({ ...e, key: `k${++seq}`, occurredAt: new Date(at).toISOString(), phoneNumberId: null, wabaId: 'W' } as DomainEvent, seq);
  const call = (user: ContactRef, at: number, o: { out?: boolean; outcome: 'completed' | 'missed' | 'no_answer' | 'declined' }): string => {
    const callId = `wacid.T${++seq}`;
    const direction = o.out ? 'outgoing' : 'incoming';
    const base = { callId, user, bizOpaque: null, raw: {} };
    apply({ kind: 'call.connect', ...base, direction, session: null, ctaPayload: null, deeplinkPayload: null }, at);
    if (o.outcome === 'completed') apply({ kind: 'call.status', ...base, status: 'ACCEPTED' }, at + 3000);
    if (o.outcome === 'declined') apply({ kind: 'call.status', ...base, status: 'REJECTED' }, at + 3000);
    apply(
      {
        kind: 'call.terminate',
        ...base,
        direction,
        status: o.outcome === 'completed' ? 'COMPLETED' : 'FAILED',
        durationSeconds: o.outcome === 'completed' ? 61 : null,
        errors: [],
      },
      at + 30_000,
    );
    return callId;
  };
  const permission = (user: ContactRef, at: number, response: 'accept' | 'reject', source = 'user_action') =>
    apply(
      {
        kind: 'permission.reply',
        wamid: `wamid.P${++seq}`,
        user,
        response,
        isPermanent: false,
        expiresAt: null,
        source,
        contextId: null,
        raw: {},
      },
      at,
    );
  const threadOf = (user: ContactRef) => store.threadIdOf(store.contactFor(user));
  return { guard, records, call, permission, threadOf, setThreshold: (t: number) => (threshold = t) };
}

describe('pickup rate of customers’ calls', () => {
  it('counts the last 24 hours and 7 days, lists the calls that lowered it, and says when it is below the threshold', () => {
    const g = setup();
    // 8 days ago: outside both periods.
    g.call(ana, T0 - 8 * DAY, { outcome: 'missed' });
    // 3 days ago: 3 picked up, 1 missed.
    for (let i = 0; i < 3; i++) g.call(ana, T0 - 3 * DAY + i * HOUR, { outcome: 'completed' });
    g.call(jonas, T0 - 3 * DAY + 5 * HOUR, { outcome: 'missed' });
    // Today: 1 picked up, 2 missed (one declined by hand).
    g.call(ana, T0 - 5 * HOUR, { outcome: 'completed' });
    g.call(jonas, T0 - 3 * HOUR, { outcome: 'missed' });
    g.call(ana, T0 - 2 * HOUR, { outcome: 'declined' });
    // Business calls never count toward the customers' pickup rate.
    g.call(ana, T0 - HOUR, { out: true, outcome: 'no_answer' });

    const v = g.guard.view();
    expect(v.threshold).toBe(80);
    expect(v.day).toEqual({ answered: 1, total: 3, rate: 33, below: true });
    expect(v.week).toEqual({ answered: 4, total: 7, rate: 57, below: true });
    expect(v.lowering.map((c) => [c.contact.profileName, c.status])).toEqual([
      ['Ana Souza', 'declined'],
      ['Jonas Weber', 'missed'],
      ['Jonas Weber', 'missed'],
    ]);
    expect(v.lowering.at(-1)!.threadId).toBe(g.threadOf(jonas));

    g.setThreshold(50);
    expect(g.guard.view().week.below).toBe(false);
    expect(g.guard.view().day.below).toBe(true);
  });

  it('says nothing below three calls, or with none', () => {
    const g = setup();
    expect(g.guard.view().day).toEqual({ answered: 0, total: 0, rate: null, below: false });
    g.call(ana, T0 - HOUR, { outcome: 'missed' });
    g.call(ana, T0 - HOUR / 2, { outcome: 'missed' });
    expect(g.guard.view().day).toEqual({ answered: 0, total: 2, rate: 0, below: false });
  });
});

describe('business calls unanswered in a row', () => {
  it('counts no answers and rejections back to the last connected call or permission reply; lists customers from two on', () => {
    const g = setup();
    const t = g.threadOf(ana);
    g.permission(ana, T0 - 2 * DAY, 'accept');
    g.call(ana, T0 - DAY, { out: true, outcome: 'no_answer' });
    g.call(ana, T0 - DAY + HOUR, { out: true, outcome: 'completed' });
    expect(g.records.unansweredInARow(t)).toBe(0);
    g.call(ana, T0 - 5 * HOUR, { out: true, outcome: 'no_answer' });
    // The customer's own missed call neither counts nor resets.
    g.call(ana, T0 - 4 * HOUR, { outcome: 'missed' });
    g.call(ana, T0 - 3 * HOUR, { out: true, outcome: 'declined' });
    expect(g.records.unansweredInARow(t)).toBe(2);
    expect(streakWarning(2)).toBe('last_but_one');
    expect(g.guard.view().streaks).toEqual([{ threadId: t, contact: expect.objectContaining({ waId: ana.waId }), count: 2 }]);
    g.call(ana, T0 - 2 * HOUR, { out: true, outcome: 'no_answer' });
    expect(g.records.unansweredInARow(t)).toBe(3);
    expect(streakWarning(3)).toBe('revoke');
    // WhatsApp revokes after the 4th: the automatic reject starts the count afresh.
    g.call(ana, T0 - HOUR, { out: true, outcome: 'no_answer' });
    expect(g.records.unansweredInARow(t)).toBe(4);
    g.permission(ana, T0 - HOUR + 60_000, 'reject', 'automatic');
    expect(g.records.unansweredInARow(t)).toBe(0);
    // A customer's call that connected resets it too.
    g.call(jonas, T0 - 3 * HOUR, { out: true, outcome: 'no_answer' });
    g.call(jonas, T0 - 2 * HOUR, { out: true, outcome: 'no_answer' });
    expect(g.records.unansweredInARow(g.threadOf(jonas))).toBe(2);
    g.call(jonas, T0 - HOUR, { outcome: 'completed' });
    expect(g.records.unansweredInARow(g.threadOf(jonas))).toBe(0);
    expect(g.guard.view().streaks).toEqual([]);
  });

  it('warns one call ahead: none before the 3rd, "one more costs it" before the 3rd, "revoked if unanswered" before the 4th', () => {
    expect([0, 1, 2, 3, 4, 9].map(streakWarning)).toEqual(['none', 'none', 'last_but_one', 'revoke', 'revoke', 'revoke']);
  });
});
