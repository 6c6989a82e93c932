/**
 * Calls: the controller, the media port to the window's engine, call permissions (part of the composition root).
 */
import type { AccountService } from '../account/account-service.ts';
import type { CallingSettingsService } from '../account/calling-settings-service.ts';
import type { ConfigStore } from '../account/config-store.ts';
import { BridgeMediaPort } from '../calls/bridge-media-port.ts';
import { CallController } from '../calls/call-controller.ts';
import { CallPermissions } from '../calls/call-permissions.ts';
import type { ClockSkew } from '../core/clock-skew.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { Logger } from '../core/log.ts';
import type { DesktopPreferencesService } from '../desktop/desktop-preferences.ts';
import type { CallRecords } from '../threads/call-records.ts';
import type { RecordingPlan } from '../recordings/recording-settings.ts';
import type { ThreadStore } from '../threads/thread-store.ts';

/** Calls: the controller drives the renderer's media engine over the bridge. */
export function startCalls(d: {
  account: AccountService;
  threads: ThreadStore;
  config: ConfigStore;
  desktop: DesktopPreferencesService;
  callingSettings: CallingSettingsService;
  skew: ClockSkew;
  events: BridgeEventBus;
  log: Logger;
  clock: () => Date;
  /** A call failed: WhatsApp may have restricted the number. */
  onFailed: () => void;
  /** The call records (business calls unanswered in a row, for the Call button's warning). */
  records: CallRecords;
  /** What WhatsApp is asked to record of a call (Settings → Calling → Recording). */
  recordingPlan: (record: boolean | undefined) => RecordingPlan | null;
}): { calls: CallController; mediaPort: BridgeMediaPort; callPermissions: CallPermissions } {
  const { config, desktop, events } = d;
  const mediaPort = new BridgeMediaPort(events);
  const calls = new CallController({
    account: d.account,
    threads: d.threads,
    media: mediaPort,
    log: d.log.child('calls'),
    clock: d.clock,
    preAccept: () => config.get().preferences.preAccept,
    ringAllowed: () => !desktop.dndActive(),
    declineWhenSilenced: () => desktop.declineWhenSilenced(),
    voicemailTimeoutMs: () => d.callingSettings.voicemailTimeoutMs(),
    mediaServersConfigured: () => config.get().preferences.stunServer !== null || config.get().preferences.turnServers.length > 0,
    onChange: (view) => {
      if (view.outcome === 'failed') d.onFailed();
      events.emit('call', view);
    },
    clockOffsetMs: () => d.skew.decisionOffsetMs(),
    recordingPlan: d.recordingPlan,
  });
  mediaPort.onLost((localId, reason) => calls.mediaLost(localId, reason));
  mediaPort.onAudio((localId) => calls.mediaAudio(localId));
  const records = d.records;
  const callPermissions = new CallPermissions({
    threads: d.threads,
    account: d.account,
    unansweredInARow: (threadId: number) => records.unansweredInARow(threadId),
  });
  return { calls, mediaPort, callPermissions };
}
