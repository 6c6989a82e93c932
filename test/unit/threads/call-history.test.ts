/**
 * The call log and the call-back list, read from the thread store's call items (main/threads/
 * call-log.ts, callback-list.ts): what makes a customer wait, what takes them off the list and
 * what brings them back, callback requests, the permission each row shows, and the log's pages,
 * filters, origins and CSV.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/storage/database.ts';
import { CallLog, callLogSql } from '../../../main/threads/call-log.ts';
import { CallbackList } from '../../../main/threads/callback-list.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import type { ContactRef, DomainEvent } from '../../../main/webhooks/envelope.ts';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

type EventBody = DomainEvent extends infer E
  ? E extends DomainEvent
    ? Omit<E, 'key' | 'occurredAt' | 'phoneNumberId' | 'wabaId'>
    : never
  : never;

const who = (waId: string, name: string): ContactRef => ({ waId, userId: null, parentUserId: null, profileName: name, username: null });
const ana = who('5511987650001', 'Ana Souza');
const jonas = who('4915112340002', 'Jonas Weber');

function setup() {
  let now = T0 + 6 * HOUR;
  const clock = () => new Date(now);
  const db = openDatabase(':memory:');
  const store = new ThreadStore(db, { clock });
  const callbacks = new CallbackList(db, { clock });
  const log = new CallLog(db);
  let seq = 0;
  const apply = (e: EventBody, at: number): void =>
    store.apply({ ...e, key: `k${++seq}`, occurredAt: new Date(at).toISOString(), phoneNumberId: null, wabaId: 'W' } as DomainEvent, seq);
  /** A whole call as the webhooks tell it: connect, the answer if any, terminate. */
  const call = (
    user: ContactRef,
    at: number,
    o: {
      out?: boolean;
      outcome: 'completed' | 'missed' | 'no_answer' | 'failed' | 'declined';
      cta?: string;
      link?: string;
      id?: string;
      seconds?: number;
    },
  ): string => {
    const callId = o.id ?? `wacid.T${++seq}`;
    const direction = o.out ? 'outgoing' : 'incoming';
    apply(
      {
        kind: 'call.connect',
        callId,
        direction,
        user,
        session: null,
        ctaPayload: o.cta ?? null,
        deeplinkPayload: o.link ?? null,
        bizOpaque: null,
        raw: {},
      },
      at,
    );
    if (o.outcome === 'completed') apply({ kind: 'call.status', callId, status: 'ACCEPTED', user, bizOpaque: null, raw: {} }, at + 3000);
    if (o.outcome === 'declined') apply({ kind: 'call.status', callId, status: 'REJECTED', user, bizOpaque: null, raw: {} }, at + 3000);
    apply(
      {
        kind: 'call.terminate',
        callId,
        direction,
        user,
        status: o.outcome === 'completed' ? 'COMPLETED' : 'FAILED',
        durationSeconds: o.outcome === 'completed' ? (o.seconds ?? 61) : null,
        errors: o.outcome === 'failed' ? [{ code: 138021, message: 'No media for a long time' }] : [],
        bizOpaque: null,
        raw: {},
      },
      at + 30_000,
    );
    return callId;
  };
  const text = (user: ContactRef, at: number, body: string) =>
    apply({ kind: 'message.received', wamid: `wamid.M${++seq}`, from: user, type: 'text', raw: { type: 'text', text: { body } } }, at);
  const permission = (
    user: ContactRef,
    at: number,
    o: { source?: string; contextId?: string; permanent?: boolean; response?: 'accept' | 'reject' },
  ) =>
    apply(
      {
        kind: 'permission.reply',
        wamid: `wamid.P${++seq}`,
        user,
        response: o.response ?? 'accept',
        isPermanent: o.permanent ?? false,
        expiresAt: (o.response ?? 'accept') === 'accept' && !o.permanent ? new Date(at + 7 * DAY).toISOString() : null,
        source: o.source ?? 'user_action',
        contextId: o.contextId ?? null,
        raw: {},
      },
      at,
    );
  const askPermission = (user: ContactRef, at: number) =>
    store.addOutgoingMessage({
      contact: user,
      wamid: `wamid.R${++seq}`,
      type: 'call_permission_request',
      body: null,
      at: new Date(at).toISOString(),
    });
  const threadOf = (user: ContactRef) => store.threadIdOf(store.contactFor(user));
  return {
    db,
    store,
    callbacks,
    log,
    call,
    text,
    permission,
    askPermission,
    threadOf,
    setNow: (ms: number) => (now = ms),
  };
}

