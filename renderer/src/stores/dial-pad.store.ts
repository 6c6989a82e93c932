/**
 * The dial pad (issue 17): call a number that has no conversation yet. The number is typed or
 * pasted in any form and read with the business's own country by default (format/dial.ts); main
 * checks WhatsApp's call permission for it before anything else (`checkNumber`, which creates
 * nothing). Call creates the conversation and calls; without permission, "Ask to call" creates the
 * conversation and opens it with the thread header's Ask-to-call flow started (`askPending`).
 *
 * Opened from the Conversations header's "New call", Ctrl/Cmd+Shift+K, and click-to-call links for
 * a number without a conversation (main's `dialNumber` event, prefilled).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CountryCode } from 'libphonenumber-js/min';
import type { ResultOf } from '../../../common/bridge-contract.ts';
import { useBridge } from '../bridge/bridge.ts';
import { parseDial } from '../format/dial.ts';
import { errorText } from '../format/error-text.ts';
import { phoneCountry } from '../format/phone.ts';
import { useAppStore } from './app.store.ts';
import { useCallsStore } from './calls.store.ts';
import { openThreadAt } from './open-thread.ts';

type Check = ResultOf<'checkNumber'>;

export const useDialPadStore = defineStore('dial-pad', () => {
  const app = useAppStore();
  const isOpen = ref(false);
  const input = ref('');
  /** The country a number without its own country code is read in (null: the business's own). */
  const chosenCountry = ref<CountryCode | null>(null);
  /** The business's country, from its own number. */
  const homeCountry = computed<CountryCode | null>(() => {
    const own = app.status?.account.state === 'connected' ? app.status.account.detail : null;
    return own ? phoneCountry(own) : null;
  });
  const country = computed<CountryCode | null>(() => chosenCountry.value ?? homeCountry.value);
  const parsed = computed(() => parseDial(input.value, country.value));

  const checking = ref(false);
  const check = shallowRef<(Check & { waId: string }) | null>(null);
  const checkError = ref<string | null>(null);
  const busy = ref<'call' | 'ask' | null>(null);
  const actionError = ref<string | null>(null);
  /** The conversation whose header should start "Ask to call" as soon as it shows (set by ask()). */
  const askPending = ref<number | null>(null);
  let seq = 0;

  /** The permission shown is the one of the number typed now. */
  const current = computed(() => (check.value && parsed.value && check.value.waId === parsed.value.waId ? check.value : null));

  function open(prefill?: string): void {
    if (prefill !== undefined) {
      input.value = prefill;
      chosenCountry.value = null;
    }
    actionError.value = null;
    isOpen.value = true;
  }

  function close(): void {
    isOpen.value = false;
    busy.value = null;
  }

  function setInput(value: string): void {
    input.value = value;
    actionError.value = null;
  }

  function setCountry(code: CountryCode | null): void {
    chosenCountry.value = code;
  }

  /** Asks main whether the number typed now may be called (WhatsApp's call permission for it). */
  async function checkNow(): Promise<void> {
    const n = parsed.value;
    if (!n) return;
    const mine = ++seq;
    checking.value = true;
    checkError.value = null;
    try {
      const res = await useBridge().request('checkNumber', { waId: n.waId });
      if (mine !== seq) return;
      check.value = { ...res, waId: n.waId };
    } catch (err) {
      if (mine === seq) checkError.value = errorText(err);
    } finally {
      if (mine === seq) checking.value = false;
    }
  }

  async function conversation(): Promise<number | null> {
    const n = parsed.value;
    if (!n) return null;
    return (await useBridge().request('openNumber', { waId: n.waId })).threadId;
  }

  /** Creates the conversation if needed and calls; the call panel takes over, the conversation opens. */
  async function call(): Promise<boolean> {
    if (busy.value || !current.value?.permission.canCall) return false;
    busy.value = 'call';
    actionError.value = null;
    try {
      const threadId = await conversation();
      if (threadId === null) return false;
      const calls = useCallsStore();
      const view = await calls.placeCall(threadId);
      if (!view) {
        actionError.value = calls.dialError;
        void checkNow();
        return false;
      }
      close();
      void openThreadAt(threadId);
      return true;
    } catch (err) {
      actionError.value = errorText(err);
      return false;
    } finally {
      busy.value = null;
    }
  }

  /** No permission yet: creates the conversation and opens it with "Ask to call" started in its header. */
  async function ask(): Promise<boolean> {
    if (busy.value || !current.value?.permission.canRequest) return false;
    busy.value = 'ask';
    actionError.value = null;
    try {
      const threadId = await conversation();
      if (threadId === null) return false;
      askPending.value = threadId;
      close();
      await openThreadAt(threadId);
      return true;
    } catch (err) {
      actionError.value = errorText(err);
      return false;
    } finally {
      busy.value = null;
    }
  }

  /** Its conversation already exists: open it instead. */
  function openConversation(): void {
    const threadId = current.value?.threadId;
    if (threadId === null || threadId === undefined) return;
    close();
    void openThreadAt(threadId);
  }

  let started = false;
  /** Click-to-call links for a number with no conversation open the dial pad with it. */
  function start(): void {
    if (started) return;
    started = true;
    useBridge().on('dialNumber', ({ waId }) => open(`+${waId}`));
  }

  return {
    isOpen,
    input,
    chosenCountry,
    homeCountry,
    country,
    parsed,
    checking,
    check,
    checkError,
    current,
    busy,
    actionError,
    askPending,
    open,
    close,
    setInput,
    setCountry,
    checkNow,
    call,
    ask,
    openConversation,
    start,
  };
});
