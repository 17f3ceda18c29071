/**
 * A data folder holding `days` of a clinic kiosk's records, for benchmarks that start a station on
 * records in use: 20 patients a day, each a visit with 30 s of oximetry at 1 Hz (SpO₂ and pulse),
 * a blood pressure, a temperature and a weight, written through RecordStore (so with their outbox
 * rows) on a clock that walks through the days. A year: 7,300 patients and visits, 467,200 readings.
 */
import { openRecordsDatabase } from '../src/node/records/database';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { RecordStore } from '../src/node/records/store';

const VISITS_PER_DAY = 20;
const OXIMETRY_SECONDS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface KioskHistory {
  patients: number;
  readings: number;
}

export async function writeKioskHistory(dataDir: string, days: number): Promise<KioskHistory> {
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const first = Date.now() - days * DAY_MS;
  let clock = first;
  const store = new RecordStore(db, () => clock);
  let readings = 0;
  try {
    for (let day = 0; day < days; day += 1) {
      // One transaction a day: a year is written in about a minute, and memory stays flat.
      db.transaction(() => {
        for (let visitNumber = 0; visitNumber < VISITS_PER_DAY; visitNumber += 1) {
          clock = first + day * DAY_MS + visitNumber * (DAY_MS / VISITS_PER_DAY);
          const n = day * VISITS_PER_DAY + visitNumber;
          const patient = store.createPatient({ givenName: `Kiosk${n}`, familyName: 'Patient', birthDate: '1960-05-01', gender: n % 2 ? 'female' : 'male', identifier: null });
          const visit = store.startVisit(patient.id, 'kiosk');
          const write = (input: Parameters<RecordStore['recordReading']>[2]) => {
            store.recordReading(patient.id, visit.id, input);
            readings += 1;
          };
          for (let second = 0; second < OXIMETRY_SECONDS; second += 1) {
            const oximeter = { deviceId: 'ox-1', deviceTime: null, receivedAt: clock + second * 1_000, source: 'pulse-oximeter' } as const;
            write({ ...oximeter, metric: 'spo2', unit: '%', value: 94 + ((n + second) % 5) });
            write({ ...oximeter, metric: 'pulseRate', unit: '/min', value: 62 + ((n * 7 + second) % 30) });
          }
          const measured = clock + OXIMETRY_SECONDS * 1_000;
          const cuff = { deviceId: 'cuff-1', unit: 'mm[Hg]', deviceTime: null, receivedAt: measured, source: 'blood-pressure-cuff', measurementId: `bp-${n}` } as const;
          write({ ...cuff, metric: 'systolic', value: 110 + (n % 40) });
          write({ ...cuff, metric: 'diastolic', value: 70 + (n % 20) });
          write({ deviceId: 'thermo-1', deviceTime: null, receivedAt: measured, metric: 'bodyTemperature', unit: 'Cel', value: 36.4 + (n % 8) / 10 });
          write({ deviceId: 'scale-1', deviceTime: null, receivedAt: measured, metric: 'bodyWeight', unit: 'kg', value: 55 + (n % 50) });
          clock = measured + 60_000;
          store.endVisit(visit.id);
        }
      })();
    }
    return { patients: days * VISITS_PER_DAY, readings };
  } finally {
    db.close();
  }
}
