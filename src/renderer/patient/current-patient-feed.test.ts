import { describe, expect, it } from 'vitest';
import type { CurrentPatient } from '../../shared/contract-records';
import { CurrentPatientFeed } from './use-current-patient';

const patient = (givenName: string | null): CurrentPatient => ({ givenName, familyName: null, identifier: null, birthDate: null, gender: null, encounterStartedAt: 0, videoVisit: false });

/** A station whose answers the test releases one by one, in any order. */
function scriptedStation() {
  const answers: ((answer: CurrentPatient) => void)[] = [];
  let signal: (() => void) | null = null;
  const api = {
    invoke: () => new Promise<CurrentPatient>((resolve) => answers.push(resolve)),
    on: (_event: string, listener: () => void) => {
      signal = listener;
      return () => (signal = null);
    },
  } as unknown as ConstructorParameters<typeof CurrentPatientFeed>[0];
  return { api, answers, changed: () => signal?.() };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the current patient feed', () => {
  it('asks on start and on every change signal, showing nothing while the newest answer is awaited', async () => {
    const station = scriptedStation();
    const feed = new CurrentPatientFeed(station.api);
    feed.start();
    station.answers[0]!(patient(null));
    await settle();
    expect(feed.current()?.givenName).toBeNull();
    station.changed();
    expect(feed.current()).toBeNull();
    station.answers[1]!(patient('Zoë'));
    await settle();
    expect(feed.current()?.givenName).toBe('Zoë');
  });

  it('never shows an older answer that arrives after a newer question (the previous patient)', async () => {
    const station = scriptedStation();
    const feed = new CurrentPatientFeed(station.api);
    feed.start();
    station.changed();
    station.answers[1]!(patient('Next'));
    station.answers[0]!(patient('Previous'));
    await settle();
    expect(feed.current()?.givenName).toBe('Next');
  });

  it('forgets the patient when stopped (a lock) and ignores answers still on their way', async () => {
    const station = scriptedStation();
    const feed = new CurrentPatientFeed(station.api);
    const stop = feed.start();
    station.answers[0]!(patient('Zoë'));
    await settle();
    station.changed();
    stop();
    station.answers[1]!(patient('Zoë'));
    await settle();
    expect(feed.current()).toBeNull();
    station.changed();
    expect(station.answers).toHaveLength(2);
  });
});
