/**
 * Outgoing (issues 6 and 7) with the fake bridge: the header's call permission, Call and "Ask to
 * call"; "Send a template" outside the 24-hour window; voicemails, photos and voice messages
 * fetched on demand; "Export conversation…" as a download.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import ConversationsView from '../../../renderer/src/components/conversations/ConversationsView.vue';
import CallCard from '../../../renderer/src/components/conversations/CallCard.vue';
import MessageBubble from '../../../renderer/src/components/conversations/MessageBubble.vue';
import { fillTemplate, permissionUntil } from '../../../renderer/src/components/conversations/thread-format.ts';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useThreadsStore } from '../../../renderer/src/stores/threads.store.ts';
import type { ResultOf, TimelineItem } from '../../../common/bridge-contract.ts';
import { createFakeTransport, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { item, pageTimeline, thread } from '../support/thread-fixtures.ts';

type Permission = ResultOf<'getCallPermission'>;
type Templates = ResultOf<'listTemplates'>['templates'];

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;
let pinia: Pinia;

const NONE: Permission = {
  status: 'none',
  expiresAt: null,
  canCall: false,
  callBlockedReason: 'This customer has not given permission to be called. Ask them first.',
  canRequest: true,
  requestBlockedReason: null,
  requestNeedsTemplate: false,
};
const GRANTED: Permission = {
  ...NONE,
  status: 'temporary',
  expiresAt: '2026-12-02T14:00:00.000Z',
  canCall: true,
  callBlockedReason: null,
  canRequest: false,
  requestBlockedReason: 'WhatsApp allows 1 permission requests a day; the limit is reached.',
};
const TEMPLATES: Templates = [
  {
    name: 'order_update',
    language: 'en',
    category: 'UTILITY',
    body: 'Hi {{1}}, your order {{2}} is ready.',
    parameterCount: 2,
    buttons: [],
  },
  {
    name: 'may_we_call',
    language: 'en',
    category: 'MARKETING',
    body: 'May we call you about your order?',
    parameterCount: 0,
    buttons: ['CALL_PERMISSION_REQUEST'],
  },
  { name: 'call_us', language: 'pt_BR', category: 'UTILITY', body: 'Ligue para nós!', parameterCount: 0, buttons: ['VOICE_CALL'] },
];

beforeEach(() => {
  // happy-dom: blob: URLs are enough to be recognisable.
  let n = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:test/${++n}`);
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
  vi.restoreAllMocks();
});

async function openThread(handlers: FakeHandlers, window = { open: true, expiresAt: '2026-11-26T12:00:00.000Z' }): Promise<VueWrapper> {
  fake = createFakeTransport({
    openThread: () => ({ opened: true as const }),
    listThreads: () => ({ threads: [thread(1)], next: null }),
    getTimeline: pageTimeline(() => [item(1)], window),
    getCallPermission: () => NONE,
    ...handlers,
  });
  setBridge(createBridge(fake));
  pinia = createPinia();
  wrapper = mount(ConversationsView, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
  await flushPromises();
  await useThreadsStore(pinia).select(1);
  await flushPromises();
  return wrapper;
}

/** The window closed long ago (main sends the time it ran out). */
const CLOSED = { open: false, expiresAt: '2026-11-20T10:00:00.000Z' };

const requests = (name: string) => fake.calls.filter((c) => c.name === name).map((c) => c.params);

