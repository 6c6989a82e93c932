import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../main/storage/database.ts';
import { WebhookInbox } from '../../../main/webhooks/inbox.ts';
import { MAX_WEBHOOK_BYTES, startWebhookReceiver, type WebhookReceiver } from '../../../main/webhooks/webhook-receiver.ts';
import { signBody } from '../../../main/webhooks/signature.ts';
import type { DomainEvent } from '../../../main/webhooks/envelope.ts';
import { memoryLogger } from '../../support/test-log.ts';
import { envelope, get, post, postSigned, statusUpdate, textMessage } from '../../support/webhooks.ts';
import { loadMetaFixture } from '../../support/meta-fixtures.ts';

const APP_SECRET = 'test-app-secret-0123456789';
const VERIFY_TOKEN = 'verify-token-abcdef';

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

async function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-wh-'));
  const db = openDatabase(dir);
  const mem = memoryLogger();
  const inbox = new WebhookInbox(db, mem.log);
  const published: DomainEvent[] = [];
  inbox.subscribe((e) => published.push(e));
  receiver = await startWebhookReceiver({
    inbox,
    port: 0,
    appSecret: () => APP_SECRET,
    verifyToken: () => VERIFY_TOKEN,
    log: mem.log,
    signatureLogIntervalMs: 60_000,
  });
  const settle = async () => {
    while ((await inbox.drain()) > 0) {
      /* until nothing is pending */
    }
  };
  return { db, inbox, published, port: receiver.port, mem, settle };
}

describe('webhook receiver: signatures', () => {
  it('accepts a correctly signed body and applies it once processed', async () => {
    const s = await setup();
    const res = await postSigned(s.port, '/webhook', textMessage('wamid.A1', '5511987654321', 'Olá'), APP_SECRET);
    expect(res.status).toBe(200);
    await s.settle();
    expect(s.published.map((e) => e.kind)).toEqual(['message.received']);
    expect(s.inbox.counts()).toMatchObject({ processed: 1, total: 1 });
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const s = await setup();
    const body = JSON.stringify(textMessage('wamid.A2', '5511987654321', 'hi'));
    expect((await post(s.port, '/webhook', body)).status).toBe(401);
    expect((await post(s.port, '/webhook', body, { 'x-hub-signature-256': signBody(body, 'another-secret') })).status).toBe(401);
    expect((await post(s.port, '/webhook', body, { 'x-hub-signature-256': 'sha256=zz' })).status).toBe(401);
    expect(
      (await post(s.port, '/webhook', body, { 'x-hub-signature-256': signBody(body, APP_SECRET).replace('sha256=', 'sha1=') })).status,
    ).toBe(401);
    expect(s.inbox.counts().total).toBe(0);
    expect(receiver!.stats.rejectedSignature).toBe(4);
    // Counted every time, logged once per interval.
    expect(s.mem.events().filter((e) => e === 'webhook.bad_signature')).toHaveLength(1);
  });

  it('refuses a signature computed over re-serialised JSON (the raw bytes are what count)', async () => {
    const s = await setup();
    const pretty = JSON.stringify(textMessage('wamid.A3', '5511987654321', 'hi'), null, 2);
    const compact = JSON.stringify(JSON.parse(pretty));
    const res = await post(s.port, '/webhook', pretty, { 'x-hub-signature-256': signBody(compact, APP_SECRET) });
    expect(res.status).toBe(401);
    const ok = await post(s.port, '/webhook', pretty, { 'x-hub-signature-256': signBody(pretty, APP_SECRET) });
    expect(ok.status).toBe(200);
  });
});

