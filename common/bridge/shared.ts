/**
 * Primitives several slices of the bridge contract use (see `common/bridge-contract.ts`, which
 * merges the slices).
 *
 * Errors. Each request's doc comment names the codes its handler (main/…/…-handlers.ts) and the
 * services it calls refuse it with, as `DomainError(code, plainMessage)`. On top of those, every
 * request can fail with the bridge's own codes (see `BridgeError` in bridge-contract.ts):
 * `invalid_params` when the params schema refuses the params, `internal` for a bug. Codes several
 * slices use:
 *  - `not_connected`: no WhatsApp number is connected yet (Settings → Account).
 *  - `not_found`: the conversation, item or call no longer exists.
 *  - `invalid_params`: also thrown by a handler for a value the schema lets through but the
 *    domain refuses; the message says which (details.field or details.fieldErrors where given).
 *  - `graph_<code>`: Graph refused the request or could not be reached. `<code>` is Graph's own
 *    error code (e.g. `graph_131047`; main/graph/graph-errors.ts says what each means) or
 *    Switchboard's for a transport failure (`graph_timeout`, `graph_network`,
 *    `graph_http_<status>`, `graph_invalid_response`).
 *
 * Pure TypeScript + zod: no Node built-ins, no DOM.
 */
import { z } from 'zod';

/** Params of a request that takes none: `{}` (a missing params object counts as `{}`). */
export const NoParams = z.object({}).strict();

/** A conversation's id (`threads.id`). */
export const ThreadId = z.number().int().positive();

/** Params naming one conversation. */
export const ThreadParams = z.object({ threadId: ThreadId }).strict();
