import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlarmStatePayload, ClinicalState, News2StatePayload } from '../../shared/contract-clinical';
import { ALARM_METRICS, type AlarmMetric } from '../../shared/clinical/alarm-limits';
import { deferred, ScriptedStationApi, settle } from '../access/scripted-station-api';
import { ClinicalStore } from './clinical-store';

const alarms: AlarmStatePayload = {
  alarms: [],
  audiblePriority: null,
  audioPause: null,
  log: [],
  limits: Object.fromEntries(ALARM_METRICS.map((metric) => [metric, { low: null, high: null }])) as Record<AlarmMetric, { low: null; high: null }>,
  limitChanges: [],
  standby: false,
};
const news2: News2StatePayload = { manual: {}, assessment: { ok: false, problems: [{ input: 'respiratoryRate', reason: 'missing', detail: 'not charted yet' }] }, trend: [] };
const nurse = { id: 'nurse-1', name: 'nurse1', role: 'nurse' as const };
const clinicalState: ClinicalState = { actor: nurse, alarms, news2 };

describe('ClinicalStore and who is signed in', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes a refused state (nobody who may see the patient is signed in) as no fault: no error, no retry', async () => {
    const api = new ScriptedStationApi().refuse('getClinicalState');
    const store = new ClinicalStore(api);
    store.start();
    await settle();
    expect(store.getView()).toEqual({ actor: null, alarms: null, news2: null, loadError: null });
    expect(vi.getTimerCount()).toBe(0);
    // Alarms reach a signed-out screen all the same.
    api.emit('alarms', alarms);
    expect(store.getView().alarms).toBe(alarms);
  });

  it('still retries when the station cannot answer, saying why', async () => {
    const api = new ScriptedStationApi().refuse('getClinicalState', 'disconnected', 'Lost the connection to the station');
    const store = new ClinicalStore(api);
    store.start();
    await settle();
    expect(store.getView().loadError).toBe('Lost the connection to the station');
    expect(vi.getTimerCount()).toBe(1);
    store.stop();
  });

  it('loads the state on reload, and on clearing forgets NEWS2 and the actor but keeps the alarms', async () => {
    const api = new ScriptedStationApi().refuse('getClinicalState');
    const store = new ClinicalStore(api);
    store.start();
    await settle();
    api.answer('getClinicalState', () => clinicalState);
    store.reload();
    await settle();
    expect(store.getView()).toEqual({ actor: nurse, alarms, news2, loadError: null });
    store.clearPatientData();
    expect(store.getView()).toEqual({ actor: null, alarms, news2: null, loadError: null });
  });

  it('does not bring back a state asked for before the screen was cleared', async () => {
    const late = deferred<ClinicalState>();
    const api = new ScriptedStationApi().answer('getClinicalState', () => late.promise);
    const store = new ClinicalStore(api);
    store.start();
    store.clearPatientData();
    late.resolve(clinicalState);
    await settle();
    expect(store.getView().news2).toBeNull();
    expect(store.getView().actor).toBeNull();
  });
});
