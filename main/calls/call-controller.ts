/**
 * The call controller: the only authority on call state in the app. It feeds the pure state
 * machine (call-machine.ts) with webhooks, the owner's commands, media reports and timers, and
 * carries out the effects the machine returns:
 *
 *   graph   → POST /{phone-number-id}/calls (pre_accept / accept with the identical SDP answer,
 *             reject, terminate, connect; the requests and their failure texts: call-graph.ts);
 *             a Graph answer comes back as graph_ok / graph_failed
 *   media   → the media engine (the renderer's RTCPeerConnection, behind `MediaPort`)
 *   ring    → the ringtone (renderer), also behind `MediaPort`
 *   timer   → the answer window, the outgoing ring timeout (there is no media timer: the media
 *             engine reports a loss itself, as mediaLost)
 *
 * A command the current state does not allow is refused (logged, nothing sent to Graph). Every
 * call is recorded in its customer's thread (the thread store projects webhooks; the controller
 * adds what only it knows: answered here, declined here, stale, lost, the reason).
 *
 * Webhooks arrive unordered and more than once: a terminate that arrives before its connect
 * leaves a tombstone, so the late connect is recorded as missed and never rings; a connect older
 * than the answer window never rings either.
 */
import type { CallView } from '../../common/bridge-contract.ts';
import type { AccountService } from '../account/account-service.ts';
import { asGraphError } from '../account/account-service.ts';
import { whatsapp } from '../graph/whatsapp.ts';
import { isEngagedCall, isLiveCall } from '../../common/rules/call-state.ts';
import { DomainError } from '../core/domain-error.ts';
import { tr } from '../i18n/tr.ts';
import type { Logger } from '../core/log.ts';
import type { ThreadStore } from '../threads/thread-store.ts';
import type { RecordingPlan } from '../recordings/recording-settings.ts';
import type { DomainEvent } from '../webhooks/envelope.ts';
import {
  startIncoming,
  startOutgoing,
  transition,
  type CallContext,
  type CallEffect,
  type CallEvent,
  type CallOutcome,
} from './call-machine.ts';
import { callFailureReason, callRequest, plainCallError, terminateAtWhatsApp, type CallAction } from './call-graph.ts';

/** What the controller needs from the media engine (implemented by the renderer via the bridge). */
export interface MediaPort {
  /** Make the SDP answer for this offer (full ICE gathering); resolves with it. */
  prepareAnswer(localId: string, offerSdp: string): Promise<string>;
  /** Make an SDP offer (full ICE gathering); resolves with it. */
  prepareOffer(localId: string): Promise<string>;
  applyAnswer(localId: string, sdp: string): Promise<void>;
  /** Start sending the microphone (only after accept succeeded / the callee answered). */
  attachMicrophone(localId: string): Promise<void>;
  close(localId: string): void;
  ring(localId: string, on: boolean): void;
}

/** What the window is told of a call: the contract's CallView. */
export type { CallView };

export interface CallControllerOptions {
  account: AccountService;
  threads: ThreadStore;
  media: MediaPort;
  log: Logger;
  clock?: () => Date;
  /** How long the owner has to answer after Meta sent the connect (Meta: ~30–60 s). */
  answerWindowMs?: number;
  /** When WhatsApp's voicemail takes an unanswered call (its TIMEOUT trigger; null: it does not). */
  voicemailTimeoutMs?: () => number | null;
  /** Under do-not-disturb, decline at once instead of letting the call ring out on WhatsApp's side (voicemail then works). */
  declineWhenSilenced?: () => boolean;
  /** Whether a STUN or TURN server is set (a call that failed for lack of media then gets no hint to set one). */
  mediaServersConfigured?: () => boolean;
  /** How long an outgoing call may ring before Switchboard gives up. */
  ringTimeoutMs?: number;
  /** Pre-accept while ringing (setting; default on). */
  preAccept?: () => boolean;
  /** False while do-not-disturb is on: calls are still recorded and can be answered, but never ring. */
  ringAllowed?: () => boolean;
  /** Called whenever a call changes (bridge push). */
  onChange?: (call: CallView) => void;
  /** How long a terminate-before-connect tombstone is remembered. */
  tombstoneMs?: number;
  /** How far this computer's clock is ahead of Meta's (clock-skew.ts; default 0). */
  clockOffsetMs?: () => number;
  /**
   * What WhatsApp is asked to record of a call the owner answers or places (Settings → Calling →
   * Recording; `record` is the owner's per-call choice under "ask me per call"); null = nothing.
   */
  recordingPlan?: (record: boolean | undefined) => RecordingPlan | null;
}

