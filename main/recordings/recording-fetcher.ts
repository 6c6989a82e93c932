/**
 * Downloads a call's recording and transcript as soon as their webhook arrives (WhatsApp keeps
 * them 7 days; the webhook's URL lasts 5 minutes), checks each against the sha256 Meta sent, and
 * keeps it in the data dir (`recordings/`, this user's alone). A transcript's lines go into the
 * database, where search finds them.
 *
 *   webhook URL (while fresh) ──┐
 *   GET /{media-id} → fresh URL ┴─ bytes (with the token) → sha256 check → file → ready
 *
 * One file at a time, in arrival order. A network failure or a 5xx is tried again twice (after 2
 * and 10 s); then, as for an expired file, a hash that does not match or a Graph refusal, the file
 * is `failed` with the reason in plain words, and the owner can Retry while the 7 days last.
 * Files still pending when the app stopped are fetched again at the next start.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingState } from '../../common/bridge/recordings.ts';
import type { AccountService } from '../account/account-service.ts';
import { DomainError } from '../core/domain-error.ts';
import type { Logger } from '../core/log.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../core/private-files.ts';
import { asGraphError } from '../account/account-service.ts';
import { MediaDownloadRefused, MediaHttpError, MediaTooLarge, whatsappMedia, type MediaInfo } from '../graph/whatsapp.ts';
import { tr } from '../i18n/tr.ts';
import type { ThreadStore } from '../threads/thread-store.ts';
import type { DomainEvent } from '../webhooks/envelope.ts';
import { oggOpusDurationMs } from './ogg.ts';
import type { RecordingStore, StoredFile, StoredRecording } from './recording-store.ts';
import { parseTranscript, TranscriptUnreadable } from './transcript.ts';

export type RecordingPart = 'audio' | 'transcript';

/** A call's kept file, in the data folder's recordings/ (exports name it too). */
export function recordingFileName(itemId: number, part: RecordingPart): string {
  return `call-${itemId}-${part === 'audio' ? 'recording.ogg' : 'transcript.json'}`;
}

/** Largest file kept: an hour of Opus is ~15 MB; a transcript of an hour well under 5 MB. */
export const MAX_RECORDING_BYTES: Record<RecordingPart, number> = { audio: 200 * 1024 * 1024, transcript: 20 * 1024 * 1024 };
/** The webhook's URL is valid for 5 minutes (Meta); a little less, to be safe. */
const WEBHOOK_URL_FRESH_MS = 4 * 60_000;

/** The services closed (and the database with them) while a file was being fetched: never shown, the next start resumes it. */
class FetcherClosed extends Error {}

/** Why one attempt failed: `transient` ones are tried again. */
class FetchProblem extends Error {
  readonly code: string;
  readonly transient: boolean;
  constructor(code: string, message: string, transient: boolean) {
    super(message);
    this.code = code;
    this.transient = transient;
  }
}

/** Where Meta serves media from (lookaside.fbsbx.com in its samples; its CDNs). */
const META_MEDIA_HOSTS = ['fbsbx.com', 'facebook.com', 'fbcdn.net', 'whatsapp.net'];

/** A link the access token may go to: https on one of Meta's media hosts, or the Graph server's own origin. */
export function isMetaMediaUrl(url: string, graphBaseUrl: string | null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (graphBaseUrl && u.origin === new URL(graphBaseUrl).origin) return true;
  return u.protocol === 'https:' && META_MEDIA_HOSTS.some((h) => u.hostname === h || u.hostname.endsWith(`.${h}`));
}

/** Whether `digest` (raw SHA-256) is what `expected` says, in base64 (webhooks) or hex (Media API). */
export function sha256Matches(digest: Buffer, expected: string): boolean {
  const e = expected.trim();
  if (/^[0-9a-f]{64}$/i.test(e)) return digest.toString('hex') === e.toLowerCase();
  const b64 = e.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  return digest.toString('base64').replace(/=+$/, '') === b64;
}

