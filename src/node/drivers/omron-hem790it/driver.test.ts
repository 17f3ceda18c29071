import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../../../shared/readings';
import type { DeviceActivity, DeviceIo } from '../driver';
import { OmronHem790itDriver } from './driver';
import { FakeOmronUnit, gmeData, type FakeUnitBehaviour } from './fake-unit';
import { OmronProtocolError } from './link';

const MORNING = gmeData({ y: 2008, mo: 4, d: 21, h: 7, mi: 5, s: 9 }, 129, 78, 77);
const EVENING = gmeData({ y: 2008, mo: 4, d: 21, h: 21, mi: 30, s: 0 }, 119, 79, 79);

function start(io: DeviceIo, driver = new OmronHem790itDriver()) {
  const outputs: DriverOutput[] = [];
  const activity: DeviceActivity[] = [];
  const stop = new AbortController();
  const done = driver.run({ io, emit: (o) => outputs.push(o), setActivity: (a) => activity.push(a), signal: stop.signal });
  return { driver, outputs, activity, stop, done };
}

/** Runs one download against the fake and ends the session by unplugging it. */
async function downloadFrom(behaviour: FakeUnitBehaviour) {
  const unit = new FakeOmronUnit(behaviour);
  const run = start(unit);
  await expect.poll(() => run.activity.at(-1) === 'idle' && run.activity.length >= 2).toBe(true);
  unit.unplug();
  await run.done;
  return { unit, ...run };
}

const summary = (outputs: DriverOutput[]) => outputs.map((o) => (o.type === 'observation' ? `${o.metric} ${o.value} ${o.unit} ${o.time}` : o.type));

describe('OmronHem790itDriver against a well-behaved unit', () => {
  it('downloads every stored reading oldest first, stamped with the unit clock', async () => {
    const { outputs, activity } = await downloadFrom({ readings: [{ data: MORNING }, { data: EVENING }] });
    expect(summary(outputs)).toEqual([
      'systolic 129 mm[Hg] 2008-04-21T07:05:09',
      'diastolic 78 mm[Hg] 2008-04-21T07:05:09',
      'pulseRate 77 /min 2008-04-21T07:05:09',
      'systolic 119 mm[Hg] 2008-04-21T21:30:00',
      'diastolic 79 mm[Hg] 2008-04-21T21:30:00',
      'pulseRate 79 /min 2008-04-21T21:30:00',
    ]);
    expect(activity).toEqual(['measuring', 'idle']);
  });

  it('follows the vendor sequence of modes', async () => {
    const { unit } = await downloadFrom({ readings: [] });
    expect(unit.features.map((f) => f[1])).toEqual([0x01, 0x01, 0x2c, 0x12]);
  });

  it('emits nothing for an empty memory', async () => {
    const { outputs } = await downloadFrom({ readings: [] });
    expect(outputs).toEqual([]);
  });

  it('downloads again when a measurement is requested', async () => {
    const unit = new FakeOmronUnit({ readings: [{ data: MORNING }] });
    const run = start(unit);
    await expect.poll(() => run.activity.length).toBe(2);
    expect(run.outputs).toHaveLength(3);
    run.driver.requestMeasurement();
    await expect.poll(() => run.activity.length).toBe(4);
    expect(run.outputs).toHaveLength(6);
    expect(run.activity).toEqual(['measuring', 'idle', 'measuring', 'idle']);
    run.stop.abort();
    await run.done;
  });

  it('returns promptly when the station closes the device', async () => {
    const unit = new FakeOmronUnit({ readings: [{ data: MORNING }] });
    const run = start(unit);
    run.stop.abort();
    await expect(run.done).resolves.toBeUndefined();
  });
});

