import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CONSULT_CLOSE_CODES, CreatedVisitSchema, IceConfigSchema, LINK_TOKEN_PARAM } from '../../shared/consult/protocol';
import { LISTEN_BACKLOG, type ConsultServer } from './server';
import { SignalClient } from './test-client';
import { closeConsultServersAfterEach } from './test-servers';

const { start, join: joinVisit, connect } = closeConsultServersAfterEach();

const linkToken = (clinicianUrl: string) => new URLSearchParams(new URL(clinicianUrl).hash.slice(1)).get(LINK_TOKEN_PARAM) ?? '';

/** A visit with both sides joined and the clinician admitted by the station. */
async function admittedVisit(server: ConsultServer) {
  const visit = await server.createVisit();
  const station = await joinVisit(server, visit.stationToken);
  const clinician = await joinVisit(server, visit.clinicianToken);
  await station.client.next('peer');
  station.client.send({ type: 'admit' });
  await clinician.client.next('admitted');
  return { visit, station, clinician };
}

describe('visits: lobby, admission, relay', () => {
  it('keeps the clinician in the lobby until the station admits, then relays signals and app messages both ways', async () => {
    const server = await start();
    const visit = await server.createVisit();
    expect(CreatedVisitSchema.parse(visit).clinicianUrl.startsWith(`${server.url}/#`)).toBe(true);
    expect(linkToken(visit.clinicianUrl)).toBe(visit.clinicianToken);

    const station = await joinVisit(server, visit.stationToken);
    expect(station.welcome).toMatchObject({ role: 'station', admitted: false, peerPresent: false, initiator: true });

    const clinician = await joinVisit(server, visit.clinicianToken);
    expect(clinician.welcome).toMatchObject({ role: 'clinician', admitted: false, peerPresent: true, initiator: false });
    expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'joined', admitted: false });

    clinician.client.send({ type: 'signal', data: { type: 'offer', sdp: 'v=0' } });
    expect(await clinician.client.next('error')).toMatchObject({ code: 'not-admitted' });
    clinician.client.send({ type: 'admit' });
    expect(await clinician.client.next('error')).toMatchObject({ code: 'forbidden' });

    station.client.send({ type: 'admit' });
    expect(await station.client.next('admitted')).toEqual({ type: 'admitted' });
    expect(await clinician.client.next('admitted')).toMatchObject({ type: 'admitted', ice: { iceTransportPolicy: 'all' } });

    station.client.send({ type: 'signal', data: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1' } });
    expect(await clinician.client.next('signal')).toEqual({ type: 'signal', data: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1' } });
    const candidate = { type: 'candidate' as const, candidate: { candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    clinician.client.send({ type: 'signal', data: candidate });
    expect(await station.client.next('signal')).toEqual({ type: 'signal', data: candidate });
    clinician.client.send({ type: 'app', payload: { kind: 'alarm-ack', id: 7 } });
    expect(await station.client.next('app')).toEqual({ type: 'app', payload: { kind: 'alarm-ack', id: 7 } });
  });

  it('admits at once when the visit says so', async () => {
    const server = await start();
    const visit = await server.createVisit({ autoAdmit: true });
    const station = await joinVisit(server, visit.stationToken);
    const clinician = await joinVisit(server, visit.clinicianToken);
    expect(clinician.welcome.admitted).toBe(true);
    expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'joined', admitted: true });
    clinician.client.send({ type: 'signal', data: { type: 'renegotiate', renegotiate: true } });
    expect(await station.client.next('signal')).toEqual({ type: 'signal', data: { type: 'renegotiate', renegotiate: true } });
  });

  it('tells the sender when the other side is not connected', async () => {
    const server = await start();
    const { visit: _visit, station, clinician } = await admittedVisit(server);
    await clinician.client.close();
    expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'left', admitted: true });
    station.client.send({ type: 'signal', data: { type: 'offer', sdp: 'v=0' } });
    expect(await station.client.next('error')).toMatchObject({ code: 'peer-absent' });
  });

  it('never relays to another visit', async () => {
    const server = await start();
    const first = await admittedVisit(server);
    const second = await admittedVisit(server);
    first.station.client.send({ type: 'app', payload: 'for visit one' });
    second.station.client.send({ type: 'app', payload: 'for visit two' });
    expect(await first.clinician.client.next('app')).toEqual({ type: 'app', payload: 'for visit one' });
    expect(await second.clinician.client.next('app')).toEqual({ type: 'app', payload: 'for visit two' });
    // A round trip on visit one proves nothing else was queued for it.
    first.station.client.send({ type: 'app', payload: 'marker' });
    expect(await first.clinician.client.next('app')).toEqual({ type: 'app', payload: 'marker' });
    expect(first.clinician.client.received.filter((m) => m.type === 'app').map((m) => (m as { payload: unknown }).payload)).toEqual(['for visit one', 'marker']);
  });

  it('ends the visit for both sides and refuses its tokens afterwards, saying who ended it', async () => {
    const server = await start();
    const { visit, station, clinician } = await admittedVisit(server);
    clinician.client.send({ type: 'end' });
    expect(await station.client.next('ended')).toEqual({ type: 'ended', reason: 'ended-by-clinician' });
    expect(await clinician.client.next('ended')).toEqual({ type: 'ended', reason: 'ended-by-clinician' });
    expect(await station.client.closed).toBe(CONSULT_CLOSE_CODES.visitEnded);
    expect(await clinician.client.closed).toBe(CONSULT_CLOSE_CODES.visitEnded);
    // A side that was rejoining when the visit ended (its peer connection dropped first) hears why, not "gone".
    for (const token of [station.welcome.seatToken, clinician.welcome.seatToken, visit.clinicianToken]) {
      const again = await connect(server);
      again.send({ type: 'join', token });
      expect(await again.next('ended')).toEqual({ type: 'ended', reason: 'ended-by-clinician' });
      expect(await again.closed).toBe(CONSULT_CLOSE_CODES.visitEnded);
      expect(again.received.filter((message) => message.type === 'welcome')).toEqual([]);
    }
    expect(await server.endVisit(visit.visitId)).toBe(false);
  });

  it('closes every socket with 1001 when the server stops', async () => {
    const server = await start();
    const { station, clinician } = await admittedVisit(server);
    await server.close();
    expect(await station.client.closed).toBe(1001);
    expect(await clinician.client.closed).toBe(1001);
    expect(server.connectionCount).toBe(0);
  });

  it('ends a visit when it expires', async () => {
    let now = Date.now();
    const server = await start({ now: () => now });
    const visit = await server.createVisit({ ttlSeconds: 60 });
    now = visit.expiresAt - 150;
    const station = await joinVisit(server, visit.stationToken);
    expect(await station.client.next('ended')).toEqual({ type: 'ended', reason: 'expired' });
    expect(await station.client.closed).toBe(CONSULT_CLOSE_CODES.visitEnded);
  });
});

