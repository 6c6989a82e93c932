/**
 * The one choke point every bridge request passes through, whatever its transport:
 * it refuses unknown request names, validates params against the contract, runs the handler,
 * validates the result (main must never send the renderer a shape the contract does not promise),
 * and turns every failure into a `BridgeResponse` error with a stable code and a plain message.
 * The promise it returns never rejects, whatever it is handed: a name that is not text (an object
 * whose `toString` is not a function, a proxy), hostile params or a handler throwing a non-Error
 * are answered like any other failure, so no client can end the process with one frame.
 */
import { isRequestName, requests, type BridgeResponse, type HandlersFor, type RequestName } from '../../common/bridge-contract.ts';
import type { z } from 'zod';
import { DomainError } from '../core/domain-error.ts';
import type { Logger } from '../core/log.ts';

export type BridgeHandlers = HandlersFor<RequestName>;

export type Dispatch = (name: unknown, params: unknown) => Promise<BridgeResponse<unknown>>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * `redact` (main's SecretRedactor) runs over every answer before it leaves main: a secret that
 * slipped into an error message or a stored Graph detail (Graph errors can echo the token or an
 * `access_token=` URL) reaches the renderer as "[redacted]", never as itself.
 */
export function createDispatcher(handlers: BridgeHandlers, log: Logger, opts: { redact?: (text: string) => string } = {}): Dispatch {
  const dispatch = createUnredactedDispatcher(handlers, log);
  const redact = opts.redact;
  if (!redact) return dispatch;
  return async (name, params) => {
    const response = await dispatch(name, params);
    try {
      const text = JSON.stringify(response);
      const clean = redact(text);
      if (clean === text) return response;
      log.warn('bridge.secret_redacted', { name: typeof name === 'string' ? name.slice(0, 80) : kindOf(name) });
      return JSON.parse(clean) as BridgeResponse<unknown>;
    } catch (err) {
      // An answer that cannot be written as JSON (a handler's details) is not sent at all.
      log.error('bridge.redact_failed', { error: describeError(err) });
      return {
        ok: false,
        error: { code: 'internal', message: 'Switchboard produced an answer it could not send. See the log for details.' },
      };
    }
  };
}

/**
 * What kind of value a client sent as a request name, for the error message. Nothing the client
 * sent is converted to text here: `String({toString: 1})` throws, and so can any getter or proxy.
 */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' ? 'an object' : t === 'undefined' ? 'nothing' : `a ${t}`;
}

function createUnredactedDispatcher(handlers: BridgeHandlers, log: Logger): Dispatch {
  const dispatch = dispatchChecked(handlers, log);
  // Whatever the transport hands in, the answer is a response: an exception escaping from here
  // would be an unhandled rejection in the transport, and that ends the process.
  return async (name, params) => {
    try {
      return await dispatch(name, params);
    } catch (err) {
      log.error('bridge.dispatch_failed', { name: typeof name === 'string' ? name.slice(0, 80) : kindOf(name), error: describeError(err) });
      return { ok: false, error: { code: 'internal', message: 'Switchboard could not handle this request. See the log for details.' } };
    }
  };
}

/** A failure's message for the log, never throwing whatever was thrown. */
function describeError(err: unknown): string {
  try {
    return err instanceof Error ? err.message : typeof err === 'string' ? err : kindOf(err);
  } catch {
    return 'unknown';
  }
}

function dispatchChecked(handlers: BridgeHandlers, log: Logger): Dispatch {
  return async (name, params) => {
    // The name must be text and one of the contract's own request names (an own property, so
    // "__proto__", "constructor" or "toString" name nothing).
    if (typeof name !== 'string') {
      log.warn('bridge.unknown_request', { name: kindOf(name) });
      return {
        ok: false,
        error: {
          code: 'unknown_request',
          message:
            name === undefined
              ? 'Unknown bridge request: the frame names no request.'
              : `Unknown bridge request: a request name is text, not ${kindOf(name)}.`,
        },
      };
    }
    if (!isRequestName(name)) {
      log.warn('bridge.unknown_request', { name: name.slice(0, 80) });
      return { ok: false, error: { code: 'unknown_request', message: `Unknown bridge request "${name.slice(0, 80)}".` } };
    }
    const spec = requests[name];
    let parsed: ReturnType<typeof spec.params.safeParse>;
    try {
      parsed = spec.params.safeParse(params ?? {});
    } catch {
      // Only a value no transport can carry (a proxy, a throwing getter) makes zod itself throw.
      log.warn('bridge.invalid_params', { name });
      return { ok: false, error: { code: 'invalid_params', message: `Invalid parameters for "${name}": they could not be read.` } };
    }
    if (!parsed.success) {
      log.warn('bridge.invalid_params', { name });
      return {
        ok: false,
        error: {
          code: 'invalid_params',
          message: `Invalid parameters for "${name}": ${describeIssues(parsed.error)}`,
          details: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
        },
      };
    }
    try {
      const handler = handlers[name] as (p: unknown) => unknown;
      const result = await handler(parsed.data);
      const checked = spec.result.safeParse(result);
      if (!checked.success) {
        log.error('bridge.invalid_result', { name, issues: describeIssues(checked.error) });
        return {
          ok: false,
          error: { code: 'internal', message: `Switchboard produced an invalid answer to "${name}". This is a bug; see the log.` },
        };
      }
      return { ok: true, result: checked.data };
    } catch (err) {
      if (err instanceof DomainError) {
        return {
          ok: false,
          error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
        };
      }
      log.error('bridge.handler_failed', { name, error: describeError(err) });
      return { ok: false, error: { code: 'internal', message: `"${name}" failed unexpectedly. See the log for details.` } };
    }
  };
}
