/**
 * Benchmark: the thread store with call transcripts (issue 16) — 100,000 recorded calls, each with
 * a ready transcript of 2,000 words (~200 million spoken words), beside the 1,000,000-item thread
 * store of threads.bench.ts (calls are every 10th item, spread across threads the same way).
 *
 *   BENCH_TRANSCRIPTS=100000 node test/bench/threads-transcripts.bench.ts [--runs 200]
 *
 * Two databases in one process: the baseline (the same customers and items, calls not recorded,
 * no transcript lines) and the one with transcripts (each call completed, its data.recording ready,
 * its transcript saved through RecordingStore.saveTranscript — lines in transcript_lines, one
 * transcript_fts document per call, migration 7). Targets: search p95 < 50 ms for every kind of
 * query; a thread's first timeline page costs the same as in the baseline (ratio ≤ 1.5, the same
 * noise allowance as threads.bench.ts's long/short ratio); saving one more transcript of ~67 lines
 * into the full database (saveTranscript, on a copy of it) p95 < 50 ms.
 *
 * Seeding at full scale takes minutes, so the seeded files are kept in the temp dir, keyed by the
 * seed version, the schema version and the scale; a second run reuses them (and says so).
 *
 * Spoken text: a Portuguese vocabulary of 5,000 words (common spoken and shop words first, then
 * made-up words of Portuguese syllables) drawn with a Zipf-Mandelbrot distribution, lines of
 * 20–40 words alternating business / customer with start and end times, and one rare word (a
 * name from a list of 20,000) per transcript, so that selective queries exist. No digits: numbers
 * and the word 'aniversário' stay in messages only.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliNumber, cliOptions } from '../support/cli.ts';
import { DATABASE_FILE, openDatabase, schemaVersion, transaction, type Database } from '../../main/storage/database.ts';
import { MIGRATIONS } from '../../main/storage/migrations.ts';
import { ThreadStore } from '../../main/threads/thread-store.ts';
import { RecordingStore } from '../../main/recordings/recording-store.ts';
import type { TranscriptLine } from '../../common/bridge/recordings.ts';
import { seedCustomers, seedItems } from '../support/bulk-seed.ts';

/** Bump when the seeded data changes: a cached database of another version is not reused. */
const SEED_VERSION = 3;
const WORDS_PER_TRANSCRIPT = 2000;
const CALL_EVERY = 10;
const CUSTOMERS = 2000;
const TRANSCRIPTS_PER_BATCH = 2000;

const values = cliOptions('usage: BENCH_TRANSCRIPTS=100000 node test/bench/threads-transcripts.bench.ts [--runs 200] [--cache-dir DIR]', {
  runs: { type: 'string', default: '200' },
  'cache-dir': { type: 'string' },
});
const RUNS = cliNumber('runs', values.runs, 20);
const N = cliNumber('BENCH_TRANSCRIPTS', process.env['BENCH_TRANSCRIPTS'] ?? '100000', 10);
const ITEMS = N * CALL_EVERY;
const SCHEMA = MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0);
const cacheDir = path.join(values['cache-dir'] ?? tmpdir(), `sb-bench-transcripts-v${SEED_VERSION}-schema${SCHEMA}-n${N}`);
const baseDir = path.join(cacheDir, 'baseline');
const spokenDir = path.join(cacheDir, 'transcripts');
const infoFile = path.join(cacheDir, 'seed.json');

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/** Common spoken Portuguese, roughly by frequency, then a shop's and a call's own words. */
const SPOKEN = `que não é o a de eu você sim do da um uma pra tá então isso aí é é ele ela mas com em no na se por
  mais já bom bem tudo vou vai ter tem foi era ser está estou aqui lá agora assim só também porque quando como
  muito pouco ainda depois antes hoje ontem amanhã obrigado obrigada senhor senhora olá oi alô certo claro ok
  beleza perfeito entendi exatamente isso mesmo gente nós eles elas meu minha seu sua nosso nossa dele dela esse
  essa este esta aquele aquela coisa dia semana mês ano hora minuto momento vez vezes tempo lugar casa loja
  pedido entrega produto preço valor conta cliente cadastro nome número telefone endereço rua bairro cidade cep
  pagamento pagar pago paguei pix cartão crédito débito boleto dinheiro troco desconto promoção frete prazo nota
  fiscal comprovante recibo código confirmar confirmado confirmação cancelar cancelado cancelamento trocar troca
  devolver devolução problema dúvida ajuda atendimento atendente gerente responsável setor estoque disponível
  tamanho cor modelo marca caixa pacote embalagem quantidade unidade peça item encomenda reserva horário aberto
  fechado funcionamento segunda terça quarta quinta sexta sábado domingo manhã tarde noite cedo tarde rápido
  devagar fácil difícil certo errado novo nova velho grande pequeno melhor pior primeiro segundo último próximo
  queria quero gostaria preciso precisa posso pode podia consegue consigo vamos vai fazer faz fiz feito falar
  falou fala disse dizer ligar liguei ligou mandar mandei mandou enviar enviei enviado receber recebi recebeu
  chegou chegar chega esperar espera aguardar aguarde olhar olha ver vi viu saber sei sabe achar acho acha
  entender entende pensar penso ficar fica ficou deixar deixa passar passa passou voltar volta voltou buscar
  retirar retirada levar trazer comprar comprei compra vender venda usar usa abrir fechar mudar mudou alterar
  alteração verificar verifiquei conferir consultar sistema site aplicativo mensagem whatsapp email ligação
  chamada áudio foto link senha acesso login transportadora correio motoboy entregador rastreio rastreamento
  atraso atrasado previsão status situação andamento resolvido resolver solução protocolo reclamação garantia
  defeito quebrado faltando errado avaria reembolso estorno parcela parcelado parcelamento juros taxa multa
  orçamento proposta contrato assinatura plano mensalidade fatura vencimento data dia útil feriado urgente
  normalmente geralmente realmente certamente provavelmente infelizmente felizmente enfim aliás inclusive tipo
  né viu olha veja bom então tá bom pode ser com certeza sem problema de nada imagina por favor desculpa
  licença opa eita nossa poxa puxa caramba legal ótimo excelente maravilha show tranquilo combinado fechado`;