describe('call-back list', () => {
  it('lists each customer with a missed call once, with how often they tried, oldest waiting first', () => {
    const s = setup();
    s.call(jonas, T0 + HOUR, { outcome: 'missed' });
    s.call(ana, T0, { outcome: 'missed' });
    s.call(ana, T0 + 2 * HOUR, { outcome: 'missed' });
    const rows = s.callbacks.list();
    expect(rows.map((r) => [r.contact.profileName, r.customerCalls, r.ourCalls, r.lastOutcome])).toEqual([
      ['Ana Souza', 2, 0, 'missed'],
      ['Jonas Weber', 1, 0, 'missed'],
    ]);
    expect(rows[0]).toMatchObject({ waitingSince: new Date(T0).toISOString(), lastAt: new Date(T0 + 2 * HOUR).toISOString() });
  });

  it('counts declined, failed and unanswered calls either way, not calls the owner cancelled', () => {
    const s = setup();
    s.call(ana, T0, { outcome: 'declined' });
    s.call(jonas, T0 + MIN, { out: true, outcome: 'no_answer' });
    s.call(jonas, T0 + 2 * MIN, { out: true, outcome: 'failed' });
    const cancelled = who('447700900003', 'Priya Patel');
    s.call(cancelled, T0, { out: true, outcome: 'no_answer', id: 'wacid.CANCEL' });
    s.store.recordCallOutcome(s.store.callItem('wacid.CANCEL')!.id, 'cancelled', null); // forward only: stays no_answer
    const rows = s.callbacks.list();
    expect(rows.map((r) => [r.contact.profileName, r.customerCalls, r.ourCalls, r.lastOutcome, r.lastDirection])).toEqual([
      ['Ana Souza', 1, 0, 'declined', 'in'],
      ['Priya Patel', 0, 1, 'no_answer', 'out'],
      ['Jonas Weber', 0, 2, 'failed', 'out'],
    ]);
  });

  it('drops a customer once a call with them connects, either way, and brings them back with a newer missed call', () => {
    const s = setup();
    s.call(ana, T0, { outcome: 'missed' });
    s.call(ana, T0 + HOUR, { out: true, outcome: 'no_answer' });
    expect(s.callbacks.list()).toHaveLength(1);
    s.call(ana, T0 + 2 * HOUR, { out: true, outcome: 'completed' });
    expect(s.callbacks.list()).toEqual([]);
    s.call(ana, T0 + 3 * HOUR, { outcome: 'missed' });
    expect(s.callbacks.list()).toMatchObject([{ customerCalls: 1, ourCalls: 0, waitingSince: new Date(T0 + 3 * HOUR).toISOString() }]);
    s.call(ana, T0 + 4 * HOUR, { outcome: 'completed' });
    expect(s.callbacks.list()).toEqual([]);
  });

  it('a late webhook for an old missed call does not bring back a customer who has since been called', () => {
    const s = setup();
    s.call(ana, T0 + HOUR, { out: true, outcome: 'completed' });
    s.call(ana, T0, { outcome: 'missed' }); // arrives after, happened before
    expect(s.callbacks.list()).toEqual([]);
  });

  it('marking done takes a customer off until a newer call, and never hides one that arrived meanwhile', () => {
    const s = setup();
    s.call(ana, T0, { outcome: 'missed' });
    const [row] = s.callbacks.list();
    s.call(ana, T0 + HOUR, { outcome: 'missed' }); // rings while the owner looks at the old row
    s.callbacks.markDone(row!.threadId, row!.upToItemId);
    expect(s.callbacks.list()).toMatchObject([{ customerCalls: 1, waitingSince: new Date(T0 + HOUR).toISOString() }]);
    s.callbacks.markDone(row!.threadId, s.callbacks.list()[0]!.upToItemId);
    expect(s.callbacks.list()).toEqual([]);
    s.callbacks.markDone(row!.threadId, row!.upToItemId); // an older mark never moves it back
    expect(s.callbacks.list()).toEqual([]);
    s.call(ana, T0 + 2 * HOUR, { outcome: 'missed' });
    expect(s.callbacks.list()).toMatchObject([{ customerCalls: 1 }]);
    expect(() => s.callbacks.markDone(9999, 1)).toThrow(/no longer exists/);
  });

  it('shows a callback request (a callback permission for a call that never reached us) with its expiry', () => {
    const s = setup();
    s.permission(ana, T0, { source: 'automatic', contextId: 'wacid.OUTSIDEHOURS' });
    const [row] = s.callbacks.list();
    expect(row).toMatchObject({
      contact: { profileName: 'Ana Souza' },
      customerCalls: 0,
      lastOutcome: null,
      callbackRequestedAt: new Date(T0).toISOString(),
      permission: { status: 'temporary', expiresAt: new Date(T0 + 7 * DAY).toISOString() },
    });
    s.call(ana, T0 + HOUR, { out: true, outcome: 'completed' });
    expect(s.callbacks.list()).toEqual([]);
  });

  it('a callback permission for a call we have belongs to that call: no row of its own, none after a connected call', () => {
    const s = setup();
    const missed = s.call(ana, T0, { outcome: 'missed' });
    s.permission(ana, T0 + MIN, { source: 'automatic', contextId: missed });
    const answered = s.call(jonas, T0, { outcome: 'completed' });
    s.permission(jonas, T0 + MIN, { source: 'automatic', contextId: answered });
    expect(s.callbacks.list()).toMatchObject([
      { contact: { profileName: 'Ana Souza' }, customerCalls: 1, callbackRequestedAt: null, permission: { status: 'temporary' } },
    ]);
  });

  it('reads webhooks in any order: a callback permission before its call is settled once the call arrives', () => {
    const s = setup();
    s.permission(jonas, T0 + MIN, { source: 'automatic', contextId: 'wacid.EARLY' });
    expect(s.callbacks.list()).toHaveLength(1);
    s.call(jonas, T0, { outcome: 'completed', id: 'wacid.EARLY' });
    expect(s.callbacks.list()).toEqual([]);
  });

  it('says what the customer wrote since they started waiting', () => {
    const s = setup();
    s.text(ana, T0 - HOUR, 'before');
    s.call(ana, T0, { outcome: 'missed' });
    s.text(ana, T0 + MIN, 'Are you open tomorrow?');
    s.text(ana, T0 + 2 * MIN, 'Please call me back');
    expect(s.callbacks.list()[0]).toMatchObject({ messagesSince: 2, lastMessage: { text: 'Please call me back', type: 'text' } });
  });

  it('gives the permission the thread records: requests left, when the next is allowed, asked and waiting, expired, permanent', () => {
    const s = setup();
    const now = T0 + 10 * DAY;
    s.setNow(now);
    s.call(ana, now - 3 * DAY, { outcome: 'missed' });
    expect(s.callbacks.list()[0]!.permission).toEqual({
      status: 'none',
      expiresAt: null,
      requestsLeft: 1,
      nextRequestAt: null,
      askedAt: null,
    });
    s.askPermission(ana, now - 2 * HOUR);
    expect(s.callbacks.list()[0]!.permission).toEqual({
      status: 'none',
      expiresAt: null,
      requestsLeft: 0,
      nextRequestAt: new Date(now - 2 * HOUR + DAY).toISOString(),
      askedAt: new Date(now - 2 * HOUR).toISOString(),
    });
    s.setNow(now + DAY); // a day later one request is allowed again…
    expect(s.callbacks.list()[0]!.permission).toMatchObject({ requestsLeft: 1, nextRequestAt: null });
    s.askPermission(ana, now + DAY - MIN); // …and after a second one, the week's two are used up
    expect(s.callbacks.list()[0]!.permission).toMatchObject({
      requestsLeft: 0,
      nextRequestAt: new Date(now - 2 * HOUR + 7 * DAY).toISOString(),
    });
    s.permission(ana, now + DAY, {}); // the customer allows calls for 7 days
    expect(s.callbacks.list()[0]!.permission).toMatchObject({ status: 'temporary', askedAt: null });
    s.setNow(now + 9 * DAY);
    expect(s.callbacks.list()[0]!.permission).toMatchObject({ status: 'none', expiresAt: null });
    s.permission(ana, now + 9 * DAY - MIN, { permanent: true, source: 'user_action' });
    expect(s.callbacks.list()[0]!.permission).toEqual({
      status: 'permanent',
      expiresAt: null,
      requestsLeft: 0,
      nextRequestAt: null,
      askedAt: null,
    });
  });

  it('a connected call resets the request limits', () => {
    const s = setup();
    const now = T0 + 10 * DAY;
    s.setNow(now);
    s.askPermission(ana, now - 3 * HOUR);
    s.call(ana, now - 2 * HOUR, { outcome: 'completed' });
    s.call(ana, now - HOUR, { outcome: 'missed' });
    expect(s.callbacks.list()[0]!.permission).toMatchObject({ requestsLeft: 1, askedAt: null });
  });

  it('keeps the done mark with the customer, and drops it with a conversation merged away', () => {
    const s = setup();
    s.call(ana, T0, { outcome: 'missed' });
    const [row] = s.callbacks.list();
    s.callbacks.markDone(row!.threadId, row!.upToItemId);
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM callback_done').get()).toEqual({ n: 1 });
    s.db.prepare('DELETE FROM threads WHERE id = ?').run(row!.threadId);
    expect(s.db.prepare('SELECT COUNT(*) AS n FROM callback_done').get()).toEqual({ n: 0 });
  });
});

