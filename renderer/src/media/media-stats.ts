/**
 * The media engine's stats and watchdog (media-engine.ts calls `sampleCall` every second per
 * call): reads RTT, jitter and packet counts from `getStats`, estimates MOS into the quality
 * monitor, and decides when the customer's audio has been silent long enough to show
 * "Reconnecting…" or to call the call lost.
 */
import { estimateMos, type QualityMonitor } from './quality.ts';

export interface CallStats {
  rttMs: number | null;
  jitterMs: number;
  lossPct: number;
  mos: number | null;
  packetsReceived: number;
  packetsSent: number;
}

/** The part of a call's session the stats sampling reads and updates. */
export interface SampledCall {
  pc: RTCPeerConnection;
  quality: QualityMonitor;
  last: { received: number; lost: number };
  lastPacketAt: number;
  micAttached: boolean;
  attachedAt: number | null;
  firstAudioAt: number | null;
  stats: CallStats | null;
  silentForMs: number | null;
}

export interface WatchdogLimits {
  noAudioAtStartMs: number;
  noAudioMidCallMs: number;
  silenceShownAfterMs: number;
}

interface RawAudioStats {
  received: number;
  lost: number;
  jitterMs: number;
  sent: number;
  rttMs: number | null;
}

/** The audio counters of one `getStats` report; null when the connection is closed. */
async function readAudioStats(pc: RTCPeerConnection): Promise<RawAudioStats | null> {
  let received = 0;
  let lost = 0;
  let jitter = 0;
  let sent = 0;
  let rtt: number | null = null;
  try {
    const report = await pc.getStats();
    report.forEach((r: Record<string, unknown>) => {
      const num = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : 0);
      if (r['type'] === 'inbound-rtp' && r['kind'] === 'audio') {
        received = num('packetsReceived');
        lost = num('packetsLost');
        jitter = num('jitter') * 1000;
      } else if (r['type'] === 'outbound-rtp' && r['kind'] === 'audio') {
        sent = num('packetsSent');
      } else if (r['type'] === 'remote-inbound-rtp' && typeof r['roundTripTime'] === 'number') {
        rtt = (r['roundTripTime'] as number) * 1000;
      } else if (
        r['type'] === 'candidate-pair' &&
        r['nominated'] === true &&
        typeof r['currentRoundTripTime'] === 'number' &&
        rtt === null
      ) {
        rtt = (r['currentRoundTripTime'] as number) * 1000;
      }
    });
  } catch {
    return null; // closed meanwhile
  }
  return { received, lost, jitterMs: jitter, sent, rttMs: rtt };
}

/**
 * One stats sample of a call: updates its stats, quality and silence in place, calls `onFirstAudio`
 * when this sample saw the customer's first audio, and says why the call is lost when the silence
 * is past WhatsApp's limits. Null when the connection was closed meanwhile (nothing changed).
 */
export async function sampleCall(
  s: SampledCall,
  now: () => number,
  limits: WatchdogLimits,
  onFirstAudio: () => void,
): Promise<{ lost: string | null } | null> {
  const raw = await readAudioStats(s.pc);
  if (!raw) return null;
  const { received, lost, jitterMs: jitter, sent, rttMs: rtt } = raw;
  const at = now();
  const dRecv = received - s.last.received;
  const dLost = Math.max(0, lost - s.last.lost);
  s.last = { received, lost };
  if (dRecv > 0) {
    s.lastPacketAt = at;
    if (s.firstAudioAt === null) onFirstAudio();
    const lossPct = (dLost / (dRecv + dLost)) * 100;
    const mos = estimateMos({ rttMs: rtt, jitterMs: jitter, lossPct });
    s.quality.push(mos);
    s.stats = { rttMs: rtt, jitterMs: jitter, lossPct, mos, packetsReceived: received, packetsSent: sent };
  } else if (s.stats) {
    s.stats = { ...s.stats, packetsSent: sent };
  }
  let lostReason: string | null = null;
  if (s.micAttached && s.attachedAt !== null) {
    const silentFor = at - Math.max(s.lastPacketAt, s.attachedAt);
    s.silentForMs = silentFor >= limits.silenceShownAfterMs ? silentFor : null;
    const limit = s.firstAudioAt === null ? limits.noAudioAtStartMs : limits.noAudioMidCallMs;
    if (silentFor >= limit) {
      lostReason = `No audio has arrived from the customer for ${Math.round(silentFor / 1000)} seconds — the connection was lost.`;
    }
  }
  return { lost: lostReason };
}
