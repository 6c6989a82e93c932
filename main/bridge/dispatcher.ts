/**
 * The one choke point every bridge request passes through, whatever its transport:
 * it refuses unknown request names, validates params against the contract, runs the handler,
 * validates the result (main must never send the renderer a shape the contract does not promise),
 * and turns every failure into a `BridgeResponse` error with a stable code and a plain message.
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
      log.error('bridge.handler_failed', { name, error: err instanceof Error ? err.message : String(err) });
      return { ok: false, error: { code: 'internal', message: `"${name}" failed unexpectedly. See the log for details.` } };
    }
  };
}