describe('call log', () => {
  it('lists every call newest first, in keyset pages, with customer, duration, reason and where the customer called from', () => {
    const s = setup();
    s.call(ana, T0, { outcome: 'completed', cta: 'order-42', seconds: 125 });
    s.call(jonas, T0 + MIN, { outcome: 'missed', link: 'summer-promo' });
    s.call(ana, T0 + 2 * MIN, { out: true, outcome: 'failed' });
    s.call(jonas, T0 + 3 * MIN, { outcome: 'declined' });
    s.call(ana, T0 + 4 * MIN, { outcome: 'missed' });
    const all = s.log.page();
    expect(all.map((c) => [c.contact.profileName, c.direction, c.status, c.origin, c.payload])).toEqual([
      ['Ana Souza', 'in', 'missed', 'whatsapp', null],
      ['Jonas Weber', 'in', 'declined', 'whatsapp', null],
      ['Ana Souza', 'out', 'failed', 'business', null],
      ['Jonas Weber', 'in', 'missed', 'call_link', 'summer-promo'],
      ['Ana Souza', 'in', 'completed', 'call_button', 'order-42'],
    ]);
    expect(all[4]).toMatchObject({ durationSeconds: 125, reason: null });
    expect(all[2]!.reason).toMatch(/No media/);
    const first = s.log.page({ limit: 2 });
    const second = s.log.page({ limit: 2, before: { at: first[1]!.at, id: first[1]!.itemId } });
    const third = s.log.page({ limit: 2, before: { at: second[1]!.at, id: second[1]!.itemId } });
    expect([...first, ...second, ...third].map((c) => c.itemId)).toEqual(all.map((c) => c.itemId));
  });

  it('filters: missed (customers’ calls nobody took), incoming, outgoing, failed, recorded', () => {
    const s = setup();
    s.call(ana, T0, { outcome: 'completed' });
    s.call(jonas, T0 + MIN, { outcome: 'missed' });
    s.call(ana, T0 + 2 * MIN, { out: true, outcome: 'failed' });
    s.call(jonas, T0 + 3 * MIN, { outcome: 'declined' });
    s.call(ana, T0 + 4 * MIN, { out: true, outcome: 'declined' });
    const statuses = (filter: Parameters<CallLog['page']>[0] extends infer O ? (O extends { filter?: infer F } ? F : never) : never) =>
      s.log.page({ filter }).map((c) => `${c.direction}:${c.status}`);
    expect(statuses('missed')).toEqual(['in:declined', 'in:missed']);
    expect(statuses('incoming')).toEqual(['in:declined', 'in:missed', 'in:completed']);
    expect(statuses('outgoing')).toEqual(['out:declined', 'out:failed']);
    expect(statuses('failed')).toEqual(['out:failed']);
    // Recorded: the calls whose card carries data.recording (WhatsApp was asked, or sent a file).
    expect(statuses('recorded')).toEqual([]);
    const recorded = s.store.timeline(s.threadOf(ana)).find((i) => i.kind === 'call' && i.status === 'completed')!;
    s.store.requestRecording(recorded.metaId!, { audio: true, transcript: false });
    expect(statuses('recorded')).toEqual(['in:completed']);
    expect(s.log.page({ filter: 'recorded' })).toHaveLength(1);
  });

  it('exports the filtered log as CSV with the thread export’s protections', () => {
    const s = setup();
    s.call(who('5511955550123', '=HYPERLINK("http://evil")'), T0, { outcome: 'missed', cta: '+1 call me, "now"' });
    s.call(ana, T0 + MIN, { outcome: 'completed', seconds: 65 });
    const all = s.log.exportCsv('all', new Date(T0));
    const lines = all.content.split('\r\n');
    expect(all).toMatchObject({ filename: 'switchboard-calls-2026-03-02.csv', mimeType: 'text/csv' });
    expect(lines[0]).toBe(
      'at,customer,number,direction,outcome,duration_seconds,duration,reason,called_from,payload,voicemail,whatsapp_call_id',
    );
    expect(lines[1]).toMatch(/^2026-03-02T09:01:00\.000Z,Ana Souza,5511987650001,incoming,completed,65,1:05,,whatsapp,,,wacid\./);
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[2]).toContain(`"'+1 call me, ""now"""`);
    expect(lines.at(-1)).toBe('');
    expect(s.log.exportCsv('missed', new Date(T0)).content.split('\r\n')).toHaveLength(3);
    expect(s.log.exportCsv('missed', new Date(T0)).filename).toBe('switchboard-calls-missed-2026-03-02.csv');
  });

  it('reads every filter through its index, never sorting all calls', () => {
    const s = setup();
    for (const filter of ['all', 'missed', 'incoming', 'outgoing', 'failed'] as const) {
      for (const cursor of [false, true]) {
        const args = cursor ? ['2026-03-02T09:00:00.000Z', 10, 5] : [5];
        const plan = s.db
          .prepare(`EXPLAIN QUERY PLAN ${callLogSql(filter, cursor)}`)
          .all(...args)
          .map((r) => (r as { detail: string }).detail)
          .join(' | ');
        expect(plan, filter).not.toMatch(/TEMP B-TREE/);
      }
      expect(s.log.page({ filter })).toEqual([]);
    }
  });
});
