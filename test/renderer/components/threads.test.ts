import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import { defineComponent, h } from 'vue';
import ConversationsView from '../../../renderer/src/components/conversations/ConversationsView.vue';
import MessageBubble from '../../../renderer/src/components/conversations/MessageBubble.vue';
import CallCard from '../../../renderer/src/components/conversations/CallCard.vue';
import VirtualList from '../../../renderer/src/components/conversations/VirtualList.vue';
import { snippetParts, previewOf, contactName } from '../../../renderer/src/components/conversations/thread-format.ts';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useThreadsStore } from '../../../renderer/src/stores/threads.store.ts';
import type { TimelineItem } from '../../../common/bridge-contract.ts';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { item, pageTimeline, thread } from '../support/thread-fixtures.ts';

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;
let pinia: Pinia;

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

function plugins() {
  pinia = createPinia();
  return [pinia, createAppI18n()];
}

async function mountView(handlers: FakeHandlers): Promise<VueWrapper> {
  fake = createFakeTransport({ openThread: () => ({ opened: true as const }), ...handlers });
  setBridge(createBridge(fake));
  wrapper = mount(ConversationsView, { global: { plugins: plugins() }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function mountOne<P extends Record<string, unknown>>(component: unknown, props: P): VueWrapper {
  wrapper = mount(component as ReturnType<typeof defineComponent>, { props, global: { plugins: plugins() } });
  return wrapper;
}

const i18n = createAppI18n();
const t = i18n.global.t as unknown as (key: string, named?: Record<string, unknown>) => string;

describe('thread list', () => {
  it('shows each customer with the preview, time and badges', async () => {
    const threads = [
      thread(
        1,
        { unreadCount: 3, lastItem: { kind: 'message', type: 'text', direction: 'in', body: 'Is the\ncake ready?', status: null } },
        { ownerName: 'Ana (cakes)' },
      ),
      thread(2, { missedCalls: 2, lastItem: { kind: 'call', type: 'call', direction: 'in', body: null, status: 'missed' } }),
      thread(
        3,
        { lastItem: { kind: 'message', type: 'text', direction: 'out', body: 'See you!', status: 'read' } },
        { profileName: null, waId: '4915112340002' },
      ),
      thread(
        4,
        { lastItem: { kind: 'message', type: 'image', direction: 'in', body: null, status: null } },
        { profileName: null, waId: null, username: 'carlos.mx' },
      ),
    ];
    const w = await mountView({ listThreads: () => ({ threads, next: null }) });
    const rows = w.findAll('[data-testid^="thread-row-"][data-thread-id]');
    expect(rows.map((r) => r.get('[data-testid="thread-row-name"]').text())).toEqual([
      'Ana (cakes)',
      'Customer 2',
      '+49 1511 2340002',
      '@carlos.mx',
    ]);
    expect(rows.map((r) => r.get('[data-testid="thread-row-preview"]').text())).toEqual([
      'Is the cake ready?',
      'Missed call',
      'You: See you!',
      'Photo',
    ]);
    expect(rows[0]!.get('[data-testid="unread-badge"]').text()).toBe('3');
    expect(rows[0]!.get('[data-testid="unread-badge"]').attributes('aria-label')).toBe('3 unread messages');
    expect(rows[1]!.get('[data-testid="missed-badge"]').text()).toBe('2');
    expect(rows[1]!.find('[data-testid="unread-badge"]').exists()).toBe(false);
    expect(w.find('[data-testid="threads-empty"]').exists()).toBe(false);
  });

  it('keeps the empty state when there is nothing, and moves through rows with the arrow keys', async () => {
    const w = await mountView({ listThreads: () => ({ threads: [], next: null }) });
    expect(w.get('[data-testid="threads-empty"]').text()).toContain('No conversations yet');
    wrapper!.unmount();
    const v = await mountView({
      listThreads: () => ({ threads: [thread(1), thread(2), thread(3)], next: null }),
      getTimeline: pageTimeline(() => [item(1)]),
    });
    const search = v.get('[data-testid="thread-search"]');
    (search.element as HTMLElement).focus();
    await search.trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('data-thread-id')).toBe('1');
    await v.get('[data-testid="thread-list-body"]').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('data-thread-id')).toBe('2');
    (document.activeElement as HTMLElement).click();
    await flushPromises();
    expect(fake.calls.filter((c) => c.name === 'openThread').map((c) => c.params)).toEqual([{ threadId: 2 }]);
    expect(v.get('[data-testid="thread-name"]').text()).toBe('Customer 2');
    expect(v.get('[data-testid="thread-row-2"]').attributes('aria-current')).toBe('true');
  });

  it('renders search snippets with <mark> for matches and never as HTML', async () => {
    const hostile = 'see \u0001<img src=x onerror="alert(1)">\u0002 and <b>bold</b>';
    const w = await mountView({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      search: () => ({ hits: [{ itemId: 9, threadId: 1, at: '2026-11-20T10:00:00.000Z', snippet: hostile, line: null }], contactIds: [] }),
    });
    const store = useThreadsStore(pinia);
    store.setQuery('img');
    await store.runSearch('img');
    await flushPromises();
    const snippet = w.get('[data-testid="search-snippet"]');
    expect(snippet.findAll('mark').map((m) => m.text())).toEqual(['<img src=x onerror="alert(1)">']);
    expect(snippet.find('img').exists()).toBe(false);
    expect(snippet.find('b').exists()).toBe(false);
    expect(snippet.text()).toContain('and <b>bold</b>');
  });
});

describe('timeline rows', () => {
  const out = (status: string, data: Record<string, unknown> = {}): TimelineItem => item(1, { direction: 'out', status, data });

  it('shows the status ticks of outgoing messages', () => {
    const expected: Record<string, string> = { sending: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read' };
    for (const [status, label] of Object.entries(expected)) {
      const w = mountOne(MessageBubble, { item: out(status) });
      const tick = w.get('[data-testid="message-status"]');
      expect(tick.attributes('data-status')).toBe(status);
      expect(tick.attributes('aria-label')).toBe(label);
      expect(tick.classes()).toContain(status === 'read' ? 'tick-read' : 'tick-muted');
      w.unmount();
    }
    const incoming = mountOne(MessageBubble, { item: item(1) });
    expect(incoming.find('[data-testid="message-status"]').exists()).toBe(false);
  });

  it('says why a message failed, in plain words, and offers Retry', async () => {
    const w = mountOne(MessageBubble, {
      item: out('failed', {
        error: { code: 131026, message: 'Message undeliverable', error_data: { details: 'The customer’s phone can’t receive it.' } },
      }),
    });
    expect(w.get('[data-testid="message-failed"]').text()).toContain('Not sent: The customer’s phone can’t receive it.');
    await w.get('[data-testid="message-retry"]').trigger('click');
    expect(w.emitted('retry')).toEqual([[1]]);
  });

  it('shows media as placeholders, unsupported types as such, and reactions on the bubble', () => {
    const cases: Array<[Partial<TimelineItem>, string]> = [
      [{ type: 'image', body: null, data: { message: { type: 'image', image: { id: 'm', caption: 'This one' } } } }, 'Photo'],
      [{ type: 'audio', body: null, data: { message: { type: 'audio', audio: { id: 'a', voice: true } } } }, 'Voice message'],
      [
        { type: 'document', body: 'menu.pdf', data: { message: { type: 'document', document: { id: 'd', filename: 'menu.pdf' } } } },
        'menu.pdf',
      ],
      [{ type: 'unsupported', body: null, data: { message: { type: 'unsupported' } } }, 'can’t be shown here yet (unsupported)'],
    ];
    for (const [over, text] of cases) {
      const w = mountOne(MessageBubble, { item: item(1, over) });
      expect(w.text()).toContain(text);
      w.unmount();
    }
    const reacted = mountOne(MessageBubble, { item: item(1, { data: { reactions: { customer: '👍' } } }) });
    expect(reacted.get('.reactions').text()).toBe('👍');
  });

  it('draws call cards for every outcome', () => {
    const call = (status: string, over: Partial<TimelineItem> = {}, data: Record<string, unknown> = {}): TimelineItem =>
      item(1, { kind: 'call', type: 'call', body: null, status, data, ...over });
    const text = (i: TimelineItem): string => {
      const w = mountOne(CallCard, { item: i });
      const s = w.text();
      w.unmount();
      return s;
    };
    expect(text(call('completed', {}, { durationSeconds: 272, ctaPayload: 'order-status' }))).toMatch(
      /Incoming call.*Lasted 4:32.*Called from: order-status/s,
    );
    expect(text(call('completed', { direction: 'out' }, { durationSeconds: 3725 }))).toMatch(/Outgoing call.*Lasted 1:02:05/s);
    expect(text(call('missed', {}, { voicemail: { id: 'v' } }))).toMatch(/Missed call.*Voicemail left/s);
    expect(text(call('declined', { direction: 'out' }))).toContain('Customer declined');
    expect(text(call('no_answer', { direction: 'out' }))).toContain('No answer');
    expect(text(call('failed', {}, { error: { code: 138006, message: 'The connection was lost.' } }))).toMatch(
      /Call failed.*The connection was lost\./s,
    );
  });
});

describe('virtual list', () => {
  it('renders only a window of rows for 10,000 items', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: i }));
    const Host = defineComponent({
      setup: () => () =>
        h(
          VirtualList as unknown as ReturnType<typeof defineComponent>,
          { rows, rowKey: (r: { id: number }) => `r${r.id}`, estimate: () => 40, bottomAnchored: true },
          { default: ({ row }: { row: { id: number } }) => h('p', { class: 'probe' }, `Row ${row.id}`) },
        ),
    });
    wrapper = mount(Host, { attachTo: document.body });
    await flushPromises();
    const rendered = wrapper.findAll('.probe');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(100);
    // Anchored at the bottom: the newest rows are the ones in the DOM.
    expect(rendered.at(-1)!.text()).toBe('Row 9999');
    expect((wrapper.get('.vl-spacer').element as HTMLElement).style.height).toBe('400000px');
  });

  it('shows a thread of 10,000 items with a bounded DOM', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => item(i + 1, { direction: i % 2 ? 'out' : 'in', status: i % 2 ? 'read' : null }));
    const w = await mountView({ listThreads: () => ({ threads: [thread(1)], next: null }), getTimeline: pageTimeline(() => items) });
    const store = useThreadsStore(pinia);
    await store.select(1);
    while (store.hasOlder) await store.loadOlder(500);
    await flushPromises();
    expect(store.items).toHaveLength(10_000);
    const bubbles = w.findAll('[data-kind="message"]');
    expect(bubbles.length).toBeGreaterThan(3);
    expect(bubbles.length).toBeLessThan(100);
  }, 20_000);
});

