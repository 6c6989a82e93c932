import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { ThreadStore, toFtsQuery } from '../../../main/threads/thread-store.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { callEvent, callStatus, envelope, statusUpdate, textMessage } from '../../support/webhooks.ts';

const T0 = 1_767_000_000; // seconds

function setup() {
  const db = openDatabase(':memory:');
  const inbox = new WebhookInbox(db, memoryLogger().log);
  const store = new ThreadStore(db, {
    clock: () => new Date(T0 * 1000),
    countryOf: (w) => (w.startsWith('55') ? 'BR' : w.startsWith('49') ? 'DE' : null),
  });
  inbox.addApplier((e, id) => store.apply(e, id));
  const feed = async (...bodies: unknown[]) => {
    for (const b of bodies) await inbox.store(Buffer.from(JSON.stringify(b)));
    inbox.drainNow();
  };
  return { db, inbox, store, feed };
}

const call = (id: string, event: string, { ts, ...extra }: Record<string, unknown> & { ts?: number }, from = '5511987650001') =>
  callEvent({ id, event, customer: { waId: from, name: 'Ana', userId: 'BR.1' }, timestamp: ts ?? T0, extra });

const bicStatus = (id: string, status: string, ts = T0) => callStatus({ id, status, customer: { waId: '5511987650001' }, timestamp: ts });

