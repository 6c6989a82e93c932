/**
 * The one choke point every bridge request passes through, whatever its transport:
 * it refuses unknown request names, validates params against the contract, runs the handler,
 * validates the result (main must never send the renderer a shape the contract does not promise),
 * and turns every failure into a `BridgeResponse` error with a stable code and a plain message.
 */
import {
  isRequestName,
  requests,
  type BridgeResponse,
  type RequestName,
  type ResultOf,
} from '../../common/bridge-contract.ts';
import type { z } from 'zod';
import type { Logger } from '../core/log.ts';

/** An error a handler throws on purpose: its code and message reach the renderer as they are. */
export class BridgeRequestError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'BridgeRequestError';
    this.code = code;
    this.details = details;
  }
}

export type BridgeHandlers = {
  [N in RequestName]: (params: z.output<(typeof requests)[N]['params']>) => Promise<ResultOf<N>> | ResultOf<N>;
};

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
    const text = JSON.stringify(response);
    const clean = redact(text);
    if (clean === text) return response;
    log.warn('bridge.secret_redacted', { name: typeof name === 'string' ? name.slice(0, 80) : typeof name });
    return JSON.parse(clean) as BridgeResponse<unknown>;
  };
}

function createUnredactedDispatcher(handlers: BridgeHandlers, log: Logger): Dispatch {
  return async (name, params) => {
    if (!isRequestName(name)) {
      log.warn('bridge.unknown_request', { name: typeof name === 'string' ? name.slice(0, 80) : typeof name });
      return { ok: false, error: { code: 'unknown_request', message: `Unknown bridge request "${String(name).slice(0, 80)}".` } };
    }
    const spec = requests[name];
    const parsed = spec.params.safeParse(params ?? {});
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
        return { ok: false, error: { code: 'internal', message: `Switchboard produced an invalid answer to "${name}". This is a bug; see the log.` } };
      }
      return { ok: true, result: checked.data };
    } catch (err) {
      if (err instanceof BridgeRequestError) {
        return { ok: false, error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
      }
      log.error('bridge.handler_failed', { name, error: err instanceof Error ? err.message : String(err) });
      return { ok: false, error: { code: 'internal', message: `"${name}" failed unexpectedly. See the log for details.` } };
    }
  };
}
