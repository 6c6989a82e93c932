/**
 * The time, ticking every `intervalMs` while the component is mounted: for texts that age ("in 3
 * min", "since 14:02") without anything else changing.
 */
import { computed, onBeforeUnmount, onMounted, ref, type ComputedRef, type Ref } from 'vue';

/** `Date.now()`, updated every `intervalMs`. */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | null = null;
  onMounted(() => {
    timer = setInterval(() => {
      now.value = Date.now();
    }, intervalMs);
  });
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer);
  });
  return now;
}

/** The same, as a Date. */
export function useNowDate(intervalMs = 1000): ComputedRef<Date> {
  const now = useNow(intervalMs);
  return computed(() => new Date(now.value));
}
