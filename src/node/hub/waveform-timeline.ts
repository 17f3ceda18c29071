/**
 * Places waveform chunks on the station's wall clock. A chunk arrives when its last sample has
 * been received, so it nominally started `samples / rate` earlier. Consecutive chunks are butted
 * together while arrival jitter stays within the tolerance, so a trace drawn from them is
 * continuous; a chunk that arrives later than that starts at its own nominal time, so a real gap
 * (lost data, a stalled device) shows as a gap instead of being squeezed out.
 */
export class WaveformTimeline {
  private nextStartAt: number | undefined;
  private rateHz: number | undefined;

  constructor(private readonly gapToleranceMs: number) {}

  /** The wall-clock time of the chunk's first sample. */
  place(receivedAt: number, rateHz: number, sampleCount: number): number {
    const durationMs = (sampleCount / rateHz) * 1000;
    const nominalStart = receivedAt - durationMs;
    const expected = this.rateHz === rateHz ? this.nextStartAt : undefined;
    // Within tolerance either way: jitter, keep the trace contiguous. Later: a gap. Earlier: the
    // device runs faster than its declared rate, so follow the receive clock rather than drift ahead.
    const startedAt = expected !== undefined && Math.abs(nominalStart - expected) <= this.gapToleranceMs ? expected : nominalStart;
    this.nextStartAt = startedAt + durationMs;
    this.rateHz = rateHz;
    return startedAt;
  }

  /** After a disconnect the next chunk starts a new trace. */
  reset(): void {
    this.nextStartAt = undefined;
    this.rateHz = undefined;
  }
}
