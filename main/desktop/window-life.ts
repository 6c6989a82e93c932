import { isLiveCall } from '../../common/rules/call-state.ts';

/**
 * What happens to the window and the app on close, quit, suspend and resume. Pure decisions; the
 * shell (main/shell/desktop.ts) applies them.
 *
 *  - Closing the window hides it, always, while the app runs — with or without calls. The window
 *    carries the calls' media (its RTCPeerConnections and the microphone): destroying it would cut
 *    a live call, and a hidden window still rings. The first time, a one-line note says so.
 *  - Only a real quit (tray → Quit, the OS logging out, Cmd+Q) closes it. With a live call (ringing,
 *    connecting or talking) the owner is asked first; "Cancel" keeps everything running.
 *  - Suspending (sleep) ends every call cleanly — WhatsApp's calls cannot survive a laptop that stops
 *    sending media — and resuming restarts the tunnel (its connection did not survive the sleep) and
 *    re-checks reachability at once, rather than waiting for the next probe.
 */
export type CloseDecision = { action: 'hide'; explain: boolean } | { action: 'close' };

export function decideClose(s: { quitting: boolean; explained: boolean }): CloseDecision {
  if (s.quitting) return { action: 'close' };
  return { action: 'hide', explain: !s.explained };
}

export type QuitDecision = { action: 'quit'; endCalls: number } | { action: 'ask'; liveCalls: number };

/** A quit request; `confirmed` once the owner chose "End the call and quit". */
export function decideQuit(s: { callStates: readonly string[]; confirmed: boolean }): QuitDecision {
  const live = s.callStates.filter(isLiveCall).length;
  if (live > 0 && !s.confirmed) return { action: 'ask', liveCalls: live };
  return { action: 'quit', endCalls: live };
}

export function decideSuspend(callStates: readonly string[]): { endCalls: boolean } {
  return { endCalls: callStates.some(isLiveCall) };
}

export function decideResume(s: { accountConnected: boolean }): { restartTunnel: boolean } {
  return { restartTunnel: s.accountConnected };
}
