/**
 * Structured logging: one JSON object per line. Every line passes through a redactor that
 * replaces any registered secret value (access token, app secret, verify token) wherever it
 * appears, so a secret that slips into an error message still never reaches a log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

export interface LogSink {
  write(line: string): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class SecretRedactor {
  /** Every form to mask (the value, its URL-encoded, base64 and base64url forms) → whether the renderer may see it. */
  private readonly forms = new Map<string, { value: string; rendererMayKnow: boolean }>();
  /**
   * Register a value that must never appear in a log line (ignored if too short to be a secret).
   * `rendererMayKnow` marks a value the window itself needs (a TURN credential for its
   * RTCPeerConnection): masked in logs and diagnostics, but not in what main sends the renderer.
   */
  add(value: string | null | undefined, opts: { rendererMayKnow?: boolean } = {}): void {
    if (!value || value.length < 6) return;
    for (const form of encodedForms(value)) this.forms.set(form, { value, rendererMayKnow: opts.rendererMayKnow ?? false });
  }
  remove(value: string): void {
    for (const [form, v] of this.forms) if (v.value === value) this.forms.delete(form);
  }
  /** For logs and the diagnostics bundle: every registered secret, plus any Bearer token. */
  redact(text: string): string {
    const out = this.mask(text, false);
    // Bearer tokens that were never registered (e.g. typed into a form) are masked too.
    return out.replace(/Bearer\s+[A-Za-z0-9._~+/=-]{8,}/g, 'Bearer [redacted]');
  }
  /** For what main sends the renderer: the registered secrets only (message text is left alone). */
  redactForRenderer(text: string): string {
    return this.mask(text, true);
  }
  private mask(text: string, forRenderer: boolean): string {
    let out = text;
    for (const [form, v] of this.forms) {
      if (forRenderer && v.rendererMayKnow) continue;
      if (out.includes(form)) out = out.split(form).join('[redacted]');
    }
    return out;
  }
}

/** A secret and the encodings it could travel in (URL query strings, base64 blobs). Longest first. */
function encodedForms(value: string): string[] {
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  const b64url = Buffer.from(value, 'utf8').toString('base64url');
  return [...new Set([value, encodeURIComponent(value), b64, b64.replace(/=+$/, ''), b64url])]
    .filter((f) => f.length >= 6)
    .sort((a, b) => b.length - a.length);
}

export function createLogger(opts: {
  sink: LogSink;
  level?: LogLevel;
  scope?: string;
  redactor?: SecretRedactor;
  clock?: () => Date;
}): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const redactor = opts.redactor ?? new SecretRedactor();
  const clock = opts.clock ?? (() => new Date());
  const make = (scope: string | undefined): Logger => {
    const emit = (level: LogLevel, event: string, fields?: LogFields): void => {
      if (LEVELS[level] < min) return;
      let line: string;
      try {
        line = JSON.stringify({ t: clock().toISOString(), level, ...(scope ? { scope } : {}), event, ...fields });
      } catch {
        line = JSON.stringify({ t: clock().toISOString(), level, scope, event, note: 'fields not serialisable' });
      }
      opts.sink.write(redactor.redact(line) + '\n');
    };
    return {
      debug: (e, f) => emit('debug', e, f),
      info: (e, f) => emit('info', e, f),
      warn: (e, f) => emit('warn', e, f),
      error: (e, f) => emit('error', e, f),
      child: (s) => make(scope ? `${scope}.${s}` : s),
    };
  };
  return make(opts.scope);
}

/** A logger that writes to stderr (the browser host, tools) — still redacted. */
export function stderrLogger(level: LogLevel = 'info', redactor?: SecretRedactor): Logger {
  return createLogger({ sink: { write: (l) => process.stderr.write(l) }, level, ...(redactor ? { redactor } : {}) });
}

/** Collects lines in memory; for tests and for the diagnostics view's "recent errors". */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  private readonly max: number;
  constructor(max = 1000) {
    this.max = max;
  }
  write(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
}
