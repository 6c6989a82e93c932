/**
 * Search over call transcripts (migration 7: one document per call, its lines kept apart): a word
 * said in a call finds the call at the line that says it, accents or not, as a word's beginning;
 * one long call gives at most three lines; words said on different lines still find the call;
 * newest first, merged with messages by time; a transcript replaced or its call deleted is gone.
 */
import { describe, expect, it } from 'vitest';
import type { TranscriptLine } from '../../../common/bridge/recordings.ts';
import { RecordingStore } from '../../../main/recordings/recording-store.ts';
import { openDatabase } from '../../../main/storage/database.ts';
import { ThreadStore } from '../../../main/threads/thread-store.ts';
import type { DomainEvent } from '../../../main/webhooks/envelope.ts';

const ana = { waId: '5511987650001', userId: null, parentUserId: null, profileName: 'Ana Souza', username: null };

function setup() {
  const db = openDatabase(':memory:');
  const threads = new ThreadStore(db);
  const store = new RecordingStore(db);
  let seq = 0;
  /** A call from Ana at `at` (a connect webhook), returning its item id. */
  const call = (at: string): number => {
    const callId = `wacid.S${++seq}`;
    threads.apply(
      {
        kind: 'call.connect',
        key: `k${seq}`,
        occurredAt: at,
        phoneNumberId: null,
        wabaId: 'W',
        callId,
        direction: 'incoming',
        user: ana,
        session: null,
        ctaPayload: null,
        deeplinkPayload: null,
        bizOpaque: null,
        raw: {},
      } as DomainEvent,
      seq,
    );
    return threads.callItem(callId)!.id;
  };
  const said = (texts: string[]): TranscriptLine[] =>
    texts.map((text, index) => ({
      index,
      speaker: index % 2 ? 'business' : 'customer',
      speakerLabel: null,
      startMs: index * 1000,
      endMs: null,
      text,
    }));
  return { db, threads, store, call, said };
}

describe('search over call transcripts', () => {
  it('finds the line that says a word, as a beginning, with or without accents; the snippet marks it', () => {
    const { threads, store, call, said } = setup();
    const id = call('2026-03-01T10:00:00.000Z');
    store.saveTranscript(id, said(['Bom dia, tudo bem?', 'Queria encomendar pão de queijo para amanhã', 'Não tem problema']));
    expect(threads.searchItems('queijo')).toEqual([
      {
        itemId: id,
        threadId: expect.any(Number),
        at: '2026-03-01T10:00:00.000Z',
        line: 1,
        snippet: 'Queria encomendar pão de \u0001queijo\u0002 para amanhã',
      },
    ]);
    expect(threads.searchItems('nao').map((h) => h.line)).toEqual([2]);
    expect(threads.searchItems('enco').map((h) => h.snippet)).toEqual(['Queria \u0001encomendar\u0002 pão de queijo para amanhã']);
    expect(threads.searchItems('xyz')).toEqual([]);
  });

  it('one long call gives at most three lines; words said on different lines still find the call', () => {
    const { threads, store, call, said } = setup();
    const id = call('2026-03-01T10:00:00.000Z');
    const long = Array.from({ length: 40 }, (_, i) => `linha ${i} com a palavra pedido e mais ${'outras '.repeat(20)}coisas`);
    store.saveTranscript(id, said(long));
    const hits = threads.searchItems('pedido');
    expect(hits.map((h) => h.line)).toEqual([0, 1, 2]);
    expect(hits[0]!.snippet.startsWith('linha 0 com a palavra \u0001pedido\u0002')).toBe(true);
    expect(hits[0]!.snippet.endsWith('…')).toBe(true);
    const other = call('2026-03-02T10:00:00.000Z');
    store.saveTranscript(other, said(['o boleto chegou', 'e o pix também']));
    // Both words in the call, on different lines: the lines saying either, the call found once per line.
    expect(threads.searchItems('boleto pix').map((h) => [h.itemId, h.line])).toEqual([
      [other, 0],
      [other, 1],
    ]);
  });

  it('newest first, merged with messages by time; a replaced transcript or a deleted call is no longer found', () => {
    const { db, threads, store, call, said } = setup();
    const older = call('2026-03-01T10:00:00.000Z');
    const newer = call('2026-03-03T10:00:00.000Z');
    store.saveTranscript(older, said(['brigadeiro de chocolate']));
    store.saveTranscript(newer, said(['mais brigadeiros por favor']));
    threads.addOutgoingMessage({
      contact: ana,
      wamid: 'wamid.M1',
      type: 'text',
      body: 'Brigadeiro pronto',
      at: '2026-03-02T10:00:00.000Z',
    });
    expect(threads.searchItems('brigadeiro').map((h) => [h.itemId, h.line])).toEqual([
      [newer, 0],
      [expect.any(Number), null],
      [older, 0],
    ]);
    store.saveTranscript(newer, said(['nada a ver']));
    expect(threads.searchItems('brigadeiro').map((h) => h.itemId)).not.toContain(newer);
    db.prepare('DELETE FROM items WHERE id = ?').run(older);
    expect(threads.searchItems('chocolate')).toEqual([]);
    expect(store.transcriptOf(older)).toEqual([]);
  });
});