describe('seats and tokens', () => {
  it('answers a check like the join it stands for, seating nobody: joinable, then refused once taken, ended or forged', async () => {
    const server = await start();
    const visit = await server.createVisit();
    const checked = async (token: string) => {
      const client = await connect(server);
      client.send({ type: 'check', token });
      const answer = await client.next();
      return { answer: answer.type === 'error' ? answer.code : answer.type, close: await client.closed };
    };

    expect(await checked(visit.clinicianToken)).toEqual({ answer: 'joinable', close: 1000 });
    // The check seated nobody: the link still claims the seat.
    const clinician = await joinVisit(server, visit.clinicianToken);
    expect(await checked(visit.clinicianToken)).toEqual({ answer: 'seat-taken', close: CONSULT_CLOSE_CODES.seatTaken });
    expect(await checked(clinician.welcome.seatToken)).toEqual({ answer: 'joinable', close: 1000 });
    const [version, payload, signature] = visit.clinicianToken.split('.') as [string, string, string];
    expect(await checked(`${version}.${payload}.${signature.replace(/./g, (c) => (c === 'A' ? 'B' : 'A'))}`)).toEqual({ answer: 'bad-token', close: CONSULT_CLOSE_CODES.badToken });

    await server.endVisit(visit.visitId);
    expect(await checked(clinician.welcome.seatToken)).toEqual({ answer: 'visit-gone', close: CONSULT_CLOSE_CODES.visitGone });
  });

  it('refuses a third participant holding the forwarded link', async () => {
    const server = await start();
    const visit = await server.createVisit();
    await joinVisit(server, visit.stationToken);
    await joinVisit(server, visit.clinicianToken);
    const intruder = await connect(server);
    intruder.send({ type: 'join', token: visit.clinicianToken });
    expect(await intruder.next('error')).toMatchObject({ code: 'seat-taken' });
    expect(await intruder.closed).toBe(CONSULT_CLOSE_CODES.seatTaken);
    // The link stays spent after the clinician drops: only the seat token comes back in.
    const second = await connect(server);
    second.send({ type: 'join', token: visit.stationToken });
    expect(await second.next('error')).toMatchObject({ code: 'seat-taken' });
  });

  it('gives a reconnecting peer its seat back, replaces a stale connection, and tells the other side', async () => {
    const server = await start();
    const { station, clinician } = await admittedVisit(server);

    // Dropped connection, then back with the seat token.
    clinician.client.ws.terminate();
    expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'left', admitted: true });
    const back = await joinVisit(server, clinician.welcome.seatToken);
    expect(back.welcome).toMatchObject({ role: 'clinician', admitted: true, peerPresent: true });
    expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'rejoined', admitted: true });

    // The station's old socket is still open (e.g. a half-dead network): the new one replaces it.
    const stationAgain = await joinVisit(server, station.welcome.seatToken);
    expect(await station.client.closed).toBe(CONSULT_CLOSE_CODES.replaced);
    expect(stationAgain.welcome).toMatchObject({ role: 'station', admitted: true, peerPresent: true });
    expect(await back.client.next('peer')).toEqual({ type: 'peer', event: 'rejoined', admitted: true });
    stationAgain.client.send({ type: 'signal', data: { type: 'offer', sdp: 'fresh' } });
    expect(await back.client.next('signal')).toEqual({ type: 'signal', data: { type: 'offer', sdp: 'fresh' } });
  });

  it('refuses forged, tampered, expired and malformed tokens', async () => {
    let now = Date.now();
    const server = await start({ now: () => now });
    const other = await start();
    const visit = await server.createVisit({ ttlSeconds: 60 });
    const foreign = await other.createVisit();
    const [version, payload, signature] = visit.clinicianToken.split('.') as [string, string, string];
    const asStation = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('"clinician"', '"station"')).toString('base64url');

    const attempts = {
      'signed by another server': foreign.stationToken,
      'role changed to station': `${version}.${asStation}.${signature}`,
      'signature cut': `${version}.${payload}.${signature.slice(0, 10)}`,
      'not a token': 'hello',
    };
    for (const [label, token] of Object.entries(attempts)) {
      const client = await connect(server);
      client.send({ type: 'join', token });
      expect(await client.next('error'), label).toMatchObject({ code: 'bad-token' });
      expect(await client.closed, label).toBe(CONSULT_CLOSE_CODES.badToken);
    }
    now = visit.expiresAt + 1;
    const late = await connect(server);
    late.send({ type: 'join', token: visit.stationToken });
    expect(await late.next('error')).toEqual({ type: 'error', code: 'bad-token', message: 'Visit token refused (expired)' });
  });
});