export class RecordingFetcher {
  private readonly o: {
    store: RecordingStore;
    threads: ThreadStore;
    account: AccountService;
    dir: string;
    log: Logger;
    clock: () => Date;
    retryDelaysMs: readonly number[];
  };
  private readonly queue: Array<{ itemId: number; part: RecordingPart }> = [];
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(o: {
    store: RecordingStore;
    threads: ThreadStore;
    account: AccountService;
    /** Where the files go (`<data dir>/recordings`). */
    dir: string;
    log: Logger;
    clock?: () => Date;
    /** Waits before the second and third attempt after a transient failure (default 2 s, 10 s). */
    retryDelaysMs?: readonly number[];
  }) {
    this.o = { clock: () => new Date(), retryDelaysMs: [2_000, 10_000], ...o };
  }

  /** The inbox published an event: a recording or transcript of a call is ready at WhatsApp. */
  onDomainEvent(e: DomainEvent): void {
    if (e.kind !== 'call.recording') return;
    const item = this.o.threads.callItem(e.callId);
    if (item) this.enqueue(item.id, e.part);
  }

  /** At start: fetches what a previous run left pending. */
  resume(): void {
    for (const p of this.o.store.pending()) this.enqueue(p.itemId, p.part);
  }

  /** The owner pressed Retry on a failed file (refused when it is not failed, or its 7 days are over). */
  retry(itemId: number, part: RecordingPart): RecordingState {
    const found = this.o.store.recordingOf(itemId);
    const file = found?.recording?.[part];
    if (!found?.recording || !file) throw new DomainError('not_found', tr('recording.none'));
    if (file.state !== 'failed') throw new DomainError('invalid_state', tr('recording.notFailed'));
    if (this.expired(file) || file.errorCode === 'expired') throw new DomainError('expired', tr('recording.expired'));
    this.update(itemId, found.recording, part, { state: 'pending', error: null, errorCode: null, canRetry: false });
    this.enqueue(itemId, part);
    return publicState(this.o.store.recordingOf(itemId)!.recording!);
  }

  /** The kept file of a ready recording or transcript, or null. */
  async read(itemId: number, part: RecordingPart): Promise<{ bytes: Buffer; mimeType: string } | null> {
    const file = this.o.store.recordingOf(itemId)?.recording?.[part];
    if (!file || file.state !== 'ready') return null;
    try {
      return {
        bytes: await readFile(this.pathOf(itemId, part)),
        mimeType: file.mimeType ?? (part === 'audio' ? 'audio/ogg' : 'application/json'),
      };
    } catch {
      return null;
    }
  }

