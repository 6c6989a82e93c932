/**
 * Which call states count as what — the one definition main and the renderer share.
 *
 *  - engaged: the owner is on the call or placing it (answering, active, preparing, dialing,
 *    remote_ringing). At most one call is engaged at a time; it holds the microphone.
 *  - live: ringing or engaged — a call that still needs the owner (quitting asks first, sleeping
 *    ends it). `ending` (our hang-up or decline is on its way to WhatsApp) and `ended` are not live.
 *
 * Pure TypeScript: no Node built-ins, no DOM.
 */
import type { CallView } from '../bridge-contract.ts';

export type CallState = CallView['state'];

const ENGAGED: ReadonlySet<string> = new Set<CallState>(['answering', 'active', 'preparing', 'dialing', 'remote_ringing']);

/** The owner is on this call or placing it. */
export function isEngagedCall(state: string): boolean {
  return ENGAGED.has(state);
}

/** The call still needs the owner: ringing, or engaged. */
export function isLiveCall(state: string): boolean {
  return state === 'ringing' || ENGAGED.has(state);
}