describe('OmronHem790itDriver against a difficult unit', () => {
  it('repeats a reading answered NO until it is answered', async () => {
    const { outputs, unit } = await downloadFrom({ readings: [{ data: MORNING }, { data: EVENING }], notReadyFor: { 0: 2, 1: 1 } });
    expect(outputs.filter((o) => o.type === 'observation')).toHaveLength(6);
    const gmeWrites = unit.written.filter((r) => r[0] === 7 && r[1] === 0x47 && r[2] === 0x4d && r[3] === 0x45);
    expect(gmeWrites).toHaveLength(2 + 3);
  });

  it('repeats a reading whose check fails and reports only the intact one', async () => {
    let corrupted = false;
    const { outputs } = await downloadFrom({
      readings: [{ data: MORNING }],
      tamper: (report) => {
        // Turn systolic 129 into 145 in the first copy of the reading's second report.
        if (corrupted || report[0] !== 7 || report[5] !== 129) return report;
        corrupted = true;
        const tampered = report.slice();
        tampered[5] = 145;
        return tampered;
      },
    });
    expect(corrupted).toBe(true);
    expect(summary(outputs)).toEqual(['systolic 129 mm[Hg] 2008-04-21T07:05:09', 'diastolic 78 mm[Hg] 2008-04-21T07:05:09', 'pulseRate 77 /min 2008-04-21T07:05:09']);
  });

  it('repeats a reading whose answer is cut short', async () => {
    let truncated = false;
    const { outputs } = await downloadFrom({
      readings: [{ data: MORNING }],
      tamper: (report) => {
        if (truncated || report[0] !== 3) return report;
        truncated = true;
        return Uint8Array.of(1, ...report.subarray(1));
      },
    });
    expect(truncated).toBe(true);
    expect(outputs.filter((o) => o.type === 'observation')).toHaveLength(3);
  });

  it('gives up with a clear error when a reading never passes its check, and reports nothing false', async () => {
    const unit = new FakeOmronUnit({
      readings: [{ data: MORNING }],
      tamper: (report) => (report[0] === 3 ? Uint8Array.of(3, report[1] ?? 0, report[2] ?? 0, (report[3] ?? 0) ^ 0xff, 0, 0, 0, 0) : report),
    });
    const run = start(unit);
    await expect(run.done).rejects.toThrow(OmronProtocolError);
    await expect(run.done).rejects.toThrow(/GME: no valid answer after 5 attempts \(XOR check/);
    expect(run.outputs).toEqual([]);
    expect(run.activity).toEqual(['measuring', 'idle']);
  });

  it('skips a stored reading with an impossible timestamp but keeps the others', async () => {
    const impossible = gmeData({ y: 2008, mo: 2, d: 30, h: 7, mi: 0, s: 0 }, 120, 80, 70);
    const { outputs } = await downloadFrom({ readings: [{ data: impossible }, { data: EVENING }] });
    expect(summary(outputs)).toEqual(['systolic 119 mm[Hg] 2008-04-21T21:30:00', 'diastolic 79 mm[Hg] 2008-04-21T21:30:00', 'pulseRate 79 /min 2008-04-21T21:30:00']);
  });

  it('gives up on a unit that never answers, on its own clock and without readings', async () => {
    const unit = new FakeOmronUnit({ readings: [{ data: MORNING }], silent: true });
    const run = start(unit);
    await expect(run.done).rejects.toThrow(/VER: no valid answer after 5 attempts \(no complete answer in time/);
    expect(run.outputs).toEqual([]);
    // Two silent clearing blocks, then five VER attempts each waiting a reply timeout (and a drain).
    expect(unit.now()).toBe(2 * 1000 + 5 * 2 * 1000);
  });

  it('ends quietly when the unit is unplugged mid-download', async () => {
    const unit = new FakeOmronUnit({
      readings: [{ data: MORNING }],
      tamper: (report, ordinal) => {
        if (ordinal === 3) unit.unplug();
        return report;
      },
    });
    const run = start(unit);
    await expect(run.done).resolves.toBeUndefined();
    expect(run.activity).toEqual(['measuring', 'idle']);
  });
});
