/**
 * The webhook parser speaks the app's words: every call event from Meta's documented samples
 * comes out as `incoming` (the customer called) or `outgoing` (the business called), never as
 * Meta's USER_INITIATED / BUSINESS_INITIATED, so nothing downstream re-reads Meta's strings.
 */
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../main/webhooks/envelope.ts';
import { loadMetaWebhook } from '../../support/meta-fixtures.ts';

const ctx = { wabaId: '102290129340398', phoneNumberId: '106540352242922', values: { BUSINESS_PHONE_NUMBER: '15550783881' } };

function directions(sample: string): Array<string | null> {
  const { body } = loadMetaWebhook(sample, ctx);
  return parseEnvelope(Buffer.from(JSON.stringify(body))).flatMap((e) =>
    e.kind === 'call.connect' || e.kind === 'call.terminate' ? [e.direction] : [],
  );
}

describe('webhook parser: call direction', () => {
  it.each([
    ['webhook-calls-connect-user-initiated.json', 'incoming'],
    ['webhook-calls-terminate-user-initiated.jsonc', 'incoming'],
    ['webhook-calls-connect-business-initiated.json', 'outgoing'],
    ['webhook-calls-terminate-business-initiated.jsonc', 'outgoing'],
  ])('%s → %s', (sample, expected) => {
    const found = directions(sample);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set([expected]));
  });
});
