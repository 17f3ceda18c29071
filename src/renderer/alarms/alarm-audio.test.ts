import { describe, expect, it } from 'vitest';
import type { AuditoryPulse } from '../../shared/clinical/alarm-presentation';
import { auditoryBurst } from '../../shared/clinical/alarm-presentation';
import { AlarmSoundScheduler, LOOKAHEAD_MS, type PulseOutput } from './alarm-audio';

/** An audio device whose clock the test moves. */
class FakeOutput implements PulseOutput {
  now = 1_000;
  readonly played: { atMs: number; pulse: AuditoryPulse }[] = [];
  readonly cancelledFrom: number[] = [];
  nowMs(): number {
    return this.now;
  }
  play(pulse: AuditoryPulse, atMs: number): void {
    this.played.push({ atMs, pulse });
  }
  cancelFrom(atMs: number): void {
    this.cancelledFrom.push(atMs);
  }
}

/** Pumps every 250 ms of audio time, as the page does. */
function run(scheduler: AlarmSoundScheduler, output: FakeOutput, ms: number): void {
  for (let elapsed = 0; elapsed < ms; elapsed += 250) {
    output.now += 250;
    scheduler.pump();
  }
}

describe('alarm sound scheduler', () => {
  it('plays the high-priority burst: 10 pulses in 3+2, pause, 3+2, repeated every 10 s, each pulse once', () => {
    const output = new FakeOutput();
    const scheduler = new AlarmSoundScheduler(output);
    scheduler.setPriority('high');
    run(scheduler, output, 25_000);
    const starts = output.played.map((played) => played.atMs);
    const burstStart = starts[0]!;
    expect(burstStart).toBe(1_050);
    const offsets = auditoryBurst('high').pulses.map((pulse) => pulse.startMs);
    expect(starts.slice(0, 10).map((start) => start - burstStart)).toEqual(offsets);
    expect(starts.slice(10, 20).map((start) => start - burstStart)).toEqual(offsets.map((offset) => offset + 10_000));
    expect(starts.slice(20, 30).map((start) => start - burstStart)).toEqual(offsets.map((offset) => offset + 20_000));
    expect(starts).toHaveLength(30);
    expect(new Set(starts).size).toBe(starts.length);
    expect(scheduler.recorded[0]).toMatchObject({ priority: 'high', durationMs: 150, frequencyHz: 500, harmonicsHz: [1000, 1500, 2000, 2500] });
  });

  it('keeps pulses queued no further ahead than the lookahead', () => {
    const output = new FakeOutput();
    const scheduler = new AlarmSoundScheduler(output);
    scheduler.setPriority('medium');
    expect(Math.max(...output.played.map((played) => played.atMs))).toBeLessThan(output.now + LOOKAHEAD_MS);
    expect(output.played).toHaveLength(3);
  });

  it('a change of priority cancels what was queued and starts the new burst at once; silence stops it', () => {
    const output = new FakeOutput();
    const scheduler = new AlarmSoundScheduler(output);
    scheduler.setPriority('medium');
    run(scheduler, output, 500);
    scheduler.setPriority('high');
    expect(output.cancelledFrom).toEqual([1_000, 1_500]);
    expect(scheduler.recorded.filter((pulse) => pulse.priority === 'high')[0]!.startMs).toBe(output.now + 50);
    scheduler.setPriority(null);
    const count = output.played.length;
    run(scheduler, output, 30_000);
    expect(output.played).toHaveLength(count);
    expect(output.cancelledFrom.at(-1)).toBe(output.now - 30_000);
  });
});
