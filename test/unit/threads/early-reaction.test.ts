/**
 * Regression (found by the crash burst, test/reliability/crash-burst.ts): webhooks arrive in any
 * order — the simulator's retries after a crash delivered 86 of 587 reactions before the message
 * they react to. Such a reaction used to stay a message of its own (an extra unread item) and the
 * message never showed it. Now it moves onto the message when that arrives.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { envelope, textMessage } from '../../support/webhooks.ts';

const T0 = 1_767_000_000;
const ANA = '5511987650001';

function setup() {
  const db = openDatabase(':memory:');
  const inbox = new WebhookInbox(db, memoryLogger().log);
  const store = new ThreadStore(db, { clock: () => new Date(T0 * 1000) });
  inbox.addApplier((e, id) => store.apply(e, id));
  const feed = async (...bodies: unknown[]) => {
    for (const b of bodies) await inbox.store(Buffer.from(JSON.stringify(b)));
    inbox.drainNow();
  };
  return { db, store, feed };
}

const reaction = (id: string, target: string, emoji: string, ts: number) =>
  envelope('messages', {
    contacts: [{ profile: { name: 'Ana' }, wa_id: ANA, user_id: `BR.${ANA}` }],
    messages: [{ from: ANA, id, timestamp: String(ts), type: 'reaction', reaction: { message_id: target, emoji } }],
  });

describe('thread store: a reaction that arrives before its message', () => {
  it('ends on the message, as if delivered in order: no extra item, the unread count and last item right', async () => {
    const inOrder = setup();
    await inOrder.feed(textMessage('wamid.M1', ANA, 'Tem horário amanhã?', T0), reaction('wamid.R1', 'wamid.M1', '👍', T0 + 5));
    const reordered = setup();
    await reordered.feed(reaction('wamid.R1', 'wamid.M1', '👍', T0 + 5));
    // Until the message arrives, the reaction is visible on its own (the message may never come).
    const [early] = reordered.store.listThreads();
    expect(reordered.store.timeline(early!.id).map((i) => i.type)).toEqual(['reaction']);
    await reordered.feed(textMessage('wamid.M1', ANA, 'Tem horário amanhã?', T0));

    for (const s of [inOrder, reordered]) {
      const [t] = s.store.listThreads();
      const items = s.store.timeline(t!.id);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ metaId: 'wamid.M1', type: 'text', data: { reactions: { customer: '👍' } } });
      expect(t).toMatchObject({ unreadCount: 1, lastItem: { type: 'text', body: 'Tem horário amanhã?' } });
    }
    expect(reordered.db.prepare("SELECT COUNT(*) AS n FROM kv WHERE key LIKE 'reaction.early:%'").get()).toEqual({ n: 0 });
  });

  it('keeps only the latest of several early reactions, and a removal (empty emoji) removes it', async () => {
    const s = setup();
    await s.feed(reaction('wamid.R1', 'wamid.M1', '👍', T0 + 5), reaction('wamid.R2', 'wamid.M1', '❤️', T0 + 6));
    const [t] = s.store.listThreads();
    expect(s.store.timeline(t!.id).map((i) => i.metaId)).toEqual(['wamid.R2']);
    expect(s.store.listThreads()[0]!.unreadCount).toBe(1);
    await s.feed(textMessage('wamid.M1', ANA, 'oi', T0));
    expect(s.store.timeline(t!.id)[0]!.data['reactions']).toEqual({ customer: '❤️' });

    await s.feed(reaction('wamid.R3', 'wamid.M2', '', T0 + 7), textMessage('wamid.M2', ANA, 'de novo', T0 + 1));
    const m2 = s.store.timeline(t!.id).find((i) => i.metaId === 'wamid.M2')!;
    expect(m2.data['reactions']).toEqual({});
    expect(s.store.timeline(t!.id).map((i) => i.type)).toEqual(['text', 'text']);
    expect(s.store.listThreads()[0]!.unreadCount).toBe(2);
  });

  it('survives a full replay of the projection unchanged', async () => {
    const s = setup();
    await s.feed(reaction('wamid.R1', 'wamid.M1', '😂', T0 + 5), textMessage('wamid.M1', ANA, 'oi', T0));
    const snapshot = () => JSON.stringify(s.store.timeline(s.store.listThreads()[0]!.id));
    const before = snapshot();
    s.db.prepare("UPDATE kv SET value = '0' WHERE key = 'threads.cursor'").run();
    s.store.catchUp();
    expect(snapshot()).toBe(before);
  });
});