interface LiveCall {
  localId: string;
  ctx: CallContext;
  threadId: number | null;
  customer: { waId: string | null; userId: string | null };
  startedAt: Date;
  answerDeadline: Date | null;
  origin: CallView['origin'];
  timers: Map<string, ReturnType<typeof setTimeout>>;
  endedAt?: number;
  /** An outgoing call ended while `connect` was unanswered: terminate goes out once its id is known. */
  terminateHeld?: boolean;
  /** Why this ringing call cannot be answered (its audio could not be prepared, e.g. an offer Chromium refused). */
  unanswerable?: string;
  /** Declined at once because do-not-disturb was on (not by the owner's hand: the missed-call reply treats it as missed). */
  silenced?: boolean;
  /** What WhatsApp is asked to record (sent with accept / connect). */
  recording?: RecordingPlan | null;
}

/** Ended calls are kept this long (for the window's "call ended" card), then forgotten. */
const KEEP_ENDED_MS = 10 * 60_000;

let seq = 0;

export class CallController {
  private readonly o: Required<Omit<CallControllerOptions, 'onChange'>> & Pick<CallControllerOptions, 'onChange'>;
  private readonly calls = new Map<string, LiveCall>();
  private readonly byCallId = new Map<string, string>();
  private readonly tombstones = new Map<string, number>();
  /** Outgoing-call webhooks that beat Graph's answer to `connect` (the call id was not known yet). */
  private readonly early = new Map<string, { at: number; events: DomainEvent[] }>();
  /**
   * Outgoing calls whose `connect` lost its answer (timeout, broken connection, 5xx): WhatsApp may
   * have placed the call anyway. They are ended for the owner at once; if a webhook for such a call
   * arrives later (recognised by `biz_opaque_callback_data` = our local id), the call is terminated
   * at WhatsApp too, so the customer is never left ringing or talking to nobody. Never a second connect.
   */
  private readonly orphans = new Map<string, number>();
  /** Graph requests in flight (shutdown waits for them, briefly). */
  private readonly inflight = new Set<Promise<void>>();
  private disposed = false;

  constructor(opts: CallControllerOptions) {
    this.o = {
      clock: () => new Date(),
      answerWindowMs: 45_000,
      ringTimeoutMs: 60_000,
      preAccept: () => true,
      ringAllowed: () => true,
      tombstoneMs: 120_000,
      clockOffsetMs: () => 0,
      voicemailTimeoutMs: () => null,
      declineWhenSilenced: () => false,
      mediaServersConfigured: () => false,
      recordingPlan: () => null,
      ...opts,
    };
  }

  list(): CallView[] {
    this.prune(); // "forgotten after ten minutes" holds for the list itself, not only once a new call arrives
    return [...this.calls.values()].map((c) => this.view(c));
  }

  get(localId: string): CallView | null {
    const c = this.calls.get(localId);
    return c ? this.view(c) : null;
  }

  private view(c: LiveCall): CallView {
    return {
      localId: c.localId,
      callId: c.ctx.callId,
      direction: c.ctx.direction,
      state: c.ctx.state,
      outcome: c.ctx.outcome,
      reason: c.ctx.reason,
      threadId: c.threadId,
      startedAt: c.startedAt.toISOString(),
      answerDeadline: c.answerDeadline?.toISOString() ?? null,
      origin: c.origin,
      recording: c.recording?.request ?? null,
    };
  }

  /** Webhook events, as the inbox publishes them (after they were recorded). */
  onDomainEvent(e: DomainEvent): void {
    if (
      (e.kind === 'call.connect' || e.kind === 'call.status') &&
      !this.byCallId.has(e.callId) &&
      e.bizOpaque &&
      this.orphans.has(e.bizOpaque)
    ) {
      this.orphans.delete(e.bizOpaque);
      this.terminateOrphan(e.callId);
    }
    if (e.kind === 'call.connect') {
      const known = this.byCallId.get(e.callId);
      if (e.direction === 'incoming') {
        if (known) return; // a duplicate connect
        this.incoming(e);
      } else if (known && e.session?.sdp) {
        this.dispatch(known, { type: 'connect_answer', sdp: e.session.sdp });
      } else if (!known) {
        this.keepEarly(e.callId, e);
      }
    } else if (e.kind === 'call.status') {
      const known = this.byCallId.get(e.callId);
      if (!known) this.keepEarly(e.callId, e);
      else if (e.status === 'RINGING' || e.status === 'ACCEPTED' || e.status === 'REJECTED')
        this.dispatch(known, { type: 'status', status: e.status });
    } else if (e.kind === 'call.terminate') {
      const known = this.byCallId.get(e.callId);
      // FAILED with an error (138021…) is a failure in plain words — the same outcome the thread records.
      const error = e.errors[0];
      let failure = e.status === 'FAILED' && error ? plainCallError(error) : null;
      // No media reached the customer's phone, and no STUN or TURN server is set: one may help.
      if (failure && error?.code === 138021 && !this.o.mediaServersConfigured())
        failure += ' Setting a STUN or TURN server (Settings → Calling → On this computer) may help.';
      if (known) this.dispatch(known, { type: 'terminate_webhook', reason: error?.message ?? null, failure });
      else {
        this.tombstones.set(e.callId, this.o.clock().getTime());
        if (e.direction === 'outgoing') this.keepEarly(e.callId, e);
      }
    }
  }

