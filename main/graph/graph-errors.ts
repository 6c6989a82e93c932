/**
 * Graph API errors, mapped once. Every code in calling-api.md §2.2 and §7 has a plain-language
 * message (what happened, in the owner's words) and, where the owner can act, the next step.
 * Nothing here ever includes the access token: messages come from this table, and Graph's own
 * text is kept only as `graphMessage` after redaction.
 */
export type GraphErrorCategory =
  'auth' | 'permission' | 'throttled' | 'invalid' | 'calling' | 'messaging' | 'transient' | 'network' | 'unknown';

export interface GraphErrorInfo {
  category: GraphErrorCategory;
  /** What happened, in plain words. */
  message: string;
  /** The next step, when the owner can take one. */
  fix?: string;
  /** The request was refused before anything happened, so repeating it later is safe. */
  refusedBeforeAction?: boolean;
}

const THROTTLED: GraphErrorInfo = {
  category: 'throttled',
  message: 'WhatsApp is limiting how fast Switchboard can make requests right now.',
  fix: 'Switchboard already tried again a few times; wait a minute, then try again.',
  refusedBeforeAction: true,
};

/** App- and account-level rate limits (4, 80007) last up to an hour: retrying within seconds only adds to them. */
const THROTTLED_HOURS: GraphErrorInfo = {
  category: 'throttled',
  message: 'WhatsApp is limiting how many requests this app can make for now.',
  fix: 'This limit lasts up to an hour; try again in about an hour.',
  refusedBeforeAction: true,
};

