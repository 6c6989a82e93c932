/**
 * Every webhook sample on Meta's pages (../shared/fixtures/meta-docs/webhook-*), turned into the body
 * Meta would send, through the real receiver and inbox into main's services: none is dropped or left
 * unreadable, and each lands where the owner would look for it.
 */
import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Diagnostics } from '../../../common/bridge-contract.ts';
import { signBody } from '../../../main/webhooks/signature.ts';
import { loadMetaWebhook, META_FIXTURES } from '../../support/meta-fixtures.ts';
import { startSimApp, type SimApp } from '../../support/sim-app.ts';

const SAMPLES = readdirSync(META_FIXTURES)
  .filter((f) => f.startsWith('webhook-'))
  .sort();
const CUSTOMER = '5511987650001';

// A fresh app for each sample: several samples share ids (Meta reuses its examples), which the
// inbox would rightly take as duplicates.
let app: SimApp;
beforeEach(async () => {
  app = await startSimApp({ timeFactor: 100 });
});
afterEach(async () => {
  await app.close();
});

/** Where the owner looks for what a sample carries. */
function landing(name: string): 'thread-message' | 'thread-call' | 'thread-system' | 'diagnostics' {
  if (/messages-voicemail/.test(name)) return 'thread-call'; // a voicemail belongs on its call's card
  if (/messages-(text|audio)/.test(name)) return 'thread-message';
  if (/permission-reply/.test(name)) return 'thread-system';
  if (/calls-(connect|terminate|status)/.test(name)) return 'thread-call';
  return 'diagnostics'; // statuses of messages we never sent, settings and account updates, SIP, recordings
}

async function post(body: Record<string, unknown>): Promise<number> {
  const raw = Buffer.from(JSON.stringify(body));
  const res = await fetch(`http://127.0.0.1:${app.services.receiver.port}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(raw, app.creds.appSecret) },
    body: raw,
  });
  return res.status;
}

describe('Meta’s documented webhook samples', () => {
  it('there are samples to replay', () => {
    expect(SAMPLES.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of SAMPLES) {
    it(`${name}: accepted, read, and found ${landing(name)}`, async () => {
      const s = app.services;
      const before = new Set(s.inbox.recentEvents(500).map((e) => e.id));
      const { body } = loadMetaWebhook(name, {
        wabaId: app.creds.wabaId,
        phoneNumberId: app.creds.phoneNumberId,
        values: {
          USER_PHONE_NUMBER: CUSTOMER,
          WHATSAPP_USER_PHONE_NUMBER: CUSTOMER,
          WHATSAPP_USER_ID: CUSTOMER,
          customer_phone_number: CUSTOMER,
          BSUID: 'BR.10000000000000000001',
          PARENT_BSUID: 'BR.ENT.10000000000000000001',
          BUSINESS_PHONE_NUMBER: app.creds.displayPhoneNumber,
          BUSINESS_DISPLAY_PHONE_NUMBER: app.creds.displayPhoneNumber,
          WEBHOOK_TRIGGER_TIMESTAMP: String(Math.floor(Date.now() / 1000)),
          timestamp: String(Math.floor(Date.now() / 1000)),
          CALL_DURATION: '42',
          WHATSAPP_CALL_ID: `wacid.${name.replace(/\W/g, '')}+/==`,
          WHATSAPP_MESSAGE_ID: `wamid.${name.replace(/\W/g, '')}`,
          SIP_SERVER_PORT: '5061',
          RESPONSE: 'accept',
          RESPONSE_SOURCE: 'user_action',
          EXPIRATION_TIMTESTAMP: String(Math.floor(Date.now() / 1000) + 7 * 86_400), // sic, as on Meta's page
        },
      });
      expect(await post(body)).toBe(200);
      while ((await s.inbox.drain()) > 0) {
        /* until applied */
      }
      const fresh = s.inbox.recentEvents(500).filter((e) => !before.has(e.id));
      expect(fresh.length, 'the sample produced no event').toBeGreaterThan(0);
      const aside = fresh.filter((e) => e.kind === 'unreadable' || e.kind === 'other_number' || e.kind === 'unknown');
      expect(aside.map((e) => `${e.kind} ${e.key} ${JSON.stringify(s.inbox.eventPayload(e.id)).slice(0, 300)}`)).toEqual([]);
      expect(s.inbox.counts().malformed).toBe(0);
      const where = landing(name);
      if (where === 'diagnostics') {
        const res = await s.dispatch('getDiagnostics', {});
        const keys = res.ok ? (res.result as Diagnostics).recentEvents.map((e) => e.key) : [];
        for (const e of fresh) expect(keys).toContain(e.key);
        return;
      }
      const kind = where === 'thread-message' ? 'message' : where === 'thread-call' ? 'call' : 'system';
      const metaIds = new Set(fresh.map((e) => e.key.split(':')[1]));
      const holders = s.threads
        .listThreads()
        .filter((t) => s.threads.timeline(t.id, { limit: 200 }).some((i) => i.kind === kind && i.metaId !== null && metaIds.has(i.metaId)));
      expect(holders.length, `no ${kind} item in a thread for ${[...metaIds].join(', ')}`).toBe(1);
      // …in the customer's thread: never one named by the business's own number, never by "".
      const business = (
        (body['entry'] as Array<{ changes: Array<{ value: { metadata?: { display_phone_number?: string } } }> }>)[0]?.changes[0]?.value
          .metadata?.display_phone_number ?? ''
      ).replace(/\D/g, '');
      const contact = holders[0]!.contact;
      expect(
        contact.waId === null || (contact.waId !== '' && contact.waId.replace(/\D/g, '') !== business),
        `the thread is named by the business's number ${contact.waId}`,
      ).toBe(true);
      expect(contact.waId ?? contact.userId).toBeTruthy();
    });
  }
});