  private keepEarly(callId: string, e: DomainEvent): void {
    const now = this.o.clock().getTime();
    for (const [id, v] of this.early) if (now - v.at > this.o.tombstoneMs) this.early.delete(id);
    if (this.early.size > 100) return; // only outgoing calls in flight can claim these; bound the memory
    const entry = this.early.get(callId) ?? { at: now, events: [] };
    entry.events.push(e);
    this.early.set(callId, entry);
  }

  /** Replays webhooks that arrived before this outgoing call's id was known. */
  private replayEarly(callId: string): void {
    const entry = this.early.get(callId);
    if (!entry) return;
    this.early.delete(callId);
    this.tombstones.delete(callId);
    for (const e of entry.events) this.onDomainEvent(e);
  }

  private incoming(e: Extract<DomainEvent, { kind: 'call.connect' }>): void {
    const now = this.o.clock().getTime();
    for (const [id, at] of this.tombstones) if (now - at > this.o.tombstoneMs) this.tombstones.delete(id);
    // Too late to answer? Judged on Meta's clock: when the webhook reached us, corrected by how far
    // this computer's clock is off (a laptop running 45 s fast must not miss every call; a connect
    // retried after an outage is still late). The local deadline is the same moment on our clock.
    const offset = this.o.clockOffsetMs();
    const receivedAt = e.receivedAt ? Date.parse(e.receivedAt) : now;
    const sentAt = e.occurredAt ? Date.parse(e.occurredAt) : receivedAt - offset;
    // Voicemail with the TIMEOUT trigger takes the call after its timeout_seconds: ringing here
    // stops then, and nothing is ever sent into a call voicemail took.
    const vm = this.o.voicemailTimeoutMs();
    const deadline = sentAt + (vm !== null ? Math.min(vm, this.o.answerWindowMs) : this.o.answerWindowMs);
    const tombstoned = this.tombstones.has(e.callId);
    const stale = tombstoned || deadline <= receivedAt - offset || deadline + offset <= now || !e.session?.sdp;
    const busy = [...this.calls.values()].some((c) => c.ctx.state !== 'ended');
    this.prune();
    const localId = `call-${++seq}`;
    const t = startIncoming({ type: 'incoming', callId: e.callId, offerSdp: e.session?.sdp ?? '', stale, preAccept: this.o.preAccept() });
    const call: LiveCall = {
      localId,
      ctx: t.context,
      threadId: this.threadOf(e.callId),
      customer: { waId: e.user.waId, userId: e.user.userId },
      startedAt: new Date(now),
      answerDeadline: stale ? null : new Date(deadline + offset),
      origin: e.ctaPayload || e.deeplinkPayload ? { ctaPayload: e.ctaPayload, deeplinkPayload: e.deeplinkPayload } : null,
      timers: new Map(),
    };
    this.calls.set(localId, call);
    this.byCallId.set(e.callId, localId);
    if (stale) {
      call.endedAt = now;
      this.o.log.info('calls.stale_connect', { callId: e.callId.slice(0, 24), tombstoned });
      this.record(call, 'missed', tombstoned ? tr('call.hungUpBeforeArrival') : tr('call.tooLate'));
      this.changed(call);
      return;
    }
    if (busy) {
      // A second call while one is live is shown as waiting; it never rings over the live call.
      this.o.log.info('calls.waiting', { callId: e.callId.slice(0, 24) });
    }
    const dnd = !this.o.ringAllowed();
    const silent = busy || dnd;
    this.run(
      call,
      t.effects.filter((fx) => !(silent && fx.type === 'ring')),
    );
    this.changed(call);
    // Do-not-disturb: the call rings out on WhatsApp's side (recorded as missed here, voicemail can
    // take it) unless the owner chose to decline such calls at once.
    if (dnd && !busy && this.o.declineWhenSilenced()) {
      this.o.log.info('calls.declined_silenced', { callId: e.callId.slice(0, 24) });
      call.silenced = true;
      call.ctx = { ...call.ctx, reason: tr('call.declinedDnd') };
      this.dispatch(localId, { type: 'decline' });
    }
  }