export const GRAPH_ERRORS: Record<number, GraphErrorInfo> = {
  1: { category: 'transient', message: 'WhatsApp had a temporary problem handling the request.', fix: 'Try again in a moment.' },
  2: { category: 'transient', message: "WhatsApp's service is temporarily unavailable.", fix: 'Try again in a moment.' },
  4: THROTTLED_HOURS,
  10: {
    category: 'permission',
    message: 'The access token is not allowed to do this.',
    fix: 'Give the app the whatsapp_business_messaging and whatsapp_business_management permissions for this number, then reconnect in Settings → Account.',
  },
  17: THROTTLED,
  100: { category: 'invalid', message: 'WhatsApp refused a value in the request.', fix: 'Check the highlighted value and try again.' },
  190: {
    category: 'auth',
    message: 'The access token is invalid or has expired.',
    fix: 'Create a new access token (a System User token does not expire) and enter it in Settings → Account.',
  },
  200: {
    category: 'permission',
    message: 'The access token does not have permission for this.',
    fix: 'Grant the app access to this WhatsApp Business Account in Business Settings, then reconnect.',
  },
  341: THROTTLED,
  2200: {
    category: 'invalid',
    message: "WhatsApp could not verify Switchboard's webhook address.",
    fix: 'Check that this computer is reachable (Settings → Connection) and try again.',
  },
  368: {
    category: 'permission',
    message: 'WhatsApp has temporarily blocked this account for a policy violation.',
    fix: 'Check WhatsApp Manager for the policy notice.',
  },
  613: { ...THROTTLED, message: 'Too many call-permission checks in a short time.' },
  80007: { ...THROTTLED_HOURS, message: 'This WhatsApp Business Account has hit its request rate limit.' },
  130429: { ...THROTTLED, message: 'Too many messages are being sent too quickly.' },
  131009: {
    category: 'invalid',
    message: 'WhatsApp refused a value in the request (for example, this kind of button is not available in your country).',
    fix: 'Check the message and try again.',
  },
  131026: { category: 'messaging', message: "The message could not be delivered: the customer's WhatsApp may be too old for it." },
  131030: {
    category: 'calling',
    message: 'This test number can only reach phone numbers on its allowed list.',
    fix: "Add the customer's number to the test number's recipient list in the App Dashboard.",
  },
  131044: {
    category: 'calling',
    message: 'Calls need a valid payment method on the WhatsApp Business Account.',
    fix: 'Add a payment method in WhatsApp Manager → Account tools → Payment methods.',
  },
  131047: {
    category: 'messaging',
    message: 'More than 24 hours have passed since the customer last wrote or called, so only an approved template can be sent.',
    fix: 'Send a template message instead.',
  },
  131055: {
    category: 'calling',
    message: 'This number is set up for SIP calling, so Switchboard cannot place or answer calls on it.',
    fix: 'Turn SIP off for this number to use Switchboard.',
  },
  138000: { category: 'calling', message: 'Calling is not enabled on this number.', fix: 'Turn it on in Settings → Calling.' },
  138001: {
    category: 'calling',
    message: 'This customer cannot receive WhatsApp calls (not on WhatsApp, or an app that does not support business calls).',
  },
  138002: {
    category: 'calling',
    message: 'Too many calls are in progress on this number at once.',
    fix: 'Try again when a call has ended.',
    refusedBeforeAction: true,
  },
  138003: { category: 'calling', message: 'A call with this customer is already in progress.' },
  138004: { category: 'calling', message: 'WhatsApp could not set up the call connection.', fix: 'Try again.' },
  138005: {
    category: 'calling',
    message: 'This number has placed too many calls recently.',
    fix: 'Wait a while before calling again.',
    refusedBeforeAction: true,
  },
  138006: {
    category: 'calling',
    message: 'This customer has not given permission to be called.',
    fix: 'Ask for permission to call first.',
  },
  138007: {
    category: 'calling',
    message: 'The call was not set up in time.',
    fix: 'Try again; check the connection if it keeps happening.',
  },
  138008: { category: 'calling', message: "WhatsApp refused the call's audio description (SDP)." },
  138009: {
    category: 'calling',
    message: 'You have already asked this customer for permission to call as often as WhatsApp allows (1 a day, 2 a week).',
    fix: 'Wait until the limit resets, or ask the customer to call you.',
  },
  // Not documented by Meta: Graph's own text is shown with it (GraphError.actionMessage).
  138011: { category: 'calling', message: 'WhatsApp refused the request with error 138011, which its documentation does not explain.' },
  138012: {
    category: 'calling',
    message: 'You have reached the limit of connected calls to this customer for today (100 in 24 hours).',
    fix: 'Try again tomorrow.',
  },
  138013: {
    category: 'calling',
    message: 'Calling customers is not available for business numbers from this country.',
    fix: 'Customers can still call you.',
  },
  138014: {
    category: 'calling',
    message: 'Calling is temporarily paused for this number because of call quality or customer feedback.',
    fix: 'Check the restriction in Settings → Calling for when it ends.',
  },
  138015: {
    category: 'calling',
    message: 'Calling cannot be turned on yet: the business needs a messaging limit of at least 2,000 customers a day.',
    fix: 'Raise the messaging limit in WhatsApp Manager (it grows with verified business and message quality).',
  },
  138017: { category: 'calling', message: 'This customer has already given permanent permission to be called; no request is needed.' },
  138018: {
    category: 'calling',
    message: 'Calling cannot be turned on: no app is subscribed to call webhooks for this account.',
    fix: 'Subscribe the app to the "calls" webhook field in App Dashboard → WhatsApp → Configuration. (Switchboard does this itself once its tunnel is up when the app has no webhook address of another integration.)',
  },
  138019: { category: 'calling', message: "The call could not be set up on the customer's phone." },
  138020: {
    category: 'calling',
    message: "The call could not connect to WhatsApp's media relay.",
    fix: 'Check that this computer can send UDP traffic, or configure a TURN server.',
  },
  138021: {
    category: 'calling',
    message: "The customer's phone received no audio from Switchboard, so the call ended.",
    fix: 'Check the internet connection; a network that blocks UDP needs a TURN server.',
  },
  138022: { category: 'calling', message: 'No audio could be sent to the customer, so the call ended.' },
  138023: { category: 'calling', message: 'The call was answered but no audio ever flowed, so it ended.' },
};

/** Codes that mean "slow down for a few seconds": retried with backoff, for any method. 4 and 80007 are hour-scale and are not. */
export const THROTTLING_CODES = new Set([17, 341, 613, 130429]);

export function describeGraphCode(code: number): GraphErrorInfo {
  const known = GRAPH_ERRORS[code];
  if (known) return known;
  if (code >= 200 && code <= 299) return GRAPH_ERRORS[200]!;
  if (code >= 131000 && code < 132000) return { category: 'messaging', message: `WhatsApp could not handle the message (error ${code}).` };
  if (code >= 138000 && code < 139000) return { category: 'calling', message: `WhatsApp refused the call request (error ${code}).` };
  return { category: 'unknown', message: `WhatsApp returned an error (${code}).` };
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
      return `${this.message} WhatsApp said: ${(this.details ?? this.graphMessage ?? '').replace(/\.?\s*$/, '.')}`;
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
