/**
 * Issue 13 item 7: a clinician holding the visit link but still in the lobby (not admitted by the
 * station) must neither end the patient's visit nor obtain TURN credentials, on the socket or over
 * HTTP. Run against a real consultation server on loopback.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { IceConfigSchema, type IceConfig } from '../../src/shared/consult/protocol';
import type { ConsultServer } from '../../src/node/consult/server';
import { closeConsultServersAfterEach } from '../../src/node/consult/test-servers';

const { start, join } = closeConsultServersAfterEach();

const TURN = { stunUrls: ['stun:127.0.0.1:3478'], turn: { urls: ['turn:127.0.0.1:3478'], secret: 'lobby-test-secret', ttlSeconds: 600 } };

const hasTurnCredential = (ice: IceConfig) => ice.iceServers.some((server) => server.credential !== undefined);

function iceOverHttp(server: ConsultServer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server.url}/api/ice-servers`, { headers: { Authorization: `Bearer ${token}` } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function visitWithClinicianInLobby() {
  const server = await start({ ice: TURN });
  const visit = await server.createVisit();
  const station = await join(server, visit.stationToken);
  const clinician = await join(server, visit.clinicianToken);
  await station.client.next('peer');
  return { server, visit, station, clinician };
}

describe('a clinician still in the lobby', () => {
  it('cannot end the visit; the station and the visit carry on', async () => {
    const { station, clinician } = await visitWithClinicianInLobby();
    clinician.client.send({ type: 'end' });
    expect(await clinician.client.next('error')).toMatchObject({ code: 'not-admitted' });
    // The visit is still open: the station can still admit the clinician, and only then may they end it.
    station.client.send({ type: 'admit' });
    await clinician.client.next('admitted');
    clinician.client.send({ type: 'end' });
    expect(await station.client.next('ended')).toEqual({ type: 'ended', reason: 'ended-by-clinician' });
    expect(station.client.received.filter((message) => message.type === 'ended')).toHaveLength(1);
  });

  it('gets no TURN credentials in the welcome, on request or over HTTP until admitted, then gets them', async () => {
    const { server, visit, station, clinician } = await visitWithClinicianInLobby();
    expect(hasTurnCredential(clinician.welcome.ice)).toBe(false);
    expect(hasTurnCredential(station.welcome.ice)).toBe(true);
    clinician.client.send({ type: 'ice-servers' });
    expect(await clinician.client.next('error')).toMatchObject({ code: 'not-admitted' });
    expect((await iceOverHttp(server, visit.clinicianToken)).status).toBe(403);

    station.client.send({ type: 'admit' });
    const admitted = await clinician.client.next('admitted');
    expect(admitted.ice && hasTurnCredential(admitted.ice)).toBe(true);
    clinician.client.send({ type: 'ice-servers' });
    expect(hasTurnCredential((await clinician.client.next('ice-servers')).ice)).toBe(true);
    const overHttp = await iceOverHttp(server, visit.clinicianToken);
    expect(overHttp.status).toBe(200);
    expect(hasTurnCredential(IceConfigSchema.parse(JSON.parse(overHttp.body)))).toBe(true);
  });
});
