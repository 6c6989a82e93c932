/** Sample reachability payloads for the Connection screen tests. */
import type { ConnectionView, Diagnostics } from '../../../common/bridge-contract.ts';

export function sampleConnection(overrides: Partial<ConnectionView> = {}): ConnectionView {
  return {
    state: 'connected',
    since: '2026-11-25T14:02:00.000Z',
    reason: null,
    provider: 'localtunnel',
    publicUrl: 'https://quiet-owl-42.loca.lt',
    callbackUrl: 'https://quiet-owl-42.loca.lt/webhook',
    callback: { state: 'registered', url: 'https://quiet-owl-42.loca.lt/webhook', reason: null },
    lastProbeAt: '2026-11-25T14:10:00.000Z',
    nextRetryAt: null,
    restarts: 0,
    lastEventAt: '2026-11-25T14:08:00.000Z',
    eventsToday: 12,
    history: [
      { state: 'connecting', at: '2026-11-25T14:01:58.000Z', reason: 'Opening the tunnel' },
      { state: 'connected', at: '2026-11-25T14:02:00.000Z', reason: null },
    ],
    probes: [
      { at: '2026-11-25T14:09:40.000Z', via: 'public', ok: false, reason: 'the connection was closed before an answer', ms: 212 },
      { at: '2026-11-25T14:09:41.000Z', via: 'public', ok: true, reason: null, ms: 184 },
      { at: '2026-11-25T14:10:00.000Z', via: 'public', ok: true, reason: null, ms: 176 },
    ],
    holder: { state: 'this-computer', url: null, since: null, left: false },
    webhookFields: { state: 'ok', message: 'The app receives calls and messages webhooks.', fix: null },
    tunnel: { subdomain: null, host: null, publicUrl: null },
    ...overrides,
  };
}

export function unreachableConnection(overrides: Partial<ConnectionView> = {}): ConnectionView {
  return sampleConnection({
    state: 'unreachable',
    since: '2026-11-25T14:02:00.000Z',
    reason: 'The tunnel server refused the connection',
    nextRetryAt: new Date(Date.now() + 20_000).toISOString(),
    restarts: 3,
    history: [
      { state: 'connected', at: '2026-11-25T13:00:00.000Z', reason: null },
      { state: 'unreachable', at: '2026-11-25T14:02:00.000Z', reason: 'The tunnel server refused the connection' },
    ],
    ...overrides,
  });
}

export function sampleDiagnostics(overrides: Partial<Diagnostics> = {}): Diagnostics {
  return {
    inbox: { pending: 1, processed: 40, malformed: 2, total: 43 },
    aside: { otherNumber: 3, unreadable: 1 },
    receiver: { port: 45381, accepted: 43, rejectedSignature: 5, rejectedTooLarge: 1, slowSendersCut: 0 },
    recentEvents: [
      {
        id: 7,
        key: 'msg:wamid.HBgM123',
        kind: 'message.received',
        occurredAt: '2026-11-25T14:08:00.000Z',
        createdAt: '2026-11-25T14:08:01.000Z',
      },
      { id: 6, key: 'call:wacid.ABC:connect', kind: 'call.connect', occurredAt: null, createdAt: '2026-11-25T14:07:00.000Z' },
    ],
    ...overrides,
  };
}
