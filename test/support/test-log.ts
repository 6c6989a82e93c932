import { createLogger, MemorySink, type Logger } from '../../main/core/log.ts';

/** A logger whose lines a test can read back. */
export function memoryLogger(): { log: Logger; sink: MemorySink; events: () => string[] } {
  const sink = new MemorySink(10_000);
  const log = createLogger({ sink, level: 'debug' });
  return { log, sink, events: () => sink.lines.map((l) => (JSON.parse(l) as { event: string }).event) };
}
