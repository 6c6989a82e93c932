/**
 * "Never lose a caller" (issue 17) in the window, with the fake bridge: the dial pad's reading of
 * numbers and its permission check, the Call button's warning before the 3rd and 4th unanswered
 * call, the missed-call reply card and the pickup guard card, and the status bar's pickup warning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import type { CallerGuardView, MissedCallReply, ResultOf } from '../../../common/bridge-contract.ts';
import { MissedCallReply as MissedCallReplySchema } from '../../../common/bridge-contract.ts';
import { createBridge, setBridge } from '../../../renderer/src/bridge/bridge.ts';
import DialPad from '../../../renderer/src/components/calls/DialPad.vue';
import ConversationsView from '../../../renderer/src/components/conversations/ConversationsView.vue';
import MissedCallReplyCard from '../../../renderer/src/components/settings/calling/MissedCallReplyCard.vue';
import PickupGuardCard from '../../../renderer/src/components/settings/calling/PickupGuardCard.vue';
import StatusBar from '../../../renderer/src/components/StatusBar.vue';
import { parseDial } from '../../../renderer/src/format/dial.ts';
import { createAppI18n } from '../../../renderer/src/i18n/index.ts';
import { useAppStore } from '../../../renderer/src/stores/app.store.ts';
import { useDialPadStore } from '../../../renderer/src/stores/dial-pad.store.ts';
import { useThreadsStore } from '../../../renderer/src/stores/threads.store.ts';
import { connectedAccount } from '../support/calling-fixtures.ts';
import { createFakeTransport, sampleStatus, type FakeHandlers, type FakeTransport } from '../support/fake-bridge.ts';
import { pageTimeline, thread, item } from '../support/thread-fixtures.ts';

type Permission = ResultOf<'getCallPermission'>;

let wrapper: VueWrapper | null = null;
let fake: FakeTransport;
let pinia: Pinia;

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  setBridge(null);
});

const NONE: Permission = {
  status: 'none',
  expiresAt: null,
  canCall: false,
  callBlockedReason: 'This customer has not given permission to be called. Ask them first.',
  canRequest: true,
  requestBlockedReason: null,
  requestNeedsTemplate: true,
  unansweredInARow: 0,
};
const GRANTED: Permission = { ...NONE, status: 'permanent', canCall: true, callBlockedReason: null, canRequest: false };

const connectedStatus = () => sampleStatus({ account: { state: 'connected', detail: '5511955550100' } });

function setup(handlers: FakeHandlers): void {
  fake = createFakeTransport({ getStatus: connectedStatus, getAccount: () => connectedAccount(), ...handlers });
  setBridge(createBridge(fake));
  pinia = createPinia();
}
const requests = (name: string) => fake.calls.filter((c) => c.name === name).map((c) => c.params);

describe('reading a dialled number', () => {
  it('takes any form: international, national with the trunk prefix, an international prefix, bare digits with the country code', () => {
    for (const s of ['+55 (11) 98765-0001', '011 98765 0001', '(11) 98765-0001', '0055 11 98765 0001', '5511987650001'])
      expect(parseDial(s, 'BR'), s).toMatchObject({
        waId: '5511987650001',
        international: '+55 11 98765 0001',
        country: 'BR',
        valid: true,
      });
    expect(parseDial('0151 12340002', 'DE')).toMatchObject({ waId: '4915112340002', country: 'DE' });
    expect(parseDial('+44 7700 900003', 'BR')).toMatchObject({ waId: '447700900003', valid: false });
    for (const s of ['', 'abc', '12', '+55 11 9876a']) expect(parseDial(s, 'BR'), s).toBeNull();
  });
});

describe('dial pad', () => {
  it('reads the number in the business’s country, checks the permission, and offers Ask to call or Call', async () => {
    let permission = NONE;
    setup({ checkNumber: () => ({ threadId: null, permission }) });
    await useAppStore(pinia).start();
    wrapper = mount(DialPad, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    const pad = useDialPadStore(pinia);
    pad.open('');
    await flushPromises();
    await wrapper.get('[data-testid="dial-pad-input"]').setValue('011 98765 0001');
    expect(wrapper.get('[data-testid="dial-pad-number"]').attributes('data-wa-id')).toBe('5511987650001');
    expect(wrapper.get('[data-testid="dial-pad-country"]').element).toHaveProperty('value', 'BR');
    await pad.checkNow();
    await flushPromises();
    expect(requests('checkNumber')).toContainEqual({ waId: '5511987650001' });
    expect(wrapper.get('[data-testid="dial-pad-status"]').attributes('data-state')).toBe('none');
    expect(wrapper.find('[data-testid="dial-pad-ask"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="dial-pad-call"]').exists()).toBe(false);

    permission = { ...GRANTED, unansweredInARow: 3 };
    await pad.checkNow();
    await flushPromises();
    expect(wrapper.get('[data-testid="dial-pad-status"]').attributes('data-state')).toBe('permanent');
    expect(wrapper.get('[data-testid="dial-pad-call"]').attributes('disabled')).toBeUndefined();
    // Three unanswered calls in a row: the next one, unanswered, costs the permission.
    expect(wrapper.get('[data-testid="dial-pad-warning"]').text()).toContain('WhatsApp takes away your permission');

    await wrapper.get('[data-testid="dial-pad-input"]').setValue('not a number');
    expect(wrapper.get('[data-testid="dial-pad-status"]').attributes('data-state')).toBe('not-a-number');
  });

  it('opens prefilled when main asks (a click-to-call link for a number with no conversation)', async () => {
    setup({ checkNumber: () => ({ threadId: null, permission: NONE }) });
    wrapper = mount(DialPad, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    await flushPromises();
    fake.emit('dialNumber', { waId: '5511987650077' });
    await flushPromises();
    const pad = useDialPadStore(pinia);
    expect(pad.isOpen).toBe(true);
    expect((wrapper.get('[data-testid="dial-pad-input"]').element as HTMLInputElement).value).toBe('+5511987650077');
  });
});

describe('Call button before the 3rd and 4th unanswered call', () => {
  async function header(unanswered: number): Promise<VueWrapper> {
    setup({
      openThread: () => ({ opened: true as const }),
      listThreads: () => ({ threads: [thread(1)], next: null }),
      getTimeline: pageTimeline(() => [item(1)], { open: true, expiresAt: '2099-01-01T00:00:00.000Z' }),
      getCallPermission: () => ({ ...GRANTED, unansweredInARow: unanswered }),
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
          origin: null,
        }) as ResultOf<'placeCall'>,
    });
    wrapper = mount(ConversationsView, { global: { plugins: [pinia, createAppI18n()] }, attachTo: document.body });
    await flushPromises();
    await useThreadsStore(pinia).select(1);
    await flushPromises();
    return wrapper;
  }

  it('one unanswered call: no warning, Call calls', async () => {
    const w = await header(1);
    expect(w.get('[data-testid="thread-call"]').attributes('data-warning')).toBe('none');
    await w.get('[data-testid="thread-call"]').trigger('click');
    await flushPromises();
    expect(requests('placeCall')).toEqual([{ threadId: 1 }]);
  });

  it('two: warns that one more after this costs the permission, and asks before calling', async () => {
    const w = await header(2);
    expect(w.get('[data-testid="thread-call"]').attributes('data-warning')).toBe('last_but_one');
    expect(w.get('[data-testid="call-warning"]').text()).toContain(
      'If this one goes unanswered too, one more will cost your permission to call.',
    );
    await w.get('[data-testid="thread-call"]').trigger('click');
    await flushPromises();
    expect(requests('placeCall')).toEqual([]);
    await w.get('[data-testid="call-anyway"]').trigger('click');
    await flushPromises();
    expect(requests('placeCall')).toEqual([{ threadId: 1 }]);
  });

  it('three: warns that WhatsApp revokes the permission if this one is not answered; Cancel places nothing', async () => {
    const w = await header(3);
    expect(w.get('[data-testid="call-warning"]').attributes('data-level')).toBe('revoke');
    await w.get('[data-testid="thread-call"]').trigger('click');
    await flushPromises();
    await w.get('[data-testid="call-warning-cancel"]').trigger('click');
    await flushPromises();
    expect(w.find('[data-testid="call-anyway"]').exists()).toBe(false);
    expect(requests('placeCall')).toEqual([]);
  });
});

const guardView = (over: Partial<CallerGuardView> = {}): CallerGuardView => ({
  threshold: 80,
  day: { answered: 1, total: 4, rate: 25, below: true },
  week: { answered: 9, total: 10, rate: 90, below: false },
  lowering: [
    {
      itemId: 7,
      threadId: 1,
      contact: { id: 1, waId: '5511987650001', userId: null, profileName: 'Ana Souza', username: null, ownerName: null, country: 'BR' },
      at: '2026-11-25T11:00:00.000Z',
      status: 'missed',
    },
  ],
  streaks: [],
  computedAt: '2026-11-25T12:00:00.000Z',
  ...over,
});

describe('pickup guard', () => {
  it('the status bar says when customers’ calls are picked up below the threshold, and follows the pushed view', async () => {
    setup({ getCallerGuard: () => guardView() });
    await useAppStore(pinia).start();
    wrapper = mount(StatusBar, { global: { plugins: [pinia, createAppI18n()] } });
    await flushPromises();
    expect(wrapper.get('[data-testid="pickup-indicator"]').text()).toBe('Pickup 25% (below 80%)');
    fake.emit('callerGuard', guardView({ day: { answered: 4, total: 4, rate: 100, below: false } }));
    await flushPromises();
    expect(wrapper.find('[data-testid="pickup-indicator"]').exists()).toBe(false);
  });

  it('the card shows both rates, the calls that lowered them, what WhatsApp reports, and saves the threshold', async () => {
    const status = {
      ...connectedStatus(),
      warnings: [
        {
          kind: 'restriction' as const,
          key: 'restriction:RESTRICTED_USER_INITIATED_CALLING_CALL_BUTTON_HIDDEN',
          text: 'WhatsApp is hiding the call button from customers (too many unanswered calls).',
          until: null,
          at: '2026-11-25T10:00:00.000Z',
        },
      ],
    };
    setup({ getStatus: () => status, getCallerGuard: () => guardView(), setPickupThreshold: (p) => guardView({ threshold: p.threshold }) });
    await useAppStore(pinia).start();
    wrapper = mount(PickupGuardCard, { global: { plugins: [pinia, createAppI18n()] } });
    await flushPromises();
    expect(wrapper.get('[data-testid="pickup-day"]').text()).toContain('25%');
    expect(wrapper.get('[data-testid="pickup-day"]').text()).toContain('Below 80%');
    expect(wrapper.get('[data-testid="pickup-week"]').text()).not.toContain('Below');
    expect(wrapper.get('[data-testid="pickup-whatsapp"]').text()).toContain('hiding the call button');
    expect(wrapper.get('[data-testid="pickup-button-hidden-fix"]').text()).toContain('Display call buttons');
    expect(wrapper.get('[data-testid="pickup-call-7"]').text()).toContain('Ana Souza');
    await wrapper.get('[data-testid="pickup-threshold"]').setValue('50');
    await flushPromises();
    expect(requests('setPickupThreshold')).toEqual([{ threshold: 50 }]);
  });
});

describe('missed-call reply card', () => {
  it('is off by default; turning it on and editing the text save at once; the preview fills the variables in', async () => {
    let reply: MissedCallReply = MissedCallReplySchema.parse({});
    setup({
      getMissedCallReply: () => reply,
      setMissedCallReply: (p) => (reply = { ...reply, ...p } as MissedCallReply),
      listTemplates: () => ({
        templates: [
          {
            name: 'missed_call_followup',
            language: 'en',
            category: 'UTILITY',
            body: 'Hi {{1}}, sorry we missed your call. We are open again {{2}}.',
            parameterCount: 2,
            buttons: ['VOICE_CALL'],
          },
        ],
      }),
    });
    wrapper = mount(MissedCallReplyCard, { global: { plugins: [pinia, createAppI18n()] } });
    await flushPromises();
    const toggle = wrapper.get('[data-testid="missed-reply-enabled"]');
    expect(toggle.attributes('aria-checked')).toBe('false');
    expect(wrapper.get('[data-testid="missed-reply-fields"]').attributes('disabled')).toBeDefined();
    await toggle.trigger('click');
    await flushPromises();
    expect(requests('setMissedCallReply')).toEqual([{ enabled: true }]);
    const text = wrapper.get('[data-testid="missed-reply-text"]');
    await text.setValue('Oi {name}! Abrimos {next_opening}.');
    await text.trigger('change');
    await flushPromises();
    expect(requests('setMissedCallReply')).toContainEqual({ text: 'Oi {name}! Abrimos {next_opening}.' });
    // No call hours known: open "now".
    expect(wrapper.get('[data-testid="missed-reply-preview"]').text()).toContain('Oi Ana! Abrimos now.');
    await wrapper.get('[data-testid="missed-reply-template"]').setValue('missed_call_followup\u0000en');
    await flushPromises();
    expect(requests('setMissedCallReply')).toContainEqual({
      template: { name: 'missed_call_followup', language: 'en', values: [{ kind: 'name' }, { kind: 'next_opening' }] },
    });
    expect(wrapper.findAll('[data-testid^="missed-reply-value-"]')).toHaveLength(2);
  });
});
