/**
 * Connection quality from RTCPeerConnection.getStats(): round-trip time, packet loss, incoming
 * bitrate and frame rate, summarised as a level and a sentence a patient or nurse understands.
 * Rates are differences between two samples, so the first sample only sets the baseline.
 */

export const QUALITY_LEVELS = ['good', 'fair', 'poor', 'unknown'] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

export interface CallQuality {
  level: QualityLevel;
  summary: string;
  rttMs: number | null;
  /** Inbound packets lost since the previous sample, as a percentage of those expected. */
  packetLossPercent: number | null;
  /** Inbound media, all tracks. */
  bitrateKbps: number | null;
  /** Decoded remote video frames per second. */
  frameRate: number | null;
  /** The selected candidate pair goes through a TURN relay. */
  relayed: boolean | null;
}

/** The counters kept between two samples. */
export interface QualityBaseline {
  at: number;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
}

type Stat = Record<string, unknown> & { type: string; id: string };

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export const SUMMARIES: Record<QualityLevel, string> = {
  good: 'Good connection',
  fair: 'Fair connection: the picture may stutter',
  poor: 'Poor connection: the picture may freeze; speak slowly',
  unknown: 'Measuring the connection…',
};

/** Thresholds from common video-call guidance: ~150 ms RTT and ~2 % loss are where people notice. */
export function qualityLevel(q: Pick<CallQuality, 'rttMs' | 'packetLossPercent' | 'bitrateKbps' | 'frameRate'>): QualityLevel {
  if (q.rttMs === null && q.packetLossPercent === null && q.frameRate === null) return 'unknown';
  const rtt = q.rttMs ?? 0;
  const loss = q.packetLossPercent ?? 0;
  if (rtt > 400 || loss > 8 || (q.frameRate !== null && q.frameRate < 8) || (q.bitrateKbps !== null && q.bitrateKbps < 100)) return 'poor';
  if (rtt > 150 || loss > 2 || (q.frameRate !== null && q.frameRate < 18)) return 'fair';
  return 'good';
}

export function summariseStats(stats: Iterable<Stat>, now: number, previous: QualityBaseline | null): { quality: CallQuality; baseline: QualityBaseline } {
  const byId = new Map<string, Stat>();
  for (const stat of stats) byId.set(stat.id, stat);
  const all = [...byId.values()];
  const transport = all.find((stat) => stat.type === 'transport');
  const pairId = typeof transport?.selectedCandidatePairId === 'string' ? transport.selectedCandidatePairId : undefined;
  const pair = (pairId ? byId.get(pairId) : undefined) ?? all.find((stat) => stat.type === 'candidate-pair' && stat.nominated === true && stat.state === 'succeeded');
  const local = typeof pair?.localCandidateId === 'string' ? byId.get(pair.localCandidateId) : undefined;
  const remote = typeof pair?.remoteCandidateId === 'string' ? byId.get(pair.remoteCandidateId) : undefined;

  const inbound = all.filter((stat) => stat.type === 'inbound-rtp');
  const sum = (field: string, of: Stat[] = inbound) => of.reduce((total, stat) => total + (num(stat[field]) ?? 0), 0);
  const video = inbound.filter((stat) => stat.kind === 'video');
  const baseline: QualityBaseline = {
    at: now,
    bytesReceived: sum('bytesReceived'),
    packetsReceived: sum('packetsReceived'),
    packetsLost: sum('packetsLost'),
    framesDecoded: sum('framesDecoded', video),
  };

  const rtt = num(pair?.currentRoundTripTime);
  let packetLossPercent: number | null = null;
  let bitrateKbps: number | null = null;
  let frameRate: number | null = null;
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  if (previous && seconds > 0) {
    const received = baseline.packetsReceived - previous.packetsReceived;
    const lost = Math.max(0, baseline.packetsLost - previous.packetsLost);
    packetLossPercent = received + lost > 0 ? (100 * lost) / (received + lost) : null;
    bitrateKbps = Math.max(0, (8 * (baseline.bytesReceived - previous.bytesReceived)) / 1000 / seconds);
    frameRate = video.length > 0 ? Math.max(0, (baseline.framesDecoded - previous.framesDecoded) / seconds) : null;
  }
  const partial = { rttMs: rtt === null ? null : rtt * 1000, packetLossPercent, bitrateKbps, frameRate };
  const level = qualityLevel(partial);
  return {
    quality: {
      ...partial,
      level,
      summary: SUMMARIES[level],
      relayed: pair ? local?.candidateType === 'relay' || remote?.candidateType === 'relay' : null,
    },
    baseline,
  };
}

/** Samples a connection every `intervalMs` until stopped; a new connection starts a new baseline. */
export function sampleCallQuality(
  connection: () => RTCPeerConnection | null,
  onQuality: (quality: CallQuality | null) => void,
  intervalMs = 2_000,
): () => void {
  let baseline: QualityBaseline | null = null;
  let sampled: RTCPeerConnection | null = null;
  let stopped = false;
  const tick = async () => {
    const pc = connection();
    if (pc !== sampled) baseline = null;
    sampled = pc;
    if (!pc || pc.connectionState !== 'connected') {
      onQuality(null);
      return;
    }
    const report = await pc.getStats();
    if (stopped || pc !== sampled) return;
    const result = summariseStats(report.values() as Iterable<Stat>, performance.now(), baseline);
    baseline = result.baseline;
    onQuality(result.quality);
  };
  const timer = setInterval(() => void tick().catch(() => onQuality(null)), intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
