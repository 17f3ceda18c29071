import { describe, expect, it } from 'vitest';
import { LINK_TOKEN_PARAM } from '../../shared/consult/protocol';
import { VISIT_CONSENT_STATEMENT } from '../../shared/contract-visit';
import { closeConsultServersAfterEach } from '../consult/test-servers';
import { CLINICIAN_PAGE_PATH } from './consult-seam';
import { fixedActorScreen } from './access/fixed-actor-screen';
import { HostedVisits } from './hosted-visits';
import { createVisitHandlers, embeddedVisitConnector, remoteVisitConnector, signallingUrlOf, type VisitAuditEvent, type VisitConnector } from './visits';

const consultServers = closeConsultServersAfterEach();
const server = (stationKey?: string) => consultServers.start({ clinicianPath: CLINICIAN_PAGE_PATH, stationKey });

const consent = { statementVersion: VISIT_CONSENT_STATEMENT.version, accepted: true } as const;
const NURSE = { id: 'n1', name: 'Nurse Ada', role: 'nurse' } as const;
const AS_NURSE = { actor: NURSE, screen: fixedActorScreen(NURSE) };
const PHYSICIAN = { id: 'p1', name: 'Dr Lee', role: 'physician' } as const;
const AS_PHYSICIAN = { actor: PHYSICIAN, screen: fixedActorScreen(PHYSICIAN) };

/** A consultation server that creates visit v1 and notes which visits it was told to end. */
const fakeConnector = (ended: string[]): VisitConnector => ({
  serverUrl: 'http://127.0.0.1:1',
  createVisit: async () => ({ visitId: 'v1', stationToken: 's', clinicianToken: 'c', clinicianUrl: 'http://127.0.0.1:1/#token=c', expiresAt: 0 }),
  endVisit: async (visitId) => (ended.push(visitId), true),
  clinicianConnected: async () => true,
});

const hosted = () => new HostedVisits({ clinicianConnected: async () => true, onRefused: () => undefined });