describe('thread header: call permission and Call', () => {
  it('without permission: says so, Call is disabled with the reason, "Ask to call" sends the request; a grant enables Call', async () => {
    let permission = NONE;
    const items: TimelineItem[] = [item(1)];
    const w = await openThread({
      getCallPermission: () => permission,
      getTimeline: pageTimeline(() => items),
      requestCallPermission: () => ({ wamid: 'wamid.ask' }),
      placeCall: (p) =>
        ({
          localId: 'c1',
          callId: null,
          direction: 'outgoing',
          state: 'preparing',
          outcome: null,
          reason: null,
          threadId: p.threadId,
          startedAt: '2026-11-25T12:00:00.000Z',
          answerDeadline: null,
        }) as ResultOf<'placeCall'>,
    });
    expect(requests('getCallPermission')).toEqual([{ threadId: 1 }]);
    expect(w.get('[data-testid="call-permission"]').text()).toContain('No permission to call');
    const call = w.get('[data-testid="thread-call"]');
    expect(call.attributes('aria-disabled')).toBe('true');
    expect(w.get('[data-testid="thread-call-tip"]').text()).toBe(NONE.callBlockedReason);
    expect(call.attributes('aria-describedby')).toBe('call-blocked-tip');
    // Visible for keyboard users too, not only on hover.
    expect(w.get('[data-testid="call-blocked-reason"]').text()).toBe(NONE.callBlockedReason);
    await call.trigger('click');
    await flushPromises();
    expect(requests('placeCall')).toEqual([]);

    await w.get('[data-testid="ask-to-call"]').trigger('click');
    await flushPromises();
    expect(requests('requestCallPermission')).toEqual([{ threadId: 1 }]);
    expect(w.get('[data-testid="ask-sent"]').text()).toContain('Request sent — you’ll see their answer here.');
    expect(w.find('[data-testid="ask-to-call"]').exists()).toBe(false);

    // The customer accepts: the reply lands in the thread and the header asks main again.
    permission = GRANTED;
    items.push(
      item(2, { kind: 'system', type: 'permission_granted', direction: 'in', body: null, data: { expiresAt: GRANTED.expiresAt } }),
    );
    const before = requests('getCallPermission').length;
    fake.emit('threadsChanged', { threadIds: [1] });
    await flushPromises();
    expect(requests('getCallPermission').length).toBe(before + 1);
    expect(w.get('[data-testid="call-permission"]').text()).toContain(`Can call until ${permissionUntil(GRANTED.expiresAt!, 'en')}`);
    expect(w.get('[data-testid="call-permission"]').attributes('data-state')).toBe('temporary');
    expect(w.get('[data-testid="thread-call"]').attributes('aria-disabled')).toBeUndefined();
    expect(w.find('[data-testid="call-strip"]').exists()).toBe(false); // the answer came: nothing more to say
    expect(useThreadsStore(pinia).askState).toBe('idle');
    await w.get('[data-testid="thread-call"]').trigger('click');
    await flushPromises();
    expect(requests('placeCall')).toEqual([{ threadId: 1 }]);

    // A message that is not about permission does not ask main again.
    items.push(item(3));
    fake.emit('threadsChanged', { threadIds: [1] });
    await flushPromises();
    expect(requests('getCallPermission').length).toBe(before + 1);
  });

  it('a declined request: "Request sent" gives way to why asking again is not possible', async () => {
    let permission = NONE;
    const items: TimelineItem[] = [item(1)];
    const w = await openThread({
      getCallPermission: () => permission,
      getTimeline: pageTimeline(() => items),
      requestCallPermission: () => ({ wamid: 'wamid.ask' }),
    });
    await w.get('[data-testid="ask-to-call"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="ask-sent"]').exists()).toBe(true);
    permission = { ...NONE, canRequest: false, requestBlockedReason: 'WhatsApp allows 1 permission requests a day; the limit is reached.' };
    items.push(item(2, { kind: 'system', type: 'permission_declined', direction: 'in', body: null }));
    fake.emit('threadsChanged', { threadIds: [1] });
    await flushPromises();
    expect(w.find('[data-testid="ask-sent"]').exists()).toBe(false);
    expect(w.get('[data-testid="ask-blocked"]').text()).toContain('the limit is reached');
    expect(w.get('[data-testid="thread-call"]').attributes('aria-disabled')).toBe('true');
  });

  it('permanent permission: "Can always call"; a refused call says why in plain words', async () => {
    const w = await openThread({
      getCallPermission: () => ({
        ...GRANTED,
        status: 'permanent',
        expiresAt: null,
        requestBlockedReason: 'The customer has already given permanent permission.',
      }),
      placeCall: () => ({
        error: { code: 'no_permission', message: 'WhatsApp allows 100 connected calls to the same customer a day; the limit is reached.' },
      }),
    });
    expect(w.get('[data-testid="call-permission"]').text()).toContain('Can always call');
    expect(w.find('[data-testid="call-strip"]').exists()).toBe(false);
    await w.get('[data-testid="thread-call"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="call-error"]').text()).toBe(
      'The call couldn’t start: WhatsApp allows 100 connected calls to the same customer a day; the limit is reached.',
    );
  });

  it('outside the window "Ask to call" offers only templates with a call-permission button', async () => {
    const w = await openThread(
      {
        getCallPermission: () => ({ ...NONE, requestNeedsTemplate: true }),
        listTemplates: () => ({ templates: TEMPLATES }),
        requestCallPermission: () => ({ wamid: 'wamid.t' }),
      },
      CLOSED,
    );
    await w.get('[data-testid="ask-to-call"]').trigger('click');
    await flushPromises();
    const options = w.findAll('[data-testid="ask-template-select"] option').map((o) => o.text());
    expect(options).toEqual(['may_we_call (en)']);
    await w.get('[data-testid="ask-template-send"]').trigger('click');
    await flushPromises();
    expect(requests('requestCallPermission')).toEqual([{ threadId: 1, template: { name: 'may_we_call', language: 'en', parameters: [] } }]);
    expect(w.find('[data-testid="ask-template"]').exists()).toBe(false);
    expect(w.find('[data-testid="ask-sent"]').exists()).toBe(true);
  });

  it('asks for the values a permission template needs, and sends them', async () => {
    const withValues = [
      {
        name: 'call_about_order',
        language: 'en',
        category: 'UTILITY',
        body: 'May we call you about order {{1}}?',
        parameterCount: 1,
        buttons: ['CALL_PERMISSION_REQUEST'],
      },
    ];
    const w = await openThread(
      {
        getCallPermission: () => ({ ...NONE, requestNeedsTemplate: true }),
        listTemplates: () => ({ templates: withValues }),
        requestCallPermission: () => ({ wamid: 'wamid.v' }),
      },
      CLOSED,
    );
    await w.get('[data-testid="ask-to-call"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="ask-template-send"]').attributes('disabled')).toBeDefined();
    await w.get('[data-testid="ask-template-value-1"]').setValue('A-1042');
    await w.get('[data-testid="ask-template-send"]').trigger('click');
    await flushPromises();
    expect(requests('requestCallPermission')).toEqual([
      { threadId: 1, template: { name: 'call_about_order', language: 'en', parameters: ['A-1042'] } },
    ]);
  });

  it('says why asking is not possible, and shows a failed request in plain words', async () => {
    const w = await openThread({
      getCallPermission: () => ({
        ...NONE,
        canRequest: false,
        requestBlockedReason: 'WhatsApp allows 2 permission requests a week; the limit is reached.',
      }),
    });
    expect(w.find('[data-testid="ask-to-call"]').exists()).toBe(false);
    expect(w.get('[data-testid="ask-blocked"]').text()).toBe(
      'Can’t ask right now: WhatsApp allows 2 permission requests a week; the limit is reached.',
    );
    wrapper!.unmount();
    const v = await openThread({
      requestCallPermission: () => ({ error: { code: 'graph_138009', message: 'Too many requests to this customer.' } }),
    });
    await v.get('[data-testid="ask-to-call"]').trigger('click');
    await flushPromises();
    expect(v.get('[data-testid="ask-failed"]').text()).toBe('The request wasn’t sent: Too many requests to this customer.');
    expect(v.find('[data-testid="ask-to-call"]').exists()).toBe(true);
  });

  it('a permission check that fails says so and can be retried', async () => {
    let fail = true;
    const w = await openThread({
      getCallPermission: () => (fail ? { error: { code: 'graph_613', message: 'WhatsApp is busy; try again shortly.' } } : NONE),
    });
    expect(w.get('[data-testid="call-permission"]').text()).toContain(
      'Couldn’t check call permission: WhatsApp is busy; try again shortly.',
    );
    expect(w.get('[data-testid="thread-call"]').attributes('aria-disabled')).toBe('true');
    fail = false;
    await w.get('[data-testid="permission-retry"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="call-permission"]').text()).toContain('No permission to call');
  });
});