/** Words a query looks for in the middle of the distribution (placed at ranks 500–900). */
const MID = ['reembolsado', 'transportadora', 'orçamentos', 'parcelinha', 'garantido'];
/** Vocabulary size, and the rare words (one per transcript, each in about N / 20,000 transcripts). */
const VOCAB_SIZE = 5000;
const RARE_WORDS = 20_000;

/** xorshift32: fast, fixed seed, the same text every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

function buildVocabulary(): { vocab: string[]; rare: string[] } {
  const r = rng(7);
  const seen = new Set<string>(['aniversário']);
  const vocab: string[] = [];
  for (const w of SPOKEN.split(/\s+/))
    if (w && !seen.has(w)) {
      seen.add(w);
      vocab.push(w);
    }
  for (const w of MID) seen.add(w);
  const onsets = 'b c d f g j l m n p r s t v br cr dr fr gr pr tr ch lh nh qu'.split(' ');
  const vowels = 'a e i o u a e o ã é ê ó í'.split(' ');
  const endings = ['', '', '', 's', 'r', 'l', 'ção', 'mente', 'ado', 'ada', 'inho', 'eiro', 'ista', 'ável', 'ões'];
  const made = (syllables: number): string => {
    let w = '';
    for (let i = 0; i < syllables; i++) w += onsets[Math.floor(r() * onsets.length)]! + vowels[Math.floor(r() * vowels.length)]!;
    return w + endings[Math.floor(r() * endings.length)]!;
  };
  while (vocab.length < VOCAB_SIZE - MID.length) {
    const w = made(2 + Math.floor(r() * 3));
    if (!seen.has(w)) {
      seen.add(w);
      vocab.push(w);
    }
  }
  MID.forEach((w, i) => vocab.splice(500 + i * 100, 0, w));
  // Rare words: names, places and products said once in a call — longer, so no common word starts with one.
  const rare: string[] = [];
  while (rare.length < RARE_WORDS) {
    const w = made(4 + Math.floor(r() * 2));
    if (!seen.has(w)) {
      seen.add(w);
      rare.push(w);
    }
  }
  return { vocab, rare };
}

const { vocab: VOCAB, rare: RARE } = buildVocabulary();
const CAPITAL = VOCAB.map((w) => w[0]!.toUpperCase() + w.slice(1));
/** A Zipf-Mandelbrot table (s = 1.05, q = 2.7): a uniform index into it draws a word by rank. */
const ZIPF_BITS = 22;
const ZIPF = (() => {
  const weights = VOCAB.map((_, k) => 1 / (k + 2.7) ** 1.05);
  const total = weights.reduce((a, b) => a + b, 0);
  const table = new Uint16Array(1 << ZIPF_BITS);
  let at = 0;
  let acc = 0;
  for (let k = 0; k < VOCAB.length; k++) {
    acc += weights[k]!;
    const until = Math.round((acc / total) * table.length);
    table.fill(k, at, until);
    at = until;
  }
  table.fill(VOCAB.length - 1, at);
  return table;
})();