  /** Resolves when nothing is queued or being fetched (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  pathOf(itemId: number, part: RecordingPart): string {
    return path.join(this.o.dir, recordingFileName(itemId, part));
  }

  private enqueue(itemId: number, part: RecordingPart): void {
    if (this.closed || this.queue.some((q) => q.itemId === itemId && q.part === part)) return;
    this.queue.push({ itemId, part });
    this.running ??= this.work().finally(() => {
      this.running = null;
    });
  }

  private async work(): Promise<void> {
    for (let next = this.queue.shift(); next && !this.closed; next = this.queue.shift()) {
      try {
        await this.fetchOne(next.itemId, next.part);
      } catch (err) {
        if (this.closed) return; // the services closed under a download: the next start resumes it
        // A bug must not stop the queue: the file says it failed.
        this.o.log.warn('recordings.fetch_crashed', { error: (err as Error).message });
        const found = this.o.store.recordingOf(next.itemId);
        if (found?.recording?.[next.part]) this.fail(next.itemId, found.recording, next.part, 'internal', tr('recording.failedInternal'));
      }
    }
  }

  private expired(file: StoredFile): boolean {
    return file.expiresAt !== null && Date.parse(file.expiresAt) <= this.o.clock().getTime();
  }

  private async fetchOne(itemId: number, part: RecordingPart): Promise<void> {
    const found = this.o.store.recordingOf(itemId);
    const file = found?.recording?.[part];
    if (!found?.recording || !file || file.state !== 'pending') return;
    if (this.expired(file)) return this.fail(itemId, found.recording, part, 'expired', tr('recording.expired'), false);
    // The call's state as it is now, if its file is still this one: a webhook with another media id
    // for the same call may have arrived while this one downloaded (then that one is queued, and
    // nothing of this one is written).
    const mine = (): StoredRecording | null => {
      const now = this.current(itemId);
      const f = now?.[part];
      return now && f && f.mediaId === file.mediaId && f.state === 'pending' ? now : null;
    };
    const failWith = (code: string, message: string, retryable = true, transient = false): void => {
      const now = mine();
      if (now) this.fail(itemId, now, part, code, message, retryable, transient);
    };
    let got: { bytes: Buffer; hashes: string[]; mimeType: string | null } | null = null;
    for (let attempt = 0; !got; attempt++) {
      try {
        got = await this.download(file, part);
      } catch (err) {
        const p = err instanceof FetchProblem ? err : new FetchProblem('download_failed', tr('media.noAnswer'), true);
        const wait = this.o.retryDelaysMs[attempt];
        if (p.transient && wait !== undefined && !this.closed) {
          this.o.log.info('recordings.retrying', { part, code: p.code, attempt: attempt + 1 });
          await new Promise((r) => setTimeout(r, wait));
          this.alive();
          continue;
        }
        this.o.log.warn('recordings.fetch_failed', { part, code: p.code });
        return failWith(p.code, p.message, p.code !== 'expired', p.transient || p.code === 'not_connected');
      }
    }
    const digest = createHash('sha256').update(got.bytes).digest();
    if (got.hashes.length === 0) this.o.log.warn('recordings.unverified', { part, bytes: got.bytes.length });
    else if (!got.hashes.some((h) => sha256Matches(digest, h))) {
      this.o.log.warn('recordings.hash_mismatch', { part, bytes: got.bytes.length });
      return failWith('hash_mismatch', tr('recording.hashMismatch'));
    }
    if (!mine()) return;
    let extra: Partial<StoredFile> = part === 'audio' ? { durationMs: oggOpusDurationMs(got.bytes) } : {};
    let lines: ReturnType<typeof parseTranscript>['lines'] | null = null;
    if (part === 'transcript') {
      try {
        const parsed = parseTranscript(got.bytes);
        extra = { lines: parsed.lines.length, durationMs: parsed.durationMs, language: parsed.language };
        lines = parsed.lines;
      } catch (err) {
        if (!(err instanceof TranscriptUnreadable)) throw err;
        await this.keep(itemId, part, got.bytes); // kept for a person to look at
        return failWith('unreadable', tr('recording.unreadable', { reason: err.message }), false);
      }
    }
    await this.keep(itemId, part, got.bytes);
    const now = mine();
    if (!now) return;
    if (lines) this.o.store.saveTranscript(itemId, lines);
    this.update(itemId, now, part, { ...ready(got, file), ...extra });
    this.o.log.info('recordings.ready', { part, bytes: got.bytes.length });
  }

  private current(itemId: number): StoredRecording | null {
    this.alive();
    return this.o.store.recordingOf(itemId)?.recording ?? null;
  }

  /** After an await: the services may have closed (and the database with them) meanwhile. */
  private alive(): void {
    if (this.closed) throw new FetcherClosed();
  }

  /** The bytes: from the webhook's URL while it is fresh, else (or when that fails) through the media id. */
  private async download(file: StoredFile, part: RecordingPart): Promise<{ bytes: Buffer; hashes: string[]; mimeType: string | null }> {
    const graph = this.o.account.graph();
    const token = this.o.account.accessToken();
    if (!graph || !token) throw new FetchProblem('not_connected', tr('common.notConnected'), false);
    const hashes = file.sha256 ? [file.sha256] : [];
    const fresh = file.url && file.receivedAt && this.o.clock().getTime() - Date.parse(file.receivedAt) < WEBHOOK_URL_FRESH_MS;
    // The token goes with the webhook's link only to Meta's media hosts (or the Graph server itself);
    // anything else is fetched through the media id, as Meta's download flow says.
    if (fresh && file.url && isMetaMediaUrl(file.url, this.o.account.account()?.graphBaseUrl ?? null)) {
      try {
        return { bytes: await this.get(file.url, token, part), hashes, mimeType: null };
      } catch (err) {
        if (err instanceof FetchProblem && !err.transient && err.code !== 'download_failed') throw err;
        // a stale or refused link: the media id gives a fresh one
      }
    }
    if (!file.mediaId) throw new FetchProblem('expired', tr('recording.expired'), false);
    let info: MediaInfo;
    try {
      info = await whatsappMedia(graph).info(file.mediaId);
    } catch (err) {
      const e = asGraphError(err);
      if (e.code === 100 || e.httpStatus === 404) throw new FetchProblem('expired', tr('recording.expired'), false);
      const transient = e.category === 'network' || e.category === 'transient' || (e.httpStatus ?? 0) >= 500;
      throw new FetchProblem(`graph_${e.code}`, e.userMessage, transient);
    }
    if ((info.file_size ?? 0) > MAX_RECORDING_BYTES[part]) throw new FetchProblem('too_large', tr('recording.tooLarge'), false);
    if (info.sha256) hashes.push(info.sha256);
    return { bytes: await this.get(info.url, token, part), hashes, mimeType: info.mime_type ?? null };
  }