describe('composer outside the window: Send a template', () => {
  it('picks a template, fills its values with a live preview, and sends it', async () => {
    const sent: unknown[] = [];
    const w = await openThread(
      {
        listTemplates: () => ({ templates: TEMPLATES }),
        sendTemplate: (p) => {
          sent.push(p);
          return item(5, { direction: 'out', type: 'template', body: 'Hi Ana, your order 42 is ready.', status: 'sent' });
        },
      },
      CLOSED,
    );
    expect(w.get('[data-testid="composer-closed"]').text()).toContain(
      'WhatsApp only allows approved template messages until they write again.',
    );
    await w.get('[data-testid="template-open"]').trigger('click');
    await flushPromises();
    const picker = w.get('[data-testid="template-picker"]');
    expect(picker.findAll('[data-testid="template-select"] option').map((o) => o.text())).toEqual([
      'order_update · en · utility',
      'may_we_call · en · marketing',
      'call_us · pt_BR · utility',
    ]);
    expect(picker.get('[data-testid="template-preview"]').text()).toBe('Hi {{1}}, your order {{2}} is ready.');
    // Sending with empty values is refused before anything leaves.
    await picker.get('form').trigger('submit');
    await flushPromises();
    expect(sent).toEqual([]);
    expect(picker.text()).toContain('Fill in every value before sending.');
    await picker.get('[data-testid="template-param-1"]').setValue('Ana');
    expect(picker.get('[data-testid="template-preview"]').text()).toBe('Hi Ana, your order {{2}} is ready.');
    await picker.get('[data-testid="template-param-2"]').setValue('42');
    expect(picker.get('[data-testid="template-preview"]').text()).toBe('Hi Ana, your order 42 is ready.');
    await picker.get('[data-testid="template-send"]').trigger('click');
    await flushPromises();
    expect(sent).toEqual([{ threadId: 1, name: 'order_update', language: 'en', parameters: ['Ana', '42'] }]);
    expect(w.find('[data-testid="template-picker"]').exists()).toBe(false);
    expect(w.get('[data-testid="item-5"]').text()).toContain('Hi Ana, your order 42 is ready.');
    expect(w.get('[data-testid="item-5"]').text()).not.toContain('can’t be shown');
  });

  it('shows Graph’s refusal and an empty template list in plain words', async () => {
    const w = await openThread(
      {
        listTemplates: () => ({ templates: [TEMPLATES[1]!] }),
        sendTemplate: () => ({ error: { code: 'graph_132001', message: 'This template doesn’t exist in that language.' } }),
      },
      CLOSED,
    );
    await w.get('[data-testid="template-open"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="template-send"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="template-error"]').text()).toBe('The template wasn’t sent: This template doesn’t exist in that language.');
    wrapper!.unmount();
    const v = await openThread({ listTemplates: () => ({ templates: [] }) }, CLOSED);
    await v.get('[data-testid="template-open"]').trigger('click');
    await flushPromises();
    expect(v.get('[data-testid="template-none"]').text()).toContain('no approved templates yet');
  });

  it('fills templates as text, never HTML', () => {
    expect(fillTemplate('A {{1}} b {{2}}', ['<b>x</b>'])).toEqual([
      { text: 'A ', param: false, n: 0 },
      { text: '<b>x</b>', param: true, n: 1 },
      { text: ' b ', param: false, n: 0 },
      { text: '', param: true, n: 2 },
    ]);
  });
});

