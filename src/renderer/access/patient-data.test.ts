import { describe, expect, it } from 'vitest';
import { AccessStore } from './access-store';
import { followPatientAccess, type PatientDataHolder } from './patient-data';
import { accessState, ScriptedStationApi, settle, signedIn } from './scripted-station-api';

class RecordingHolder implements PatientDataHolder {
  readonly calls: string[] = [];
  reload() {
    this.calls.push('reload');
  }
  clearPatientData() {
    this.calls.push('clear');
  }
}

async function following() {
  const api = new ScriptedStationApi().answer('getAccessState', () => accessState());
  const access = new AccessStore(api, api);
  access.start();
  await settle();
  const station = new RecordingHolder();
  const clinical = new RecordingHolder();
  const stop = followPatientAccess(access, [station, clinical]);
  return { api, station, clinical, stop };
}

describe('patient data follows who is at the screen', () => {
  it('is loaded afresh on sign-in and on unlock, and cleared on lock and on sign-out', async () => {
    const { api, station, clinical } = await following();
    api.emit('access', signedIn('nurse'));
    api.emit('access', signedIn('nurse', { locked: true }));
    api.emit('access', signedIn('nurse'));
    api.emit('access', accessState());
    expect(station.calls).toEqual(['reload', 'clear', 'reload', 'clear']);
    expect(clinical.calls).toEqual(station.calls);
  });

  it('is cleared when the connection drops, since the core ended the session with it', async () => {
    const { api, station } = await following();
    api.emit('access', signedIn('physician'));
    api.setConnected(false);
    expect(station.calls).toEqual(['reload', 'clear']);
  });

  it('is neither loaded nor cleared for an administrator, who sees no patient', async () => {
    const { api, station } = await following();
    api.emit('access', signedIn('administrator'));
    api.emit('access', signedIn('administrator', { locked: true }));
    expect(station.calls).toEqual([]);
  });

  it('is not reloaded by access events that change nothing about it', async () => {
    const { api, station } = await following();
    api.emit('access', signedIn('nurse'));
    api.emit('access', signedIn('nurse', { patientScope: null }));
    api.emit('access', { ...signedIn('nurse'), inactivityLockMs: 60_000 });
    expect(station.calls).toEqual(['reload']);
  });

  it('stops following when unsubscribed', async () => {
    const { api, station, stop } = await following();
    stop();
    api.emit('access', signedIn('nurse'));
    expect(station.calls).toEqual([]);
  });
});