describe('video visits in the station core', () => {
  it('starts a visit on the embedded server only after consent, with a link and socket the two sides can use', async () => {
    const consult = await server();
    let clock = 1_000;
    const recorded: string[] = [];
    const visits = createVisitHandlers({ hosted: hosted(), connector: () => embeddedVisitConnector(consult), now: () => clock, onConsent: (c) => recorded.push(c.consentId) });

    await expect(visits.startVisit({ consentId: 'never-given' }, AS_NURSE)).rejects.toThrow(/not consented/);
    const given = visits.recordVisitConsent(consent, AS_NURSE);
    expect(recorded).toEqual([given.consentId]);
    expect(given).toMatchObject({ statementVersion: 'video-visit-consent/1', recordedAt: 1_000 });

    const visit = await visits.startVisit({ consentId: given.consentId }, AS_NURSE);
    expect(visit.signallingUrl).toBe(`${consult.url.replace('http:', 'ws:')}/signal`);
    const link = new URL(visit.clinicianUrl);
    expect(`${link.origin}${link.pathname}`).toBe(`${consult.url}${CLINICIAN_PAGE_PATH}`);

    const station = await consultServers.join(consult, visit.stationToken);
    expect(station.welcome).toMatchObject({ role: 'station', visitId: visit.visitId });
    const clinician = await consultServers.join(consult, new URLSearchParams(link.hash.slice(1)).get(LINK_TOKEN_PARAM)!);
    expect(clinician.welcome).toMatchObject({ role: 'clinician', admitted: false });

    // One consent, one visit.
    await expect(visits.startVisit({ consentId: given.consentId }, AS_NURSE)).rejects.toThrow(/not consented/);
    const stale = visits.recordVisitConsent(consent, AS_NURSE);
    clock += 11 * 60_000;
    await expect(visits.startVisit({ consentId: stale.consentId }, AS_NURSE)).rejects.toThrow(/older than 10 minutes/);

    await visits.endVisit({ visitId: visit.visitId }, AS_NURSE);
    expect(await station.client.next('ended')).toMatchObject({ reason: 'ended-by-station' });
  });

  it('ends only visits this station started', async () => {
    const ended: string[] = [];
    const visits = createVisitHandlers({ hosted: hosted(), connector: () => fakeConnector(ended) });
    await visits.endVisit({ visitId: 'someone-elses' }, AS_NURSE);
    await visits.startVisit({ consentId: visits.recordVisitConsent(consent, AS_NURSE).consentId }, AS_NURSE);
    await visits.endVisit({ visitId: 'v1' }, AS_NURSE);
    await visits.endVisit({ visitId: 'v1' }, AS_NURSE);
    expect(ended).toEqual(['v1']);
  });

  it('audits starting the visit, letting the clinician in and ending it, with the visit id and who did it; only the starting screen admits', async () => {
    const audited: VisitAuditEvent[] = [];
    const visits = createVisitHandlers({ hosted: hosted(), connector: () => fakeConnector([]), onAudit: (event) => audited.push(event) });
    const { visitId } = await visits.startVisit({ consentId: visits.recordVisitConsent(consent, AS_NURSE).consentId }, AS_NURSE);
    expect(() => visits.admitClinician({ visitId }, AS_PHYSICIAN)).toThrow(/not started at this screen/);
    visits.admitClinician({ visitId }, AS_NURSE);
    expect(() => visits.admitClinician({ visitId: 'someone-elses' }, AS_NURSE)).toThrow(/not started at this screen/);
    await visits.endVisit({ visitId }, AS_PHYSICIAN);
    await visits.endVisit({ visitId: 'someone-elses' }, AS_NURSE);
    expect(() => visits.admitClinician({ visitId }, AS_NURSE)).toThrow(/has ended/);
    expect(audited).toEqual([
      { actor: NURSE, action: 'visit.start', visitId: 'v1' },
      { actor: NURSE, action: 'visit.admit-clinician', visitId: 'v1' },
      { actor: PHYSICIAN, action: 'visit.end', visitId: 'v1' },
    ]);
  });

  it('explains a missing consultation server instead of failing obscurely', async () => {
    const visits = createVisitHandlers({ hosted: hosted(), connector: () => null });
    await expect(visits.startVisit({ consentId: visits.recordVisitConsent(consent, AS_NURSE).consentId }, AS_NURSE)).rejects.toThrow(/No consultation server/);
  });

  it('creates visits on a remote server with the station key, and says why when it cannot', async () => {
    const consult = await server('remote-station-key');
    const created = await remoteVisitConnector(consult.url, 'remote-station-key').createVisit({ autoAdmit: false });
    expect(new URL(created.clinicianUrl).pathname).toBe(CLINICIAN_PAGE_PATH);

    await expect(remoteVisitConnector(consult.url, 'wrong-key').createVisit({})).rejects.toThrow(/refused the visit \(401: A station key is required\)/);
    await expect(remoteVisitConnector(consult.url, undefined).createVisit({})).rejects.toThrow(/VITALBRIDGE_CONSULT_STATION_KEY/);
    const notAVisit = async () => new Response(JSON.stringify({ visitId: 1 }), { status: 201 });
    await expect(remoteVisitConnector(consult.url, 'k', notAVisit).createVisit({})).rejects.toThrow(/not a visit/);
    await expect(remoteVisitConnector('http://127.0.0.1:9', 'k').createVisit({})).rejects.toThrow(/cannot be reached/);
  });

  it('asks a remote server with the station key whether the admitted clinician is connected, and takes no answer as no', async () => {
    const consult = await server('remote-station-key');
    const remote = remoteVisitConnector(consult.url, 'remote-station-key');
    const created = await remote.createVisit({ autoAdmit: true });
    expect(await remote.clinicianConnected(created.visitId)).toBe(false);
    const clinician = await consultServers.join(consult, created.clinicianToken);
    expect(clinician.welcome.admitted).toBe(true);
    expect(await remote.clinicianConnected(created.visitId)).toBe(true);
    expect(await embeddedVisitConnector(consult).clinicianConnected(created.visitId)).toBe(true);
    expect(await remoteVisitConnector(consult.url, 'wrong-key').clinicianConnected(created.visitId)).toBe(false);
    expect(await remoteVisitConnector(consult.url, undefined).clinicianConnected(created.visitId)).toBe(false);
    expect(await remoteVisitConnector('http://127.0.0.1:9', 'k').clinicianConnected(created.visitId)).toBe(false);
    await clinician.client.close();
    await expect.poll(() => remote.clinicianConnected(created.visitId)).toBe(false);
  });

  it('derives the signalling socket address from the server address', () => {
    expect(signallingUrlOf('https://consult.example.org')).toBe('wss://consult.example.org/signal');
    expect(signallingUrlOf('http://127.0.0.1:4000')).toBe('ws://127.0.0.1:4000/signal');
  });
});
