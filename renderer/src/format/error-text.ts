/**
 * A failure, in words for the person: a bridge refusal's message (main writes those for people),
 * any other Error's message, or the thrown value itself. Never "Error: …" or "[object Object]".
 */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
