/**
 * recordMeasurementRequest through invokeContract (the method gate included): the screen hosting a
 * video visit reports the clinician's requests (kept as that visit's clinician's, with the
 * station's name of the device) and what its user did with them; other screens are refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeasurementRequests, visitMeasurementRequests } from '../records/measurement-requests';
import { auditHead, type AccessBench } from './access/access-test-support';
import type { ScreenAccess } from './access/station-access';
import { invokeContract } from './contract-session';
import type { HostedVisits, RelayRefusal } from './hosted-visits';
import { openHostedVisitBench } from './hosted-visit-test-support';
import { createMeasurementRequestHandlers } from './measurement-request-handlers';
import { standInHandlers } from './stand-in-handlers';

let bench: AccessBench;
let encounter: { patientId: string; visitId: string };
let hosted: HostedVisits;
let clinician: { connected: boolean };
let refusals: RelayRefusal[];

beforeEach(async () => {
  ({ bench, encounter, hosted, clinician, refusals } = await openHostedVisitBench());
});
afterEach(() => bench.close());

const call = (screen: ScreenAccess, input: unknown) =>
  invokeContract(
    standInHandlers(
      createMeasurementRequestHandlers({
        requests: new MeasurementRequests(bench.station.db, bench.station.audit, bench.station.clock.now),
        encounter: () => encounter,
        hosted,
        deviceName: (deviceId) => (deviceId === 'sim-cuff' ? 'Simulated blood-pressure cuff' : null),
      }),
    ),
    screen,
    'recordMeasurementRequest',
    input,
  );
const kept = () => visitMeasurementRequests(bench.station.db, encounter.patientId, encounter.visitId);

describe('measurement requests reported by the screen hosting the video visit', () => {
  it('keeps the request as the clinician’s with the station’s device name, and its start as the act of the person at the screen, each audited', async () => {
    const { screen, account } = await bench.signedIn('nurse');
    hosted.started('consult-1', screen);
    hosted.admit('consult-1', screen);
    const from = auditHead(bench);
    expect(await call(screen, { visitId: 'consult-1', requestId: 'r1', deviceId: 'sim-cuff', event: 'requested' })).toEqual({ ok: true, output: undefined });
    expect(await call(screen, { visitId: 'consult-1', requestId: 'r1', deviceId: 'sim-cuff', event: 'started' })).toEqual({ ok: true, output: undefined });
    expect(kept()).toMatchObject([{ requestId: 'r1', deviceName: 'Simulated blood-pressure cuff', requestedBy: 'remote-clinician:consult-1', state: 'started', settledBy: account.id }]);
    expect(bench.auditSince(from).map(({ actor, role, action, object }) => [actor, role, action, object])).toEqual([
      ['remote-clinician:consult-1', 'physician', 'measurement.request', 'r1'],
      [account.id, 'nurse', 'measurement.request', 'r1'],
    ]);
  });

  it('keeps the outcome once the clinician has left, but no new request; refuses other screens, unadmitted visits and bad input, keeping nothing', async () => {
    const host = await bench.signedIn('kiosk');
    const other = await bench.signedIn('nurse');
    const admin = await bench.signedIn('administrator');
    hosted.started('consult-1', host.screen);
    const input = { visitId: 'consult-1', requestId: 'r1', deviceId: 'sim-cuff', event: 'requested' };
    expect(await call(host.screen, input)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('not been admitted') } });
    hosted.admit('consult-1', host.screen);
    expect(await call(other.screen, input)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('another screen') } });
    expect(await call(admin.screen, input)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(host.screen, { ...input, event: 'measured' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(kept()).toEqual([]);
    expect(await call(host.screen, input)).toEqual({ ok: true, output: undefined });
    clinician.connected = false;
    expect(await call(host.screen, { ...input, requestId: 'r2' })).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('not connected') } });
    expect(await call(host.screen, { ...input, event: 'declined', reason: 'Declined at the station' })).toEqual({ ok: true, output: undefined });
    expect(kept()).toMatchObject([{ requestId: 'r1', state: 'declined', reason: 'Declined at the station' }]);
    expect(refusals.map((refusal) => refusal.act)).toEqual(['measurement.request', 'measurement.request', 'measurement.request']);
  });
});