describe('composer', () => {
  it('sends with Enter, keeps Shift+Enter for new lines', async () => {
    const sent: string[] = [];
    const w = await mountView({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)]),
      sendTextMessage: (p) => {
        sent.push(p.text);
        return item(2, { direction: 'out', body: p.text, status: 'sent' });
      },
    });
    await useThreadsStore(pinia).select(1);
    await flushPromises();
    const input = w.get('[data-testid="composer-input"]');
    await input.setValue('Line one');
    await input.trigger('keydown', { key: 'Enter', shiftKey: true });
    expect(sent).toEqual([]);
    await input.setValue('Line one\nLine two');
    await input.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(sent).toEqual(['Line one\nLine two']);
    expect((input.element as HTMLTextAreaElement).value).toBe('');
  });

  it('is disabled with the reason outside the 24-hour window', async () => {
    const w = await mountView({
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)], { open: false, expiresAt: '2026-11-20T10:00:00.000Z' }),
    });
    await useThreadsStore(pinia).select(1);
    await flushPromises();
    expect(w.get('[data-testid="composer-closed"]').text()).toContain(
      'More than 24 hours since the customer last wrote — WhatsApp only allows approved template messages until they write again.',
    );
    expect(w.get('[data-testid="composer-input"]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid="composer-send"]').attributes('disabled')).toBeDefined();
  });

  it('counts toward the 4096-character limit', async () => {
    const w = await mountView({ listThreads: () => ({ threads: [thread(1)], next: null }), getTimeline: pageTimeline(() => [item(1)]) });
    await useThreadsStore(pinia).select(1);
    await flushPromises();
    await w.get('[data-testid="composer-input"]').setValue('x'.repeat(4100));
    expect(w.get('[data-testid="composer-count"]').text()).toBe('4100 / 4096');
    expect(w.get('[data-testid="composer-send"]').attributes('disabled')).toBeDefined();
  });
});

describe('formatting', () => {
  it('names customers and previews last items', () => {
    expect(
      contactName({ id: 1, waId: '5511987650001', userId: null, profileName: null, username: null, ownerName: null, country: null }),
    ).toBe('+55 11 98765 0001');
    expect(previewOf({ kind: 'call', type: 'call', direction: 'out', body: null, status: 'no_answer' }, t).text).toBe('No answer');
    expect(previewOf({ kind: 'message', type: 'document', direction: 'out', body: 'menu.pdf', status: 'sent' }, t).text).toBe(
      'You: Document · menu.pdf',
    );
    expect(snippetParts('a \u0001b\u0002 c')).toEqual([
      { text: 'a ', mark: false },
      { text: 'b', mark: true },
      { text: ' c', mark: false },
    ]);
  });
});
