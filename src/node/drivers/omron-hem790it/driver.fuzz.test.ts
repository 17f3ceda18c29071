/**
 * Property-based fuzzing: whatever the unit (or a broken cable) sends, the driver ends with at most
 * a clear OmronProtocolError and never reports an impossible or altered reading.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../shared/readings';
import { METRIC_DEFINITIONS } from '../../../shared/vitals';
import type { DeviceIo } from '../driver';
import { ScriptedIo } from '../scripted-io';
import { xor } from './commands';
import { OmronHem790itDriver } from './driver';
import { FakeOmronUnit, gmeData } from './fake-unit';
import { OmronProtocolError } from './link';
import { encodeOutputReports } from './reports';

const RANDOM_STREAM_RUNS = 400;
const NOISY_SESSION_RUNS = 300;
const CORRUPTION_RUNS = 300;

async function runDriver(io: DeviceIo, onIdle?: () => void): Promise<{ observations: Observation[]; error: unknown }> {
  const observations: Observation[] = [];
  let error: unknown = null;
  try {
    await new OmronHem790itDriver().run({
      io,
      emit: (o) => {
        if (o.type === 'observation') observations.push(o);
      },
      setActivity: (activity) => {
        if (activity === 'idle') onIdle?.();
      },
      signal: new AbortController().signal,
    });
  } catch (caught) {
    error = caught;
  }
  return { observations, error };
}

const byte = fc.integer({ min: 0, max: 255 });
/** An answer in the unit's framing with a correct XOR, split into reports with random stale tails. */
const wellFramedAnswer = fc.array(byte, { minLength: 0, maxLength: 16 }).chain((data) =>
  fc.array(byte, { minLength: 7, maxLength: 7 }).map((stale) =>
    encodeOutputReports(Uint8Array.from([0x4f, 0x4b, 0x00, ...data, xor(data)])).map((report) => {
      const withStale = report.slice();
      for (let i = 1 + (report[0] ?? 0); i < 8; i += 1) withStale[i] = stale[i - 1] ?? 0;
      return withStale;
    }),
  ),
);
const noise = fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: 10 }).map((r) => [r]),
    fc.uint8Array({ minLength: 7, maxLength: 7 }).chain((tail) => fc.integer({ min: 0, max: 9 }).map((count) => [Uint8Array.of(count, ...tail)])),
    wellFramedAnswer,
    fc.constant([Uint8Array.of(2, 0x4e, 0x4f, 0, 0, 0, 0, 0)]),
    fc.constant([Uint8Array.of(2, 0x4f, 0x4b, 0, 0, 0, 0, 0)]),
    fc.constant([new Uint8Array(8)]),
    fc.constant([Uint8Array.of(8, 0x60, 0, 0, 0, 0, 0, 0)]),
  fc.constant([null]),
);
const reportStream = fc.array(noise, { maxLength: 120 });

const answer = (data: readonly number[]): Uint8Array[] => encodeOutputReports(Uint8Array.from([0x4f, 0x4b, 0x00, ...data, xor(data)]));
const bareOk = (): Uint8Array[] => [Uint8Array.of(2, 0x4f, 0x4b, 0, 0, 0, 0, 0)];
const filler = (length: number): number[] => new Array<number>(length).fill(0x30);

/** Every answer of a complete vendor-order session whose stored readings are `readings` (GME data). */
function sessionAnswers(readings: readonly number[][]): Uint8Array[][] {
  const info = [bareOk(), answer(filler(11)), answer(filler(10)), answer(filler(7))];
  const weekly = Array.from({ length: 16 }, () => answer(filler(8)));
  const end = [bareOk(), encodeOutputReports(new TextEncoder().encode('OFF\r\n'))];
  return [
    ...info,
    ...info,
    bareOk(),
    answer(filler(11)),
    answer(filler(10)),
    answer(filler(8)),
    answer([0, 0x10, 0, readings.length]),
    // Asked for from the oldest (highest index) down; `readings` is in that order.
    ...readings.map((data) => answer(data)),
    ...end,
    bareOk(),
    answer(filler(11)),
    ...weekly,
    ...end,
  ];
}

/** GME data near the valid range, so that many, but not all, are possible readings. */
const storedReading = fc
  .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), byte, byte, byte)
  .map(([y, mo, d, h, mi, sec, sys, dia, pulse]) => [y, mo, d, h, mi, sec, 0, 0, sys, dia, pulse, 0, 0]);

const noisySession = fc
  .record({
    readings: fc.array(fc.oneof(fc.array(byte, { minLength: 13, maxLength: 13 }), storedReading), { maxLength: 4 }),
    insertions: fc.array(fc.tuple(fc.nat(), noise), { maxLength: 4 }),
  })
  .map(({ readings, insertions }) => {
    const answers: (readonly (Uint8Array | null)[])[] = sessionAnswers(readings);
    for (const [at, item] of insertions) answers.splice(at % (answers.length + 1), 0, item);
    return { readings, script: answers.flat() };
  });