describe('media on demand', () => {
  function mountRow(component: typeof CallCard | typeof MessageBubble, props: { item: TimelineItem }, handlers: FakeHandlers): VueWrapper {
    fake = createFakeTransport(handlers);
    setBridge(createBridge(fake));
    pinia = createPinia();
    wrapper = mount(component as typeof CallCard, { props, global: { plugins: [pinia, createAppI18n()] } });
    return wrapper;
  }
  const b64 = btoa('OggS fake audio');

  it('plays a voicemail inside its call card', async () => {
    const w = mountRow(
      CallCard,
      {
        item: item(7, {
          kind: 'call',
          type: 'call',
          status: 'missed',
          body: null,
          data: { voicemail: { id: 'vm1', mime_type: 'audio/ogg' } },
        }),
      },
      { getMedia: () => ({ mimeType: 'audio/ogg', base64: b64, bytes: 15 }) },
    );
    expect(w.find('audio').exists()).toBe(false);
    await w.get('[data-testid="play-voicemail"]').trigger('click');
    await flushPromises();
    expect(requests('getMedia')).toEqual([{ itemId: 7 }]);
    const audio = w.get('[data-testid="voicemail-audio"]');
    expect(audio.attributes('src')).toMatch(/^blob:/);
    expect(audio.attributes('controls')).toBeDefined();
    const blob = vi.mocked(URL.createObjectURL).mock.calls[0]![0] as Blob;
    expect(blob.type).toBe('audio/ogg');
    expect(blob.size).toBe(15);
    w.unmount();
    wrapper = null;
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:test/1');
  });

  it('says why a voicemail cannot be played (expired, too large)', async () => {
    const w = mountRow(
      CallCard,
      { item: item(7, { kind: 'call', type: 'call', status: 'missed', body: null, data: { voicemail: { id: 'vm1' } } }) },
      {
        getMedia: () => ({
          error: { code: 'graph_100', message: 'WhatsApp no longer has this file (media can be downloaded for 7 days).' },
        }),
      },
    );
    await w.get('[data-testid="play-voicemail"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="voicemail-error"]').text()).toBe('WhatsApp no longer has this file (media can be downloaded for 7 days).');
    expect(w.get('[data-testid="play-voicemail"]').text()).toContain('Try again');
  });

  it('shows an inbound photo and plays a voice message on request; too large is said plainly', async () => {
    const photo = item(8, { type: 'image', body: null, data: { message: { type: 'image', image: { id: 'img1', caption: 'The cake' } } } });
    const w = mountRow(MessageBubble, { item: photo }, { getMedia: () => ({ mimeType: 'image/jpeg', base64: b64, bytes: 15 }) });
    await w.get('[data-testid="media-load"]').trigger('click');
    await flushPromises();
    const img = w.get('[data-testid="media-photo"]');
    expect(img.attributes('src')).toMatch(/^blob:/);
    expect(img.attributes('alt')).toBe('The cake');
    expect(w.find('[data-testid="media-load"]').exists()).toBe(false);
    w.unmount();

    const voice = item(9, { type: 'audio', body: null, data: { message: { type: 'audio', audio: { id: 'a1', voice: true } } } });
    const v = mountRow(MessageBubble, { item: voice }, { getMedia: () => ({ mimeType: 'audio/ogg', base64: b64, bytes: 15 }) });
    expect(v.get('[data-testid="media-load"]').text()).toContain('Play');
    await v.get('[data-testid="media-load"]').trigger('click');
    await flushPromises();
    expect(v.get('[data-testid="media-audio"]').attributes('src')).toMatch(/^blob:/);
    v.unmount();

    const big = mountRow(
      MessageBubble,
      { item: photo },
      {
        getMedia: () => ({
          error: { code: 'too_large', message: 'This file is 40 MB; Switchboard shows files up to 16 MB. Open it on the phone instead.' },
        }),
      },
    );
    await big.get('[data-testid="media-load"]').trigger('click');
    await flushPromises();
    expect(big.get('[data-testid="media-error"]').text()).toBe(
      'This file is 40 MB; Switchboard shows files up to 16 MB. Open it on the phone instead.',
    );
    // Outgoing media and other kinds offer nothing to fetch.
    big.unmount();
    const doc = mountRow(
      MessageBubble,
      {
        item: item(10, {
          type: 'document',
          body: 'menu.pdf',
          data: { message: { type: 'document', document: { id: 'd', filename: 'menu.pdf' } } },
        }),
      },
      {},
    );
    expect(doc.find('[data-testid="media-load"]').exists()).toBe(false);
  });
});

