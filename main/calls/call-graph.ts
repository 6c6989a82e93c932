/**
 * The Graph side of the call controller's `graph` effects (call-controller.ts): the request each
 * call action sends (`POST /{phone-number-id}/calls`), the terminate that ends an orphaned outgoing
 * call at WhatsApp, and the words the owner reads when WhatsApp refuses or ends a call.
 */
import type { AccountService } from '../account/account-service.ts';
import { asGraphError } from '../account/account-service.ts';
import type { Logger } from '../core/log.ts';
import { GRAPH_ERRORS, type GraphError } from '../graph/graph-errors.ts';
import { tr } from '../i18n/tr.ts';
import { whatsapp, type WhatsAppUser } from '../graph/whatsapp.ts';
import type { CallContext } from './call-machine.ts';

import type { RecordingPlan } from '../recordings/recording-settings.ts';

/** The call actions the machine sends to Graph. */
export type CallAction = 'pre_accept' | 'accept' | 'reject' | 'terminate' | 'connect';

/** WhatsApp refused the call's recording / transcription objects (not the call): its words name them. */
function refusesCapture(e: GraphError): boolean {
  const said = `${e.details ?? ''} ${e.graphMessage ?? ''}`;
  return (e.code === 100 || e.httpStatus === 400) && /recording|transcription|announcement_language|purpose/i.test(said);
}

/**
 * The request for one call action: `connect` places the call with our SDP offer (our local id comes
 * back in its webhooks as `biz_opaque_callback_data`); the others act on the call WhatsApp named.
 * `accept` and `connect` carry the call's recording objects; when WhatsApp refuses those (recording
 * not available for the number, a language it dropped), the call goes on unrecorded rather than
 * not at all: sent once more without them, and `call.recording` is cleared so the owner sees it.
 */
export async function callRequest(
  wa: ReturnType<typeof whatsapp>,
  action: CallAction,
  call: { localId: string; customer: WhatsAppUser; ctx: Pick<CallContext, 'callId'>; recording?: RecordingPlan | null | undefined },
  sdp?: string,
) {
  const callId = call.ctx.callId ?? '';
  const send = (capture: RecordingPlan['body'] | undefined) =>
    action === 'connect'
      ? wa.calls.connect(call.customer, sdp, call.localId, capture)
      : action === 'pre_accept'
        ? wa.calls.preAccept(callId, sdp)
        : action === 'accept'
          ? wa.calls.accept(callId, sdp, capture)
          : action === 'reject'
            ? wa.calls.reject(callId)
            : wa.calls.terminate(callId);
  const capture = action === 'accept' || action === 'connect' ? call.recording?.body : undefined;
  try {
    return await send(capture);
  } catch (err) {
    if (!capture || !refusesCapture(asGraphError(err))) throw err;
    call.recording = null;
    return send(undefined);
  }
}

/**
 * Ends a call at WhatsApp once, never retried (an outgoing call Switchboard already gave up on);
 * a failure is only logged. Null when no account is connected (nothing is sent).
 */
export function terminateAtWhatsApp(account: AccountService, log: Logger, callId: string): Promise<void> | null {
  const graph = account.graph();
  const a = account.account();
  if (!graph || !a) return null;
  log.info('calls.orphan_terminated', { callId: callId.slice(0, 24) });
  return whatsapp(graph, a.phoneNumberId)
    .calls.terminate(callId)
    .then(
      () => undefined,
      (err: unknown) => log.warn('calls.orphan_terminate_failed', { code: asGraphError(err).code }),
    );
}

/**
 * What the owner reads when a call action fails: the table's message (graph-errors.ts) — except
 * when the answer was lost and WhatsApp may have acted anyway, where the call-specific next step
 * replaces the generic "check before trying again".
 */
export function callFailureReason(action: CallAction, e: GraphError): string {
  if (!e.outcomeUnknown) return e.actionMessage;
  switch (action) {
    case 'accept':
      return tr('call.maybe.accept', { message: e.message });
    case 'connect':
      return tr('call.maybe.connect', { message: e.message });
    case 'terminate':
      return tr('call.maybe.terminate', { message: e.message });
    case 'reject':
      return tr('call.maybe.reject', { message: e.message });
    default:
      return e.userMessage;
  }
}

/** A terminate's error as the owner reads it: the error table's message and next step, or Meta's words for a code it does not know. */
export function plainCallError(error: { code?: number | undefined; title?: string | undefined; message?: string | undefined }): string {
  const known = error.code !== undefined ? GRAPH_ERRORS[error.code] : undefined;
  if (known) return known.fix ? `${known.message} ${known.fix}` : known.message;
  const words = error.message ?? error.title;
  if (words) return error.code ? tr('call.endedByCode', { words, code: error.code }) : tr('call.endedBy', { words });
  return tr('call.endedWithCode', { code: error.code ?? tr('call.unknownCode') });
}