const pad = (n: number | undefined): string => String(n ?? 0).padStart(2, '0');

function isPlausible(o: Observation): boolean {
  const { min, max } = METRIC_DEFINITIONS[o.metric].plausible;
  const unitOk = o.metric === 'pulseRate' ? o.unit === '/min' : o.unit === 'mm[Hg]';
  return unitOk && Number.isInteger(o.value) && o.value > min && o.value <= max && o.time !== null && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(o.time);
}

describe('Omron driver fuzzing', () => {
  it(`never crashes or reports an impossible value on random report streams (${RANDOM_STREAM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(reportStream, async (chunks) => {
        const { observations, error } = await runDriver(new ScriptedIo(chunks.flat()));
        if (error !== null) expect(error).toBeInstanceOf(OmronProtocolError);
        for (const o of observations) expect(isPlausible(o), JSON.stringify(o)).toBe(true);
        for (let i = 0; i + 2 < observations.length; i += 3) {
          const [sys, dia] = observations.slice(i, i + 2);
          expect(sys?.metric === 'systolic' && dia?.metric === 'diastolic' && dia.value < sys.value && sys.time === dia.time).toBe(true);
        }
      }),
      { numRuns: RANDOM_STREAM_RUNS },
    );
  });

  it(`reports only readings the unit actually stored, whatever noise interrupts a session (${NOISY_SESSION_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(noisySession, async ({ readings, script }) => {
        const stored = new Set(
          readings.flatMap(([y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, , , sys, dia, pulse]) => {
            const time = `${2000 + y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(sec)}`;
            return [`systolic ${sys} ${time}`, `diastolic ${dia} ${time}`, `pulseRate ${pulse} ${time}`];
          }),
        );
        const { observations, error } = await runDriver(new ScriptedIo(script));
        if (error !== null) expect(error).toBeInstanceOf(OmronProtocolError);
        for (const o of observations) {
          expect(isPlausible(o), JSON.stringify(o)).toBe(true);
          expect(stored).toContain(`${o.metric} ${o.value} ${o.time}`);
        }
      }),
      { numRuns: NOISY_SESSION_RUNS },
    );
  });

  it('downloads every possible reading of a clean session', async () => {
    const readings = [gmeData({ y: 2008, mo: 4, d: 21, h: 16, mi: 10, s: 46 }, 129, 78, 77), gmeData({ y: 2009, mo: 12, d: 31, h: 23, mi: 59, s: 59 }, 250, 30, 200)];
    const { observations, error } = await runDriver(new ScriptedIo(sessionAnswers(readings).flat()));
    expect(error).toBeNull();
    expect(observations.map((o) => `${o.metric} ${o.value} ${o.time}`)).toEqual([
      'systolic 129 2008-04-21T16:10:46',
      'diastolic 78 2008-04-21T16:10:46',
      'pulseRate 77 2008-04-21T16:10:46',
      'systolic 250 2009-12-31T23:59:59',
      'diastolic 30 2009-12-31T23:59:59',
      'pulseRate 200 2009-12-31T23:59:59',
    ]);
  });

  it(`reports only true readings when any one report of a session is corrupted (${CORRUPTION_RUNS} runs)`, async () => {
    const truth = [gmeData({ y: 2008, mo: 4, d: 21, h: 16, mi: 10, s: 46 }, 129, 78, 77), gmeData({ y: 2008, mo: 4, d: 21, h: 16, mi: 18, s: 38 }, 119, 79, 79)];
    const trueObservations = new Set(
      truth.flatMap((d) => {
        const time = `2008-04-21T16:${String(d[4]).padStart(2, '0')}:${String(d[5]).padStart(2, '0')}`;
        return [`systolic ${d[8]} ${time}`, `diastolic ${d[9]} ${time}`, `pulseRate ${d[10]} ${time}`];
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 7 }), byte, async (target, position, value) => {
        const unit = new FakeOmronUnit({
          readings: truth.map((data) => ({ data })),
          tamper: (report, ordinal) => {
            if (ordinal !== target) return report;
            const corrupted = report.slice();
            corrupted[position] = value;
            return corrupted;
          },
        });
        // The fake never goes away by itself: unplug it once the download is over.
        const { observations, error } = await runDriver(unit, () => unit.unplug());
        if (error !== null) expect(error).toBeInstanceOf(OmronProtocolError);
        for (const o of observations) expect(trueObservations).toContain(`${o.metric} ${o.value} ${o.time}`);
      }),
      { numRuns: CORRUPTION_RUNS },
    );
  });
});
