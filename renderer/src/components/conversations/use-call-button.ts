/**
 * Sending a "call us" button to the customer, and copying the business's call link: the form's
 * state and steps. The thread header owns it; CallButtonForm.vue draws it.
 */
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useComposerStore } from '../../stores/composer.store.ts';
import { errorText } from '../../format/error-text.ts';

export function useCallButton(threadId: () => number) {
  const composer = useComposerStore();
  const { t } = useI18n();
  const sending = ref(false);
  const form = ref<{ body: string; label: string; payload: string } | null>(null);
  const note = ref<{ tone: 'ok' | 'danger'; text: string } | null>(null);

  function open(): void {
    note.value = null;
    form.value = { body: t('outgoing.callButton.bodyDefault'), label: t('outgoing.callButton.labelDefault'), payload: '' };
  }

  async function send(): Promise<void> {
    const f = form.value;
    if (!f || sending.value) return;
    sending.value = true;
    try {
      await composer.sendCallButton(threadId(), f);
      form.value = null;
      note.value = { tone: 'ok', text: t('outgoing.callButton.sent') };
    } catch (err) {
      note.value = { tone: 'danger', text: t('outgoing.callButton.failed', { reason: errorText(err) }) };
    } finally {
      sending.value = false;
    }
  }

  async function copyLink(): Promise<void> {
    try {
      // The desktop app copies in main; in the browser host the page copies.
      const { url, copied } = await composer.callLink();
      if (!copied) await navigator.clipboard.writeText(url);
      note.value = { tone: 'ok', text: t('outgoing.menu.callLinkCopied', { url }) };
    } catch (err) {
      note.value = { tone: 'danger', text: t('outgoing.menu.callLinkFailed', { reason: errorText(err) }) };
    }
  }

  return { sending, form, note, open, send, copyLink };
}

export type CallButtonState = ReturnType<typeof useCallButton>;