describe('webhook receiver: routes and limits', () => {
  it('answers the verification handshake only with the right token and mode', async () => {
    const s = await setup();
    expect(await get(s.port, `/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=12345`)).toEqual({
      status: 200,
      body: '12345',
    });
    expect((await get(s.port, `/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=12345`)).status).toBe(403);
    expect((await get(s.port, `/webhook?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
    expect((await get(s.port, `/webhook?hub.mode=subscribe&hub.challenge=1`)).status).toBe(403);
  });

  it('is 404 for every other path and method', async () => {
    const s = await setup();
    for (const p of ['/', '/bridge', '/webhook/', '/webhooks', '/index.html', '/../webhook']) {
      expect((await get(s.port, p)).status, p).toBe(404);
    }
    for (const m of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) expect((await get(s.port, '/webhook', m)).status, m).toBe(404);
    expect((await post(s.port, '/other', '{}')).status).toBe(404);
  });

  it('refuses 3 MB + 1 byte with 413 and accepts exactly 3 MB', async () => {
    const s = await setup();
    const tooBig = Buffer.alloc(MAX_WEBHOOK_BYTES + 1, 0x20);
    expect((await post(s.port, '/webhook', tooBig, { 'x-hub-signature-256': signBody(tooBig, APP_SECRET) })).status).toBe(413);
    // Exactly 3 MB of valid JSON (padded with spaces) is within the limit.
    const json = JSON.stringify(textMessage('wamid.BIG', '5511987654321', 'x'));
    const exact = Buffer.concat([Buffer.from(json), Buffer.alloc(MAX_WEBHOOK_BYTES - json.length, 0x20)]);
    expect((await post(s.port, '/webhook', exact, { 'x-hub-signature-256': signBody(exact, APP_SECRET) })).status).toBe(200);
    expect(s.inbox.counts().total).toBe(1);
  });
});

describe('webhook pipeline: idempotency and order', () => {
  it('stores a retried delivery once and produces one event', async () => {
    const s = await setup();
    const payload = textMessage('wamid.DUP', '5511987654321', 'same');
    for (let i = 0; i < 3; i++) expect((await postSigned(s.port, '/webhook', payload, APP_SECRET)).status).toBe(200);
    await s.settle();
    expect(s.inbox.counts().total).toBe(1);
    expect(s.published).toHaveLength(1);
    expect(receiver!.stats.duplicates).toBe(2);
  });

  it('produces one event for the same message inside two different bodies', async () => {
    const s = await setup();
    await postSigned(s.port, '/webhook', textMessage('wamid.SAME', '5511987654321', 'x'), APP_SECRET);
    const batch = envelope('messages', {
      messages: [
        { from: '5511987654321', id: 'wamid.SAME', timestamp: '1700000000', type: 'text', text: { body: 'x' } },
        { from: '5511987654321', id: 'wamid.NEW', timestamp: '1700000001', type: 'text', text: { body: 'y' } },
      ],
    });
    await postSigned(s.port, '/webhook', batch, APP_SECRET);
    await s.settle();
    expect(s.published.map((e) => (e.kind === 'message.received' ? e.wamid : e.kind))).toEqual(['wamid.SAME', 'wamid.NEW']);
  });

  it('never moves a message status backwards', async () => {
    const s = await setup();
    await postSigned(s.port, '/webhook', statusUpdate('wamid.S', 'sent', 100), APP_SECRET);
    await postSigned(s.port, '/webhook', statusUpdate('wamid.S', 'read', 102), APP_SECRET);
    await postSigned(s.port, '/webhook', statusUpdate('wamid.S', 'delivered', 101), APP_SECRET);
    await s.settle();
    expect(s.inbox.messageStatus('wamid.S')).toBe('read');
  });

  it('keeps out-of-order call events: a terminate before its connect', async () => {
    const s = await setup();
    const terminate = loadMetaFixture(
      'webhook-calls-terminate-user-initiated.jsonc',
      {
        WHATSAPP_BUSINESS_ACCOUNT_ID: '1000',
        PHONE_NUMBER_ID: '2000',
        BSUID: 'US.1',
        PARENT_BSUID: 'US.ENT.1',
        USER_DISPLAY_NAME: 'Ana',
        USERNAME: 'ana',
      },
      { '[FAILED | COMPLETED]': '"COMPLETED"', INT_CODE: '138021' },
    );
    const connect = loadMetaFixture('webhook-calls-connect-user-initiated.json', {
      WHATSAPP_BUSINESS_ACCOUNT_ID: '1000',
      PHONE_NUMBER_ID: '2000',
      BSUID: 'US.1',
      PARENT_BSUID: 'US.ENT.1',
      USER_DISPLAY_NAME: 'Ana',
      USERNAME: 'ana',
    });
    expect((await postSigned(s.port, '/webhook', terminate, APP_SECRET)).status).toBe(200);
    expect((await postSigned(s.port, '/webhook', connect, APP_SECRET)).status).toBe(200);
    await s.settle();
    const kinds = s.published.map((e) => e.kind);
    expect(kinds).toEqual(['call.terminate', 'call.connect']);
    const term = s.published[0]!;
    if (term.kind !== 'call.terminate') throw new Error('expected terminate');
    expect(term.status).toBe('COMPLETED');
    expect(term.user.waId).toBe('16315553602');
  });

  it('handles a batch of many entries and changes in one body', async () => {
    const s = await setup();
    const changes = Array.from({ length: 250 }, (_, i) => ({
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { phone_number_id: '2000' },
        messages: [{ from: '5511900000001', id: `wamid.B${i}`, timestamp: '1700000000', type: 'text', text: { body: `m${i}` } }],
      },
    }));
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        { id: '1000', changes: changes.slice(0, 125) },
        { id: '1000', changes: changes.slice(125) },
      ],
    };
    expect((await postSigned(s.port, '/webhook', body, APP_SECRET)).status).toBe(200);
    await s.settle();
    expect(s.inbox.eventCount('message.received')).toBe(250);
  });

  it('applies each item on its own: an unreadable one is kept aside and its neighbours are not lost', async () => {
    const s = await setup();
    const half = envelope('messages', {
      messages: [
        { from: '5511900000001', id: 'wamid.GOOD', timestamp: '1700000000', type: 'text', text: { body: 'ok' } },
        { from: '5511900000001', timestamp: 'yesterday', type: 'text' },
        { from: '5511900000001', id: 'wamid.GOOD2', timestamp: '1700000001', type: 'text', text: { body: 'still here' } },
      ],
    });
    expect((await postSigned(s.port, '/webhook', half, APP_SECRET)).status).toBe(200);
    // A body that is not a WhatsApp envelope at all is the only thing marked malformed.
    expect((await post(s.port, '/webhook', 'not json', { 'x-hub-signature-256': signBody('not json', APP_SECRET) })).status).toBe(200);
    await s.settle();
    expect(s.inbox.counts()).toMatchObject({ malformed: 1, processed: 1 });
    expect(s.published.map((e) => e.kind)).toEqual(['message.received', 'unreadable', 'message.received']);
    const bad = s.published[1]!;
    if (bad.kind !== 'unreadable') throw new Error('expected the unreadable item');
    expect(bad.where).toBe('entry[0].changes[0].value.messages[1]');
    expect(bad.reason).toMatch(/id|timestamp/);
    expect(s.inbox.asideCounts()).toEqual({ otherNumber: 0, unreadable: 1 });
  });

  it('keeps unknown fields and skips them; parses BSUID-only users', async () => {
    const s = await setup();
    await postSigned(s.port, '/webhook', envelope('message_template_status_update', { event: 'APPROVED' }), APP_SECRET);
    await postSigned(
      s.port,
      '/webhook',
      envelope('messages', {
        contacts: [{ profile: { name: 'Bo' }, user_id: 'US.13491208655302741918' }],
        messages: [
          { from_user_id: 'US.13491208655302741918', id: 'wamid.BS', timestamp: '1700000000', type: 'text', text: { body: 'hey' } },
        ],
      }),
      APP_SECRET,
    );
    await s.settle();
    expect(s.published.map((e) => e.kind)).toEqual(['unknown', 'message.received']);
    const msg = s.published[1]!;
    if (msg.kind !== 'message.received') throw new Error('expected message');
    expect(msg.from).toMatchObject({ waId: null, userId: 'US.13491208655302741918', profileName: 'Bo' });
  });

  it('answers 503 (so Meta retries) while no account is configured', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-wh-'));
    const mem = memoryLogger();
    const inbox = new WebhookInbox(openDatabase(dir), mem.log);
    receiver = await startWebhookReceiver({ inbox, port: 0, appSecret: () => null, verifyToken: () => null, log: mem.log });
    expect((await postSigned(receiver.port, '/webhook', textMessage('wamid.X', '1', 'x'), APP_SECRET)).status).toBe(503);
    expect((await get(receiver.port, '/webhook?hub.mode=subscribe&hub.verify_token=&hub.challenge=1')).status).toBe(403);
  });
});
