/**
 * Kiosk mode through the contract of a whole station (simulated peripherals, encrypted records, the
 * recorder's worker): every visit is a patient of its own in the records, what is measured after a
 * visit is filed under the next patient, the next visit's screen gets none of the previous values,
 * and alarms and NEWS2 start over.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { adultDefaultLimits } from '../src/shared/clinical/alarm-limits';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { tempDataDir } from '../src/node/records/test-support';
import { memoryKioskSetting } from '../src/node/station/kiosk/kiosk-setting';
import { createStation, type Station } from '../src/node/station/station';
import { screenOf, signedIn } from './station-screens';

const running: { station: Station; dataDir: string }[] = [];

afterEach(async () => {
  for (const { station, dataDir } of running.splice(0)) {
    await station.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function kioskStation(): Promise<Station> {
  const dataDir = tempDataDir();
  const station = await createStation({
    dataDir,
    keyProvider: new FileKeyProvider(dataDir),
    simulate: true,
    hardware: false,
    seed: 11,
    kiosk: { setting: memoryKioskSetting(true), visitIdleMs: 60_000 },
    log: () => undefined,
  });
  running.push({ station, dataDir });
  return station;
}

describe('kiosk station', () => {
  it('files each visit under a patient of its own and shows the next visit none of the previous values', { timeout: 60_000 }, async () => {
    const station = await kioskStation();
    const { store, encounter } = station.records;
    const kiosk = screenOf(station);
    expect(await kiosk.refusal('getSnapshot')).toBe('forbidden');

    const visit = await kiosk.call('startKioskVisit', undefined);
    const firstPatient = visit.user!.patientScope!;
    expect(firstPatient).toBe(encounter.patientId);
    // The patient takes their blood pressure: the cuff only ever measures on request.
    const cuff = (await kiosk.call('getSnapshot', undefined)).devices.find((device) => device.driverId === 'sim-bp-cuff')!;
    await kiosk.call('requestMeasurement', { deviceId: cuff.id });
    await expect.poll(async () => (await kiosk.call('getSnapshot', undefined)).latest.map((r) => r.metric), { timeout: 20_000, interval: 200 }).toContain('systolic');
    const firstSnapshot = await kiosk.call('getSnapshot', undefined);
    expect(firstSnapshot.latest.map((r) => r.metric)).toEqual(expect.arrayContaining(['spo2', 'pulseRate', 'systolic']));

    const finishStarted = Date.now();
    const after = await kiosk.call('finishKioskVisit', undefined);
    const finishEnded = Date.now();
    expect(after).toMatchObject({ user: null, kiosk: { enabled: true, visitOpen: false } });
    expect(await kiosk.refusal('getSnapshot')).toBe('forbidden');
    const secondPatient = encounter.patientId;
    expect(secondPatient).not.toBe(firstPatient);

    // What the first patient measured was written before their encounter closed; what came after is the next patient's.
    const firstReadings = store.readings(firstPatient);
    expect(firstReadings.map((r) => r.metric)).toContain('systolic');
    expect(firstReadings.every((r) => r.receivedAt <= finishEnded)).toBe(true);
    await expect.poll(() => store.readings(secondPatient).length, { timeout: 15_000, interval: 200 }).toBeGreaterThan(0);
    expect(store.readings(secondPatient).every((r) => r.receivedAt >= finishStarted)).toBe(true);
    expect(store.readings(secondPatient).map((r) => r.metric)).not.toContain('systolic');

    // The next visit's first snapshot holds only readings delivered since: no blood pressure, nothing older.
    const next = screenOf(station);
    expect((await next.call('startKioskVisit', undefined)).user?.patientScope).toBe(secondPatient);
    const newestBefore = Math.max(...firstSnapshot.latest.map((r) => r.seq));
    const secondSnapshot = await next.call('getSnapshot', undefined);
    expect(secondSnapshot.latest.map((r) => r.metric)).not.toContain('systolic');
    expect(secondSnapshot.latest.every((r) => r.seq > newestBefore)).toBe(true);
  });

  it('starts alarms and NEWS2 over for the next patient, whatever staff and the patient changed', { timeout: 60_000 }, async () => {
    const station = await kioskStation();
    const kiosk = screenOf(station);
    await kiosk.call('startKioskVisit', undefined);
    // Staff at another screen pause the audio, chart for the kiosk's patient and change a limit.
    const physician = await signedIn(station, 'physician');
    await physician.call('pauseAlarmAudio', {});
    // A low-pulse limit above the simulated patient's pulse raises an alarm once its 6 s condition delay has passed.
    await physician.call('setAlarmLimits', { metric: 'pulseRate', low: 100, reason: 'test' });
    await physician.call('enterNews2Observation', { respiratoryRate: 18, consciousness: 'A', onOxygen: false });
    await expect.poll(async () => (await physician.call('getClinicalState', undefined)).alarms.log.length, { timeout: 20_000, interval: 250 }).toBeGreaterThan(0);
    const during = await physician.call('getClinicalState', undefined);
    expect(during.alarms.audioPause).not.toBeNull();
    expect(during.alarms.limits.pulseRate.low).toBe(100);
    expect(during.news2.manual.respiratoryRate?.value).toBe(18);

    await kiosk.call('finishKioskVisit', undefined);
    // Finishing signed everyone out; the next patient's visit sees a fresh clinical state.
    expect(await physician.refusal('getClinicalState')).toBe('forbidden');
    const next = screenOf(station);
    await next.call('startKioskVisit', undefined);
    const fresh = await next.call('getClinicalState', undefined);
    expect(fresh.alarms.audioPause).toBeNull();
    expect(fresh.alarms.limits).toEqual(adultDefaultLimits());
    expect(fresh.alarms.limitChanges).toEqual([]);
    expect(fresh.alarms.log).toEqual([]);
    expect(fresh.alarms.alarms).toEqual([]);
    expect(fresh.news2.manual).toEqual({});
    expect(fresh.news2.trend).toEqual([]);
  });

  it('tells the update policy when a kiosk visit is open, so no update restarts the station under a patient', { timeout: 60_000 }, async () => {
    const station = await kioskStation();
    const kiosk = screenOf(station);
    expect(station.activity()).toEqual({ kiosk: true, visitInProgress: false, alarmActive: false });
    await kiosk.call('startKioskVisit', undefined);
    expect(station.activity()).toEqual({ kiosk: true, visitInProgress: true, alarmActive: false });
    await kiosk.call('finishKioskVisit', undefined);
    expect(station.activity()).toMatchObject({ visitInProgress: false });
  });

  it('keeps kiosk mode an administrator’s: a nurse may not turn it on, and leaving it refuses an unknown account as a sign-in would', async () => {
    const station = await kioskStation();
    const nurse = await signedIn(station, 'nurse');
    expect(await nurse.refusal('enableKiosk')).toBe('forbidden');
    expect(await screenOf(station).call('leaveKiosk', { username: 'nobody', password: 'guess guess guess', totp: '123456' })).toEqual({ ok: false, reason: 'invalid-credentials' });
  });
});
