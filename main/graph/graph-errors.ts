/**
 * Graph API errors, mapped once. Every code in calling-api.md §2.2 and §7 has a plain-language
 * message (what happened, in the owner's words) and, where the owner can act, the next step — as
 * keys of main's catalog (main/i18n/messages/), read in the owner's language when an error is made.
 * Nothing here ever includes the access token: messages come from this table, and Graph's own
 * text is kept only as `graphMessage` after redaction.
 */
import { tr, type MessageKey } from '../i18n/tr.ts';

export type GraphErrorCategory =
  'auth' | 'permission' | 'throttled' | 'invalid' | 'calling' | 'messaging' | 'transient' | 'network' | 'unknown';

export interface GraphErrorInfo {
  readonly category: GraphErrorCategory;
  /** What happened, in plain words (in the language in effect when it is read: main/i18n). */
  readonly message: string;
  /** The next step, when the owner can take one. */
  readonly fix?: string | undefined;
  /** The request was refused before anything happened, so repeating it later is safe. */
  readonly refusedBeforeAction?: boolean;
}

/** A row of the table: its texts are catalog keys, read in the language in effect each time. */
class Row implements GraphErrorInfo {
  readonly category: GraphErrorCategory;
  readonly refusedBeforeAction?: boolean;
  private readonly messageKey: MessageKey;
  private readonly fixKey: MessageKey | null;
  constructor(category: GraphErrorCategory, messageKey: MessageKey, fixKey: MessageKey | null = null, refusedBeforeAction?: boolean) {
    this.category = category;
    this.messageKey = messageKey;
    this.fixKey = fixKey;
    if (refusedBeforeAction) this.refusedBeforeAction = true;
  }
  get message(): string {
    return tr(this.messageKey);
  }
  get fix(): string | undefined {
    return this.fixKey ? tr(this.fixKey) : undefined;
  }
}

/** "Slow down for a few seconds" (17, 341, 613, 130429), with the limit's own message. */
const throttled = (message: MessageKey = 'graph.throttled') => new Row('throttled', message, 'graph.throttled.fix', true);
/** App- and account-level rate limits (4, 80007) last up to an hour: retrying within seconds only adds to them. */
const throttledHours = (message: MessageKey = 'graph.throttledHours') => new Row('throttled', message, 'graph.throttledHours.fix', true);

export const GRAPH_ERRORS: Record<number, GraphErrorInfo> = {
  1: new Row('transient', 'graph.1', 'graph.tryAgainMoment'),
  2: new Row('transient', 'graph.2', 'graph.tryAgainMoment'),
  4: throttledHours(),
  10: new Row('permission', 'graph.10', 'graph.10.fix'),
  17: throttled(),
  100: new Row('invalid', 'graph.100', 'graph.100.fix'),
  190: new Row('auth', 'graph.190', 'graph.190.fix'),
  200: new Row('permission', 'graph.200', 'graph.200.fix'),
  341: throttled(),
  2200: new Row('invalid', 'graph.2200', 'graph.2200.fix'),
  368: new Row('permission', 'graph.368', 'graph.368.fix'),
  613: throttled('graph.613'),
  80007: throttledHours('graph.80007'),
  130429: throttled('graph.130429'),
  131009: new Row('invalid', 'graph.131009', 'graph.131009.fix'),
  131026: new Row('messaging', 'graph.131026'),
  131030: new Row('calling', 'graph.131030', 'graph.131030.fix'),
  131044: new Row('calling', 'graph.131044', 'graph.131044.fix'),
  131047: new Row('messaging', 'graph.131047', 'graph.131047.fix'),
  131055: new Row('calling', 'graph.131055', 'graph.131055.fix'),
  138000: new Row('calling', 'graph.138000', 'graph.138000.fix'),
  138001: new Row('calling', 'graph.138001'),
  138002: new Row('calling', 'graph.138002', 'graph.138002.fix', true),
  138003: new Row('calling', 'graph.138003'),
  138004: new Row('calling', 'graph.138004', 'graph.tryAgain'),
  138005: new Row('calling', 'graph.138005', 'graph.138005.fix', true),
  138006: new Row('calling', 'graph.138006', 'graph.138006.fix'),
  138007: new Row('calling', 'graph.138007', 'graph.138007.fix'),
  138008: new Row('calling', 'graph.138008'),
  138009: new Row('calling', 'graph.138009', 'graph.138009.fix'),
  // Not documented by Meta: Graph's own text is shown with it (GraphError.actionMessage).
  138011: new Row('calling', 'graph.138011'),
  138012: new Row('calling', 'graph.138012', 'graph.138012.fix'),
  138013: new Row('calling', 'graph.138013', 'graph.138013.fix'),
  138014: new Row('calling', 'graph.138014', 'graph.138014.fix'),
  138015: new Row('calling', 'graph.138015', 'graph.138015.fix'),
  138017: new Row('calling', 'graph.138017'),
  138018: new Row('calling', 'graph.138018', 'graph.138018.fix'),
  138019: new Row('calling', 'graph.138019'),
  138020: new Row('calling', 'graph.138020', 'graph.138020.fix'),
  138021: new Row('calling', 'graph.138021', 'graph.138021.fix'),
  138022: new Row('calling', 'graph.138022'),
  138023: new Row('calling', 'graph.138023'),
};

