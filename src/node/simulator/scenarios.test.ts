import { describe, expect, it } from 'vitest';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { SimulatedPatient } from './patient';
import { BASELINE_VITALS, SCENARIO_NAMES, getScenario, isScenarioName, listScenarios, type PatientVital } from './scenarios';

describe('scenario catalogue', () => {
  it('lists every scenario with a title and a description', () => {
    expect(listScenarios().map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    for (const scenario of listScenarios()) {
      expect(scenario.title.length).toBeGreaterThan(0);
      expect(scenario.description.length).toBeGreaterThan(20);
    }
  });

  it('rejects an unknown scenario name with the list of known ones', () => {
    expect(isScenarioName('desaturation')).toBe(true);
    expect(isScenarioName('constructor')).toBe(false);
    expect(() => getScenario('asystole')).toThrow(/Unknown scenario "asystole".*desaturation/);
  });

  it.each(SCENARIO_NAMES)('%s: keyframes run forward in time and stay physically plausible', (name) => {
    const scenario = getScenario(name);
    for (const [vital, track] of Object.entries(scenario.tracks)) {
      const times = track.map(([t]) => t);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const { min, max } = METRIC_DEFINITIONS[vital as PatientVital].plausible;
      for (const [, value] of track) {
        expect(value).toBeGreaterThanOrEqual(min);
        expect(value).toBeLessThanOrEqual(max);
      }
    }
    if (scenario.repeatEveryMs) {
      for (const event of scenario.events) expect(event.atMs).toBeLessThan(scenario.repeatEveryMs);
    }
  });
});

describe('SimulatedPatient', () => {
  it('starts from the healthy baseline and follows a scenario by linear interpolation', () => {
    const patient = new SimulatedPatient('normal', 5000);
    expect(patient.vitalsAt(100_000)).toEqual(BASELINE_VITALS);
    patient.play('desaturation', 5000);
    expect(patient.vitalsAt(5000 + 10_000).spo2).toBe(97);
    expect(patient.vitalsAt(5000 + 40_000).spo2).toBeCloseTo(90.5, 5);
    expect(patient.vitalsAt(5000 + 85_000).spo2).toBe(84);
    expect(patient.vitalsAt(5000 + 500_000).spo2).toBe(97);
    // Untouched vitals stay at baseline.
    expect(patient.vitalsAt(5000 + 85_000).systolic).toBe(BASELINE_VITALS.systolic);
  });

  it('holds the last keyframe for scenarios that do not recover', () => {
    const patient = new SimulatedPatient('hypotension', 0);
    expect(patient.vitalsAt(3_600_000)).toMatchObject({ systolic: 82, diastolic: 48 });
  });

  it('reads the probe state from the last probe event, cycle by cycle in repeating scenarios', () => {
    const probeOff = new SimulatedPatient('probe-off', 0);
    expect([0, 9_999, 10_000, 39_999, 40_000].map((t) => probeOff.probeAttachedAt(t))).toEqual([true, true, false, false, true]);
    const flapping = new SimulatedPatient('flapping-signal', 0);
    expect([3_000, 4_000, 5_999, 6_000, 11_000, 12_500, 14_000].map((t) => flapping.probeAttachedAt(t))).toEqual([true, false, false, true, true, false, true]);
  });

  it('plays a scenario faster at a higher speed, events included, and refuses a speed that is not positive', () => {
    const fast = new SimulatedPatient('desaturation', 5000, 10);
    expect(fast.vitalsAt(5000 + 4_000).spo2).toBeCloseTo(90.5, 5);
    expect(fast.vitalsAt(5000 + 8_500).spo2).toBe(84);
    expect(new SimulatedPatient('probe-off', 0, 5).probeAttachedAt(2_000)).toBe(false);
    expect(() => new SimulatedPatient('normal', 0, 0)).toThrow('scenario speed must be a positive number, got 0');
  });
});
