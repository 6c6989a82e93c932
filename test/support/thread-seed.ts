/**
 * Seeds a data dir's threads through the thread store's own projection (the same domain events
 * the webhook pipeline applies), for screenshots and UI work: a dozen customers with recent
 * conversations, unread messages and missed calls, and one long thread going back a year that
 * mixes every kind of item (texts, media, reactions, calls of every outcome, call permission
 * events, failed and read outgoing messages).
 */
import type { AppServices } from '../../main/app-services.ts';
import type { ContactRef, DomainEvent } from '../../main/webhooks/envelope.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface SeededThreads {
  longThreadId: number;
  longThreadName: string;
  threadIds: number[];
}

type Raw = Record<string, unknown>;
type EventBody = DomainEvent extends infer E
  ? E extends DomainEvent
    ? Omit<E, 'key' | 'occurredAt' | 'phoneNumberId' | 'wabaId'>
    : never
  : never;

const CUSTOMERS: Array<{ waId: string; name: string | null; username?: string }> = [
  { waId: '5511987650001', name: 'Ana Souza' },
  { waId: '4915112340002', name: 'Jonas Weber' },
  { waId: '447700900003', name: 'Priya Patel' },
  { waId: '5521998761234', name: 'Marcos Lima' },
  { waId: '14155550123', name: 'Emily Carter' },
  { waId: '34612345678', name: 'Lucía Fernández' },
  { waId: '5511976543210', name: null },
  { waId: '33612345678', name: 'Camille Dubois' },
  { waId: '819012345678', name: 'Haruto Sato' },
  { waId: '5531991234567', name: 'Beatriz Costa' },
  { waId: '27821234567', name: 'Thabo Nkosi' },
  { waId: '61412345678', name: 'Olivia Brown' },
  { waId: '5511955558888', name: 'Rafael Oliveira' },
  { waId: '393471234567', name: 'Giulia Romano' },
];

const CUSTOMER_LINES = [
  'Good morning! Do you still have the sourdough loaves today?',
  'Can I pick up at 5pm instead of 4?',
  'Thanks, see you tomorrow 🙂',
  'Is the carrot cake gluten free?',
  'How much for a dozen pão de queijo?',
  'I’d like to order a birthday cake for Saturday, chocolate with strawberries, for about 20 people. Is that possible?',
  'Perfect, thank you!',
  'Are you open on the holiday?',
  'Could you deliver to Rua Augusta 1200?',
  'The croissants were amazing yesterday',
  'Do you take card on delivery?',
  'Running 10 minutes late, sorry!',
];
const BUSINESS_LINES = [
  'Good morning! Yes, we have them until about noon.',
  'Of course, 5pm works.',
  'It isn’t, sorry — but our almond cake is.',
  'R$ 18 for a dozen. Want us to set some aside?',
  'We can do that. A 2 kg cake is R$ 160; we’ll need the order by Thursday.',
  'We’re open from 7am to 1pm on holidays.',
  'Yes, delivery to that address is R$ 8.',
  'Thank you! We’ll tell the baker 😊',
  'Card or Pix on delivery, both fine.',
  'No problem, your order is ready at the counter.',
];