describe('thread store: projection', () => {
  it("puts an inbound message in the customer's thread, unread, and opens the 24-hour window", async () => {
    const s = setup();
    await s.feed(textMessage('wamid.M1', '5511987650001', 'Olá, vocês abrem amanhã?', T0));
    const [t] = s.store.listThreads();
    expect(t).toMatchObject({
      unreadCount: 1,
      missedCalls: 0,
      contact: { waId: '5511987650001', profileName: 'Ana', country: 'BR' },
      lastItem: { body: 'Olá, vocês abrem amanhã?' },
    });
    expect(t!.windowExpiresAt).toBe(new Date((T0 + 86400) * 1000).toISOString());
  });

  it('is idempotent for every event type, delivered twice and replayed', async () => {
    const s = setup();
    const bodies = [
      textMessage('wamid.I1', '5511987650001', 'hi', T0),
      call('wacid.C1', 'connect', { session: { sdp_type: 'offer', sdp: 'v=0' } }),
      call('wacid.C1', 'terminate', { status: 'FAILED', ts: T0 + 30 }),
      envelope('messages', {
        contacts: [{ wa_id: '5511987650001', user_id: 'BR.1' }],
        messages: [
          {
            from: '5511987650001',
            id: 'wamid.P1',
            timestamp: String(T0 + 40),
            type: 'interactive',
            interactive: {
              type: 'call_permission_reply',
              call_permission_reply: { response: 'accept', is_permanent: false, expiration_timestamp: T0 + 7 * 86400 },
            },
          },
        ],
      }),
      envelope('messages', {
        contacts: [{ wa_id: '5511987650001', user_id: 'BR.1' }],
        messages: [
          {
            from: '5511987650001',
            id: 'wacid.C1',
            timestamp: String(T0 + 50),
            type: 'audio',
            audio: { id: 'media1', mime_type: 'audio/ogg; codecs=opus' },
          },
        ],
      }),
    ];
    await s.feed(...bodies);
    const snapshot = () =>
      JSON.stringify({ threads: s.store.listThreads(), items: s.store.timeline(s.store.listThreads()[0]!.id, { limit: 100 }) });
    const before = snapshot();
    // Same events in different bodies (a retry with other bytes) and a full replay.
    await s.feed(...bodies.map((b) => ({ ...b, extra: 'retry' })));
    s.db.prepare("UPDATE kv SET value = '0' WHERE key = 'threads.cursor'").run();
    s.store.catchUp();
    expect(snapshot()).toBe(before);
    const items = s.store.timeline(s.store.listThreads()[0]!.id);
    expect(items.map((i) => `${i.kind}:${i.type}:${i.status ?? ''}`).sort()).toEqual([
      'call:call:missed',
      'message:text:',
      'system:permission_granted:',
    ]);
    expect(items.find((i) => i.kind === 'call')!.data['voicemail']).toMatchObject({ id: 'media1' });
    expect(s.store.listThreads()[0]).toMatchObject({ unreadCount: 1, missedCalls: 1 });
  });

  it("moves an outgoing message's status only forward, including a status that arrived first", async () => {
    const s = setup();
    await s.feed(statusUpdate('wamid.OUT2', 'delivered', T0));
    s.store.addOutgoingMessage({
      contact: { waId: '5511987650001', userId: null, parentUserId: null, profileName: null, username: null },
      wamid: 'wamid.OUT2',
      type: 'text',
      body: 'early',
    });
    expect(s.store.timeline(s.store.listThreads()[0]!.id)[0]!.status).toBe('delivered');
    const m = s.store.addOutgoingMessage({
      contact: { waId: '5511987650001', userId: null, parentUserId: null, profileName: null, username: null },
      wamid: 'wamid.OUT',
      type: 'text',
      body: 'Sim, das 8h às 18h',
    });
    expect(m.status).toBe('sent');
    await s.feed(
      statusUpdate('wamid.OUT', 'read', T0 + 2),
      statusUpdate('wamid.OUT', 'delivered', T0 + 1),
      statusUpdate('wamid.OUT', 'sent', T0),
    );
    const item = s.store.item(m.id)!;
    expect(item.status).toBe('read');
    expect((item.data['statusHistory'] as Array<{ status: string }>).map((h) => h.status).sort()).toEqual(['delivered', 'read', 'sent']);
  });

  it('merges a BSUID-only contact with its phone number twin when both turn out to be one person', async () => {
    const s = setup();
    await s.feed(
      envelope('messages', {
        contacts: [{ profile: { name: 'Carlos' }, user_id: 'MX.4' }],
        messages: [{ from_user_id: 'MX.4', id: 'wamid.B1', timestamp: String(T0), type: 'text', text: { body: 'from username' } }],
      }),
    );
    await s.feed(textMessage('wamid.B2', '5215512345678', 'from phone', T0 + 10));
    expect(s.store.listThreads()).toHaveLength(2);
    // A later event names both: the same customer.
    await s.feed(
      envelope('messages', {
        contacts: [{ profile: { name: 'Carlos' }, wa_id: '5215512345678', user_id: 'MX.4' }],
        messages: [
          { from: '5215512345678', from_user_id: 'MX.4', id: 'wamid.B3', timestamp: String(T0 + 20), type: 'text', text: { body: 'both' } },
        ],
      }),
    );
    const threads = s.store.listThreads();
    expect(threads).toHaveLength(1);
    expect(threads[0]!.contact).toMatchObject({ waId: '5215512345678', userId: 'MX.4' });
    expect(s.store.timeline(threads[0]!.id).map((i) => i.body)).toEqual(['both', 'from phone', 'from username']);
    // Nothing the owner had not read is lost in the merge (it used to keep only one thread's count).
    expect(threads[0]!.unreadCount).toBe(3);
  });

  it('keeps a missed call the owner already saw as seen when twins merge (it used to come back)', async () => {
    const s = setup();
    await s.feed(call('wacid.M1', 'terminate', { status: 'FAILED', ts: T0 + 1 }), call('wacid.M1', 'connect', { ts: T0 }));
    const phoneThread = s.store.listThreads()[0]!;
    expect(phoneThread.missedCalls).toBe(1);
    s.store.markRead(phoneThread.id);
    await s.feed(
      envelope('messages', {
        contacts: [{ profile: { name: 'Ana' }, user_id: 'BR.9' }],
        messages: [{ from_user_id: 'BR.9', id: 'wamid.U1', timestamp: String(T0 + 5), type: 'text', text: { body: 'from username' } }],
      }),
    );
    expect(s.store.listThreads()).toHaveLength(2);
    await s.feed(
      envelope('messages', {
        contacts: [{ profile: { name: 'Ana' }, wa_id: '5511987650001', user_id: 'BR.9' }],
        messages: [
          { from: '5511987650001', from_user_id: 'BR.9', id: 'wamid.U2', timestamp: String(T0 + 20), type: 'text', text: { body: 'both' } },
        ],
      }),
    );
    const [merged] = s.store.listThreads();
    expect(s.store.listThreads()).toHaveLength(1);
    expect(merged).toMatchObject({ missedCalls: 0, unreadCount: 2 });
    expect(s.store.badgeTotals()).toEqual({ unread: 2, missed: 0 });
  });

  it('records call outcomes: answered BIC with duration, declined, not answered, terminate before connect', async () => {
    const s = setup();
    const bicTerm = (id: string, status: string, duration?: number) =>
      callEvent({
        id,
        event: 'terminate',
        direction: 'outgoing',
        customer: { waId: '5511987650001', name: 'Ana', userId: 'BR.1' },
        timestamp: T0 + 60,
        extra: { status, ...(duration ? { duration } : {}) },
      });
    await s.feed(bicStatus('wacid.A', 'RINGING'), bicStatus('wacid.A', 'ACCEPTED', T0 + 5), bicTerm('wacid.A', 'COMPLETED', 42));
    await s.feed(bicStatus('wacid.D', 'RINGING'), bicStatus('wacid.D', 'REJECTED', T0 + 3), bicTerm('wacid.D', 'FAILED'));
    await s.feed(bicStatus('wacid.N', 'RINGING'), bicTerm('wacid.N', 'FAILED'));
    await s.feed(call('wacid.X', 'terminate', { status: 'FAILED', ts: T0 + 1 }), call('wacid.X', 'connect', { ts: T0 }));
    const items = s.store.timeline(s.store.listThreads()[0]!.id);
    const byId = Object.fromEntries(items.map((i) => [i.metaId, i]));
    expect(byId['wacid.A']).toMatchObject({ direction: 'out', status: 'completed', data: { durationSeconds: 42 } });
    expect(byId['wacid.D']!.status).toBe('declined');
    expect(byId['wacid.N']!.status).toBe('no_answer');
    expect(byId['wacid.X']).toMatchObject({ direction: 'in', status: 'missed' });
    expect(items.filter((i) => i.metaId === 'wacid.X')).toHaveLength(1);
  });
});

