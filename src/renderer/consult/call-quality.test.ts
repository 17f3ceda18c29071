import { describe, expect, it } from 'vitest';
import { qualityLevel, summariseStats } from './call-quality';

type Stat = Record<string, unknown> & { id: string; type: string };

function report({ bytes, packets, lost, frames, rtt, relay }: { bytes: number; packets: number; lost: number; frames: number; rtt: number; relay: boolean }): Stat[] {
  return [
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: rtt, nominated: true, state: 'succeeded' },
    { id: 'L', type: 'local-candidate', candidateType: relay ? 'relay' : 'host' },
    { id: 'R', type: 'remote-candidate', candidateType: 'host' },
    { id: 'V', type: 'inbound-rtp', kind: 'video', bytesReceived: bytes * 0.9, packetsReceived: packets * 0.9, packetsLost: lost, framesDecoded: frames },
    { id: 'A', type: 'inbound-rtp', kind: 'audio', bytesReceived: bytes * 0.1, packetsReceived: packets * 0.1, packetsLost: 0 },
  ];
}

describe('call quality from getStats', () => {
  it('needs two samples for rates, then reports RTT, loss, bitrate and frame rate', () => {
    const first = summariseStats(report({ bytes: 0, packets: 0, lost: 0, frames: 0, rtt: 0.03, relay: false }), 0, null);
    expect(first.quality).toMatchObject({ rttMs: 30, packetLossPercent: null, bitrateKbps: null, frameRate: null, relayed: false, level: 'good' });

    const second = summariseStats(report({ bytes: 250_000, packets: 1_000, lost: 0, frames: 60, rtt: 0.03, relay: true }), 2_000, first.baseline);
    expect(second.quality.bitrateKbps).toBeCloseTo(1_000);
    expect(second.quality.frameRate).toBeCloseTo(30);
    expect(second.quality.packetLossPercent).toBe(0);
    expect(second.quality).toMatchObject({ level: 'good', summary: 'Good connection', relayed: true });

    // 50 of 1050 packets lost in the next interval: about 4.8 %, noticeable.
    const third = summariseStats(report({ bytes: 500_000, packets: 2_000, lost: 50, frames: 120, rtt: 0.03, relay: true }), 4_000, second.baseline);
    expect(third.quality.packetLossPercent).toBeCloseTo(4.76, 1);
    expect(third.quality.level).toBe('fair');
  });

  it('grades plainly: good, fair, poor, or unknown without figures', () => {
    expect(qualityLevel({ rttMs: null, packetLossPercent: null, bitrateKbps: null, frameRate: null })).toBe('unknown');
    expect(qualityLevel({ rttMs: 80, packetLossPercent: 0.5, bitrateKbps: 900, frameRate: 28 })).toBe('good');
    expect(qualityLevel({ rttMs: 220, packetLossPercent: 0, bitrateKbps: 900, frameRate: 28 })).toBe('fair');
    expect(qualityLevel({ rttMs: 80, packetLossPercent: 0, bitrateKbps: 900, frameRate: 12 })).toBe('fair');
    expect(qualityLevel({ rttMs: 450, packetLossPercent: 0, bitrateKbps: 900, frameRate: 28 })).toBe('poor');
    expect(qualityLevel({ rttMs: 80, packetLossPercent: 12, bitrateKbps: 900, frameRate: 28 })).toBe('poor');
    expect(qualityLevel({ rttMs: 80, packetLossPercent: 0, bitrateKbps: 60, frameRate: 28 })).toBe('poor');
  });

  it('starts a new baseline instead of reporting negative rates when counters restart', () => {
    const before = summariseStats(report({ bytes: 900_000, packets: 5_000, lost: 10, frames: 900, rtt: 0.02, relay: false }), 0, null);
    const after = summariseStats(report({ bytes: 1_000, packets: 10, lost: 0, frames: 1, rtt: 0.02, relay: false }), 2_000, before.baseline);
    expect(after.quality.bitrateKbps).toBe(0);
    expect(after.quality.frameRate).toBe(0);
    expect(after.quality.level).toBe('poor');
  });
});