export function seedThreads(s: AppServices, opts: { now?: Date; longThreadItems?: number } = {}): SeededThreads {
  const now = opts.now?.getTime() ?? Date.now();
  const longItems = opts.longThreadItems ?? 2400;
  let seq = 0;
  let eventId = 1_000_000;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const ref = (c: { waId: string; name: string | null; username?: string }): ContactRef => ({
    waId: c.waId,
    userId: null,
    parentUserId: null,
    profileName: c.name,
    username: c.username ?? null,
  });
  const apply = (e: EventBody, at: number): void => {
    s.threads.apply({ ...e, key: `seed-${++seq}`, occurredAt: iso(at), phoneNumberId: null, wabaId: 'seed' } as DomainEvent, ++eventId);
  };

  const inbound = (c: ContactRef, at: number, type: string, part: Raw, extra: Raw = {}): string => {
    const wamid = `wamid.seed.in.${++seq}`;
    apply(
      {
        kind: 'message.received',
        wamid,
        from: c,
        type,
        raw: { from: c.waId, id: wamid, timestamp: String(Math.floor(at / 1000)), type, [type]: part, ...extra },
      },
      at,
    );
    return wamid;
  };
  const text = (c: ContactRef, at: number, body: string): string => inbound(c, at, 'text', { body });
  const outbound = (c: ContactRef, at: number, body: string, status: string, data: Raw = {}): string => {
    const wamid = `wamid.seed.out.${++seq}`;
    s.threads.addOutgoingMessage({
      contact: c,
      wamid,
      type: 'text',
      body,
      at: iso(at),
      status,
      data: { text: { body }, statusHistory: [{ status, at: iso(at) }], ...data },
    });
    return wamid;
  };
  const call = (
    c: ContactRef,
    at: number,
    o: {
      out?: boolean;
      outcome: 'completed' | 'missed' | 'declined' | 'no_answer' | 'failed';
      seconds?: number;
      cta?: string;
      voicemail?: boolean;
    },
  ): void => {
    const callId = `wacid.seed.${++seq}`;
    const direction = o.out ? 'outgoing' : 'incoming';
    apply(
      {
        kind: 'call.connect',
        callId,
        direction,
        user: c,
        session: null,
        ctaPayload: o.cta ?? null,
        deeplinkPayload: null,
        bizOpaque: null,
        raw: {},
      },
      at,
    );
    if (o.outcome === 'completed' || o.outcome === 'failed')
      apply({ kind: 'call.status', callId, status: 'ACCEPTED', user: c, bizOpaque: null, raw: {} }, at + 4000);
    if (o.outcome === 'declined') apply({ kind: 'call.status', callId, status: 'REJECTED', user: c, bizOpaque: null, raw: {} }, at + 6000);
    const end = at + (o.seconds ?? 20) * 1000;
    const errors = o.outcome === 'failed' ? [{ code: 138006, message: 'The call dropped: the customer’s connection was lost.' }] : [];
    apply(
      {
        kind: 'call.terminate',
        callId,
        direction,
        user: c,
        status: o.outcome === 'completed' ? 'COMPLETED' : 'FAILED',
        durationSeconds: o.outcome === 'completed' ? (o.seconds ?? 0) : null,
        errors,
        bizOpaque: null,
        raw: {},
      },
      end,
    );
    if (o.voicemail)
      apply(
        {
          kind: 'message.received',
          wamid: callId,
          from: c,
          type: 'audio',
          raw: { id: callId, type: 'audio', audio: { id: `media-${seq}`, mime_type: 'audio/ogg', voice: true } },
        },
        end + 30_000,
      );
  };
  const permission = (c: ContactRef, at: number, response: 'accept' | 'reject', permanent = false): void => {
    apply(
      {
        kind: 'permission.reply',
        wamid: `wamid.seed.perm.${++seq}`,
        user: c,
        response,
        isPermanent: permanent,
        expiresAt: response === 'accept' && !permanent ? iso(at + 7 * DAY) : null,
        source: null,
        contextId: null,
        raw: {},
      },
      at,
    );
  };

  const threadOf = (c: ContactRef): number => s.threads.threadIdOf(s.threads.contactFor(c));
  const ids: number[] = [];

  {
    // ---- the long thread: a year with Ana -----------------------------------------------
    const ana = ref(CUSTOMERS[0]!);
    const start = now - 365 * DAY;
    const span = 360 * DAY;
    let last = '';
    for (let i = 0; i < longItems; i++) {
      const at = start + Math.floor((span * i) / longItems) + (i % 7) * MIN;
      const pick = i % 23;
      if (pick === 5) call(ana, at, { outcome: i % 460 === 5 ? 'missed' : 'completed', seconds: 60 + (i % 300) });
      else if (pick === 11)
        inbound(ana, at, 'image', { id: `m${i}`, mime_type: 'image/jpeg', caption: i % 2 ? 'This one, please' : undefined });
      else if (pick === 17) last = outbound(ana, at, BUSINESS_LINES[i % BUSINESS_LINES.length]!, 'read');
      else if (i % 3 === 0) last = outbound(ana, at, BUSINESS_LINES[(i * 7) % BUSINESS_LINES.length]!, 'read');
      else text(ana, at, `${CUSTOMER_LINES[(i * 5) % CUSTOMER_LINES.length]!}${i % 4 === 1 ? ` (#${i})` : ''}`);
    }
    // A year ago: the first exchange, searchable.
    text(ana, start - DAY, 'Hi! Do you make sugar-free panettone for Christmas?');
    void last;

    // Yesterday and today: every kind of item, so a screenshot of the bottom shows them all.
    const y = now - DAY - 5 * HOUR;
    text(ana, y, 'Hi! I’d like to order a birthday cake for Saturday 🎂');
    const cakeOffer = outbound(ana, y + 6 * MIN, 'Happy to! Chocolate with strawberries for 20 people is R$ 160. Shall I book it?', 'read');
    apply(
      {
        kind: 'message.received',
        wamid: `wamid.seed.react.${++seq}`,
        from: ana,
        type: 'reaction',
        raw: { type: 'reaction', reaction: { message_id: cakeOffer, emoji: '❤️' } },
      },
      y + 9 * MIN,
    );
    inbound(ana, y + 12 * MIN, 'image', {
      id: 'img-cake',
      mime_type: 'image/jpeg',
      caption: 'Something like this one, with the name Sofia on top',
    });
    inbound(ana, y + 14 * MIN, 'document', { id: 'doc-1', mime_type: 'application/pdf', filename: 'Guest list and allergies.pdf' });
    outbound(ana, y + 20 * MIN, 'Got it. Booked for Saturday 10am ✅', 'read');
    call(ana, y + 3 * HOUR, { outcome: 'missed', voicemail: true });
    call(ana, y + 3 * HOUR + 20 * MIN, { out: true, outcome: 'no_answer' });
    const t0 = now - 2 * HOUR;
    permission(ana, t0 - 30 * MIN, 'accept');
    call(ana, t0, { outcome: 'completed', seconds: 272, cta: 'order-status' });
    inbound(ana, t0 + 12 * MIN, 'audio', { id: 'voice-1', mime_type: 'audio/ogg', voice: true });
    inbound(ana, t0 + 13 * MIN, 'location', {
      latitude: -23.561,
      longitude: -46.656,
      name: 'Av. Paulista, 1578',
      address: 'Bela Vista, São Paulo',
    });
    outbound(ana, t0 + 20 * MIN, 'Delivery address saved. See you Saturday!', 'delivered');
    outbound(ana, t0 + 22 * MIN, 'The total with delivery is R$ 168.', 'failed', {
      error: {
        code: 131026,
        message: 'Message undeliverable',
        error_data: { details: 'WhatsApp couldn’t deliver this message to the customer’s phone.' },
      },
    });
    inbound(ana, t0 + 40 * MIN, 'unsupported', { id: 'x' }, { errors: [{ code: 131051, title: 'Message type unknown' }] });
    // The owner read everything up to the last two messages.
    s.threads.markRead(threadOf(ana));
    text(ana, now - 6 * MIN, 'Also, can you write “Feliz aniversário, Sofia!” on it?');
    text(ana, now - 5 * MIN, 'Thank you so much!!');
    ids.push(threadOf(ana));

    // ---- everyone else: a few recent items each ---------------------------------------
    CUSTOMERS.slice(1).forEach((c, k) => {
      const r = ref(c);
      const base = now - (k + 1) * 5 * HOUR - k * k * 2 * HOUR;
      text(r, base - 20 * MIN, CUSTOMER_LINES[(k * 3) % CUSTOMER_LINES.length]!);
      outbound(r, base - 10 * MIN, BUSINESS_LINES[k % BUSINESS_LINES.length]!, k % 3 === 0 ? 'read' : 'delivered');
      switch (k % 6) {
        case 0:
          call(r, base, { outcome: 'missed' });
          break;
        case 1:
          text(r, base, CUSTOMER_LINES[(k * 7 + 1) % CUSTOMER_LINES.length]!);
          text(r, base + MIN, CUSTOMER_LINES[(k * 7 + 2) % CUSTOMER_LINES.length]!);
          break;
        case 2:
          outbound(r, base, BUSINESS_LINES[(k + 4) % BUSINESS_LINES.length]!, 'read');
          break;
        case 3:
          call(r, base, { outcome: 'completed', seconds: 95 + k * 13 });
          break;
        case 4:
          inbound(r, base, 'image', { id: `p${k}`, mime_type: 'image/jpeg' });
          break;
        default:
          call(r, base - 30 * MIN, { outcome: 'missed' });
          call(r, base, { outcome: 'missed', voicemail: true });
      }
      ids.push(threadOf(r));
    });
  }
  // The owner has read most conversations already.
  for (const id of ids.slice(0)) {
    if (ids.indexOf(id) % 3 !== 1 && id !== ids[0]) s.threads.markRead(id);
  }
  return { longThreadId: ids[0]!, longThreadName: CUSTOMERS[0]!.name!, threadIds: ids };
}