  /**
   * The owner answers (refused unless the call is ringing, and while another call is live: a
   * waiting call is answered with "End & answer", which hangs the live call up first).
   */
  answer(localId: string, record?: boolean): boolean {
    const unanswerable = this.calls.get(localId)?.unanswerable;
    if (unanswerable) {
      this.o.log.info('calls.refused', { event: 'answer', reason: 'unanswerable' });
      return false;
    }
    const live = this.engaged(localId);
    if (live) {
      this.o.log.info('calls.refused', { event: 'answer', reason: 'another_call_live', state: live.ctx.state });
      return false;
    }
    // Decided as the owner answers: accept carries it (WhatsApp takes it on accept, never on pre_accept).
    const call = this.calls.get(localId);
    if (call?.ctx.state === 'ringing') call.recording = this.o.recordingPlan(record);
    const ok = this.dispatch(localId, { type: 'answer' });
    if (ok) this.silenceOthers(localId);
    return ok;
  }

  /** Why a call cannot be answered, when its audio could not be prepared (null otherwise). */
  unanswerableReason(localId: string): string | null {
    return this.calls.get(localId)?.unanswerable ?? null;
  }

  /** Other calls still ringing become waiting calls: their ringtone never plays over the live call. */
  private silenceOthers(localId: string): void {
    for (const c of this.calls.values()) if (c.localId !== localId && c.ctx.state === 'ringing') this.o.media.ring(c.localId, false);
  }

  /** The other call the owner is on or placing (it holds the media engine and the microphone), if any. */
  private engaged(except: string | null): LiveCall | null {
    for (const c of this.calls.values()) if (c.localId !== except && isEngagedCall(c.ctx.state)) return c;
    return null;
  }
  decline(localId: string): boolean {
    return this.dispatch(localId, { type: 'decline' });
  }
  hangup(localId: string): boolean {
    return this.dispatch(localId, { type: 'hangup' });
  }
  mediaLost(localId: string, reason: string): boolean {
    return this.dispatch(localId, { type: 'media_lost', reason });
  }
  /** The media engine heard the customer's first audio (an outgoing call is established). */
  mediaAudio(localId: string): boolean {
    return this.dispatch(localId, { type: 'media_audio' });
  }

  /** Starts an outgoing call to a customer (the permission check is the caller's job); refused (`call_in_progress`) while another call is live. */
  dial(customer: { waId: string | null; userId: string | null }, threadId: number | null, record?: boolean): CallView {
    if (this.engaged(null)) throw new DomainError('call_in_progress', tr('call.alreadyOnCall'));
    this.prune();
    const localId = `call-${++seq}`;
    const t = startOutgoing();
    const call: LiveCall = {
      localId,
      ctx: t.context,
      threadId,
      customer,
      startedAt: this.o.clock(),
      answerDeadline: null,
      origin: null,
      timers: new Map(),
      recording: this.o.recordingPlan(record),
    };
    this.calls.set(localId, call);
    this.silenceOthers(localId);
    this.run(call, t.effects);
    this.changed(call);
    return this.view(call);
  }

  private dispatch(localId: string, e: CallEvent): boolean {
    const call = this.calls.get(localId);
    if (!call || this.disposed) return false;
    const t = transition(call.ctx, e);
    if (!t.accepted) {
      this.o.log.info('calls.refused', { event: e.type, state: call.ctx.state });
      return false;
    }
    const wasEnded = call.ctx.state === 'ended';
    const wasEnding = call.ctx.state === 'ending';
    call.ctx = t.context;
    const newId = call.ctx.callId && !this.byCallId.has(call.ctx.callId) ? call.ctx.callId : null;
    if (newId) this.byCallId.set(newId, localId);
    // The outcome is decided when ending begins (declined here, missed, failed): the thread shows it
    // at once, so a terminate webhook that beats Graph's answer cannot turn a decline into "missed".
    if (!wasEnding && call.ctx.state === 'ending' && call.ctx.outcome) this.record(call, call.ctx.outcome, call.ctx.reason);
    this.run(call, t.effects);
    if (call.terminateHeld && call.ctx.callId && call.ctx.state === 'ending') {
      call.terminateHeld = false;
      this.run(call, [{ type: 'graph', action: 'terminate' }]);
    }
    if (newId) queueMicrotask(() => this.replayEarly(newId));
    if (!wasEnded && call.ctx.state === 'ended') this.finish(call);
    else if (e.type === 'graph_ok' && e.action === 'accept') this.recordStatus(call, 'answered');
    this.changed(call);
    return true;
  }