describe('thread store: reading', () => {
  it('pages a long timeline with a keyset cursor, newest first, without overlap', async () => {
    const s = setup();
    await s.feed(...Array.from({ length: 120 }, (_, i) => textMessage(`wamid.K${i}`, '5511987650001', `message ${i}`, T0 + i)));
    const threadId = s.store.listThreads()[0]!.id;
    const pages: string[][] = [];
    let before = null as { at: string; id: number } | null;
    for (;;) {
      const page = s.store.timeline(threadId, { limit: 50, before });
      if (page.length === 0) break;
      pages.push(page.map((i) => i.body ?? ''));
      const last = page.at(-1)!;
      before = { at: last.at, id: last.id };
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20]);
    const all = pages.flat();
    expect(all[0]).toBe('message 119');
    expect(all.at(-1)).toBe('message 0');
    expect(new Set(all).size).toBe(120);
  });

  it('finds messages by words (accents ignored) and contacts by name or number; hostile input is harmless', async () => {
    const s = setup();
    await s.feed(
      textMessage('wamid.S1', '5511987650001', 'Quero um café com pão de queijo', T0),
      textMessage('wamid.S2', '4915112340002', 'Guten Tag, ist der Laden offen?', T0 + 1),
    );
    expect(s.store.searchItems('cafe').map((h) => h.snippet)).toEqual(['Quero um \u0001café\u0002 com pão de queijo']);
    expect(s.store.searchItems('laden off')).toHaveLength(1);
    expect(s.store.searchContacts('4915112')).toHaveLength(1);
    expect(s.store.searchContacts('ana')).toHaveLength(2); // both senders' profiles are named Ana
    for (const evil of ['"', "'); DROP TABLE items; --", 'NEAR(a b)', '*', 'a OR', ''])
      expect(() => s.store.searchItems(evil)).not.toThrow();
    expect(toFtsQuery('  ')).toBeNull();
  });

  it('filters threads by unread and missed calls, and marks read', async () => {
    const s = setup();
    await s.feed(
      textMessage('wamid.U1', '5511987650001', 'unread', T0),
      call('wacid.M1', 'connect', { ts: T0 }, '4915112340002'),
      call('wacid.M1', 'terminate', { status: 'FAILED', ts: T0 + 5 }, '4915112340002'),
    );
    expect(s.store.listThreads({ filter: 'unread' }).map((t) => t.contact.waId)).toEqual(['5511987650001']);
    expect(s.store.listThreads({ filter: 'missed' }).map((t) => t.contact.waId)).toEqual(['4915112340002']);
    const t = s.store.listThreads({ filter: 'unread' })[0]!;
    expect(s.store.markRead(t.id)).toBe('wamid.U1');
    expect(s.store.listThreads({ filter: 'unread' })).toEqual([]);
    // Opening the thread with the missed call clears its badge too.
    s.store.markRead(s.store.listThreads({ filter: 'missed' })[0]!.id);
    expect(s.store.listThreads({ filter: 'missed' })).toEqual([]);
  });
});
