/** Bridge handlers for the callers slice (issue 17): the missed-call reply setting, the pickup-rate guard, the dial pad. */
import type { ZodError } from 'zod';
import type { callerRequests, HandlersFor, MissedCallReply } from '../../common/bridge-contract.ts';
import type { ConfigStore } from '../account/config-store.ts';
import { DomainError } from '../core/domain-error.ts';
import type { ThreadStore } from '../threads/thread-store.ts';
import type { CallPermissions } from './call-permissions.ts';
import type { PickupGuard } from './pickup-guard.ts';

export interface CallerHandlerDeps {
  config: ConfigStore;
  guard: PickupGuard;
  callPermissions: CallPermissions;
  threads: ThreadStore;
  clock: () => Date;
  /** The guard's view changed here (the threshold): push it. */
  onGuardChange: () => void;
}

/** The callers slice's requests (common/bridge/callers.ts). */
type CallerRequests = keyof typeof callerRequests;

function refuse(err: unknown, prefix: string): never {
  const issue = (err as ZodError).issues?.[0];
  if (!issue) throw err;
  throw new DomainError('invalid_params', issue.message, { field: [prefix, ...issue.path].map(String).join('.') });
}

export function callerHandlers(d: CallerHandlerDeps): HandlersFor<CallerRequests> {
  const { config, guard, threads } = d;
  const reply = (): MissedCallReply => config.get().callers.missedCallReply;

  return {
    getMissedCallReply: () => reply(),
    setMissedCallReply: (p) => {
      const wasOn = reply().enabled;
      try {
        config.update((c) => {
          const r = c.callers.missedCallReply;
          Object.assign(r, Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)));
          // Turning it on starts from now: calls missed before then never get a reply.
          if (p.enabled === true && !wasOn) r.enabledAt = d.clock().toISOString();
        });
      } catch (err) {
        refuse(err, 'missedCallReply');
      }
      return reply();
    },
    getCallerGuard: () => guard.view(),
    setPickupThreshold: (p) => {
      config.update((c) => {
        c.callers.pickupThreshold = p.threshold;
      });
      d.onGuardChange();
      return guard.view();
    },
    checkNumber: async (p) => ({ threadId: threads.threadIdForNumber(p.waId), permission: await d.callPermissions.checkNumber(p.waId) }),
    openNumber: (p) => ({
      threadId: threads.threadIdOf(
        threads.contactFor({ waId: p.waId, userId: null, parentUserId: null, profileName: null, username: null }),
      ),
    }),
  };
}
