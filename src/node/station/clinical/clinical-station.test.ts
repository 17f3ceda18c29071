import { afterEach, describe, expect, it } from 'vitest';
import { stationReading, type DeviceInfo, type EventPayload, type StationEventName, type StationReading } from '../../../shared/contract';
import type { Actor } from '../../../shared/clinical/actor';
import type { HubEvents } from '../../hub/hub';
import { ManualClock } from '../../simulator/clock';
import { SimulatedPatient } from '../../simulator/patient';
import type { ScenarioName } from '../../simulator';
import type { InvocationContext } from '../contract-session';
import type { FrameSink } from '../frame-batcher';
import { fixedActorScreen } from '../access/fixed-actor-screen';
import { HostedVisits } from '../hosted-visits';
import { createClinicalStation, remoteClinicianActor, type ClinicalActs, type ClinicalHub, type ClinicalStation, type ScenarioPlayer } from './clinical-station';

const T0 = 1_750_000_000_000;
const S = 1_000;
const nurse: Actor = { id: 'n1', name: 'Nurse Ada', role: 'nurse' };
const physician: Actor = { id: 'd1', name: 'Dr Lee', role: 'physician' };
const kiosk: Actor = { id: 'k1', name: 'Sam', role: 'kiosk' };
const as = (actor: Actor): InvocationContext => ({ actor, screen: fixedActorScreen(actor) });

/** The hub as the clinical services see it: readings and device lists, and the newest reading per device and metric. */
class FakeHub implements ClinicalHub {
  readonly #listeners = { reading: new Set<(payload: StationReading) => void>(), devices: new Set<(payload: DeviceInfo[]) => void>() };
  readonly #latest = new Map<string, StationReading>();
  #devices: DeviceInfo[] = [];
  #seq = 0;

