/**
 * Regression (noticed by the Graph-failures suite): a message that fails through a status webhook
 * showed Meta's own `error_data.details`, while the same failure refused by Graph at send time
 * shows the error table's plain message. Now both say the same thing; Meta's error is kept whole.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import { GRAPH_ERRORS } from '../../../main/graph/graph-errors.ts';
import { failureReason } from '../../../renderer/src/components/conversations/thread-format.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { envelope } from '../../support/webhooks.ts';

const T0 = 1_767_000_000;
const ANA = { waId: '5511987650001', userId: null, parentUserId: null, profileName: 'Ana', username: null };

async function failedWith(error: Record<string, unknown>) {
  const db = openDatabase(':memory:');
  const inbox = new WebhookInbox(db, memoryLogger().log);
  const store = new ThreadStore(db, { clock: () => new Date(T0 * 1000) });
  inbox.addApplier((e, id) => store.apply(e, id));
  store.addOutgoingMessage({ contact: ANA, wamid: 'wamid.OUT1', type: 'text', body: 'Oi Ana!' });
  const status = envelope('messages', {
    statuses: [{ id: 'wamid.OUT1', status: 'failed', timestamp: String(T0 + 2), recipient_id: ANA.waId, errors: [error] }],
  });
  await inbox.store(Buffer.from(JSON.stringify(status)));
  inbox.drainNow();
  const [thread] = store.listThreads();
  return store.timeline(thread!.id)[0]!;
}

describe('a message that failed through a status webhook', () => {
  it('shows the error table’s plain message for a known code, keeping Meta’s error as it came', async () => {
    const meta = {
      code: 131047,
      title: 'Re-engagement message',
      message: 'Re-engagement message',
      error_data: {
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    };
    const item = await failedWith(meta);
    expect(item.status).toBe('failed');
    const known = GRAPH_ERRORS[131047]!;
    expect(item.data['error']).toEqual({ ...meta, plain: `${known.message} ${known.fix}` });
    expect(failureReason(item)).toBe(`${known.message} ${known.fix}`);
  });

  it('falls back to Meta’s own details for a code the table does not know', async () => {
    const meta = { code: 131999, title: 'Something new', error_data: { details: 'A reason only Meta can give.' } };
    const item = await failedWith(meta);
    expect(item.data['error']).toEqual(meta);
    expect(failureReason(item)).toBe('A reason only Meta can give.');
  });
});
