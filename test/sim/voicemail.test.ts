/**
 * Voicemail as Meta's call settings page (June 2026) has it: ENABLED needs an announcement — an
 * integer media id of an Ogg/Opus file under 60 s uploaded with use_case=call_voicemail_announcement.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { muxOggOpus, oggCrc } from '../../renderer/src/media/ogg-mux.ts';
import { oggOpusInfo } from './media.ts';
import { startHarness, type Harness } from './test-helpers.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A structurally valid Ogg/Opus file of `seconds` (silent Opus frames: TOC byte 0xF8 + nothing). */
function ogg(seconds: number): Uint8Array {
  const packets = Array.from({ length: Math.round(seconds * 50) }, () => new Uint8Array([0xf8, 0xff, 0xfe]));
  return muxOggOpus(packets, Math.round(seconds * 48_000));
}

async function upload(
  bytes: Uint8Array,
  o: { type?: string; useCase?: string | null } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', o.type ?? 'audio/ogg');
  if (o.useCase !== null) form.set('use_case', o.useCase ?? 'call_voicemail_announcement');
  form.set('file', new Blob([bytes.slice().buffer], { type: o.type ?? 'audio/ogg' }), 'greeting.ogg');
  const res = await fetch(`${h.sim.url}/v25.0/${h.sim.business.phoneNumberId}/media`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${h.sim.business.accessToken}` },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const err = (j: Record<string, unknown>) => j['error'] as { code: number; error_data: { details: string } };

describe('voicemail announcement', () => {
  it('the Ogg muxer writes pages a reader accepts: CRC, OpusHead, duration', () => {
    const bytes = Buffer.from(ogg(12.5));
    expect(oggOpusInfo(bytes)?.durationS).toBeCloseTo(12.5, 3);
    // Every page's CRC matches (computed with the CRC field zeroed).
    let at = 0;
    let pages = 0;
    while (at < bytes.length) {
      expect(bytes.subarray(at, at + 4).toString('latin1')).toBe('OggS');
      const segs = bytes[at + 26]!;
      const len = 27 + segs + [...bytes.subarray(at + 27, at + 27 + segs)].reduce((a, b) => a + b, 0);
      const pageBytes = Buffer.from(bytes.subarray(at, at + len));
      const crc = pageBytes.readUInt32LE(22);
      pageBytes.writeUInt32LE(0, 22);
      expect(oggCrc(pageBytes)).toBe(crc);
      at += len;
      pages++;
    }
    expect(pages).toBe(2 + 625);
  });

  it('ENABLED is refused without an announcement, with a string id, or with media not uploaded for voicemail', async () => {
    h = await startHarness();
    const PNID = h.sim.business.phoneNumberId;
    const vm = (extra: Record<string, unknown>) => ({ calling: { voicemail: { status: 'ENABLED', triggers: ['REJECT'], ...extra } } });
    let r = await h.graph('POST', `${PNID}/settings`, vm({}));
    expect(r.status).toBe(400);
    expect(err(r.json).error_data.details).toContain('announcement_media_id is required');

    const plain = await upload(ogg(3), { useCase: null });
    expect(plain.status).toBe(200);
    r = await h.graph('POST', `${PNID}/settings`, vm({ audio: { default: { announcement_media_id: Number(plain.json['id']) } } }));
    expect(err(r.json).error_data.details).toContain('not a media uploaded with use_case=call_voicemail_announcement');

    const good = await upload(ogg(3));
    expect(good.status).toBe(200);
    r = await h.graph('POST', `${PNID}/settings`, vm({ audio: { default: { announcement_media_id: String(good.json['id']) } } }));
    expect(err(r.json).error_data.details).toContain('must be an integer');
    r = await h.graph('POST', `${PNID}/settings`, vm({ audio: { default: { announcement_media_id: Number(good.json['id']) } } }));
    expect(r.status).toBe(200);
  });

  it('an announcement must be Ogg/Opus and under 60 s', async () => {
    h = await startHarness();
    expect(err((await upload(ogg(61))).json).error_data.details).toContain('shorter than 60 seconds');
    expect(err((await upload(new TextEncoder().encode('RIFF....WAVEfmt '), { type: 'audio/wav' })).json).error_data.details).toContain(
      'must be audio/ogg',
    );
    expect(
      err((await upload(new TextEncoder().encode('not an ogg file at all, just text that is long enough'))).json).error_data.details,
    ).toContain('Ogg/Opus');
  });
});