interface Line {
  speaker: 'business' | 'customer';
  label: string;
  startMs: number;
  endMs: number;
  text: string;
}

/** Transcript t: 2,000 words in lines of 20–40, business and customer taking turns. */
function transcriptOf(t: number, counts: Uint32Array): Line[] {
  const r = rng(0x9e3779b9 ^ (t * 2654435761));
  const rarePos = Math.floor(r() * WORDS_PER_TRANSCRIPT);
  const lines: Line[] = [];
  const words: string[] = [];
  let said = 0;
  let ms = 800 + Math.floor(r() * 2000);
  while (said < WORDS_PER_TRANSCRIPT) {
    let k = Math.min(WORDS_PER_TRANSCRIPT - said, 20 + Math.floor(r() * 21));
    if (WORDS_PER_TRANSCRIPT - said - k < 10) k = WORDS_PER_TRANSCRIPT - said;
    words.length = k;
    for (let j = 0; j < k; j++) {
      if (said + j === rarePos) {
        const w = (t * 7919) % RARE.length;
        counts[VOCAB.length + w]!++;
        words[j] = RARE[w]!;
      } else {
        const w = ZIPF[Math.floor(r() * ZIPF.length)]!;
        counts[w]!++;
        words[j] = j === 0 ? CAPITAL[w]! : VOCAB[w]!;
      }
    }
    const speaker = lines.length % 2 === 0 ? 'business' : 'customer';
    const endMs = ms + k * 380 + Math.floor(r() * 1500);
    lines.push({
      speaker,
      label: speaker === 'business' ? 'Business' : 'Customer',
      startMs: ms,
      endMs,
      text: words.join(' ') + (r() < 0.15 ? '?' : '.'),
    });
    ms = endMs + 200 + Math.floor(r() * 800);
    said += k;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Seeding (or reuse)
// ---------------------------------------------------------------------------------------------

interface SeedInfo {
  transcripts: number;
  items: number;
  lines: number;
  words: number;
  baseSeconds: number;
  transcriptSeconds: number;
  /** Word occurrences by vocabulary index, then by rare-word index (for the queries' printed frequencies). */
  counts: number[];
}

/** Transcript t's lines as the app hands them to RecordingStore.saveTranscript. */
function toTranscript(ls: Line[]): TranscriptLine[] {
  return ls.map((l, index) => ({ index, speaker: l.speaker, speakerLabel: l.label, startMs: l.startMs, endMs: l.endMs, text: l.text }));
}

/** The call item's data.recording as ThreadStore.setRecording leaves it once both files are ready. */
function recordingOf(t: number, at: string, durationMs: number, lineCount: number): object {
  const receivedAt = new Date(Date.parse(at) + 60_000).toISOString();
  const expiresAt = new Date(Date.parse(receivedAt) + 7 * 86_400_000).toISOString();
  const file = (mediaId: string, mimeType: string, bytes: number, lines: number | null) => ({
    state: 'ready',
    mediaId,
    mimeType,
    receivedAt,
    expiresAt,
    bytes,
    durationMs,
    lines,
    error: null,
    errorCode: null,
    canRetry: false,
    sha256: null,
    url: null,
  });
  return {
    requested: { audio: true, transcript: true },
    audio: file(`rec-audio-${t}`, 'audio/ogg', Math.round(durationMs * 4), null),
    transcript: { ...file(`rec-text-${t}`, 'application/json', 120 * lineCount, lineCount), language: 'pt' },
  };
}

/** The bench's own databases only: no fsync while seeding (a crash just means seeding again). */
function fastWrites(db: Database): void {
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = OFF');
  db.exec('PRAGMA cache_size = -524288'); // 512 MB: the transcript_lines B-tree and the FTS segments stay in memory
}

function seed(): SeedInfo {
  const partial = `${cacheDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(path.join(partial, 'baseline'), { recursive: true });
  mkdirSync(path.join(partial, 'transcripts'), { recursive: true });

  let t0 = performance.now();
  const base = openDatabase(path.join(partial, 'baseline'));
  fastWrites(base);
  const threadIds = seedCustomers(base, new ThreadStore(base), CUSTOMERS);
  // As threads.bench.ts: thread 0 has the first 100,000 items (a tenth at smaller scales), thread 1
  // the next 100, the rest share what is left; every 10th item is a call.
  const first = Math.min(100_000, Math.floor(ITEMS / 10));
  const plan = (n: number): number => (n < first ? 0 : n < first + 100 ? 1 : 2 + ((n - first - 100) % (CUSTOMERS - 2)));
  const calls = seedItems(base, { total: ITEMS, threadIds, threadOf: plan, callEvery: CALL_EVERY });
  base.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  base.close();
  copyFileSync(path.join(partial, 'baseline', DATABASE_FILE), path.join(partial, 'transcripts', DATABASE_FILE));
  const baseSeconds = (performance.now() - t0) / 1000;
  console.log(`  baseline: ${ITEMS.toLocaleString('en')} items (${calls.toLocaleString('en')} calls) in ${baseSeconds.toFixed(1)} s`);

  t0 = performance.now();
  const db = openDatabase(path.join(partial, 'transcripts'));
  fastWrites(db);
  const callIds = (
    db.prepare("SELECT id, at, data FROM items WHERE kind = 'call' ORDER BY id").all() as Array<{ id: number; at: string; data: string }>
  ).map((c) => ({ id: Number(c.id), at: c.at, data: c.data }));
  if (callIds.length !== N) throw new Error(`expected ${N} calls, seeded ${callIds.length}`);
  // Each transcript through the app's own write path, RecordingStore.saveTranscript: its lines in
  // one INSERT … SELECT FROM json_each(?) and its one transcript_fts document (migration 7), in its
  // own transaction as when a download finishes — so the seeding rate is the app's write rate (a
  // commit per transcript; synchronous = OFF here). saveTranscript opens its own BEGIN IMMEDIATE,
  // so it cannot sit inside a bigger transaction, and batching would not spare FTS5 any work: it
  // flushes its pending terms at every statement. The call items' data.recording, as
  // ThreadStore.setRecording leaves it once ready, is written in one transaction per batch.
  const recordings = new RecordingStore(db);
  const ready = db.prepare(
    "UPDATE items SET status = 'completed', data = json_set(data, '$.durationSeconds', ?, '$.recording', json(?)) WHERE id = ?",
  );
  const counts = new Uint32Array(VOCAB.length + RARE.length);
  let lines = 0;
  let lastReport = performance.now();
  let lastDone = 0;
  let lastAt = t0;
  for (let start = 0; start < N; start += TRANSCRIPTS_PER_BATCH) {
    const batch: Array<{ t: number; lines: number; durationMs: number }> = [];
    for (let t = start; t < Math.min(N, start + TRANSCRIPTS_PER_BATCH); t++) {
      const ls = transcriptOf(t, counts);
      recordings.saveTranscript(callIds[t]!.id, toTranscript(ls));
      lines += ls.length;
      batch.push({ t, lines: ls.length, durationMs: ls.at(-1)!.endMs + 1000 });
    }
    transaction(db, () => {
      for (const b of batch) {
        const call = callIds[b.t]!;
        ready.run(Math.round(b.durationMs / 1000), JSON.stringify(recordingOf(b.t, call.at, b.durationMs, b.lines)), call.id);
      }
    });
    const now = performance.now();
    if (now - lastReport > 15_000) {
      const done = Math.min(N, start + TRANSCRIPTS_PER_BATCH);
      console.log(
        `  … ${done.toLocaleString('en')} / ${N.toLocaleString('en')} transcripts (${(done / ((now - t0) / 1000)).toFixed(0)}/s overall, ` +
          `${((done - lastDone) / ((now - lastAt) / 1000)).toFixed(0)}/s over the last ${((now - lastAt) / 1000).toFixed(0)} s)`,
      );
      lastReport = lastAt = now;
      lastDone = done;
    }
  }
  db.exec('ANALYZE transcript_lines'); // as bulk-seed.ts does for items
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  const transcriptSeconds = (performance.now() - t0) / 1000;
  const info: SeedInfo = {
    transcripts: N,
    items: ITEMS,
    lines,
    words: N * WORDS_PER_TRANSCRIPT,
    baseSeconds,
    transcriptSeconds,
    counts: Array.from(counts),
  };
  writeFileSync(path.join(partial, 'seed.json'), JSON.stringify(info));
  rmSync(cacheDir, { recursive: true, force: true });
  renameSync(partial, cacheDir);
  return info;
}

const mb = (file: string): string => {
  const size = [file, `${file}-wal`].reduce((s, f) => s + (existsSync(f) ? statSync(f).size : 0), 0);
  return `${(size / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 0 })} MB`;
};

console.log(
  `\ncall transcripts: ${N.toLocaleString('en')} transcripts × ${WORDS_PER_TRANSCRIPT.toLocaleString('en')} words` +
    ` (${(N * WORDS_PER_TRANSCRIPT).toLocaleString('en')} words), ${ITEMS.toLocaleString('en')} items, ${CUSTOMERS} customers` +
    `${N === 100_000 ? '' : ' — a smaller scale than the target (100,000)'}`,
);
let info: SeedInfo;
if (existsSync(infoFile)) {
  info = JSON.parse(readFileSync(infoFile, 'utf8')) as SeedInfo;
  console.log(`reusing the seeded databases in ${cacheDir} (seed v${SEED_VERSION}; delete the directory to seed again)`);
} else {
  console.log(`seeding into ${cacheDir} …`);
  info = seed();
}
console.log(
  `seeding: baseline ${info.baseSeconds.toFixed(1)} s; transcripts ${info.transcriptSeconds.toFixed(1)} s ` +
    `(${info.lines.toLocaleString('en')} lines, ${((info.words / info.transcriptSeconds) * 1e-6).toFixed(2)} M words/s)`,
);
console.log(
  `database size: baseline ${mb(path.join(baseDir, DATABASE_FILE))}, with transcripts ${mb(path.join(spokenDir, DATABASE_FILE))}`,
);

// ---------------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------------

const baseDb = openDatabase(baseDir);
const spokenDb = openDatabase(spokenDir);
if (schemaVersion(spokenDb) !== SCHEMA) throw new Error('schema mismatch');
const baseStore = new ThreadStore(baseDb);
const spokenStore = new ThreadStore(spokenDb);

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  runs: number;
}

/** Runs fn RUNS times (one warm-up first), or for at most 30 s when it is slow; percentiles in ms. */
function measure(fn: (i: number) => unknown): Stats {
  fn(0);
  const t: number[] = [];
  const deadline = performance.now() + 30_000;
  for (let i = 0; i < RUNS && (i < 20 || performance.now() < deadline); i++) {
    const s = performance.now();
    fn(i);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  const at = (q: number): number => t[Math.min(t.length - 1, Math.ceil(t.length * q) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), runs: t.length };
}

const ms = (x: number): string => `${x.toFixed(2).padStart(8)} ms`;
const row = (label: string, s: Stats): string =>
  `${label.padEnd(44)} p50 ${ms(s.p50)}   p95 ${ms(s.p95)}   p99 ${ms(s.p99)}   (${s.runs} runs)`;
let failed = 0;
const verdict = (ok: boolean): string => (ok ? 'PASS' : (failed++, 'FAIL'));

// The queries an owner types, by kind; each kind cycles through its variants.
const freq = (w: string): string => {
  const i = VOCAB.indexOf(w);
  const j = RARE.indexOf(w);
  const n = i >= 0 ? info.counts[i]! : j >= 0 ? info.counts[VOCAB.length + j]! : 0;
  return n.toLocaleString('en');
};
const rareOf = (t: number): string => RARE[(t * 7919) % RARE.length]!;
const QUERIES: Array<{ kind: string; variants: string[] }> = [
  { kind: 'common word', variants: ['que', 'não', 'pedido', 'então', 'entrega'] },
  { kind: 'mid-frequency word', variants: MID },
  { kind: 'rare word', variants: [0.1, 0.3, 0.5, 0.7, 0.9].map((f, i) => rareOf(Math.floor(f * N) + i)) },
  { kind: 'two words', variants: ['nota fiscal', 'cartão crédito', 'prazo entrega', 'boleto vencimento', 'troca defeito'] },
  { kind: 'prefix (3+ letters)', variants: ['pag', 'confir', 'entreg', 'rastre', 'cancel'] },
  { kind: 'word only in messages', variants: ['aniversário'] },
];

console.log('\nwords said in the transcripts (occurrences):');
for (const q of QUERIES.slice(0, 3)) console.log(`  ${q.kind.padEnd(20)} ${q.variants.map((w) => `${w} ${freq(w)}`).join(', ')}`);

// Both databases must answer with what the other has: the same message hits; transcript hits only with transcripts.
const probe = spokenStore.searchItems(rareOf(0), 50);
if (!probe.some((h) => h.line !== null)) throw new Error(`no transcript hit for "${rareOf(0)}"`);
const firstCall = probe.find((h) => h.line !== null)!;
const said = new RecordingStore(spokenDb).transcriptOf(firstCall.itemId);
const wordCount = said.reduce((n, l) => n + l.text.split(' ').length, 0);
if (wordCount !== WORDS_PER_TRANSCRIPT) throw new Error(`transcript of item ${firstCall.itemId} has ${wordCount} words`);
if (!said[firstCall.line!]?.text.split(/[ .?]/).includes(rareOf(0))) throw new Error(`line ${firstCall.line} does not say "${rareOf(0)}"`);
if (!firstCall.snippet.includes(`\u0001${rareOf(0)}\u0002`))
  throw new Error(`snippet ${JSON.stringify(firstCall.snippet)} does not mark "${rareOf(0)}"`);

/** Every transcript hit's snippet marks (\u0001…\u0002) a word that begins with one of the query's words, as snippet() would. */
function checkSnippets(query: string, hits: ReturnType<ThreadStore['searchItems']>): void {
  const fold = (w: string): string => w.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const words = query.split(' ').map(fold);
  for (const h of hits.filter((x) => x.line !== null)) {
    const marked = h.snippet
      .split('\u0001')
      .slice(1)
      .filter((part) => part.includes('\u0002'))
      .map((part) => fold(part.slice(0, part.indexOf('\u0002'))));
    if (!marked.some((m) => words.some((w) => m.startsWith(w))))
      throw new Error(`"${query}": the snippet of item ${h.itemId} line ${h.line} marks no match: ${JSON.stringify(h.snippet)}`);
  }
}

console.log('\nsearch (newest 50 hits), baseline = the same items without transcripts; target p95 < 50 ms:');
const all: { base: number[]; spoken: number[] } = { base: [], spoken: [] };
for (const q of QUERIES) {
  const base = measure((i) => baseStore.searchItems(q.variants[i % q.variants.length]!, 50));
  const spoken = measure((i) => spokenStore.searchItems(q.variants[i % q.variants.length]!, 50));
  const hits = spokenStore.searchItems(q.variants[0]!, 50);
  checkSnippets(q.variants[0]!, hits);
  console.log(
    `  ${q.kind} (“${q.variants.join('”, “')}”) — first variant: ${hits.filter((h) => h.line !== null).length} of ${hits.length} hits in transcripts`,
  );
  console.log(`    ${row('baseline', base)}`);
  console.log(`    ${row('with transcripts', spoken)}`);
  console.log(
    `    p95 ${spoken.p95.toFixed(2)} ms (target < 50 ms) ${verdict(spoken.p95 < 50)}; ${(spoken.p95 / base.p95).toFixed(2)}× baseline p95`,
  );
  all.base.push(base.p95);
  all.spoken.push(spoken.p95);
}
const worst = Math.max(...all.spoken);
console.log(`  worst p95 over the kinds: ${worst.toFixed(2)} ms (target < 50 ms) ${worst < 50 ? 'PASS' : 'FAIL'}`);

console.log('\nthread open (first timeline page, 50 items), baseline vs with transcripts; target ≤ 1.5× baseline:');
const sizes = baseDb.prepare('SELECT thread_id, COUNT(*) AS n FROM items GROUP BY thread_id ORDER BY n DESC').all() as Array<{
  thread_id: number;
  n: number;
}>;
const big = sizes[0]!;
const small = sizes.find((c) => Number(c.n) === 100) ?? sizes.at(-1)!;
const typical = sizes[Math.floor(sizes.length / 2)]!;
for (const [label, t] of [
  [`${Number(big.n).toLocaleString('en')}-item thread`, big],
  [`${Number(typical.n).toLocaleString('en')}-item thread`, typical],
  [`${Number(small.n).toLocaleString('en')}-item thread`, small],
] as const) {
  const id = Number(t.thread_id);
  const calls = spokenStore.timeline(id, { limit: 50 }).filter((i) => i.kind === 'call').length;
  const base = measure(() => baseStore.timeline(id, { limit: 50 }));
  const spoken = measure(() => spokenStore.timeline(id, { limit: 50 }));
  const ratio = spoken.p50 / base.p50;
  console.log(`  ${label} (${calls} of its first 50 items are transcribed calls)`);
  console.log(`    ${row('baseline', base)}`);
  console.log(`    ${row('with transcripts', spoken)}`);
  console.log(`    p50 ratio ${ratio.toFixed(2)}× baseline (target ≤ 1.5) ${verdict(ratio <= 1.5)}`);
}

baseDb.close();
spokenDb.close();

// The write path: one more transcript of ~67 lines saved into the full database, as when a call's
// transcript download finishes. On a copy (the cached file stays as seeded), opened as the app
// opens it (synchronous = NORMAL); new call items, so each save is a new document as in the app,
// then the same saves again over those calls (a transcript replaced: its lines and document deleted first).
console.log(`\nwrite path: RecordingStore.saveTranscript of one ~67-line transcript into the full database (a copy); target p95 < 50 ms:`);
const copyDir = `${cacheDir}.write-copy`;
rmSync(copyDir, { recursive: true, force: true });
mkdirSync(copyDir, { recursive: true });
try {
  const t0 = performance.now();
  copyFileSync(path.join(spokenDir, DATABASE_FILE), path.join(copyDir, DATABASE_FILE));
  const copySeconds = (performance.now() - t0) / 1000;
  const db = openDatabase(copyDir);
  const store = new RecordingStore(db);
  const SAVES = 50;
  const newest = db.prepare("SELECT id FROM items WHERE kind = 'call' ORDER BY id DESC LIMIT 1").get() as { id: number };
  const last = db.prepare('SELECT MAX(at) AS at FROM items').get() as { at: string };
  const addCall = db.prepare(
    `INSERT INTO items (thread_id, kind, meta_id, direction, at, type, body, status, status_rank, data)
     SELECT thread_id, kind, ?, direction, ?, type, body, 'completed', status_rank, data FROM items WHERE id = ?`,
  );
  const fresh: number[] = [];
  transaction(db, () => {
    for (let k = 0; k <= SAVES; k++)
      fresh.push(
        Number(addCall.run(`bench-write-${k}`, new Date(Date.parse(last.at) + (k + 1) * 60_000).toISOString(), newest.id).lastInsertRowid),
      );
  });
  const scratch = new Uint32Array(VOCAB.length + RARE.length);
  const texts = fresh.map((_, k) => toTranscript(transcriptOf(N + k, scratch)));
  const lineCounts = texts.map((x) => x.length).sort((a, b) => a - b);
  const newDoc = timeSaves(fresh, texts, store);
  const replaced = timeSaves(fresh, texts, store);
  const found = new ThreadStore(db).searchItems(RARE[((N + 1) * 7919) % RARE.length]!, 50);
  if (!found.some((h) => h.itemId === fresh[1] && h.line !== null)) throw new Error('a transcript saved just now is not found by search');
  db.close();
  console.log(
    `  (copy of the database ${copySeconds.toFixed(1)} s; ${SAVES} saves each of transcripts of ${lineCounts[0]}–${lineCounts.at(-1)} lines, ` +
      `${WORDS_PER_TRANSCRIPT.toLocaleString('en')} words, one warm-up first)`,
  );
  console.log(`    ${row('new transcript (a call without one)', newDoc)}`);
  console.log(`    ${row('replaced transcript (delete + insert)', replaced)}`);
  console.log(
    `    p95 ${newDoc.p95.toFixed(2)} ms new, ${replaced.p95.toFixed(2)} ms replaced (target < 50 ms) ${verdict(Math.max(newDoc.p95, replaced.p95) < 50)}`,
  );
} finally {
  rmSync(copyDir, { recursive: true, force: true });
}

/** Saves texts[k] for item ids[k] (k = 0 is the warm-up); percentiles in ms. */
function timeSaves(ids: number[], texts: TranscriptLine[][], store: RecordingStore): Stats {
  const t: number[] = [];
  for (let k = 0; k < ids.length; k++) {
    const s = performance.now();
    store.saveTranscript(ids[k]!, texts[k]!);
    if (k > 0) t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  const at = (q: number): number => t[Math.min(t.length - 1, Math.ceil(t.length * q) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), runs: t.length };
}

console.log(`\n${failed === 0 ? 'all targets PASS' : `${failed} target(s) FAIL`} at ${N.toLocaleString('en')} transcripts`);
