/**
 * The recordings' share of the database: a call's transcript lines (transcript_lines, indexed by
 * transcript_fts — migration 6) and the call items whose files are still to be fetched. The call
 * item's `data.recording` itself is written through the thread store (ThreadStore.setRecording),
 * which tells the window.
 */
import type { RecordingState, TranscriptLine } from '../../common/bridge/recordings.ts';
import { transaction, type Database } from '../storage/database.ts';
import type { RecordingSource } from '../threads/thread-projection.ts';

/** A file as stored in the call item: its public state and where it comes from. */
export type StoredFile = NonNullable<RecordingState['audio']> &
  Partial<RecordingSource> & {
    language?: string | null;
    /** Failed for want of a network or an answer: fetched again by itself (RecordingFetcher.retryTransient). */
    transient?: boolean;
  };
export type StoredRecording = Omit<RecordingState, 'audio' | 'transcript'> & { audio: StoredFile | null; transcript: StoredFile | null };

export class RecordingStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** The call item's recording state, or null (no such call item, or nothing recorded). */
  recordingOf(itemId: number): { threadId: number; recording: StoredRecording | null } | null {
    const r = this.db
      .prepare("SELECT thread_id, json_extract(data, '$.recording') AS rec FROM items WHERE id = ? AND kind = 'call'")
      .get(itemId) as { thread_id: number; rec: string | null } | undefined;
    if (!r) return null;
    return { threadId: Number(r.thread_id), recording: r.rec ? (JSON.parse(r.rec) as StoredRecording) : null };
  }

  /** Call items with a file whose webhook arrived but which is not downloaded yet (a restart resumes them). */
  pending(): Array<{ itemId: number; part: 'audio' | 'transcript' }> {
    const rows = this.db
      .prepare(
        `SELECT id,
                json_extract(data, '$.recording.audio.state') AS audio,
                json_extract(data, '$.recording.transcript.state') AS transcript
           FROM items WHERE kind = 'call' AND json_extract(data, '$.recording') IS NOT NULL`,
      )
      .all() as Array<{ id: number; audio: string | null; transcript: string | null }>;
    const out: Array<{ itemId: number; part: 'audio' | 'transcript' }> = [];
    for (const r of rows) {
      if (r.audio === 'pending') out.push({ itemId: Number(r.id), part: 'audio' });
      if (r.transcript === 'pending') out.push({ itemId: Number(r.id), part: 'transcript' });
    }
    return out;
  }

  /** Files that failed for want of a network or an answer. */
  failedTransient(): Array<{ itemId: number; part: 'audio' | 'transcript' }> {
    const out: Array<{ itemId: number; part: 'audio' | 'transcript' }> = [];
    for (const part of ['audio', 'transcript'] as const) {
      const rows = this.db
        .prepare(
          `SELECT id FROM items WHERE kind = 'call' AND json_extract(data, '$.recording.${part}.state') = 'failed'
             AND json_extract(data, '$.recording.${part}.transient') = 1`,
        )
        .all() as Array<{ id: number }>;
      for (const r of rows) out.push({ itemId: Number(r.id), part });
    }
    return out;
  }

  /**
   * Replaces the call's transcript: its lines (one statement), and its one document in
   * transcript_fts (migration 7), where search finds it at once.
   */
  saveTranscript(itemId: number, lines: readonly TranscriptLine[]): void {
    transaction(this.db, () => {
      this.db.prepare('DELETE FROM transcript_lines WHERE item_id = ?').run(itemId);
      this.db.prepare('DELETE FROM transcript_fts WHERE rowid = ?').run(itemId);
      if (lines.length === 0) return;
      this.db
        .prepare(
          `INSERT INTO transcript_lines (item_id, idx, speaker, label, start_ms, end_ms, text)
           SELECT ?, j.value ->> '$.index', j.value ->> '$.speaker', j.value ->> '$.speakerLabel',
                  j.value ->> '$.startMs', j.value ->> '$.endMs', j.value ->> '$.text'
           FROM json_each(?) AS j`,
        )
        .run(itemId, JSON.stringify(lines));
      this.db.prepare('INSERT INTO transcript_fts (rowid, text) VALUES (?, ?)').run(itemId, lines.map((l) => l.text).join(' '));
    });
  }

  transcriptOf(itemId: number): TranscriptLine[] {
    return (
      this.db
        .prepare('SELECT idx, speaker, label, start_ms, end_ms, text FROM transcript_lines WHERE item_id = ? ORDER BY idx')
        .all(itemId) as Array<{
        idx: number;
        speaker: TranscriptLine['speaker'];
        label: string | null;
        start_ms: number | null;
        end_ms: number | null;
        text: string;
      }>
    ).map((r) => ({
      index: Number(r.idx),
      speaker: r.speaker,
      speakerLabel: r.label,
      startMs: r.start_ms === null ? null : Number(r.start_ms),
      endMs: r.end_ms === null ? null : Number(r.end_ms),
      text: r.text,
    }));
  }
}