  private run(call: LiveCall, effects: CallEffect[]): void {
    for (const fx of effects) {
      switch (fx.type) {
        case 'graph': {
          const p = this.graph(call, fx.action, fx.sdp).catch((err: unknown) =>
            this.o.log.error('calls.effect_failed', { action: fx.action, error: (err as Error).message }),
          );
          this.track(p);
          break;
        }
        case 'ring':
          this.o.media.ring(call.localId, fx.on);
          break;
        case 'timer':
          this.timer(call, fx.name, fx.on);
          break;
        case 'media':
          this.media(call, fx);
          break;
      }
    }
  }

  private media(call: LiveCall, fx: Extract<CallEffect, { type: 'media' }>): void {
    const m = this.o.media;
    const fail = (err: unknown) =>
      this.dispatch(call.localId, { type: 'media_lost', reason: tr('call.audioSetupFailed', { error: (err as Error).message }) });
    switch (fx.command) {
      case 'prepareAnswer':
        // Without an answer SDP the call cannot be answered. Still ringing: it keeps ringing (the
        // owner sees why, and Answer is refused with that reason) and becomes a missed call when
        // the answer window closes — never a "declined" to the caller. Already being answered (the
        // owner pressed Answer before the audio was ready): it ends at once as failed, so the owner
        // is not left waiting on a call that can never connect.
        m.prepareAnswer(call.localId, fx.offerSdp).then(
          (sdp) => this.dispatch(call.localId, { type: 'answer_sdp', sdp }),
          (err: unknown) => {
            this.o.log.warn('calls.prepare_answer_failed', { error: (err as Error).message });
            // The call may have ended while the audio was being prepared: its outcome stands.
            if (call.ctx.state === 'ended' || call.ctx.state === 'ending') return;
            const reason = tr('call.audioPrepareFailed', { error: (err as Error).message });
            if (call.ctx.state === 'answering') {
              this.dispatch(call.localId, { type: 'media_lost', reason });
              return;
            }
            call.unanswerable = reason;
            call.ctx = { ...call.ctx, reason };
            this.changed(call);
          },
        );
        break;
      case 'prepareOffer':
        m.prepareOffer(call.localId).then((sdp) => this.dispatch(call.localId, { type: 'offer_sdp', sdp }), fail);
        break;
      case 'applyAnswer':
        m.applyAnswer(call.localId, fx.sdp).catch(fail);
        break;
      case 'attachMicrophone':
        m.attachMicrophone(call.localId).catch(fail);
        break;
      case 'close':
        m.close(call.localId);
        break;
    }
  }

  private timer(call: LiveCall, name: 'answer_window' | 'ring_timeout', on: boolean): void {
    const existing = call.timers.get(name);
    if (existing) clearTimeout(existing);
    call.timers.delete(name);
    if (!on) return;
    const ms =
      name === 'answer_window' ? Math.max(0, (call.answerDeadline?.getTime() ?? 0) - this.o.clock().getTime()) : this.o.ringTimeoutMs;
    const event: CallEvent = name === 'answer_window' ? { type: 'answer_window_elapsed' } : { type: 'ring_timeout' };
    call.timers.set(
      name,
      setTimeout(() => this.dispatch(call.localId, event), ms),
    );
  }