describe('Export conversation…', () => {
  it('downloads JSON or CSV from the header menu without navigating', async () => {
    const clicked: Array<{ download: string; href: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    const w = await openThread({
      exportThread: (p) => ({
        filename: `switchboard-5511987650001.${p.format}`,
        mimeType: p.format === 'json' ? 'application/json' : 'text/csv',
        content: p.format === 'json' ? '{"items":[]}' : 'at,kind\r\n',
      }),
    });
    const button = w.get('[data-testid="thread-menu-button"]');
    expect(button.attributes('aria-haspopup')).toBe('menu');
    await button.trigger('click');
    await flushPromises();
    expect(button.attributes('aria-expanded')).toBe('true');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('export-json');
    // Arrow keys move through the items; Escape closes and returns focus.
    await w.get('[data-testid="thread-menu"]').trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('data-testid')).toBe('export-csv');
    await w.get('[data-testid="thread-menu"]').trigger('keydown', { key: 'Escape' });
    expect(w.find('[data-testid="thread-menu"]').exists()).toBe(false);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('thread-menu-button');

    await button.trigger('click');
    await flushPromises();
    await w.get('[data-testid="export-csv"]').trigger('click');
    await flushPromises();
    expect(requests('exportThread')).toEqual([{ threadId: 1, format: 'csv' }]);
    expect(clicked).toEqual([{ download: 'switchboard-5511987650001.csv', href: 'blob:test/1' }]);
    const blob = vi.mocked(URL.createObjectURL).mock.calls[0]![0] as Blob;
    expect(blob.type).toBe('text/csv');
    expect(await blob.text()).toBe('at,kind\r\n');
    expect(document.querySelector('a[download]')).toBeNull();
    expect(w.get('[data-testid="export-note"]').text()).toBe('Saved switchboard-5511987650001.csv');

    await button.trigger('click');
    await flushPromises();
    await w.get('[data-testid="export-json"]').trigger('click');
    await flushPromises();
    expect(clicked.at(-1)!.download).toBe('switchboard-5511987650001.json');
  });

  it('says when the export failed', async () => {
    const w = await openThread({ exportThread: () => ({ error: { code: 'not_found', message: 'That conversation no longer exists.' } }) });
    await w.get('[data-testid="thread-menu-button"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="export-json"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="export-note"]').text()).toBe('The export failed: That conversation no longer exists.');
  });
});

