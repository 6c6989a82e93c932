import { describe, expect, it } from 'vitest';
import { CallController, type MediaPort } from '../../../main/calls/call-controller.ts';
import { openDatabase } from '../../../main/storage/database.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import type { AccountService } from '../../../main/account/account-service.ts';
import type { DomainEvent } from '../../../main/webhooks/envelope.ts';
import { memoryLogger } from '../../support/test-log.ts';

const media: MediaPort = {
  prepareAnswer: async () => 'sdp',
  prepareOffer: async () => 'sdp',
  applyAnswer: async () => {},
  attachMicrophone: async () => {},
  close: () => {},
  ring: () => {},
};

function staleConnect(callId: string, at: Date): DomainEvent {
  return {
    kind: 'call.connect',
    key: `call:${callId}:connect`,
    occurredAt: new Date(at.getTime() - 120_000).toISOString(),
    phoneNumberId: null,
    wabaId: '1',
    callId,
    direction: 'incoming',
    user: { waId: '5511987650001', userId: null, parentUserId: null, profileName: null, username: null },
    session: { sdpType: 'offer', sdp: 'v=0' },
    ctaPayload: null,
    deeplinkPayload: null,
    bizOpaque: null,
    raw: {},
  };
}

describe('call controller memory', () => {
  it('forgets calls that ended more than ten minutes ago, so a day of calls does not accumulate', () => {
    let now = new Date('2026-11-25T10:00:00Z');
    const controller = new CallController({
      account: { graph: () => null, account: () => null } as unknown as AccountService,
      threads: new ThreadStore(openDatabase(':memory:')),
      media,
      log: memoryLogger().log,
      clock: () => now,
    });
    for (let i = 0; i < 50; i++) controller.onDomainEvent(staleConnect(`wacid.OLD${i}`, now));
    expect(controller.list()).toHaveLength(50);
    now = new Date(now.getTime() + 11 * 60_000);
    controller.onDomainEvent(staleConnect('wacid.NEW', now));
    expect(controller.list().map((c) => c.callId)).toEqual(['wacid.NEW']);
  });
});