  private async get(url: string, token: string, part: RecordingPart): Promise<Buffer> {
    try {
      return await whatsappMedia(this.o.account.graph()!).bytes(url, token, MAX_RECORDING_BYTES[part]);
    } catch (err) {
      if (err instanceof MediaDownloadRefused)
        throw new FetchProblem('download_refused', tr('media.refused', { reason: err.message }), false);
      if (err instanceof MediaTooLarge) throw new FetchProblem('too_large', tr('recording.tooLarge'), false);
      if (err instanceof MediaHttpError)
        throw new FetchProblem('download_failed', tr('media.http', { status: err.status }), err.status >= 500 || err.status === 429);
      throw new FetchProblem('download_failed', tr('media.noAnswer'), true);
    }
  }

  /** Writes the file whole or not at all (a temporary name, then renamed), this user's alone. */
  private async keep(itemId: number, part: RecordingPart, bytes: Buffer): Promise<void> {
    await mkdir(this.o.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const target = this.pathOf(itemId, part);
    const temp = `${target}.part`;
    await writeFile(temp, bytes, { mode: PRIVATE_FILE_MODE });
    await rename(temp, target);
  }

  private fail(
    itemId: number,
    recording: StoredRecording,
    part: RecordingPart,
    code: string,
    message: string,
    retryable = true,
    transient = false,
  ): void {
    const file = recording[part];
    this.update(itemId, recording, part, {
      state: 'failed',
      error: message,
      errorCode: code,
      canRetry: retryable && !!file && !this.expired(file),
      transient,
    });
  }

  /**
   * Files that failed for want of a network or an answer (after their own tries) are fetched
   * again now — the composition root calls this every few minutes — so a laptop that started
   * offline still gets them within WhatsApp's 7 days, without the owner pressing Retry.
   */
  retryTransient(): number {
    let n = 0;
    for (const { itemId, part } of this.o.store.failedTransient()) {
      const found = this.o.store.recordingOf(itemId);
      const file = found?.recording?.[part];
      if (!found?.recording || !file || this.expired(file)) continue;
      this.update(itemId, found.recording, part, { state: 'pending', error: null, errorCode: null, canRetry: false, transient: false });
      this.enqueue(itemId, part);
      n++;
    }
    return n;
  }

  private update(itemId: number, recording: StoredRecording, part: RecordingPart, patch: Partial<StoredFile>): void {
    this.alive();
    const file = recording[part];
    if (!file) return;
    this.o.threads.setRecording(itemId, { ...recording, [part]: { ...file, ...patch } } as RecordingState);
  }
}

/** A downloaded, checked file's state. */
function ready(got: { bytes: Buffer; mimeType: string | null }, file: StoredFile): Partial<StoredFile> {
  return {
    state: 'ready',
    bytes: got.bytes.length,
    mimeType: got.mimeType ?? file.mimeType,
    error: null,
    errorCode: null,
    canRetry: false,
  };
}

/** The state as the window sees it: without the download URL and hash kept for the fetch. */
export function publicState(r: StoredRecording): RecordingState {
  const strip = (f: StoredFile | null) => {
    if (!f) return null;
    const { url: _url, sha256: _sha, ...rest } = f;
    return rest;
  };
  return { requested: r.requested, audio: strip(r.audio), transcript: strip(r.transcript) };
}