  private async graph(call: LiveCall, action: CallAction, sdp?: string): Promise<void> {
    if (action !== 'connect' && !call.ctx.callId) {
      // Hung up (or timed out) before Graph answered `connect`: a terminate without a call id would
      // be refused and leave the customer's phone ringing. Held until connect's answer brings the id.
      call.terminateHeld = true;
      return;
    }
    const graph = this.o.account.graph();
    const a = this.o.account.account();
    if (!graph || !a) {
      this.dispatch(call.localId, { type: 'graph_failed', action, reason: tr('call.noAccount') });
      return;
    }
    try {
      const res = await callRequest(whatsapp(graph, a.phoneNumberId), action, call, sdp);
      this.dispatch(call.localId, { type: 'graph_ok', action, ...(res.calls?.[0]?.id ? { callId: res.calls[0].id } : {}) });
    } catch (err) {
      const e = asGraphError(err);
      this.o.log.warn('calls.graph_failed', { action, code: e.code, outcomeUnknown: e.outcomeUnknown });
      if (action === 'connect' && e.outcomeUnknown) this.rememberOrphan(call.localId);
      this.dispatch(call.localId, { type: 'graph_failed', action, reason: callFailureReason(action, e) });
    }
  }

  private rememberOrphan(localId: string): void {
    const now = this.o.clock().getTime();
    for (const [id, at] of this.orphans) if (now - at > this.o.tombstoneMs) this.orphans.delete(id);
    if (this.orphans.size < 100) this.orphans.set(localId, now);
  }

  /** Ends, at WhatsApp, a call Switchboard already gave up on (see `orphans`). Once; never a retry. */
  private terminateOrphan(callId: string): void {
    if (this.disposed) return;
    const p = terminateAtWhatsApp(this.o.account, this.o.log, callId);
    if (p) this.track(p);
  }

  /** Keeps a Graph request in `inflight` until it settles (shutdown waits for them). */
  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private threadOf(callId: string): number | null {
    return this.o.threads.callItem(callId)?.threadId ?? null;
  }

  private recordStatus(call: LiveCall, status: 'answered'): void {
    const item = call.ctx.callId ? this.o.threads.callItem(call.ctx.callId) : null;
    if (item) this.o.threads.advanceCall(item.id, status);
    // The card says what WhatsApp was asked to record, so it can wait for the files.
    if (call.recording && call.ctx.callId) this.o.threads.requestRecording(call.ctx.callId, call.recording.request);
  }

  /** Writes what only the controller knows into the thread's call card. */
  private record(call: LiveCall, outcome: CallOutcome, reason: string | null): void {
    const item = call.ctx.callId ? this.o.threads.callItem(call.ctx.callId) : null;
    if (!item) return;
    call.threadId = item.threadId;
    this.o.threads.recordCallOutcome(item.id, outcome, reason, call.silenced && outcome === 'declined' ? { declinedBy: 'dnd' } : {});
  }

  /** Forgets calls that ended a while ago (the thread keeps their record); bounds memory. */
  private prune(): void {
    const now = this.o.clock().getTime();
    for (const [localId, c] of this.calls) {
      if (c.ctx.state !== 'ended' || c.endedAt === undefined || now - c.endedAt < KEEP_ENDED_MS) continue;
      this.calls.delete(localId);
      if (c.ctx.callId && this.byCallId.get(c.ctx.callId) === localId) this.byCallId.delete(c.ctx.callId);
    }
  }

  private finish(call: LiveCall): void {
    call.endedAt = this.o.clock().getTime();
    call.terminateHeld = false;
    for (const t of call.timers.values()) clearTimeout(t);
    call.timers.clear();
    this.o.media.ring(call.localId, false);
    this.record(call, call.ctx.outcome ?? 'completed', call.ctx.reason);
    // A recorded call that was answered: its files are on the way (an outgoing call's card exists by now).
    if (call.ctx.outcome === 'completed' && call.recording) this.recordStatus(call, 'answered');
  }

  private changed(call: LiveCall): void {
    this.o.onChange?.(this.view(call));
  }

  /** Ends every live call (quit, suspend): terminate or reject as the state requires. */
  endAll(): void {
    for (const c of this.calls.values()) {
      if (c.ctx.state === 'ringing' || c.ctx.state === 'answering') this.dispatch(c.localId, { type: 'decline' });
      else if (isLiveCall(c.ctx.state)) this.dispatch(c.localId, { type: 'hangup' });
    }
  }

  /**
   * Before quitting: ends every live call (terminate / reject reach Graph), waits briefly for those
   * requests, then stops accepting anything — nothing runs after the services close.
   */
  async shutdown(timeoutMs = 3000): Promise<void> {
    this.endAll();
    if (this.inflight.size)
      await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.disposed = true;
    for (const c of this.calls.values()) {
      for (const t of c.timers.values()) clearTimeout(t);
      c.timers.clear();
    }
  }

  /** Whether anything is still running for any call (tests: nothing may be left behind). */
  liveTimers(): number {
    let n = 0;
    for (const c of this.calls.values()) n += c.timers.size;
    return n;
  }
}
