/**
 * The "Ask to call" form's state and steps. The thread header owns it (it lives as long as the
 * header, so the chosen template and its values survive the strip closing); AskToCall.vue draws it.
 */
import { computed, nextTick, ref, watch } from 'vue';
import { useCallPermissionStore } from '../../stores/call-permission.store.ts';
import { useComposerStore } from '../../stores/composer.store.ts';

export const keyOf = (x: { name: string; language: string }): string => `${x.name}\u0000${x.language}`;

export function useAskToCall() {
  const store = useCallPermissionStore();
  const composer = useComposerStore();
  const perm = computed(() => store.permission);

  /** The template chooser is open. */
  const choosing = ref(false);
  const chosen = ref('');
  /** The template select (AskToCall.vue binds it), focused when the chooser opens. */
  const askSelect = ref<HTMLSelectElement | null>(null);
  const permissionTemplates = computed(() => composer.templates.filter((x) => x.buttons.includes('CALL_PERMISSION_REQUEST')));

  async function ask(): Promise<void> {
    const p = perm.value;
    if (!p?.canRequest || store.askState === 'sending') return;
    if (!p.requestNeedsTemplate) {
      await store.askToCall();
      return;
    }
    choosing.value = true;
    await composer.loadTemplates();
    if (!chosen.value || !permissionTemplates.value.some((x) => keyOf(x) === chosen.value))
      chosen.value = permissionTemplates.value[0] ? keyOf(permissionTemplates.value[0]) : '';
    await nextTick();
    askSelect.value?.focus();
  }

  /** The chosen template's numbered values (a template's body can need some, e.g. an order number). */
  const askValues = ref<string[]>([]);
  const chosenTemplate = computed(() => permissionTemplates.value.find((x) => keyOf(x) === chosen.value) ?? null);
  watch(chosenTemplate, (tpl) => {
    askValues.value = Array.from({ length: tpl?.parameterCount ?? 0 }, (_, i) => askValues.value[i] ?? '');
  });
  const askValuesMissing = computed(() => askValues.value.some((v) => !v.trim()));

  async function askWithTemplate(): Promise<void> {
    const tpl = chosenTemplate.value;
    if (!tpl || askValuesMissing.value) return;
    if (await store.askToCall({ name: tpl.name, language: tpl.language, parameters: askValues.value.map((v) => v.trim()) }))
      choosing.value = false;
  }

  /** "Request sent" stays until the answer arrives (a grant makes Call speak for itself). */
  const askSent = computed(() => store.askState === 'sent' && !perm.value?.canCall);

  return { choosing, chosen, askSelect, permissionTemplates, askValues, askValuesMissing, askSent, ask, askWithTemplate };
}

export type AskToCallForm = ReturnType<typeof useAskToCall>;
