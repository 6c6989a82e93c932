/**
 * Small SDP fixes the media engine needs for Meta's offers and answers (calling-api.md §6).
 * Plain string work, no DOM.
 */

/** Meta's answers to our offers sometimes say `a=setup:actpass`, which is illegal in an answer: treat it as `active`. */
export function fixAnswerSetup(sdp: string): string {
  return sdp.replace(/^a=setup:actpass(?=\r?$)/gm, 'a=setup:active');
}

/** What an SDP carries, for checks and diagnostics. */
export interface SdpSummary {
  mLines: string[];
  /** payload type → "name/clock" (lowercased) */
  codecs: Map<number, string>;
  setup: string | null;
  candidates: number;
  ssrcs: number;
}

export function summarizeSdp(sdp: string): SdpSummary {
  const codecs = new Map<number, string>();
  for (const m of sdp.matchAll(/^a=rtpmap:(\d+) ([^\r\n]+)/gm)) codecs.set(Number(m[1]), (m[2] ?? '').toLowerCase());
  return {
    mLines: [...sdp.matchAll(/^m=([^\r\n]+)/gm)].map((m) => m[1] ?? ''),
    codecs,
    setup: /^a=setup:(\w+)/m.exec(sdp)?.[1] ?? null,
    candidates: [...sdp.matchAll(/^a=candidate:/gm)].length,
    ssrcs: new Set([...sdp.matchAll(/^a=ssrc:(\d+)/gm)].map((m) => m[1])).size,
  };
}

/** Meta accepts only Opus (48 kHz) and telephone-event at 8 kHz: the codecs we offer and answer with. */
export function isWantedCodec(c: { mimeType: string; clockRate: number }): boolean {
  const mime = c.mimeType.toLowerCase();
  return (mime === 'audio/opus' && c.clockRate === 48_000) || (mime === 'audio/telephone-event' && c.clockRate === 8000);
}
