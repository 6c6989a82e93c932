/**
 * Bulk data for the benchmarks: customers made through the thread store (so contacts, threads and
 * the contact search index are what the app makes), then timeline items written straight into
 * `items` in large transactions — a million rows through the projection would take minutes
 * longer and measure nothing the benchmarks are about. The FTS index follows by trigger.
 *
 * Messages are sentences of Portuguese bakery words with a number (`#n`), from a fixed-seed
 * generator, so two runs make the same data. Calls (when `callEvery` is set) have the outcomes,
 * directions and details real ones have: durations, the call button or call link a customer came
 * from, WhatsApp's error on a failed call, the occasional voicemail.
 */
import type { Database } from '../../main/storage/database.ts';
import { transaction } from '../../main/storage/database.ts';
import type { ThreadStore } from '../../main/threads/thread-store.ts';

const WORDS =
  'pão queijo entrega amanhã horário pedido obrigado bolo café aberto fechado sábado domingo preço troco pix cartão encomenda festa aniversário'.split(
    ' ',
  );

/** A fixed-seed generator: the same data every run. */
export function seededRandom(seed = 42): () => number {
  let rnd = seed;
  return () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** `count` customers ("Customer 0", …) with Brazilian numbers; their thread ids in order. */
export function seedCustomers(db: Database, store: ThreadStore, count: number): number[] {
  const ids: number[] = [];
  transaction(db, () => {
    for (let c = 0; c < count; c++) {
      const contactId = store.contactFor({
        waId: `55119${String(c).padStart(8, '0')}`,
        userId: null,
        parentUserId: null,
        profileName: `Customer ${c}`,
        username: null,
      });
      ids.push(store.threadIdOf(contactId));
    }
  });
  return ids;
}

export interface ItemPlan {
  total: number;
  threadIds: number[];
  /** Which of `threadIds` item n belongs to. */
  threadOf: (n: number) => number;
  /** Item n happens at base + n × stepMs. */
  base?: number;
  stepMs?: number;
  /** Every n-th item is a call (0: messages only). */
  callEvery?: number;
  random?: () => number;
}

type Outcome = 'completed' | 'missed' | 'declined' | 'failed' | 'no_answer' | 'cancelled';

/** A customer's call, or ours: outcome shares as a small business sees them. */
function callOf(n: number, r: () => number): { direction: 'in' | 'out'; status: Outcome; data: Record<string, unknown> } {
  const out = r() < 0.35;
  const x = r();
  const status: Outcome = out
    ? x < 0.6
      ? 'completed'
      : x < 0.85
        ? 'no_answer'
        : x < 0.93
          ? 'declined'
          : x < 0.98
            ? 'failed'
            : 'cancelled'
    : x < 0.7
      ? 'completed'
      : x < 0.9
        ? 'missed'
        : x < 0.95
          ? 'declined'
          : 'failed';
  const data: Record<string, unknown> = { direction: out ? 'out' : 'in', ctaPayload: null, deeplinkPayload: null, bizOpaque: null };
  if (!out) {
    const from = r();
    if (from < 0.1) data['ctaPayload'] = `order-${1000 + (n % 9000)}`;
    else if (from < 0.15) data['deeplinkPayload'] = 'instagram-bio';
  }
  if (status === 'completed') data['durationSeconds'] = 20 + Math.floor(r() * 600);
  if (status === 'failed')
    data['error'] = {
      code: 138021,
      title: 'Media timeout',
      message: 'WhatsApp client terminated the call due to not receiving any media for a long time. Please try again',
    };
  if (status === 'missed' && r() < 0.1) data['voicemail'] = { id: `vm-${n}`, mime_type: 'audio/ogg; codecs=opus' };
  data['terminateStatus'] = status === 'completed' ? 'COMPLETED' : 'FAILED';
  return { direction: out ? 'out' : 'in', status, data };
}

/** Writes `total` items (messages, and calls when asked); the threads' last item follows. Returns the number of calls. */
export function seedItems(db: Database, plan: ItemPlan): number {
  const base = plan.base ?? Date.parse('2023-01-01T00:00:00Z');
  const step = plan.stepMs ?? 60_000;
  const random = plan.random ?? seededRandom();
  const sentence = (i: number): string =>
    Array.from({ length: 6 + (i % 8) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ') + ` #${i}`;
  const message = db.prepare(
    "INSERT INTO items (thread_id, kind, meta_id, direction, at, type, body, status, status_rank, data) VALUES (?, 'message', ?, ?, ?, 'text', ?, NULL, 0, '{}')",
  );
  const call = db.prepare(
    "INSERT INTO items (thread_id, kind, meta_id, direction, at, type, body, status, status_rank, data) VALUES (?, 'call', ?, ?, ?, 'call', NULL, ?, 3, ?)",
  );
  let calls = 0;
  const BATCH = 20_000;
  for (let start = 0; start < plan.total; start += BATCH) {
    transaction(db, () => {
      for (let n = start; n < Math.min(plan.total, start + BATCH); n++) {
        const threadId = plan.threadIds[plan.threadOf(n)]!;
        const at = new Date(base + n * step).toISOString();
        if (plan.callEvery && n % plan.callEvery === plan.callEvery - 1) {
          const c = callOf(n, random);
          call.run(threadId, `wacid.B${n}`, c.direction, at, c.status, JSON.stringify(c.data));
          calls++;
        } else {
          message.run(threadId, `wamid.B${n}`, n % 3 === 0 ? 'out' : 'in', at, sentence(n));
        }
      }
    });
  }
  db.exec(
    'UPDATE threads SET last_item_at = (SELECT MAX(at) FROM items WHERE items.thread_id = threads.id), last_item_id = (SELECT MAX(id) FROM items WHERE items.thread_id = threads.id)',
  );
  db.exec('ANALYZE');
  return calls;
}
