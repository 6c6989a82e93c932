import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { useThreadsStore } from '../../../renderer/src/stores/threads.store.ts';
import type { TimelineItem } from '../../../common/bridge-contract.ts';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { item, pageThreads, pageTimeline, thread } from '../support/thread-fixtures.ts';

let fake: FakeTransport;
function setup(handlers: FakeHandlers) {
  fake = createFakeTransport({ openThread: () => ({ opened: true as const }), ...handlers });
  setBridge(createBridge(fake));
  return useThreadsStore();
}
const callsOf = (name: string) => fake.calls.filter((c) => c.name === name).map((c) => c.params as Record<string, unknown>);

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => {
  vi.useRealTimers();
  setBridge(null);
});

describe('threads store: the list', () => {
  it('loads threads in keyset pages, and a filter starts over with main filtering', async () => {
    const all = Array.from({ length: 120 }, (_, i) => thread(i + 1, { unreadCount: i % 10 === 0 ? 2 : 0 }));
    const s = setup({ listThreads: pageThreads(all) });
    await s.start();
    expect(s.threads).toHaveLength(50);
    expect(s.listNext).toEqual({ at: all[49]!.lastItemAt, id: 50 });
    await s.loadMore();
    await s.loadMore();
    expect(s.threads.map((t) => t.id)).toEqual(all.map((t) => t.id));
    expect(s.listNext).toBeNull();
    expect(callsOf('listThreads').map((p) => (p['after'] as { id: number } | null)?.id ?? null)).toEqual([null, 50, 100]);

    s.setFilter('unread');
    await flushPromises();
    expect(s.threads.map((t) => t.id)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91, 101, 111]);
    expect(callsOf('listThreads').at(-1)).toMatchObject({ filter: 'unread', after: null });
  });

  it('refreshes the list and the open thread when main says threads changed', async () => {
    const threads = [thread(1), thread(2)];
    const items: TimelineItem[] = [item(1), item(2)];
    const s = setup({ listThreads: () => ({ threads, next: null }), getTimeline: pageTimeline(() => items) });
    await s.start();
    await s.select(1);
    expect(s.items.map((i) => i.id)).toEqual([1, 2]);

    items.push(item(3, { body: 'Are you open today?' }));
    threads.unshift({ ...thread(3), lastItem: { kind: 'message', type: 'text', direction: 'in', body: 'New customer', status: null } });
    fake.emit('threadsChanged', { threadIds: [1, 3] });
    await flushPromises();
    expect(s.threads.map((t) => t.id)).toEqual([3, 1, 2]);
    expect(s.items.map((i) => i.body)).toEqual(['Message 1', 'Message 2', 'Are you open today?']);
    // Only the open thread's newest page is fetched again.
    expect(callsOf('getTimeline').at(-1)).toMatchObject({ threadId: 1, before: null });
  });
});

describe('threads store: overlapping requests', () => {
  it('a refresh overtaking a page, or a thread switch during an older page, leaves nothing stuck loading', async () => {
    const all = Array.from({ length: 120 }, (_, i) => thread(i + 1));
    let hold: (() => void) | null = null;
    const items = Array.from({ length: 200 }, (_, i) => item(i + 1));
    const s = setup({
      listThreads: async (p) => {
        if (p.after) await new Promise<void>((r) => (hold = r));
        return pageThreads(all)(p);
      },
      getTimeline: async (p) => {
        if (p.before) await new Promise<void>((r) => (hold = r));
        return pageTimeline(() => items.map((i) => ({ ...i, threadId: p.threadId })))(p);
      },
    });
    await s.start();
    const more = s.loadMore();
    await flushPromises();
    expect(s.listLoading).toBe(true);
    await s.refreshList();
    hold!();
    await more;
    expect(s.listLoading).toBe(false);

    await s.select(1);
    const older = s.loadOlder();
    await flushPromises();
    expect(s.olderLoading).toBe(true);
    await s.select(2);
    hold!();
    await older;
    expect(s.olderLoading).toBe(false);
    expect(s.items.every((i) => i.threadId === 2)).toBe(true);
  });

  it('marks new messages read when they arrive in the open thread', async () => {
    const threads = [thread(1)];
    const s = setup({ listThreads: () => ({ threads, next: null }), getTimeline: pageTimeline(() => [item(1)]) });
    await s.start();
    await s.select(1);
    expect(callsOf('openThread')).toHaveLength(1);
    threads[0] = { ...threads[0]!, unreadCount: 1 };
    fake.emit('threadsChanged', { threadIds: [1] });
    await flushPromises();
    expect(callsOf('openThread')).toHaveLength(2);
    // Its own echo (unread back to 0) does not open it again.
    threads[0] = { ...threads[0]!, unreadCount: 0 };
    fake.emit('threadsChanged', { threadIds: [1] });
    await flushPromises();
    expect(callsOf('openThread')).toHaveLength(2);
  });
});

