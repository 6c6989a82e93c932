/**
 * The MediaPort that drives the renderer's media engine over the bridge: each command is pushed
 * as a `mediaCommand` event with a request id, and the engine answers with the `mediaReport`
 * request. A command nobody answers in time fails with a plain reason (the window is gone, the
 * engine crashed) rather than hanging the call.
 */
import { randomUUID } from 'node:crypto';
import type { MediaCommand } from '../../common/bridge-contract.ts';
import type { BridgeEventBus } from '../core/events.ts';
import type { MediaPort } from './call-controller.ts';

type Pending = { resolve: (sdp: string | undefined) => void; reject: (err: Error) => void; timer: ReturnType<typeof setTimeout> };
type CommandBody = MediaCommand extends infer C ? (C extends MediaCommand ? Omit<C, 'requestId'> : never) : never;

export class BridgeMediaPort implements MediaPort {
  private readonly events: BridgeEventBus;
  private readonly timeoutMs: number;
  private readonly pending = new Map<string, Pending>();
  private lostListener: ((localId: string, reason: string) => void) | null = null;
  private audioListener: ((localId: string) => void) | null = null;

  constructor(events: BridgeEventBus, timeoutMs = 15_000) {
    this.events = events;
    this.timeoutMs = timeoutMs;
  }

  /** Where unprompted "media lost" reports go (the call controller). */
  onLost(listener: (localId: string, reason: string) => void): void {
    this.lostListener = listener;
  }

  private send(body: CommandBody, expectAnswer = true): Promise<string | undefined> {
    const requestId = randomUUID();
    if (this.events.size === 0) return Promise.reject(new Error('the Switchboard window is not running'));
    const p = expectAnswer
      ? new Promise<string | undefined>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.pending.delete(requestId);
            reject(new Error('the audio engine did not answer in time'));
          }, this.timeoutMs);
          this.pending.set(requestId, { resolve, reject, timer });
        })
      : Promise.resolve(undefined);
    this.events.emit('mediaCommand', { ...body, requestId } as MediaCommand);
    return p;
  }

  /** Where "the customer's audio arrived" reports go (the call controller). */
  onAudio(listener: (localId: string) => void): void {
    this.audioListener = listener;
  }

  /** Called by the `mediaReport` bridge handler. */
  report(
    r:
      | { type: 'done'; requestId: string; sdp?: string | undefined }
      | { type: 'failed'; requestId: string; message: string }
      | { type: 'lost'; localId: string; reason: string }
      | { type: 'audio'; localId: string },
  ): void {
    if (r.type === 'lost') {
      this.lostListener?.(r.localId, r.reason);
      return;
    }
    if (r.type === 'audio') {
      this.audioListener?.(r.localId);
      return;
    }
    const p = this.pending.get(r.requestId);
    if (!p) return; // late or unknown: the command already timed out
    this.pending.delete(r.requestId);
    clearTimeout(p.timer);
    if (r.type === 'done') p.resolve(r.sdp);
    else p.reject(new Error(r.message));
  }

  async prepareAnswer(localId: string, offerSdp: string): Promise<string> {
    const sdp = await this.send({ localId, command: 'prepareAnswer', offerSdp });
    if (!sdp) throw new Error('the audio engine returned no answer');
    return sdp;
  }
  async prepareOffer(localId: string): Promise<string> {
    const sdp = await this.send({ localId, command: 'prepareOffer' });
    if (!sdp) throw new Error('the audio engine returned no offer');
    return sdp;
  }
  async applyAnswer(localId: string, sdp: string): Promise<void> {
    await this.send({ localId, command: 'applyAnswer', sdp });
  }
  async attachMicrophone(localId: string): Promise<void> {
    await this.send({ localId, command: 'attachMicrophone' });
  }
  close(localId: string): void {
    void this.send({ localId, command: 'close' }, false).catch(() => {});
  }
  ring(localId: string, on: boolean): void {
    void this.send({ localId, command: 'ring', on }, false).catch(() => {});
  }

  dispose(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('Switchboard is shutting down'));
    }
    this.pending.clear();
  }
}
