/**
 * The call-back list and call log stores against a fake bridge: refreshing on pushed changes
 * (coalesced), marking done (gone at once, back if main refuses), the row's one action, the call
 * log's pages, filters and merge of a refreshed first page; and the permission line each row shows.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { useCallbacksStore } from '../../../renderer/src/stores/callbacks.store.ts';
import { useCallLogStore } from '../../../renderer/src/stores/call-log.store.ts';
import { permissionLine, whatHappened } from '../../../renderer/src/components/callbacks/callback-format.ts';
import type { CallbackEntry, CallLogEntry } from '../../../common/bridge-contract.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';

let fake: FakeTransport;
function setup(handlers: FakeHandlers) {
  fake = createFakeTransport(handlers);
  setBridge(createBridge(fake));
}
const callsOf = (name: string) => fake.calls.filter((c) => c.name === name).map((c) => c.params as Record<string, unknown>);

const NOW = new Date('2026-11-25T12:00:00Z');
const contact = (id: number) => ({
  id,
  waId: `5511987650${String(id).padStart(3, '0')}`,
  userId: null,
  profileName: `Customer ${id}`,
  username: null,
  ownerName: null,
  country: 'BR',
});
function entry(threadId: number, over: Partial<CallbackEntry> = {}): CallbackEntry {
  return {
    threadId,
    contact: contact(threadId),
    waitingSince: '2026-11-25T09:00:00.000Z',
    lastAt: '2026-11-25T10:00:00.000Z',
    upToItemId: threadId * 10,
    customerCalls: 2,
    ourCalls: 0,
    lastOutcome: 'missed',
    lastDirection: 'in',
    callbackRequestedAt: null,
    messagesSince: 0,
    lastMessage: null,
    permission: { status: 'none', expiresAt: null, requestsLeft: 1, nextRequestAt: null, askedAt: null },
    windowExpiresAt: '2026-11-26T09:00:00.000Z',
    ...over,
  };
}
function logEntry(itemId: number, at: string, over: Partial<CallLogEntry> = {}): CallLogEntry {
  return {
    itemId,
    threadId: 1,
    callId: `wacid.${itemId}`,
    contact: contact(1),
    at,
    direction: 'in',
    status: 'missed',
    durationSeconds: null,
    reason: null,
    origin: 'whatsapp',
    payload: null,
    voicemail: false,
    ...over,
  };
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  vi.useRealTimers();
  setBridge(null);
});

describe('call-back list store', () => {
  it('loads on start and refreshes once for a burst of pushed changes', async () => {
    vi.useFakeTimers();
    let rows = [entry(1)];
    setup({ listCallbacks: () => ({ callbacks: rows }) });
    const s = useCallbacksStore();
    await s.start();
    expect(s.count).toBe(1);
    rows = [entry(1), entry(2)];
    for (let i = 0; i < 5; i++) fake.emit('threadsChanged', { threadIds: [i] });
    await vi.advanceTimersByTimeAsync(200);
    expect(s.count).toBe(2);
    expect(callsOf('listCallbacks')).toHaveLength(2);
  });

  it('marking done hides the row at once; a newer call shows it again; a refusal brings it back with the reason', async () => {
    let rows = [entry(1), entry(2)];
    let refuse = false;
    setup({
      listCallbacks: () => ({ callbacks: rows }),
      markCallbackDone: () =>
        refuse ? { error: { code: 'not_found', message: 'That conversation no longer exists.' } } : { done: true as const },
    });
    const s = useCallbacksStore();
    await s.start();
    const done = s.markDone(s.rows[0]!);
    expect(s.rows.map((r) => r.threadId)).toEqual([2]);
    expect(await done).toBe(true);
    expect(callsOf('markCallbackDone')).toEqual([{ threadId: 1, upToItemId: 10 }]);
    // Main's answer still has it (the refresh came before the mark): it stays hidden…
    await s.load();
    expect(s.rows.map((r) => r.threadId)).toEqual([2]);
    // …until a newer call than the mark.
    rows = [entry(1, { upToItemId: 11 }), entry(2)];
    await s.load();
    expect(s.rows.map((r) => r.threadId)).toEqual([1, 2]);

    refuse = true;
    expect(await s.markDone(s.rows[1]!)).toBe(false);
    expect(s.rows.map((r) => r.threadId)).toEqual([1, 2]);
    expect(s.actions.get(2)).toEqual({ state: 'failed', error: 'That conversation no longer exists.' });
  });

  it('asks to call through requestCallPermission and says when it failed', async () => {
    let fail = false;
    setup({
      listCallbacks: () => ({ callbacks: [entry(1)] }),
      requestCallPermission: () => (fail ? { error: { code: 'graph_138009', message: 'Limit reached.' } } : { wamid: 'wamid.1' }),
    });
    const s = useCallbacksStore();
    await s.start();
    expect(await s.ask(s.rows[0]!)).toBe(true);
    expect(callsOf('requestCallPermission')).toEqual([{ threadId: 1 }]);
    expect(s.actions.get(1)?.state).toBe('asked');
    fail = true;
    expect(await s.ask(s.rows[0]!)).toBe(false);
    expect(s.actions.get(1)).toEqual({ state: 'failed', error: 'Limit reached.' });
  });
});

describe('call log store', () => {
  const all = Array.from({ length: 250 }, (_, i) => logEntry(1000 - i, new Date(Date.UTC(2026, 10, 25, 12) - i * 60_000).toISOString()));
  const page: FakeHandlers['listCallLog'] = (p) => {
    const from = p.before ? all.findIndex((c) => c.itemId === p.before!.id) + 1 : 0;
    const calls = all.slice(from, from + (p.limit ?? 100));
    const last = calls.at(-1);
    return { calls, next: calls.length === p.limit && last ? { at: last.at, id: last.itemId } : null };
  };

  it('pages with the keyset cursor, and a filter starts over', async () => {
    setup({ listCallLog: page });
    const s = useCallLogStore();
    s.open();
    await flushPromises();
    expect(s.calls).toHaveLength(100);
    await s.loadMore();
    await s.loadMore();
    expect(s.calls.map((c) => c.itemId)).toEqual(all.map((c) => c.itemId));
    expect(s.next).toBeNull();
    expect(callsOf('listCallLog').map((p) => (p['before'] as { id: number } | null)?.id ?? null)).toEqual([null, 901, 801]);
    s.setFilter('failed');
    await flushPromises();
    expect(callsOf('listCallLog').at(-1)).toMatchObject({ filter: 'failed', before: null });
    s.close();
  });

  it('merges a refreshed first page: new calls on top, changed ones replaced, older pages kept', async () => {
    vi.useFakeTimers();
    setup({ listCallLog: page });
    const s = useCallLogStore();
    s.open();
    await vi.advanceTimersByTimeAsync(0);
    await s.loadMore();
    expect(s.calls).toHaveLength(200);
    all.unshift(logEntry(2000, '2026-11-25T12:30:00.000Z', { direction: 'out', status: 'ringing', origin: 'business' }));
    all[1] = { ...all[1]!, voicemail: true };
    fake.emit('threadsChanged', { threadIds: [1] });
    await vi.advanceTimersByTimeAsync(200);
    expect(s.calls).toHaveLength(201);
    expect(s.calls[0]!.itemId).toBe(2000);
    expect(s.calls[1]!.voicemail).toBe(true);
    expect(s.calls.at(-1)!.itemId).toBe(all[200]!.itemId);
    s.close();
  });
});

describe('a call-back row’s words', () => {
  const { t } = createAppI18n().global;
  const tr = t as unknown as Parameters<typeof permissionLine>[1];

  it('says what happened, with the tries both ways', () => {
    expect(whatHappened(entry(1), tr)).toBe('Missed call · 2 tries');
    expect(whatHappened(entry(1, { customerCalls: 1, ourCalls: 2, lastOutcome: 'no_answer', lastDirection: 'out' }), tr)).toBe(
      'Your call was not answered · 1 try · you called back 2 times',
    );
    expect(
      whatHappened(entry(1, { customerCalls: 0, lastOutcome: null, lastDirection: null, callbackRequestedAt: NOW.toISOString() }), tr),
    ).toBe('Asked to be called back');
  });

  it('gives the permission and the one action it allows', () => {
    const line = (p: Partial<CallbackEntry['permission']>, over: Partial<CallbackEntry> = {}) =>
      permissionLine(entry(1, { ...over, permission: { ...entry(1).permission, ...p } }), tr, 'en', NOW);
    expect(line({ status: 'permanent', requestsLeft: 0 })).toMatchObject({ act: 'call', text: 'Can call at any time' });
    expect(line({ status: 'temporary', expiresAt: '2026-11-27T14:00:00.000Z' })).toMatchObject({ act: 'call', state: 'temporary' });
    expect(line({ status: 'temporary', expiresAt: '2026-11-27T14:00:00.000Z' }).text).toMatch(/^Can call until Fri \d/);
    // Ran out while the list was open: ask again.
    expect(line({ status: 'temporary', expiresAt: '2026-11-25T11:00:00.000Z' })).toMatchObject({ act: 'ask', state: 'ask' });
    expect(line({})).toMatchObject({ act: 'ask', text: 'Ask first — 1 request left today' });
    expect(line({}, { windowExpiresAt: '2026-11-25T11:59:00.000Z' })).toMatchObject({ act: 'ask-template', state: 'ask-template' });
    expect(line({ requestsLeft: 0, nextRequestAt: '2026-11-26T09:00:00.000Z', askedAt: '2026-11-25T09:00:00.000Z' })).toMatchObject({
      act: 'none',
      state: 'asked',
    });
    expect(line({ requestsLeft: 0, nextRequestAt: '2026-11-26T09:00:00.000Z' })).toMatchObject({ act: 'none', state: 'none' });
    expect(line({ requestsLeft: 0, nextRequestAt: '2026-11-26T09:00:00.000Z' }).text).toMatch(/^Ask first — no request left until Nov 26/);
    // The next request's time has come while the list was open.
    expect(line({ requestsLeft: 0, nextRequestAt: '2026-11-25T11:00:00.000Z' })).toMatchObject({ act: 'ask' });
  });
});
