import { describe, expect, it } from 'vitest';
import { stationReading, type DeviceInfo, type StationReading } from '../contract';
import type { Metric, UcumUnit } from '../vitals';
import type { Actor } from './actor';
import type { ManualNews2Entries } from './news2-from-station';
import { assembleNews2Input } from './news2-from-station';
import { scoreNews2 } from './news2';

const NOW = 1_750_000_000_000;
const MINUTE = 60_000;
const nurse: Actor = { id: 'n1', name: 'Nurse Ada', role: 'nurse' };
const physician: Actor = { id: 'c1', name: 'Dr Lee', role: 'physician' };
const kiosk: Actor = { id: 'p1', name: 'Sam', role: 'kiosk' };

let seq = 0;
function reading(metric: Metric, value: number, unit: UcumUnit, ageMs: number, deviceId = 'dev-' + metric): StationReading {
  return stationReading({ source: 'pulse-oximeter', deviceId, metric, value, unit, deviceTime: null, receivedAt: NOW - ageMs, seq: seq++ });
}

const freshReadings = (): StationReading[] => [
  reading('spo2', 97, '%', 2_000, 'oximeter'),
  reading('pulseRate', 72, '/min', 2_000, 'oximeter'),
  reading('systolic', 124, 'mm[Hg]', 10 * MINUTE, 'cuff'),
  reading('bodyTemperature', 36.8, 'Cel', 5 * MINUTE, 'thermometer'),
];

const manual = (): ManualNews2Entries => ({
  respiratoryRate: { value: 16, enteredBy: nurse, enteredAt: NOW - 3 * MINUTE },
  consciousness: { value: 'A', enteredBy: nurse, enteredAt: NOW - 3 * MINUTE },
  onOxygen: { value: false, enteredBy: nurse, enteredAt: NOW - 3 * MINUTE },
});