describe('threads store: the open thread', () => {
  it('opens a thread: newest page first (drawn oldest first), marks it read, loads older pages', async () => {
    const items = Array.from({ length: 150 }, (_, i) => item(i + 1));
    const s = setup({
      listThreads: () => ({ threads: [thread(1, { unreadCount: 3 })], next: null }),
      getTimeline: pageTimeline(() => items),
    });
    await s.start();
    await s.select(1);
    expect(s.items).toHaveLength(60);
    expect(s.items[0]!.id).toBe(91);
    expect(s.items.at(-1)!.id).toBe(150);
    expect(callsOf('openThread')).toEqual([{ threadId: 1 }]);
    expect(s.threads[0]!.unreadCount).toBe(0);
    expect(s.hasOlder).toBe(true);
    await s.loadOlder();
    await s.loadOlder();
    expect(s.items.map((i) => i.id)).toEqual(items.map((i) => i.id));
    expect(s.hasOlder).toBe(false);
  });

  it('jumps to an old search hit with one request for a page centred on it, then scrolls either way', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => item(i + 1));
    const s = setup({ listThreads: () => ({ threads: [thread(1)], next: null }), getTimeline: pageTimeline(() => items) });
    await s.start();
    await s.jumpTo({ itemId: 7, threadId: 1, at: items[6]!.at, snippet: 'x', line: null });
    expect(s.items.some((i) => i.id === 7)).toBe(true);
    expect(s.focusItemId).toBe(7);
    // One request, however old the hit: not 3,000 items paged in from the newest.
    expect(callsOf('getTimeline')).toEqual([expect.objectContaining({ threadId: 1, aroundItemId: 7 })]);
    expect(s.items.map((i) => i.id)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    expect(s.hasOlder).toBe(false);
    expect(s.hasNewer).toBe(true);
    await s.loadNewer();
    expect(s.items.map((i) => i.id)).toEqual(Array.from({ length: 97 }, (_, i) => i + 1));
    // Jump to latest: the newest page, and the timeline is live again.
    await s.showLatest();
    expect(s.hasNewer).toBe(false);
    expect(s.items.at(-1)!.id).toBe(3000);
    expect(s.items).toHaveLength(60);
  });

  it('in a window opened at an old hit, new messages do not leave a gap, and sending returns to the latest', async () => {
    const items = Array.from({ length: 500 }, (_, i) => item(i + 1));
    const s = setup({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => items),
      sendTextMessage: () => item(502, { direction: 'out', body: 'On my way', status: 'sent' }),
    });
    await s.start();
    await s.jumpTo({ itemId: 100, threadId: 1, at: items[99]!.at, snippet: 'x', line: null });
    const shown = s.items.map((i) => i.id);
    items.push(item(501, { body: 'Hello?' }));
    fake.emit('threadsChanged', { threadIds: [1] });
    await flushPromises();
    // The newest page is not adjacent to the window: nothing of it is appended.
    expect(s.items.map((i) => i.id)).toEqual(shown);
    expect(await s.send('On my way')).toBe(true);
    expect(s.hasNewer).toBe(false);
    expect(s.items.slice(-3).map((i) => i.id)).toEqual([500, 501, 502]);
  });

  it('sends optimistically: a pending bubble at once, replaced by main’s item', async () => {
    let answer!: (i: TimelineItem) => void;
    const s = setup({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)]),
      sendTextMessage: () => new Promise<TimelineItem>((r) => (answer = r)),
    });
    await s.start();
    await s.select(1);
    const done = s.send('  Yes, we deliver!  ');
    await Promise.resolve();
    const pending = s.items.at(-1)!;
    expect(pending).toMatchObject({ id: expect.any(Number), status: 'sending', body: 'Yes, we deliver!', direction: 'out' });
    expect(pending.id).toBeLessThan(0);
    answer(item(2, { direction: 'out', body: 'Yes, we deliver!', status: 'sent' }));
    expect(await done).toBe(true);
    expect(s.items.map((i) => `${i.id}:${i.status}`)).toEqual(['1:null', '2:sent']);
    expect(s.threads[0]!.lastItem).toMatchObject({ direction: 'out', body: 'Yes, we deliver!' });
  });

  it('does not show a message twice when threadsChanged brings it before the send answers', async () => {
    const items: TimelineItem[] = [item(1)];
    let answer!: (i: TimelineItem) => void;
    const s = setup({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => items),
      sendTextMessage: () => new Promise<TimelineItem>((r) => (answer = r)),
    });
    await s.start();
    await s.select(1);
    const done = s.send('Hi');
    items.push(item(2, { direction: 'out', body: 'Hi', status: 'sending' }));
    fake.emit('threadsChanged', { threadIds: [1] });
    await flushPromises();
    expect(s.items.map((i) => i.id)).toEqual([1, 2]);
    answer(item(2, { direction: 'out', body: 'Hi', status: 'sent' }));
    await done;
    expect(s.items.map((i) => `${i.id}:${i.status}`)).toEqual(['1:null', '2:sent']);
  });

  it('keeps a failed message with its reason and retries it', async () => {
    const failed = item(2, {
      direction: 'out',
      body: 'Total: R$ 40',
      status: 'failed',
      data: { error: { code: 131026, message: 'Message undeliverable' } },
    });
    const s = setup({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)]),
      sendTextMessage: () => failed,
      retryMessage: () => item(3, { direction: 'out', body: 'Total: R$ 40', status: 'sent' }),
    });
    await s.start();
    await s.select(1);
    expect(await s.send('Total: R$ 40')).toBe(true);
    expect(s.items.at(-1)).toMatchObject({ id: 2, status: 'failed', data: { error: { message: 'Message undeliverable' } } });
    await s.retry(2);
    expect(callsOf('retryMessage')).toEqual([{ itemId: 2 }]);
    expect(s.items.map((i) => `${i.id}:${i.status}`)).toEqual(['1:null', '3:sent']);
  });

  it('keeps the text as a failed bubble when main cannot be reached, and retries it as a new send', async () => {
    let fail = true;
    const s = setup({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)]),
      sendTextMessage: () =>
        fail
          ? { error: { code: 'not_connected', message: 'Connect your WhatsApp number first.' } }
          : item(5, { direction: 'out', body: 'Hi', status: 'sent' }),
    });
    await s.start();
    await s.select(1);
    expect(await s.send('Hi')).toBe(false);
    const local = s.items.at(-1)!;
    expect(local).toMatchObject({ status: 'failed', data: { error: { message: 'Connect your WhatsApp number first.' } } });
    fail = false;
    await s.retry(local.id);
    expect(s.items.map((i) => `${i.id}:${i.status}`)).toEqual(['1:null', '5:sent']);
  });

  it('outside the 24-hour window: nothing is sent, and a refusal from main closes the window', async () => {
    let open = false;
    const s = setup({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: (p) => pageTimeline(() => [item(1)], { open, expiresAt: '2026-11-20T10:00:00.000Z' })(p),
      sendTextMessage: () => ({ error: { code: 'window_closed', message: 'More than 24 hours have passed.' } }),
    });
    await s.start();
    await s.select(1);
    expect(s.windowState).toEqual({ open: false, expiresAt: '2026-11-20T10:00:00.000Z' });
    expect(await s.send('Hello?')).toBe(false);
    expect(callsOf('sendTextMessage')).toHaveLength(0);

    // Main thought otherwise when we looked, but the window closed before the send.
    open = true;
    s.close();
    await s.select(1);
    expect(s.windowState.open).toBe(true);
    expect(await s.send('Hello?')).toBe(false);
    expect(s.windowState.open).toBe(false);
    expect(s.items.map((i) => i.id)).toEqual([1]);
  });

  it('closes the window locally when it runs out while the thread is open', async () => {
    const s = setup({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)], { open: true, expiresAt: '2026-11-25T10:00:00.000Z' }),
    });
    await s.start();
    await s.select(1);
    s.expireWindow(Date.parse('2026-11-25T09:59:00.000Z'));
    expect(s.windowState.open).toBe(true);
    s.expireWindow(Date.parse('2026-11-25T10:00:01.000Z'));
    expect(s.windowState.open).toBe(false);
  });
});