describe("the owner's name and notes for a customer", () => {
  it('edits them from the header menu and saves them through main', async () => {
    const w = await openThread({
      getThread: () => ({ thread: null, notes: 'old note' }),
      updateContact: (p: { ownerName: string | null; notes: string | null }) => ({ thread: null, notes: p.notes }),
    });
    await w.get('[data-testid="thread-menu-button"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="edit-contact"]').trigger('click');
    await flushPromises();
    expect((w.get('[data-testid="contact-notes"]').element as HTMLTextAreaElement).value).toBe('old note');
    await w.get('[data-testid="contact-name"]').setValue('Ana (bakery orders)');
    await w.get('[data-testid="contact-form"]').trigger('submit');
    await flushPromises();
    expect(requests('updateContact')).toEqual([{ threadId: 1, ownerName: 'Ana (bakery orders)', notes: 'old note' }]);
    expect(w.find('[data-testid="contact-form"]').exists()).toBe(false);
  });
});

describe('call button and call link', () => {
  it('sends a call button with a label and payload, and copies the call link', async () => {
    const w = await openThread({
      sendCallButton: () => ({ wamid: 'wamid.cb' }),
      getCallLink: () => ({ url: 'https://wa.me/call/5511955550100', copied: true }),
    });
    await w.get('[data-testid="thread-menu-button"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="send-call-button"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="call-button-label"]').setValue('Call the bakery');
    await w.get('[data-testid="call-button-payload"]').setValue('order-42');
    await w.get('[data-testid="call-button-form"]').trigger('submit');
    await flushPromises();
    expect(requests('sendCallButton')).toEqual([
      { threadId: 1, body: 'Tap to call us on WhatsApp.', displayText: 'Call the bakery', ttlMinutes: 10080, payload: 'order-42' },
    ]);
    expect(w.get('[data-testid="call-button-note"]').text()).toBe('Call button sent.');
    await w.get('[data-testid="thread-menu-button"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="copy-call-link"]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid="call-button-note"]').text()).toBe('Call link copied: https://wa.me/call/5511955550100');
  });
});
