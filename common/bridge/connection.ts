/**
 * Bridge contract, connection slice: reachability — whether Meta's webhooks (and so calls) can
 * reach us: the tunnel, the public URL, the callback registration, delivery tests.
 * Handlers: main/reachability/connection-handlers.ts. Error codes: see shared.ts.
 */
import { z } from 'zod';
import { NoParams } from './shared.ts';

export const ConnectionView = z.object({
  state: z.enum(['stopped', 'connecting', 'connected', 'unreachable']),
  since: z.string().nullable(),
  reason: z.string().nullable(),
  provider: z.enum(['localtunnel', 'public-url']),
  publicUrl: z.string().nullable(),
  callbackUrl: z.string().nullable(),
  callback: z.object({
    state: z.enum(['none', 'pending', 'registered', 'failed']),
    url: z.string().nullable(),
    reason: z.string().nullable(),
  }),
  lastProbeAt: z.string().nullable(),
  nextRetryAt: z.string().nullable(),
  restarts: z.number(),
  lastEventAt: z.string().nullable(),
  eventsToday: z.number(),
  history: z.array(z.object({ state: z.string(), at: z.string(), reason: z.string().nullable() })),
  /** The last health probes, oldest first: through the public URL, or to the receiver directly. */
  probes: z.array(
    z.object({ at: z.string(), via: z.enum(['public', 'local']), ok: z.boolean(), reason: z.string().nullable(), ms: z.number() }),
  ),
  /** Who receives the number's webhooks: this computer, another address (another installation), or not known yet. */
  holder: z.object({
    state: z.enum(['unknown', 'this-computer', 'elsewhere']),
    url: z.string().nullable(),
    since: z.string().nullable(),
    left: z.boolean(),
  }),
  /** Whether the app receives the calls and messages fields (checked, or subscribed by Switchboard, after each re-point). */
  webhookFields: z
    .object({ state: z.enum(['ok', 'subscribed', 'missing', 'unknown']), message: z.string(), fix: z.string().nullable() })
    .nullable(),
  tunnel: z.object({ subdomain: z.string().nullable(), host: z.string().nullable(), publicUrl: z.string().nullable() }),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

export const connectionRequests = {
  /**
   * Reachability: tunnel, public URL, callback registration, recent history.
   * Errors: none of its own.
   */
  getConnection: { params: NoParams, result: ConnectionView },
  /**
   * Sends a signed test event through the public URL and reports whether it came back in.
   * Errors: none of its own (a failed test answers `ok: false` and the `message`).
   */
  testDelivery: { params: NoParams, result: z.object({ ok: z.boolean(), roundTripMs: z.number().nullable(), message: z.string() }) },
  /**
   * Restarts the tunnel now (e.g. after changing networks).
   * Errors: `not_connected`.
   */
  restartTunnel: { params: NoParams, result: ConnectionView },
  /**
   * The number's calls go to another address: point them at this computer now.
   * Errors: none of its own.
   */
  takeOverCallback: { params: NoParams, result: ConnectionView },
  /**
   * The number's calls go to another address: leave them there (this computer will not ring).
   * Errors: none of its own.
   */
  leaveCallbackElsewhere: { params: NoParams, result: ConnectionView },
  /**
   * Chooses how Meta reaches this computer.
   * Errors: `invalid_params` (the callback address would be over WhatsApp's 200 characters, or the
   * settings refuse a value; the message names it).
   */
  setTunnel: {
    params: z.discriminatedUnion('provider', [
      z
        .object({
          provider: z.literal('localtunnel'),
          subdomain: z.string().max(63).nullable().default(null),
          host: z.string().max(300).nullable().default(null),
        })
        .strict(),
      z.object({ provider: z.literal('public-url'), publicUrl: z.string().max(500) }).strict(),
    ]),
    result: ConnectionView,
  },
} as const;

export const connectionEvents = {
  /** Reachability changed (tunnel state, public URL, callback registration). */
  connection: ConnectionView,
} as const;
