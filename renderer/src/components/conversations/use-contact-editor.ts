/**
 * The owner's own name and notes for a customer: the form's state and steps. The thread header
 * owns it; ContactEditor.vue draws it.
 */
import { ref } from 'vue';
import { useContactStore, type ContactNotes } from '../../stores/contact.store.ts';
import { errorText } from '../../format/error-text.ts';

export function useContactEditor(threadId: () => number) {
  const contacts = useContactStore();
  const editing = ref(false);
  const form = ref<ContactNotes>({ name: '', notes: '' });
  const saving = ref(false);
  const error = ref<string | null>(null);

  async function open(): Promise<void> {
    error.value = null;
    form.value = await contacts.load(threadId());
    editing.value = true;
  }

  async function save(): Promise<void> {
    if (saving.value) return;
    saving.value = true;
    error.value = null;
    try {
      // main pushes threadsChanged, so the list and this header pick up the new name.
      await contacts.save(threadId(), form.value);
      editing.value = false;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      saving.value = false;
    }
  }

  return { editing, form, saving, error, open, save };
}

export type ContactEditorForm = ReturnType<typeof useContactEditor>;
