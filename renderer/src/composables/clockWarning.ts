import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useAppStore } from '../stores/app.store.ts';

/**
 * "Your computer's clock is 2 min fast: calls may be missed" — when main measured this computer's
 * clock more than 10 s away from WhatsApp's servers (null otherwise), and a short form for the
 * status bar ("Clock 2 min fast"). One wording for the status bar and Settings → Connection.
 */
export function useClockWarning(): ComputedRef<{ text: string; short: string } | null> {
  const { t } = useI18n();
  const app = useAppStore();
  return computed(() => {
    const c = app.status?.clock;
    if (!c?.warn || c.offsetMs === null) return null;
    const abs = Math.abs(c.offsetMs);
    const amount =
      abs >= 90_000 ? t('status.clock.minutes', { n: Math.round(abs / 60_000) }) : t('status.clock.seconds', { n: Math.round(abs / 1000) });
    const fast = c.offsetMs > 0;
    return {
      text: t(fast ? 'status.clock.fast' : 'status.clock.slow', { amount }),
      short: t(fast ? 'status.clock.fastShort' : 'status.clock.slowShort', { amount }),
    };
  });
}