describe('hostile input', () => {
  it('answers malformed messages with errors, closes oversize and flooding sockets, and stays up', async () => {
    const server = await start({ limits: { burst: 20, messagesPerSecond: 5, floodCloseAfter: 50 } });
    const { station, clinician } = await admittedVisit(server);

    station.client.sendRaw('{not json');
    expect(await station.client.next('error')).toMatchObject({ code: 'bad-message' });
    station.client.sendRaw(JSON.stringify({ type: 'signal', data: { type: 'offer', sdp: 42 } }));
    expect(await station.client.next('error')).toMatchObject({ code: 'bad-message', message: expect.stringContaining('data') });
    station.client.sendRaw(JSON.stringify({ type: 'app', payload: 'x'.repeat(20_000) }));
    expect(await station.client.next('error')).toMatchObject({ code: 'bad-message' });
    station.client.sendRaw(Buffer.from([0xde, 0xad]));
    expect(await station.client.next('error')).toMatchObject({ code: 'bad-message' });
    station.client.send({ type: 'join', token: station.welcome.seatToken });
    expect(await station.client.next('error')).toMatchObject({ code: 'already-joined' });
    expect(clinician.client.received.some((m) => m.type === 'signal' || m.type === 'app')).toBe(false);

    // Oversize frame: ws closes with 1009 before parsing.
    clinician.client.sendRaw('x'.repeat(70 * 1024));
    expect(await clinician.client.closed).toBe(1009);

    // Flood: one rate-limited error, then closed for policy.
    const flooder = await joinVisit(server, (await server.createVisit()).stationToken);
    for (let i = 0; i < 200; i++) flooder.client.sendRaw('{}');
    expect(await flooder.client.closed).toBe(1008);
    const errors = flooder.client.received.flatMap((m) => (m.type === 'error' ? [m.code] : []));
    // The burst (less the join) is answered message by message, then one rate-limited notice, then the close.
    expect(errors.filter((code) => code === 'bad-message').length).toBeGreaterThanOrEqual(19);
    expect(errors.filter((code) => code === 'rate-limited')).toHaveLength(1);

    // Still serving.
    const fresh = await admittedVisit(server);
    fresh.station.client.send({ type: 'app', payload: 1 });
    expect(await fresh.clinician.client.next('app')).toEqual({ type: 'app', payload: 1 });
  });

  it('refuses messages before join and closes sockets that never join', async () => {
    const server = await start({ limits: { joinTimeoutMs: 200 } });
    const client = await connect(server);
    client.send({ type: 'admit' });
    expect(await client.next('error')).toMatchObject({ code: 'not-joined' });
    expect(await client.closed).toBe(CONSULT_CLOSE_CODES.joinTimeout);
  });

  it('drops a connection that stops answering pings', async () => {
    const server = await start({ limits: { heartbeatMs: 100 } });
    const visit = await server.createVisit();
    const station = await joinVisit(server, visit.stationToken);
    // A raw socket that completes the handshake, joins, and then never answers a ping.
    const silent = netConnect(server.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
    silent.on('error', () => undefined);
    silent.resume(); // read and discard, or 'close' never comes
    const key = Buffer.from('0123456789abcdef').toString('base64');
    silent.write(`GET /signal HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const joinFrame = Buffer.from(JSON.stringify({ type: 'join', token: visit.clinicianToken }));
    const mask = Buffer.from([1, 2, 3, 4]);
    silent.write(Buffer.concat([Buffer.from([0x81, 0x80 | 126, joinFrame.length >> 8, joinFrame.length & 0xff]), mask, Buffer.from(joinFrame.map((b, i) => b ^ (mask[i % 4] as number)))]));
    expect(await station.client.next('peer')).toMatchObject({ event: 'joined' });
    await closed;
    expect(await station.client.next('peer')).toMatchObject({ event: 'left' });
    expect(station.client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses sockets from origins not on the allow-list', async () => {
    const server = await start({ allowedOrigins: ['http://station.local:5173'] });
    await expect(SignalClient.connect(server.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const allowed = await connect(server, { origin: 'http://station.local:5173' });
    const ownPage = await connect(server, { origin: server.url });
    server.allowOrigin('http://later.local');
    const later = await connect(server, { origin: 'http://later.local' });
    expect([allowed, ownPage, later].every((client) => client.ws.readyState === WebSocket.OPEN)).toBe(true);
    // Opaque origins would let any sandboxed frame or file page in.
    expect(() => server.allowOrigin('app://station')).toThrow(/Only http\(s\) origins/);
    await expect(SignalClient.connect(server.url, { origin: 'null' })).rejects.toThrow(/403/);
  });

  it("accepts exactly the embedder's registered custom-scheme origin (Electron's app://station), never opaque ones", async () => {
    const server = await start({ customSchemes: ['app', 'file'] });
    await expect(SignalClient.connect(server.url, { origin: 'app://station' })).rejects.toThrow(/403/);
    server.allowOrigin('app://station');
    const app = await connect(server, { origin: 'app://station' });
    expect(app.ws.readyState).toBe(WebSocket.OPEN);
    for (const origin of ['app://station.evil', 'app://other', 'apps://station', 'null']) {
      await expect(SignalClient.connect(server.url, { origin })).rejects.toThrow(/403/);
    }
    for (const origin of ['null', 'file://station', 'data://x', 'app://station/index.html', 'other://station', 'app://']) {
      expect(() => server.allowOrigin(origin), origin).toThrow(/Only http\(s\) origins/);
    }
  });
});

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; path?: string } = {}): Promise<HttpReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: target.hostname, port: target.port, path: init.path ?? `${target.pathname}${target.search}`, method: init.method ?? 'GET', headers: init.headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

describe('HTTP', () => {
  it('creates visits only for a station with the key, building links from the proxy scheme only when trusted', async () => {
    const stationKey = 'k'.repeat(32);
    const server = await start({ stationKey, trustProxy: true });
    const post = (headers: Record<string, string>, body = '{"autoAdmit":true}') =>
      http(`${server.url}/api/visits`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ Authorization: `Bearer ${'x'.repeat(32)}` })).status).toBe(401);
    expect((await post({ Authorization: `Bearer ${stationKey}` }, '{"autoAdmit":"yes"}')).status).toBe(400);
    expect((await post({ Authorization: `Bearer ${stationKey}` }, 'x'.repeat(10_000))).status).toBe(413);
    const created = await post({ Authorization: `Bearer ${stationKey}`, 'X-Forwarded-Proto': 'https', Host: 'consult.example.org' });
    expect(created.status).toBe(201);
    const visit = CreatedVisitSchema.parse(JSON.parse(created.body));
    expect(visit.clinicianUrl.startsWith('https://consult.example.org/#token=')).toBe(true);
    expect(created.headers['strict-transport-security']).toBeDefined();
    const clinician = await joinVisit(server, visit.clinicianToken);
    expect(clinician.welcome.admitted).toBe(true);

    const untrusting = await start({ stationKey });
    const plain = await http(`${untrusting.url}/api/visits`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${stationKey}`, 'X-Forwarded-Proto': 'https' },
      body: '{}',
    });
    expect(JSON.parse(plain.body).clinicianUrl.startsWith(`${untrusting.url}/#token=`)).toBe(true);
  });

  it('refuses visit creation over HTTP when no station key is configured', async () => {
    const server = await start();
    const reply = await http(`${server.url}/api/visits`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer anything' }, body: '{}' });
    expect(reply.status).toBe(401);
  });

  it('serves ICE servers with TURN credentials to visit token holders only, the clinician once admitted', async () => {
    const server = await start({ ice: { stunUrls: ['stun:127.0.0.1:3478'], turn: { urls: ['turn:127.0.0.1:3478'], secret: 's3cret', ttlSeconds: 600 }, relayOnly: true } });
    const { visit } = await admittedVisit(server);
    expect((await http(`${server.url}/api/ice-servers`)).status).toBe(401);
    const reply = await http(`${server.url}/api/ice-servers`, { headers: { Authorization: `Bearer ${visit.clinicianToken}` } });
    const ice = IceConfigSchema.parse(JSON.parse(reply.body));
    expect(ice.iceTransportPolicy).toBe('relay');
    expect(ice.iceServers[1]?.username).toMatch(new RegExp(`^\\d+:${visit.visitId}\\.clinician$`));
    await server.endVisit(visit.visitId);
    expect((await http(`${server.url}/api/ice-servers`, { headers: { Authorization: `Bearer ${visit.clinicianToken}` } })).status).toBe(410);
  });

  it('serves the clinician client folder with a CSP and nothing outside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'consult-static-'));
    const site = join(root, 'site');
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>clinician</title>');
    writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(site, '.env'), 'SECRET=1');
    writeFileSync(join(root, 'secret.txt'), 'outside');
    const server = await start({ staticDir: site });

    const index = await http(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.body).toContain('clinician');
    expect(index.headers['content-security-policy']).toContain(`connect-src 'self' ${server.url} ${server.url.replace('http', 'ws')}`);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await http(`${server.url}/assets/app.js`)).headers['content-type']).toMatch(/javascript/);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/.env', '/%00index.html', '/nope.html']) {
      expect((await http(server.url, { path })).status, path).toBe(404);
    }
    expect((await http(`${server.url}/`, { method: 'DELETE' })).status).toBe(405);
  });
});

