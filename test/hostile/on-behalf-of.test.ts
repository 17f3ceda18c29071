/**
 * Issue 13 items 2 and 6, against a whole station and a real consultation server on loopback:
 * what a screen does on the remote clinician's behalf (acknowledging an alarm as them, filing their
 * snapshot) is accepted only for the visit this screen started, after it admitted the clinician,
 * while the clinician is connected. A made-up visit, another screen's visit, the lobby, a clinician
 * who left and an ended visit are refused as forbidden and audited under the person who tried.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LINK_TOKEN_PARAM } from '../../src/shared/consult/protocol';
import { fakePng } from '../../src/shared/consult/test-fixtures';
import { bytesToBase64 } from '../../src/shared/consult/waveform-codec';
import { VISIT_CONSENT_STATEMENT } from '../../src/shared/contract-visit';
import { readAuditEntries } from '../../src/node/audit/audit-log';
import { closeConsultServersAfterEach } from '../../src/node/consult/test-servers';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { tempDataDir } from '../../src/node/records/test-support';
import { createStation, type Station } from '../../src/node/station/station';
import { embeddedVisitConnector } from '../../src/node/station/visits';
import { signedIn, type StationScreen } from '../station-screens';

const consultServers = closeConsultServersAfterEach();
const running: { station: Station; dataDir: string }[] = [];
afterEach(async () => {
  for (const { station, dataDir } of running.splice(0)) {
    await station.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function stationWithConsultServer() {
  const consult = await consultServers.start();
  const dataDir = tempDataDir();
  const station = await createStation({ dataDir, keyProvider: new FileKeyProvider(dataDir), hardware: false, consult: () => embeddedVisitConnector(consult), log: () => undefined });
  running.push({ station, dataDir });
  return { consult, station };
}

const acknowledgeAs = (screen: StationScreen, visitId: string) => screen.refusal('acknowledgeAlarm', { alarmId: 'A1', forRemoteClinician: { visitId } });

/** One whole PNG in one chunk, as the clinician's page would send it for `visitId`. */
const snapshotAs = (screen: StationScreen, visitId: string, snapshotId = 'snap-1') =>
  screen.refusal('saveVisitSnapshot', { visitId, snapshotId, takenAt: Date.now(), index: 0, count: 1, data: bytesToBase64(fakePng(64, 48)) });

const relayRefusals = (station: Station, actor: string) =>
  readAuditEntries(station.records.db, 0, 1_000_000)
    .filter((entry) => entry.action === 'visit.relay-refused' && entry.actor === actor)
    .map((entry) => entry.object);

const attachments = (station: Station) => (station.records.db.prepare('SELECT COUNT(*) AS n FROM attachments').get() as { n: number }).n;

describe('acting on behalf of the remote clinician', () => {
  it('is refused and audited for a made-up visit, with no visit open', async () => {
    const { station } = await stationWithConsultServer();
    const nurse = await signedIn(station, 'nurse');
    expect(await acknowledgeAs(nurse, 'made-up')).toBe('forbidden');
    expect(await snapshotAs(nurse, 'made-up')).toBe('forbidden');
    expect(relayRefusals(station, nurse.userId)).toEqual([null]);
    // A screen retrying as fast as the connection lets it leaves one entry a minute, with the count at the end.
    for (let retry = 0; retry < 200; retry++) await acknowledgeAs(nurse, 'made-up');
    expect(relayRefusals(station, nurse.userId)).toEqual([null]);
    expect(attachments(station)).toBe(0);
  });

  it('is accepted only at the screen that started the visit, once it admitted the clinician, while they are connected', { timeout: 30_000 }, async () => {
    const { consult, station } = await stationWithConsultServer();
    const host = await signedIn(station, 'nurse');
    const other = await signedIn(station, 'physician');
    const consent = await host.call('recordVisitConsent', { statementVersion: VISIT_CONSENT_STATEMENT.version, accepted: true });
    const visit = await host.call('startVisit', { consentId: consent.consentId });
    const stationSide = await consultServers.join(consult, visit.stationToken);
    const clinician = await consultServers.join(consult, new URLSearchParams(new URL(visit.clinicianUrl).hash.slice(1)).get(LINK_TOKEN_PARAM)!);
    await stationSide.client.next('peer');

    // The clinician waits in the lobby: nothing is relayed for them yet.
    expect(await acknowledgeAs(host, visit.visitId)).toBe('forbidden');
    expect(await snapshotAs(host, visit.visitId)).toBe('forbidden');
    // Another screen can neither admit for this visit nor relay for it.
    expect(await other.refusal('admitClinician', { visitId: visit.visitId })).toBe('failed');
    await host.call('admitClinician', { visitId: visit.visitId });
    stationSide.client.send({ type: 'admit' });
    await clinician.client.next('admitted');
    expect(await acknowledgeAs(other, visit.visitId)).toBe('forbidden');
    expect(await snapshotAs(other, visit.visitId)).toBe('forbidden');

    // The host screen relays for its admitted, connected clinician: the acknowledgement reaches the
    // alarm engine (which has no alarm A1 to acknowledge), the snapshot is filed.
    expect(await host.refusal('acknowledgeAlarm', { alarmId: 'A1', forRemoteClinician: { visitId: visit.visitId } })).toBe('failed');
    await expect(host.call('acknowledgeAlarm', { alarmId: 'A1', forRemoteClinician: { visitId: visit.visitId } })).rejects.toThrow(/no active alarm A1/);
    expect(await snapshotAs(host, visit.visitId)).toBe('accepted');
    expect(attachments(station)).toBe(1);

    // The clinician leaves: their screen's relays stop.
    await clinician.client.close();
    expect(await stationSide.client.next('peer')).toMatchObject({ event: 'left' });
    expect(await acknowledgeAs(host, visit.visitId)).toBe('forbidden');
    expect(await snapshotAs(host, visit.visitId, 'snap-2')).toBe('forbidden');

    await host.call('endVisit', { visitId: visit.visitId });
    expect(await acknowledgeAs(host, visit.visitId)).toBe('forbidden');
    expect(attachments(station)).toBe(1);
    expect(relayRefusals(station, host.userId)).toEqual([visit.visitId, null]);
    expect(relayRefusals(station, other.userId)).toEqual([visit.visitId]);
  });
});
