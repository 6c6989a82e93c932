/** The owner's own name and notes for a customer (Conversations → the thread menu → Contact). */
import { defineStore } from 'pinia';
import { useBridge } from '../bridge/bridge.ts';

export interface ContactNotes {
  name: string;
  notes: string;
}

export const useContactStore = defineStore('contact', () => {
  /** The thread's contact as the owner named it, and their notes (empty when none). */
  async function load(threadId: number): Promise<ContactNotes> {
    const res = await useBridge().request('getThread', { threadId });
    return { name: res.thread?.contact.ownerName ?? '', notes: res.notes ?? '' };
  }

  /** Saves the owner's name and notes; main pushes threadsChanged, so the list and header follow. */
  async function save(threadId: number, form: ContactNotes): Promise<void> {
    await useBridge().request('updateContact', { threadId, ownerName: form.name || null, notes: form.notes || null });
  }

  return { load, save };
});
