import { describe, expect, it } from 'vitest';
import { BridgeEventBus } from '../../../main/core/events.ts';
import { BridgeMediaPort } from '../../../main/calls/bridge-media-port.ts';
import type { MediaCommand } from '../../../common/bridge-contract.ts';

function setup(timeoutMs = 1000) {
  const bus = new BridgeEventBus();
  const sent: MediaCommand[] = [];
  bus.subscribe((event, payload) => {
    if (event === 'mediaCommand') sent.push(payload as MediaCommand);
  });
  return { port: new BridgeMediaPort(bus, timeoutMs), sent };
}

describe('media commands over the bridge', () => {
  it("resolves a command with the engine's report for the same request id", async () => {
    const { port, sent } = setup();
    const answer = port.prepareAnswer('call-1', 'v=0 offer sdp');
    expect(sent[0]).toMatchObject({ command: 'prepareAnswer', localId: 'call-1', offerSdp: 'v=0 offer sdp' });
    port.report({ type: 'done', requestId: 'someone-else', sdp: 'wrong' });
    port.report({ type: 'done', requestId: sent[0]!.requestId, sdp: 'v=0 answer sdp' });
    await expect(answer).resolves.toBe('v=0 answer sdp');
  });

  it("rejects with the engine's words, or when nobody answers in time", async () => {
    const { port, sent } = setup(50);
    const mic = port.attachMicrophone('call-1');
    port.report({ type: 'failed', requestId: sent[0]!.requestId, message: 'The microphone is in use by another app.' });
    await expect(mic).rejects.toThrow('The microphone is in use by another app.');
    await expect(port.prepareOffer('call-2')).rejects.toThrow(/did not answer in time/);
  });

  it('passes unprompted media loss to the controller, and fire-and-forget commands need no answer', () => {
    const { port, sent } = setup();
    const lost: string[] = [];
    port.onLost((id, reason) => lost.push(`${id}: ${reason}`));
    port.report({ type: 'lost', localId: 'call-3', reason: 'No audio from the customer for 8 seconds' });
    port.ring('call-3', true);
    port.close('call-3');
    expect(lost).toEqual(['call-3: No audio from the customer for 8 seconds']);
    expect(sent.map((c) => c.command)).toEqual(['ring', 'close']);
  });
});
