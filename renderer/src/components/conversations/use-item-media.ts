/**
 * An inbound item's media on demand: nothing is fetched until the owner asks ("Show photo",
 * "Play", "Play voicemail"); then `getMedia` → a Blob → a blob: URL, revoked when the row goes
 * away or shows another item. Failures (too large, expired, not connected) are main's plain words.
 */
import { onBeforeUnmount, ref, watch } from 'vue';
import { useThreadsStore } from '../../stores/threads.store.ts';
import { errorText } from '../../format/error-text.ts';

export type MediaState = 'idle' | 'loading' | 'ready' | 'failed';

export function useItemMedia(itemId: () => number) {
  const store = useThreadsStore();
  const state = ref<MediaState>('idle');
  const url = ref<string | null>(null);
  const error = ref<string | null>(null);
  let seq = 0;

  function reset(): void {
    seq++;
    if (url.value) URL.revokeObjectURL(url.value);
    url.value = null;
    error.value = null;
    state.value = 'idle';
  }

  async function load(): Promise<void> {
    if (state.value === 'loading' || state.value === 'ready') return;
    const mine = ++seq;
    state.value = 'loading';
    error.value = null;
    try {
      const blob = await store.fetchMedia(itemId());
      if (mine !== seq) return;
      url.value = URL.createObjectURL(blob);
      state.value = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      error.value = errorText(err);
      state.value = 'failed';
    }
  }

  watch(itemId, reset);
  onBeforeUnmount(reset);
  return { state, url, error, load };
}