describe('threads store: search', () => {
  it('debounces, combines message hits with contact matches, and names threads not loaded yet', async () => {
    vi.useFakeTimers();
    const all = Array.from({ length: 80 }, (_, i) => thread(i + 1));
    const s = setup({
      listThreads: pageThreads(all),
      search: (p) => ({
        hits: [
          {
            itemId: 900,
            threadId: 75,
            at: '2025-11-20T10:00:00.000Z',
            snippet: `…sugar-free \u0001${p.query}\u0002 for Christmas`,
            line: null,
          },
        ],
        contactIds: [all[1]!.contact.id],
      }),
    });
    await s.start();
    expect(s.threads).toHaveLength(50);
    s.setQuery('p');
    s.setQuery('pa');
    s.setQuery('panettone');
    expect(s.searching).toBe(true);
    await vi.advanceTimersByTimeAsync(250);
    await flushPromises();
    expect(callsOf('search')).toEqual([{ query: 'panettone', limit: 50 }]);
    expect(s.contactResults.map((t) => t.id)).toEqual([2]);
    // Thread 75 was not on the first page: the store looked it up.
    expect(s.messageResults).toEqual([{ hit: expect.objectContaining({ itemId: 900 }), thread: expect.objectContaining({ id: 75 }) }]);
    expect(s.searching).toBe(false);

    s.setQuery('');
    expect(s.searchActive).toBe(false);
    expect(s.messageResults).toEqual([]);
  });

  it('matches numbers however they are typed', async () => {
    vi.useFakeTimers();
    const s = setup({
      listThreads: pageThreads([thread(1), thread(2, {}, { waId: '4915112340002' })]),
      search: () => ({ hits: [], contactIds: [] }),
    });
    await s.start();
    s.setQuery('+49 151 1234');
    await vi.advanceTimersByTimeAsync(250);
    await flushPromises();
    expect(s.contactResults.map((t) => t.id)).toEqual([2]);
  });
});
