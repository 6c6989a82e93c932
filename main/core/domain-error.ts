/**
 * An error a domain refuses a request with on purpose: a stable `code` the renderer can act on and
 * a plain `message` meant for the person. Domain code throws it; whichever transport carried the
 * request (the bridge dispatcher today) maps it to its own error shape. Anything else a handler
 * throws is a bug and reaches the renderer only as "internal".
 */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }
}
