/**
 * Regressions found by the crash burst (test/reliability/crash-burst.ts):
 *  - a reply cut off by a kill between the request and Graph's answer stayed "sending" forever;
 *  - a customer's reaction to one of our replies that arrived before Graph's answer (which carries
 *    the reply's wamid) stayed a message of its own.
 */
import { describe, expect, it } from 'vitest';
import type { AccountService } from '../../../main/account/account-service.ts';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import { MessagingService } from '../../../main/threads/messaging-service.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { envelope, textMessage } from '../../support/webhooks.ts';

const T0 = Math.floor(Date.now() / 1000) - 60;
const ANA = '5511987650001';

function setup(graphAnswer: () => Promise<unknown> = () => new Promise(() => {})) {
  const db = openDatabase(':memory:');
  const { log } = memoryLogger();
  const inbox = new WebhookInbox(db, log);
  const threads = new ThreadStore(db);
  inbox.addApplier((e, id) => threads.apply(e, id));
  const account = { graph: () => ({ request: graphAnswer }), account: () => ({ phoneNumberId: 'PN1' }) } as unknown as AccountService;
  const feed = async (...bodies: unknown[]) => {
    for (const b of bodies) await inbox.store(Buffer.from(JSON.stringify(b)));
    inbox.drainNow();
  };
  return { db, threads, account, log, feed, messaging: () => new MessagingService({ db, threads, account, log }) };
}

describe('sends cut off by a crash', () => {
  it('a reply still "sending" when the app starts becomes failed, saying it may have been delivered, and can be retried', async () => {
    const s = setup();
    await s.feed(textMessage('wamid.IN1', ANA, 'Vocês entregam hoje?', T0));
    const before = s.messaging();
    const [thread] = s.threads.listThreads();
    void before.sendText(thread!.id, 'Entregamos sim!'); // Graph never answers: the process dies here
    await Promise.resolve();
    expect(s.threads.timeline(thread!.id)[0]).toMatchObject({ body: 'Entregamos sim!', status: 'sending' });

    s.messaging(); // the next start
    const item = s.threads.timeline(thread!.id)[0]!;
    expect(item).toMatchObject({ body: 'Entregamos sim!', status: 'failed', data: { error: { code: 'interrupted' } } });
    expect(String((item.data['error'] as { message: string }).message)).toMatch(/may or may not have been delivered/);
    // Nothing else was touched: the customer's message is as it was.
    expect(s.threads.timeline(thread!.id)[1]).toMatchObject({ metaId: 'wamid.IN1', status: null });
  });

  it('a reaction to our reply that arrives before Graph answered moves onto the reply', async () => {
    let answer!: (v: unknown) => void;
    const s = setup(() => new Promise((r) => (answer = r)));
    await s.feed(textMessage('wamid.IN1', ANA, 'Tem bolo de cenoura?', T0));
    const messaging = s.messaging();
    const [thread] = s.threads.listThreads();
    const sent = messaging.sendText(thread!.id, 'Tem sim, com cobertura!');
    await Promise.resolve();
    await s.feed(
      envelope('messages', {
        contacts: [{ profile: { name: 'Ana' }, wa_id: ANA }],
        messages: [
          { from: ANA, id: 'wamid.R1', timestamp: String(T0 + 30), type: 'reaction', reaction: { message_id: 'wamid.OUT1', emoji: '😍' } },
        ],
      }),
    );
    answer({ messaging_product: 'whatsapp', contacts: [{ input: ANA, wa_id: ANA }], messages: [{ id: 'wamid.OUT1' }] });
    const reply = await sent;
    expect(reply).toMatchObject({ metaId: 'wamid.OUT1', status: 'sent', data: { reactions: { customer: '😍' } } });
    expect(s.threads.timeline(thread!.id).map((i) => i.type)).toEqual(['text', 'text']);
  });
});