describe('TLS', () => {
  it('serves HTTPS and WSS with the configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'consult-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr || made.error?.message}`);
    const cert = readFileSync(join(dir, 'cert.pem'));
    const server = await start({ tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const health = await new Promise<{ status: number; hsts: unknown }>((resolve, reject) => {
      httpsGet(`${server.url}/healthz`, { ca: cert }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, hsts: response.headers['strict-transport-security'] });
      }).on('error', reject);
    });
    expect(health).toEqual({ status: 200, hsts: 'max-age=31536000' });

    const visit = await server.createVisit({ autoAdmit: true });
    expect(visit.clinicianUrl.startsWith(`${server.url}/#token=`)).toBe(true);
    const station = await connect(server, { ca: cert });
    station.send({ type: 'join', token: visit.stationToken });
    expect(await station.next('welcome')).toMatchObject({ role: 'station' });
  });
});

describe('capacity', () => {
  // Linux: ss shows a listening socket's accept backlog as its Send-Q.
  it("queues a reconnect storm's connections instead of dropping them past Node's default backlog of 511", async () => {
    const server = await start();
    const listing = spawnSync('ss', ['-Hltn', `sport = :${new URL(server.url).port}`], { encoding: 'utf8' });
    expect(listing.status, listing.stderr).toBe(0);
    const backlog = Number(listing.stdout.trim().split(/\s+/)[2]);
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(backlog).toBe(Math.min(LISTEN_BACKLOG, somaxconn));
    expect(backlog).toBeGreaterThan(511);
  });
});