/** Codes that mean "slow down for a few seconds": retried with backoff, for any method. 4 and 80007 are hour-scale and are not. */
export const THROTTLING_CODES = new Set([17, 341, 613, 130429]);

export function describeGraphCode(code: number): GraphErrorInfo {
  const known = GRAPH_ERRORS[code];
  if (known) return known;
  if (code >= 200 && code <= 299) return GRAPH_ERRORS[200]!;
  if (code >= 131000 && code < 132000) return { category: 'messaging', message: tr('graph.messagingCode', { code }) };
  if (code >= 138000 && code < 139000) return { category: 'calling', message: tr('graph.callingCode', { code }) };
  return { category: 'unknown', message: tr('graph.unknownCode', { code }) };
}

export class GraphError extends Error {
  override name = 'GraphError';
  readonly code: number | string;
  readonly subcode: number | null;
  readonly httpStatus: number | null;
  readonly category: GraphErrorCategory;
  readonly fix: string | null;
  /** Graph's own `error_data.details`, when given (e.g. which SDP line failed); redacted. */
  readonly details: string | null;
  readonly graphMessage: string | null;
  readonly fbtraceId: string | null;
  readonly refusedBeforeAction: boolean;
  /** A state-changing request lost its answer (timeout, broken connection, 5xx): it may have been done. */
  readonly outcomeUnknown: boolean;

  constructor(init: {
    code: number | string;
    message: string;
    category: GraphErrorCategory;
    fix?: string | null | undefined;
    subcode?: number | null | undefined;
    httpStatus?: number | null | undefined;
    details?: string | null | undefined;
    graphMessage?: string | null | undefined;
    fbtraceId?: string | null | undefined;
    refusedBeforeAction?: boolean | undefined;
    outcomeUnknown?: boolean | undefined;
  }) {
    super(init.message);
    this.code = init.code;
    this.category = init.category;
    this.fix = init.fix ?? null;
    this.subcode = init.subcode ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.details = init.details ?? null;
    this.graphMessage = init.graphMessage ?? null;
    this.fbtraceId = init.fbtraceId ?? null;
    this.refusedBeforeAction = init.refusedBeforeAction ?? false;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** What the UI shows: the plain message, then the next step. */
  get userMessage(): string {
    return this.fix ? `${this.message} ${this.fix}` : this.message;
  }

  /**
   * What the UI shows where no form field can be highlighted (a call, a message): for an invalid
   * parameter (100) Graph's own explanation replaces the "check the highlighted value" step.
   */
  get actionMessage(): string {
    if ((this.code === 100 || this.code === 138011) && (this.details || this.graphMessage))
      return tr('graph.whatsappSaid', {
        message: this.message,
        details: (this.details ?? this.graphMessage ?? '').replace(/\.?\s*$/, '.'),
      });
    return this.userMessage;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      fix: this.fix,
      details: this.details,
      httpStatus: this.httpStatus,
      category: this.category,
    };
  }
}