describe('assembling NEWS2 input from the station', () => {
  it('builds a complete input from fresh readings and manual entries, with provenance', () => {
    const assembled = assembleNews2Input({ latest: freshReadings(), manual: manual(), now: NOW });
    expect(assembled).toMatchObject({
      ok: true,
      input: { respiratoryRate: 16, spo2: 97, spo2Scale: 1, onOxygen: false, systolic: 124, pulse: 72, consciousness: 'A', temperature: 36.8 },
      provenance: {
        spo2: { kind: 'device', deviceId: 'oximeter', metric: 'spo2' },
        consciousness: { kind: 'manual', enteredBy: nurse },
        spo2Scale: { kind: 'default' },
      },
    });
    if (assembled.ok) expect(scoreNews2(assembled.input).total).toBe(0);
  });

  it('refuses to score when a device reading is stale, naming it and why', () => {
    const latest = freshReadings().map((r) => (r.metric === 'spo2' ? { ...r, receivedAt: NOW - 11_000 } : r));
    const assembled = assembleNews2Input({ latest, manual: manual(), now: NOW });
    expect(assembled.ok).toBe(false);
    if (!assembled.ok) {
      expect(assembled.problems).toHaveLength(1);
      expect(assembled.problems[0]).toMatchObject({ input: 'spo2', reason: 'stale' });
    }
  });

  it('refuses when a manual entry is older than the observation window', () => {
    const entries = { ...manual(), consciousness: { value: 'A' as const, enteredBy: nurse, enteredAt: NOW - 31 * MINUTE } };
    const assembled = assembleNews2Input({ latest: freshReadings(), manual: entries, now: NOW });
    expect(assembled).toMatchObject({ ok: false, problems: [{ input: 'consciousness', reason: 'stale' }] });
  });

  it('lists every missing input at once', () => {
    const assembled = assembleNews2Input({ latest: [], manual: {}, now: NOW });
    expect(assembled.ok).toBe(false);
    if (!assembled.ok) {
      expect(assembled.problems.map((p) => p.input).sort()).toEqual(
        ['consciousness', 'onOxygen', 'pulse', 'respiratoryRate', 'spo2', 'systolic', 'temperature'].sort(),
      );
      expect(assembled.problems.every((p) => p.reason === 'missing')).toBe(true);
    }
  });

  it('uses the newest reading of a metric, and refuses when that one is implausible', () => {
    const latest = [...freshReadings(), reading('spo2', 127, '%', 500, 'oximeter')];
    expect(assembleNews2Input({ latest, manual: manual(), now: NOW })).toMatchObject({
      ok: false,
      problems: [{ input: 'spo2', reason: 'invalid' }],
    });
  });

  it('refuses readings from a device that reports the probe is off', () => {
    const devices: DeviceInfo[] = [
      { id: 'oximeter', driverId: 'cms50', name: 'CMS50', transport: 'hid', state: 'probe-off', condition: 'probe-off', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'] },
    ];
    const assembled = assembleNews2Input({ latest: freshReadings(), manual: manual(), now: NOW, devices });
    expect(assembled).toMatchObject({ ok: false, problems: [{ input: 'spo2', reason: 'invalid' }, { input: 'pulse', reason: 'invalid' }] });
  });

  it('refuses a reading time-stamped in the future', () => {
    const latest = freshReadings().map((r) => (r.metric === 'systolic' ? { ...r, receivedAt: NOW + 60_000 } : r));
    expect(assembleNews2Input({ latest, manual: manual(), now: NOW })).toMatchObject({ ok: false, problems: [{ input: 'systolic', reason: 'invalid' }] });
  });

  it('takes the respiratory rate from a device when none was counted by hand', () => {
    const { respiratoryRate: _counted, ...entries } = manual();
    const latest = [...freshReadings(), reading('respiratoryRate', 22, '/min', MINUTE)];
    const assembled = assembleNews2Input({ latest, manual: entries, now: NOW });
    expect(assembled).toMatchObject({ ok: true, input: { respiratoryRate: 22 }, provenance: { respiratoryRate: { kind: 'device' } } });
  });

  it('converts a Fahrenheit temperature and rounds it to one decimal', () => {
    const latest = freshReadings().map((r) => (r.metric === 'bodyTemperature' ? { ...r, value: 100.4, unit: '[degF]' as const } : r));
    const assembled = assembleNews2Input({ latest, manual: manual(), now: NOW });
    expect(assembled).toMatchObject({ ok: true, input: { temperature: 38 } });
    if (assembled.ok) expect(scoreNews2(assembled.input).scores.temperature).toBe(0);
  });

  it('uses Scale 2 only on a physician decision', () => {
    const byPhysician = { ...manual(), spo2Scale2: { value: true, enteredBy: physician, enteredAt: NOW - 24 * 60 * MINUTE } };
    expect(assembleNews2Input({ latest: freshReadings(), manual: byPhysician, now: NOW })).toMatchObject({ ok: true, input: { spo2Scale: 2 } });

    const byNurse = { ...manual(), spo2Scale2: { value: true, enteredBy: nurse, enteredAt: NOW } };
    expect(assembleNews2Input({ latest: freshReadings(), manual: byNurse, now: NOW })).toMatchObject({
      ok: false,
      problems: [{ input: 'spo2Scale', reason: 'invalid' }],
    });
  });

  it('refuses an observation charted by someone the role matrix does not let chart', () => {
    const entries = { ...manual(), consciousness: { value: 'A' as const, enteredBy: kiosk, enteredAt: NOW } };
    expect(assembleNews2Input({ latest: freshReadings(), manual: entries, now: NOW })).toMatchObject({
      ok: false,
      problems: [{ input: 'consciousness', reason: 'invalid', detail: 'the ACVPU level was entered by a kiosk, who may not chart observations' }],
    });
  });

  it('validates manual values with the same rules as any other input', () => {
    const entries = { ...manual(), respiratoryRate: { value: 250, enteredBy: nurse, enteredAt: NOW } };
    expect(assembleNews2Input({ latest: freshReadings(), manual: entries, now: NOW })).toMatchObject({
      ok: false,
      problems: [{ input: 'respiratoryRate', reason: 'invalid' }],
    });
  });
});

// What a nurse reads on the screen when NEWS2 is refused, and where the limits sit exactly: a
// score built one second past a limit would look current and be wrong.
describe('NEWS2 assembly limits and what the nurse is told', () => {
  const problemsOf = (request: Parameters<typeof assembleNews2Input>[0]) => {
    const assembled = assembleNews2Input(request);
    if (assembled.ok) throw new Error('expected a refusal');
    return assembled.problems;
  };
  const withSpo2At = (receivedAt: number) => freshReadings().map((r) => (r.metric === 'spo2' ? { ...r, receivedAt } : r));

  it('accepts an SpO₂ reading exactly 10 s old and refuses one a millisecond older, saying how old', () => {
    expect(assembleNews2Input({ latest: withSpo2At(NOW - 10_000), manual: manual(), now: NOW }).ok).toBe(true);
    expect(problemsOf({ latest: withSpo2At(NOW - 10_001), manual: manual(), now: NOW })).toEqual([
      { input: 'spo2', reason: 'stale', detail: 'the SpO₂ reading is 0 min old (limit 0 min)' },
    ]);
    const systolicAt = (receivedAt: number) => freshReadings().map((r) => (r.metric === 'systolic' ? { ...r, receivedAt } : r));
    expect(problemsOf({ latest: systolicAt(NOW - 90 * MINUTE), manual: manual(), now: NOW })).toEqual([
      { input: 'systolic', reason: 'stale', detail: 'the Systolic reading is 90 min old (limit 30 min)' },
    ]);
  });

  it('tolerates a device clock up to 5 s ahead and refuses one further ahead as a clock fault', () => {
    expect(assembleNews2Input({ latest: withSpo2At(NOW + 5_000), manual: manual(), now: NOW }).ok).toBe(true);
    expect(problemsOf({ latest: withSpo2At(NOW + 5_001), manual: manual(), now: NOW })).toEqual([
      { input: 'spo2', reason: 'invalid', detail: 'the SpO₂ reading is time-stamped in the future; check the station clock' },
    ]);
  });

  it('accepts a manual entry exactly 30 min old and names who entered a stale one', () => {
    const at = (age: number) => ({ ...manual(), onOxygen: { value: false, enteredBy: nurse, enteredAt: NOW - age } });
    expect(assembleNews2Input({ latest: freshReadings(), manual: at(30 * MINUTE), now: NOW }).ok).toBe(true);
    expect(problemsOf({ latest: freshReadings(), manual: at(45 * MINUTE), now: NOW })).toEqual([
      { input: 'onOxygen', reason: 'stale', detail: 'air or oxygen entered by Nurse Ada is 45 min old (limit 30 min)' },
    ]);
  });

  it('uses the newest reading whatever order the readings come in', () => {
    const older = reading('spo2', 88, '%', 8_000, 'oximeter');
    const newer = reading('spo2', 97, '%', 1_000, 'oximeter');
    const others = freshReadings().filter((r) => r.metric !== 'spo2');
    for (const latest of [[newer, older, ...others], [...others, older, newer]]) {
      expect(assembleNews2Input({ latest, manual: manual(), now: NOW })).toMatchObject({ ok: true, input: { spo2: 97 } });
    }
  });

  it('names every missing input in words', () => {
    expect(problemsOf({ latest: [], manual: {}, now: NOW }).map((p) => `${p.input}: ${p.detail}`)).toEqual([
      'respiratoryRate: no Resp. rate reading',
      'spo2: no SpO₂ reading',
      'onOxygen: air or oxygen has not been entered',
      'systolic: no Systolic reading',
      'pulse: no Pulse reading',
      'consciousness: the ACVPU level has not been entered',
      'temperature: no Temperature reading',
    ]);
    const { respiratoryRate: _rr, ...noRate } = manual();
    expect(problemsOf({ latest: freshReadings(), manual: { ...noRate, respiratoryRate: undefined }, now: NOW })).toEqual([
      { input: 'respiratoryRate', reason: 'missing', detail: 'no Resp. rate reading' },
    ]);
  });

  it('says which device reports what when its numbers cannot be trusted', () => {
    const devices: DeviceInfo[] = [
      { id: 'oximeter', driverId: 'cms50', name: 'CMS50', transport: 'hid', state: 'streaming', condition: 'searching', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'] },
    ];
    expect(problemsOf({ latest: freshReadings(), manual: manual(), now: NOW, devices })).toEqual([
      { input: 'spo2', reason: 'invalid', detail: 'SpO₂ device CMS50 reports searching' },
      { input: 'pulse', reason: 'invalid', detail: 'Pulse device CMS50 reports searching' },
    ]);
  });

  it('refuses a reading in a unit its metric is never measured in, and says so', () => {
    const latest = freshReadings().map((r) => (r.metric === 'systolic' ? { ...r, unit: 'kg' as const } : r));
    expect(problemsOf({ latest, manual: manual(), now: NOW })).toEqual([
      { input: 'systolic', reason: 'invalid', detail: 'Systolic cannot be measured in kg' },
    ]);
  });

  it('records Scale 1 as the default and a physician’s Scale 2 as theirs; a nurse is told only a physician may decide', () => {
    expect(assembleNews2Input({ latest: freshReadings(), manual: manual(), now: NOW })).toMatchObject({
      ok: true,
      provenance: { spo2Scale: { kind: 'default', detail: 'no Scale 2 prescription: Scale 1' } },
    });
    const decidedAt = NOW - 24 * 60 * MINUTE;
    expect(
      assembleNews2Input({ latest: freshReadings(), manual: { ...manual(), spo2Scale2: { value: true, enteredBy: physician, enteredAt: decidedAt } }, now: NOW }),
    ).toMatchObject({ ok: true, input: { spo2Scale: 2 }, provenance: { spo2Scale: { kind: 'manual', enteredBy: physician, enteredAt: decidedAt } } });
    expect(
      assembleNews2Input({ latest: freshReadings(), manual: { ...manual(), spo2Scale2: { value: false, enteredBy: physician, enteredAt: decidedAt } }, now: NOW }),
    ).toMatchObject({ ok: true, input: { spo2Scale: 1 } });
    expect(problemsOf({ latest: freshReadings(), manual: { ...manual(), spo2Scale2: { value: true, enteredBy: nurse, enteredAt: NOW } }, now: NOW })).toEqual([
      { input: 'spo2Scale', reason: 'invalid', detail: 'SpO₂ Scale 2 must be decided by a physician, not a nurse' },
    ]);
  });

  it('names a hand-counted respiratory rate charted by someone who may not chart', () => {
    const entries = { ...manual(), respiratoryRate: { value: 16, enteredBy: kiosk, enteredAt: NOW } };
    expect(problemsOf({ latest: freshReadings(), manual: entries, now: NOW })).toEqual([
      { input: 'respiratoryRate', reason: 'invalid', detail: 'the respiratory rate was entered by a kiosk, who may not chart observations' },
    ]);
  });
});

describe('NEWS2 pulse from an ECG', () => {
  it('scores the heart rate of an ECG when no oximeter gives a pulse rate', () => {
    const latest = [...freshReadings().filter((r) => r.metric !== 'pulseRate'), reading('heartRate', 118, '/min', 1_000, 'ecg')];
    expect(assembleNews2Input({ latest, manual: manual(), now: NOW })).toMatchObject({
      ok: true,
      input: { pulse: 118 },
      provenance: { pulse: { kind: 'device', deviceId: 'ecg', metric: 'heartRate' } },
    });
  });
});
