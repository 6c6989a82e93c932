/** A call as main reports it, and a media engine at rest: the shapes several renderer tests start from. */
import type { CallView } from '../../../common/bridge-contract.ts';
import type { MediaEngineState } from '../../../renderer/src/media/media-engine.ts';

/** An incoming call from thread 7, ringing since `startedAt`, answerable until `answerDeadline`. */
export function ringingCall(o: { startedAt: number; answerDeadline: number }, overrides: Partial<CallView> = {}): CallView {
  return {
    localId: 'call-1',
    callId: 'wacid.1',
    direction: 'incoming',
    state: 'ringing',
    outcome: null,
    reason: null,
    threadId: 7,
    startedAt: new Date(o.startedAt).toISOString(),
    answerDeadline: new Date(o.answerDeadline).toISOString(),
    origin: null,
    recording: null,
    ...overrides,
  };
}

/** The engine with no call, no device and nothing ringing. */
export function idleEngineState(): MediaEngineState {
  return {
    calls: {},
    ringing: false,
    ringingIds: [],
    silencedIds: [],
    inputs: [],
    outputs: [],
    inputDeviceId: '',
    outputDeviceId: '',
    ringDeviceId: '',
  };
}