  on<E extends 'reading' | 'devices'>(event: E, listener: (payload: HubEvents[E]) => void): () => void {
    const set = this.#listeners[event] as Set<(payload: HubEvents[E]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  latest(): StationReading[] {
    return [...this.#latest.values()];
  }

  devices(): DeviceInfo[] {
    return this.#devices;
  }

  setDevices(devices: DeviceInfo[]): void {
    this.#devices = devices;
    for (const listener of this.#listeners.devices) listener(devices);
  }

  reading(deviceId: string, metric: StationReading['metric'], value: number, unit: StationReading['unit'], at: number): void {
    const reading = stationReading({ source: 'pulse-oximeter', deviceId, metric, value, unit, deviceTime: null, receivedAt: at, seq: this.#seq++ });
    this.#latest.set(`${deviceId}:${metric}`, reading);
    for (const listener of this.#listeners.reading) listener(reading);
  }
}

const device = (id: string, overrides: Partial<DeviceInfo> = {}): DeviceInfo => ({
  id,
  driverId: id,
  name: id,
  transport: 'simulated',
  state: 'streaming',
  condition: 'ok',
  canRequestMeasurement: false,
  metrics: ['spo2', 'pulseRate', 'perfusionIndex'],
  ...overrides,
});

/** The station's devices with nobody's finger in the oximeter: it reports probe-off, as a real one does. */
const withEmptyOximeter = (): DeviceInfo[] => [
  device('oximeter', { state: 'probe-off', condition: 'probe-off' }),
  device('cuff', { canRequestMeasurement: true, metrics: ['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate'] }),
  device('thermometer'),
];

/** A screen: records what it is sent, and can say it is busy. */
class RecordingSink implements FrameSink {
  readonly events: { event: StationEventName; payload: unknown }[] = [];
  ready = true;
  send<E extends StationEventName>(event: E, payload: EventPayload<E>): void {
    this.events.push({ event, payload });
  }
  isReady(): boolean {
    return this.ready;
  }
  last<E extends 'alarms' | 'news2'>(event: E): EventPayload<E> | undefined {
    return this.events.findLast((sent) => sent.event === event)?.payload as EventPayload<E> | undefined;
  }
  count(event: StationEventName): number {
    return this.events.filter((sent) => sent.event === event).length;
  }
}

/** Lets setImmediate deliveries run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

let station: ClinicalStation | undefined;
afterEach(() => station?.close());

function setUp(scenarios?: ScenarioPlayer) {
  const clock = new ManualClock(T0);
  const hub = new FakeHub();
  hub.setDevices([device('oximeter'), device('cuff', { canRequestMeasurement: true, metrics: ['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate'] }), device('thermometer')]);
  const hostedVisits = new HostedVisits({ clinicianConnected: async () => true, onRefused: () => undefined });
  /** The accepted acts, as the station's audit log would hear of them. */
  const acts: string[] = [];
  const recordedActs: ClinicalActs = {
    acknowledged: (alarmId, by) => acts.push(`acknowledged ${alarmId} by ${by.id}`),
    audioPaused: (by) => acts.push(`audio paused by ${by.id}`),
    limitsChanged: (changes, by) => acts.push(`limits changed by ${by.id}: ${changes.map((change) => `${change.metric} ${change.side} ${change.newValue}`).join(', ')}`),
    news2Entered: (observation, by) => acts.push(`NEWS2 entered by ${by.id}: ${Object.keys(observation).join(', ')}`),
  };
  station = createClinicalStation({ hub, clock, scenarios, acts: recordedActs, hostedVisits });
  const sink = new RecordingSink();
  station.subscribe(sink);
  const running = station;
  /** One second of the oximeter: time moves on, then SpO2 and pulse arrive. */
  const oximeterSecond = async (spo2: number, pulse = 75) => {
    await clock.advance(S);
    hub.reading('oximeter', 'spo2', spo2, '%', clock.now());
    hub.reading('oximeter', 'pulseRate', pulse, '/min', clock.now());
  };
  const highAlarms = () => running.alarms.current().alarms.filter((shown) => shown.alarm.priority === 'high');
  return { clock, hub, sink, station: running, oximeterSecond, highAlarms, hostedVisits, acts };
}

describe('alarm service over the station', () => {
  it('a desaturation stream raises the high-priority SpO2 alarm once SpO2 has stayed below 90 % for the 6 s delay', async () => {
    const { clock, sink, oximeterSecond, highAlarms } = setUp();
    const patient = new SimulatedPatient('desaturation', T0);
    let firstBelowLimitAt: number | null = null;
    let raisedAt: number | null = null;
    for (let second = 0; second < 90 && raisedAt === null; second++) {
      const spo2 = Math.round(patient.vitalsAt(clock.now() + S).spo2);
      await oximeterSecond(spo2);
      if (spo2 < 90) firstBelowLimitAt ??= clock.now();
      if (highAlarms().length > 0) raisedAt = clock.now();
    }
    expect(firstBelowLimitAt).not.toBeNull();
    expect(raisedAt! - firstBelowLimitAt!).toBe(6 * S);
    const [alarm] = highAlarms();
    expect(alarm!.alarm).toMatchObject({ key: 'physiological:spo2:low', message: 'SpO₂ low', limit: 90, kind: 'physiological' });
    expect(alarm!.visual).toMatchObject({ colourName: 'red', flashHz: 2 });
    expect(alarm!.audible).toBe(true);
    expect(alarm!.announcement).toMatch(/^High priority alarm: SpO₂ low, 8\d % \(limit 90 %\)\. Not acknowledged\.$/);

    await turn();
    expect(sink.last('alarms')?.audiblePriority).toBe('high');
    expect(sink.last('alarms')?.alarms[0]?.alarm.id).toBe(alarm!.alarm.id);
  });

  it('pushes alarm state on change, not per reading or tick', async () => {
    const { sink, oximeterSecond, clock } = setUp();
    await turn();
    const initial = sink.count('alarms');
    for (let second = 0; second < 30; second++) await oximeterSecond(97);
    await clock.advance(5 * S);
    await turn();
    expect(sink.count('alarms')).toBe(initial);
    expect(initial).toBe(1);
  });

  it('acknowledge silences the alarm with who and when; a kiosk may not acknowledge a physiological alarm', async () => {
    const { station: running, clock, oximeterSecond, highAlarms, acts } = setUp();
    for (let second = 0; second < 8; second++) await oximeterSecond(84);
    const alarmId = highAlarms()[0]!.alarm.id;
    await expect(Promise.resolve().then(() => running.handlers.acknowledgeAlarm({ alarmId }, as(kiosk)))).rejects.toThrow(
      'a kiosk may not acknowledge a physiological alarm',
    );
    const state = await running.handlers.acknowledgeAlarm({ alarmId }, as(nurse));
    expect(state.alarms[0]!.alarm.acknowledged).toEqual({ by: nurse, at: clock.now() });
    expect(state.alarms[0]!.audible).toBe(false);
    expect(state.audiblePriority).toBeNull();
    expect(state.log.at(-1)).toMatchObject({ alarmId, acknowledgedBy: nurse, acknowledgedAt: clock.now() });
    await expect(running.handlers.acknowledgeAlarm({ alarmId: 'A999' }, as(nurse))).rejects.toThrow('no active alarm A999');
    expect(acts).toEqual([`acknowledged ${alarmId} by n1`]);
  });

  it("a visit's clinician acknowledges through the screen that admitted them, recorded as the remote physician; other screens may not relay", async () => {
    const { station: running, clock, oximeterSecond, highAlarms, hostedVisits, acts } = setUp();
    for (let second = 0; second < 8; second++) await oximeterSecond(84);
    const alarmId = highAlarms()[0]!.alarm.id;
    const atKiosk = as(kiosk);
    hostedVisits.started('v-42', atKiosk.screen);
    hostedVisits.admit('v-42', atKiosk.screen);
    await expect(running.handlers.acknowledgeAlarm({ alarmId, forRemoteClinician: { visitId: 'v-42' } }, as(nurse))).rejects.toThrow(/started at another screen/);
    await expect(running.handlers.acknowledgeAlarm({ alarmId: 'A999', forRemoteClinician: { visitId: 'v-42' } }, atKiosk)).rejects.toThrow('no active alarm A999');
    expect(highAlarms()[0]!.alarm.acknowledged).toBeNull();

    // The kiosk itself may not acknowledge a physiological alarm; the physician it relays for may.
    const state = await running.handlers.acknowledgeAlarm({ alarmId, forRemoteClinician: { visitId: 'v-42' } }, atKiosk);
    const remote = { id: 'remote-clinician:v-42', name: 'Remote clinician (video visit)', role: 'physician' };
    expect(remoteClinicianActor('v-42')).toEqual(remote);
    expect(state.alarms[0]!.alarm.acknowledged).toEqual({ by: remote, at: clock.now() });
    expect(state.log.at(-1)).toMatchObject({ alarmId, acknowledgedBy: remote });
    expect(acts).toEqual([`acknowledged ${alarmId} by remote-clinician:v-42`]);
  });

  it('an audio pause silences the present alarm until it runs out, and the tick ends it without new data', async () => {
    const { station: running, clock, oximeterSecond, sink, acts } = setUp();
    for (let second = 0; second < 8; second++) await oximeterSecond(84);
    const paused = await running.handlers.pauseAlarmAudio({ durationMs: 60 * S }, as(nurse));
    expect(paused.audiblePriority).toBeNull();
    expect(paused.audioPause).toEqual({ by: nurse, at: clock.now(), until: clock.now() + 60 * S });
    expect(() => running.handlers.pauseAlarmAudio({ durationMs: 3_600 * S }, as(nurse))).toThrow(/at most 300 s/);
    expect(acts).toEqual(['audio paused by n1']);

    // The oximeter falls silent: the latched SpO2 alarm stays silenced while the no-data alarm raised after the pause sounds.
    const spo2Alarm = () => running.alarms.current().alarms.find((shown) => shown.alarm.key === 'physiological:spo2:low')!;
    await clock.advance(59 * S);
    expect(spo2Alarm()).toMatchObject({ audible: false, alarm: { latched: true } });
    expect(running.alarms.current().audiblePriority).toBe('medium');
    await clock.advance(1 * S);
    expect(spo2Alarm().audible).toBe(true);
    expect(running.alarms.current()).toMatchObject({ audiblePriority: 'high', audioPause: null });
    await turn();
    expect(sink.last('alarms')?.audiblePriority).toBe('high');
  });

  it('an unacknowledged medium alarm escalates to high after 2 minutes through the service', async () => {
    const { station: running, oximeterSecond } = setUp();
    for (let second = 0; second < 8; second++) await oximeterSecond(97, 135);
    const pulseAlarm = () => running.alarms.current().alarms.find((shown) => shown.alarm.key === 'physiological:pulseRate:high')!;
    expect(pulseAlarm().alarm.priority).toBe('medium');
    for (let second = 0; second < 120; second++) await oximeterSecond(97, 135);
    expect(pulseAlarm().alarm).toMatchObject({ priority: 'high', basePriority: 'medium' });
    expect(pulseAlarm().alarm.escalatedAt).not.toBeNull();
  });

  it('limits change only for a physician, inside the safe bounds, with the change recorded', async () => {
    const { station: running, clock, acts } = setUp();
    expect(() => running.handlers.setAlarmLimits({ metric: 'spo2', low: 88 }, as(nurse))).toThrow(/only a physician may change alarm limits/);
    expect(() => running.handlers.setAlarmLimits({ metric: 'spo2', low: 70 }, as(physician))).toThrow('SpO₂ low limit must be between 85 and 99 %');
    expect(() => running.handlers.setAlarmLimits({ metric: 'spo2', low: 88 }, as(physician))).toThrow(/needs a reason/);
    const state = await running.handlers.setAlarmLimits({ metric: 'spo2', low: 88, reason: 'COPD, target 88–92 %' }, as(physician));
    expect(state.limits.spo2).toEqual({ low: 88, high: null });
    expect(state.limitChanges).toEqual([
      { metric: 'spo2', side: 'low', oldValue: 90, newValue: 88, by: physician, at: clock.now(), reason: 'COPD, target 88–92 %' },
    ]);
    // The same limit again changes nothing, and is no act to record.
    await running.handlers.setAlarmLimits({ metric: 'spo2', low: 88 }, as(physician));
    expect(acts).toEqual(['limits changed by d1: spo2 low 88']);
  });

  it('in standby (a kiosk between visits) raises nothing from an empty probe, and judges it afresh after its delay once standby ends', async () => {
    const { station: running, clock, hub, sink, oximeterSecond } = setUp();
    for (let second = 0; second < 8; second++) await oximeterSecond(84);
    const raised = running.alarms.current().alarms[0]!.alarm;
    expect(running.alarms.current().standby).toBe(false);

    running.alarms.setStandby(true);
    // The open alarm is closed and nothing sounds; the log keeps it, with the time it ended.
    expect(running.alarms.current()).toMatchObject({ standby: true, alarms: [], audiblePriority: null });
    expect(running.alarms.current().log.at(-1)).toMatchObject({ alarmId: raised.id, clearedAt: clock.now() });
    hub.setDevices(withEmptyOximeter());
    await clock.advance(10 * 60 * S);
    running.alarms.reset(hub.devices());
    await clock.advance(60 * S);
    expect(running.alarms.current()).toMatchObject({ standby: true, alarms: [], log: [] });
    await turn();
    expect(sink.last('alarms')?.standby).toBe(true);

    running.alarms.setStandby(false);
    await clock.advance(4.75 * S);
    expect(running.alarms.current()).toMatchObject({ standby: false, alarms: [] });
    await clock.advance(0.25 * S);
    expect(running.alarms.current().alarms.map((shown) => shown.alarm.message)).toEqual(['oximeter: sensor off the patient']);
    expect(running.alarms.current().audiblePriority).toBe('medium');
  });

  it('outside standby (every staff station) raises an empty probe after its delay as always', async () => {
    const { station: running, clock, hub } = setUp();
    hub.setDevices(withEmptyOximeter());
    await clock.advance(5 * S);
    expect(running.alarms.current()).toMatchObject({ standby: false, audiblePriority: 'medium' });
    expect(running.alarms.current().alarms.map((shown) => shown.alarm.key)).toEqual(['technical:oximeter:probe-off']);
  });
});

describe('NEWS2 service over the station', () => {
  /** Everything NEWS2 needs from devices, taken now. */
  function takeSpotReadings(hub: FakeHub, clock: ManualClock) {
    hub.reading('cuff', 'systolic', 118, 'mm[Hg]', clock.now());
    hub.reading('thermometer', 'bodyTemperature', 37.1, 'Cel', clock.now());
  }

  it('records each manual input with who entered it and when, and scores with the device readings', async () => {
    const { station: running, hub, clock, oximeterSecond } = setUp();
    takeSpotReadings(hub, clock);
    await oximeterSecond(97, 78);
    const entered = await running.handlers.enterNews2Observation({ respiratoryRate: 18, consciousness: 'A', onOxygen: false }, as(nurse));
    expect(entered.manual).toEqual({
      respiratoryRate: { value: 18, enteredBy: nurse, enteredAt: clock.now() },
      consciousness: { value: 'A', enteredBy: nurse, enteredAt: clock.now() },
      onOxygen: { value: false, enteredBy: nurse, enteredAt: clock.now() },
    });
    expect(entered.assessment).toMatchObject({ ok: true, result: { total: 0, risk: 'low' } });
    expect(entered.assessment.ok && entered.assessment.provenance.spo2).toEqual({ kind: 'device', deviceId: 'oximeter', metric: 'spo2', receivedAt: clock.now() });
    expect(entered.assessment.ok && entered.assessment.provenance.spo2Scale).toMatchObject({ kind: 'default' });
    expect(entered.trend).toEqual([{ at: clock.now(), total: 0, risk: 'low' }]);
  });

  it('refuses to score when SpO2 has gone stale, says so, and pushes the refusal without a new reading', async () => {
    const { station: running, hub, clock, oximeterSecond, sink } = setUp();
    takeSpotReadings(hub, clock);
    await oximeterSecond(97, 78);
    await running.handlers.enterNews2Observation({ respiratoryRate: 18, consciousness: 'A', onOxygen: false }, as(nurse));
    await clock.advance(11 * S);
    const { assessment } = running.news2.current();
    expect(assessment.ok).toBe(false);
    expect(!assessment.ok && assessment.problems).toEqual([
      { input: 'spo2', reason: 'stale', detail: expect.stringMatching(/^the SpO₂ reading is \d+ min old/) },
      { input: 'pulse', reason: 'stale', detail: expect.stringMatching(/^the Pulse reading is/) },
    ]);
    await turn();
    expect(sink.last('news2')?.assessment.ok).toBe(false);
  });

  it('reports every missing input, and never scores SpO2 from an oximeter reporting probe-off', async () => {
    const { station: running, hub, clock, oximeterSecond } = setUp();
    expect(running.news2.current().assessment).toMatchObject({ ok: false });
    const missing = running.news2.current().assessment;
    expect(!missing.ok && missing.problems.map((problem) => `${problem.input}:${problem.reason}`)).toEqual([
      'respiratoryRate:missing',
      'spo2:missing',
      'onOxygen:missing',
      'systolic:missing',
      'pulse:missing',
      'consciousness:missing',
      'temperature:missing',
    ]);
    takeSpotReadings(hub, clock);
    await oximeterSecond(97, 78);
    await running.handlers.enterNews2Observation({ respiratoryRate: 18, consciousness: 'A', onOxygen: false }, as(nurse));
    hub.setDevices([device('oximeter', { state: 'probe-off', condition: 'probe-off' }), device('cuff'), device('thermometer')]);
    const { assessment } = running.news2.current();
    expect(!assessment.ok && assessment.problems).toContainEqual({ input: 'spo2', reason: 'invalid', detail: 'SpO₂ device oximeter reports probe-off' });
  });

  it('takes observations only from roles that may chart them, and Scale 2 only from a physician', async () => {
    const { station: running, acts } = setUp();
    expect(() => running.handlers.enterNews2Observation({ consciousness: 'A' }, as(kiosk))).toThrow('a kiosk may not enter NEWS2 observations');
    expect(() => running.handlers.enterNews2Observation({ spo2Scale2: true }, as(nurse))).toThrow(/Scale 2 is prescribed by a physician; Nurse Ada is a nurse/);
    const prescribed = await running.handlers.enterNews2Observation({ spo2Scale2: true }, as(physician));
    expect(prescribed.manual.spo2Scale2).toMatchObject({ value: true, enteredBy: physician });
    expect(running.news2.current().manual.consciousness).toBeUndefined();
    expect(acts).toEqual(['NEWS2 entered by d1: spo2Scale2']);
  });

  it('keeps a trend point per change of the score over the visit', async () => {
    const { station: running, hub, clock, oximeterSecond } = setUp();
    takeSpotReadings(hub, clock);
    await oximeterSecond(97, 78);
    await running.handlers.enterNews2Observation({ respiratoryRate: 18, consciousness: 'A', onOxygen: false }, as(nurse));
    for (let second = 0; second < 5; second++) await oximeterSecond(97, 78);
    await oximeterSecond(93, 78);
    await oximeterSecond(93, 78);
    await oximeterSecond(90, 78);
    expect(running.news2.current().trend.map(({ total, risk }) => `${total}:${risk}`)).toEqual(['0:low', '2:low', '3:low-medium']);
  });
});

describe('clinical state delivery', () => {
  it('reaches a paused (hidden) screen, and a busy screen gets the newest state once it can take it', async () => {
    const { station: running, oximeterSecond } = setUp();
    const hidden = new RecordingSink();
    const subscription = running.subscribe(hidden);
    subscription.pause();
    hidden.ready = false;
    for (let second = 0; second < 8; second++) await oximeterSecond(84);
    await turn();
    expect(hidden.count('alarms')).toBe(0);
    hidden.ready = true;
    await expect.poll(() => hidden.count('alarms')).toBe(1);
    expect(hidden.last('alarms')?.audiblePriority).toBe('high');
    expect(hidden.events[0]?.event).toBe('alarms');
    subscription.close();
    await oximeterSecond(60);
    await turn();
    expect(hidden.count('alarms')).toBe(1);
  });
});

describe('training scenarios', () => {
  it('lists and plays scenarios when simulating, for roles that manage devices only', () => {
    const played: ScenarioName[] = ['normal'];
    const player: ScenarioPlayer = {
      get scenario() {
        return played.at(-1)!;
      },
      play: (name) => played.push(name),
    };
    const { station: running } = setUp(player);
    const catalogue = running.handlers.listScenarios(undefined, as(nurse));
    expect(catalogue).toMatchObject({ available: true, current: 'normal' });
    expect((catalogue as { scenarios: { name: string }[] }).scenarios.map((scenario) => scenario.name)).toContain('desaturation');
    expect(running.handlers.playScenario({ name: 'desaturation' }, as(nurse))).toMatchObject({ current: 'desaturation' });
    expect(played).toEqual(['normal', 'desaturation']);
    expect(() => running.handlers.playScenario({ name: 'asystole' }, as(nurse))).toThrow('Unknown scenario "asystole"');
    expect(() => running.handlers.playScenario({ name: 'normal' }, as(kiosk))).toThrow('a kiosk may not start a training scenario');
  });

  it('says how to get scenarios on a station without the simulator', () => {
    const { station: running } = setUp();
    expect(running.handlers.listScenarios(undefined, as(nurse))).toEqual({ available: false, current: null, scenarios: [] });
    expect(() => running.handlers.playScenario({ name: 'normal' }, as(nurse))).toThrow(/start it with --simulate/);
  });
});
