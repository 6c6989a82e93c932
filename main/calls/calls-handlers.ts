/** Bridge handlers for calls: answering and ending, placing, call permission, media reports, preferences. */
import type { ZodError } from 'zod';
import type { CallPreferences, callRequests, CallView, HandlersFor } from '../../common/bridge-contract.ts';
import type { ConfigStore } from '../account/config-store.ts';
import { KeychainUnavailableError } from '../account/secrets.ts';
import type { TurnCredentials } from '../account/turn-credentials.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr, type MessageKey } from '../i18n/tr.ts';
import type { ThreadStore } from '../threads/thread-store.ts';
import type { BridgeMediaPort } from './bridge-media-port.ts';
import type { CallController } from './call-controller.ts';
import type { CallPermissions } from './call-permissions.ts';

export interface CallHandlerDeps {
  calls: CallController;
  callPermissions: CallPermissions;
  threads: ThreadStore;
  mediaPort: BridgeMediaPort;
  config: ConfigStore;
  turn: TurnCredentials;
  writeClipboard?: ((text: string) => void) | undefined;
}

/** The calls slice's requests (common/bridge/calls.ts): adding one there makes the compiler ask for its handler here. */
type CallRequests = keyof typeof callRequests;

const REFUSED: Record<'answer' | 'decline' | 'hangup', MessageKey> = {
  answer: 'call.cannotAnswerAnymore',
  decline: 'call.notRinging',
  hangup: 'call.alreadyEnded',
};

export function callHandlers(d: CallHandlerDeps): HandlersFor<CallRequests> {
  const { calls, callPermissions, threads, config } = d;

  const command = (what: 'answer' | 'decline' | 'hangup', localId: string, record?: boolean): CallView => {
    const ok = what === 'answer' ? calls.answer(localId, record) : what === 'decline' ? calls.decline(localId) : calls.hangup(localId);
    const view = calls.get(localId);
    if (!view) throw new DomainError('not_found', tr('call.unknown'));
    const unanswerable = what === 'answer' && !ok ? calls.unanswerableReason(localId) : null;
    if (unanswerable) throw new DomainError('cannot_answer', tr('call.cannotAnswer', { reason: unanswerable }));
    if (!ok) throw new DomainError('invalid_state', tr(REFUSED[what]));
    return view;
  };

  const preferences = (): CallPreferences => {
    const p = config.get().preferences;
    return {
      preAccept: p.preAccept,
      ringDeviceId: p.ringDeviceId,
      ringtone: p.ringtone,
      ringVolume: p.ringVolume,
      inputDeviceId: p.inputDeviceId,
      outputDeviceId: p.outputDeviceId,
      turnServers: d.turn.servers(),
      stunServer: p.stunServer,
    };
  };

  const refuse = (err: unknown, prefix: PropertyKey[]): never => {
    if (err instanceof KeychainUnavailableError) throw new DomainError('keychain_unavailable', `${err.message} ${err.fix}`);
    const issue = (err as ZodError).issues?.[0];
    if (!issue) throw err;
    throw new DomainError('invalid_params', issue.message, { field: [...prefix, ...issue.path].map(String).join('.') });
  };

  return {
    getCallPreferences: () => preferences(),
    setCallPreferences: async (p) => {
      try {
        config.update((c) => {
          if (p.preAccept !== undefined) c.preferences.preAccept = p.preAccept;
          if (p.ringDeviceId !== undefined) c.preferences.ringDeviceId = p.ringDeviceId;
          if (p.ringtone !== undefined) c.preferences.ringtone = p.ringtone;
          if (p.ringVolume !== undefined) c.preferences.ringVolume = p.ringVolume;
          if (p.inputDeviceId !== undefined) c.preferences.inputDeviceId = p.inputDeviceId;
          if (p.outputDeviceId !== undefined) c.preferences.outputDeviceId = p.outputDeviceId;
          if (p.stunServer !== undefined) c.preferences.stunServer = p.stunServer === null ? null : p.stunServer.trim();
        });
      } catch (err) {
        refuse(err, []);
      }
      // TURN credentials go to the keychain (turn-credentials.ts), never into the config file.
      if (p.turnServers !== undefined) await d.turn.set(p.turnServers).catch((err: unknown) => refuse(err, ['preferences', 'turnServers']));
      return preferences();
    },
    listCalls: () => ({ calls: calls.list() }),
    answerCall: (p) => command('answer', p.localId, p.record),
    declineCall: (p) => command('decline', p.localId),
    hangUpCall: (p) => command('hangup', p.localId),
    getCallPermission: (p) => callPermissions.check(p.threadId),
    requestCallPermission: async (p) => {
      const sent = await callPermissions.request(p.threadId, p.template);
      // The request is part of the conversation: the customer's answer arrives next to it.
      const contact = threads.contactOfThread(p.threadId);
      if (contact) {
        threads.addOutgoingMessage({
          contact: { ...contact, parentUserId: null, profileName: null, username: null },
          wamid: sent.wamid,
          type: 'call_permission_request',
          body: null,
          data: p.template ? { template: p.template } : {},
        });
      }
      return sent;
    },
    sendCallButton: (p) =>
      callPermissions.sendCallButton(p.threadId, {
        body: p.body,
        displayText: p.displayText,
        ttlMinutes: p.ttlMinutes,
        payload: p.payload,
      }),
    getCallLink: (p) => {
      const url = callPermissions.callLink(p.payload);
      d.writeClipboard?.(url);
      return { url, copied: typeof d.writeClipboard === 'function' };
    },
    placeCall: async (p) => {
      const permission = await callPermissions.check(p.threadId);
      if (!permission.canCall) throw new DomainError('no_permission', permission.callBlockedReason ?? tr('permission.callNotAllowed'));
      const contact = threads.contactOfThread(p.threadId);
      if (!contact) throw new DomainError('not_found', tr('common.threadGone'));
      return calls.dial({ waId: contact.waId, userId: contact.userId }, p.threadId, p.record);
    },
    mediaReport: (p) => {
      d.mediaPort.report(p);
      return { received: true as const };
    },
  };
}
