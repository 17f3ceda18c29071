/**
 * Two server instances sharing visits through a real redis-server (Debian), started on a free
 * loopback port for this file. If the binary is missing the suite fails with that reason rather
 * than skipping.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSULT_CLOSE_CODES, MAX_RELAYED_MESSAGE_CHARS, MAX_SIGNAL_MESSAGE_BYTES } from '../../shared/consult/protocol';
import { SEAT_LEASE_MS } from './redis-visit-store';
import type { ConsultServer } from './server';
import { redisAvailability, startTestRedis, type TestRedis } from './test-redis';
import { SignalClient } from './test-client';
import { closeConsultServersAfterEach } from './test-servers';

let redis: TestRedis;
const consult = closeConsultServersAfterEach();
const joinVisit = consult.join;

beforeAll(async () => {
  const availability = redisAvailability();
  if (!availability.available) throw new Error(`Cannot test Redis fan-out: ${availability.reason} (install Debian's redis-server)`);
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());

const instance = (prefix: string): Promise<ConsultServer> => consult.start({ redis: redis.url, redisPrefix: prefix });

describe('visits across instances through Redis', () => {
  it('runs a visit with the station on instance A and the clinician on instance B', async () => {
    const a = await instance('fanout1:');
    const b = await instance('fanout1:');
    const visit = await a.createVisit();
    const station = await joinVisit(a, visit.stationToken);
    const clinician = await joinVisit(b, visit.clinicianToken);
    expect(clinician.welcome).toMatchObject({ admitted: false, peerPresent: true });
    expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'joined', admitted: false });

    station.client.send({ type: 'admit' });
    await clinician.client.next('admitted');
    station.client.send({ type: 'signal', data: { type: 'offer', sdp: 'from A' } });
    expect(await clinician.client.next('signal')).toEqual({ type: 'signal', data: { type: 'offer', sdp: 'from A' } });
    clinician.client.send({ type: 'signal', data: { type: 'answer', sdp: 'from B' } });
    expect(await station.client.next('signal')).toEqual({ type: 'signal', data: { type: 'answer', sdp: 'from B' } });
    clinician.client.send({ type: 'app', payload: { spo2: 97 } });
    expect(await station.client.next('app')).toEqual({ type: 'app', payload: { spo2: 97 } });

    // A second clinician on either instance is refused: the seat is shared state.
    for (const server of [a, b]) {
      const intruder = await consult.connect(server);
      intruder.send({ type: 'join', token: visit.clinicianToken });
      expect(await intruder.closed).toBe(CONSULT_CLOSE_CODES.seatTaken);
    }

    station.client.send({ type: 'end' });
    expect(await clinician.client.next('ended')).toEqual({ type: 'ended', reason: 'ended-by-station' });
    expect(await clinician.client.closed).toBe(CONSULT_CLOSE_CODES.visitEnded);
    // A clinician rejoining on the other instance after the end hears who ended it (from Redis).
    const late = await consult.connect(a);
    late.send({ type: 'join', token: clinician.welcome.seatToken });
    expect(await late.next('ended')).toEqual({ type: 'ended', reason: 'ended-by-station' });
    expect(await late.closed).toBe(CONSULT_CLOSE_CODES.visitEnded);
  });

  it('moves a seat between instances on reconnect and closes the connection it replaced', async () => {
    const a = await instance('fanout2:');
    const b = await instance('fanout2:');
    const visit = await a.createVisit({ autoAdmit: true });
    const station = await joinVisit(a, visit.stationToken);
    const clinician = await joinVisit(a, visit.clinicianToken);
    await station.client.next('peer');

    // The clinician's network changes: a new socket lands on B while the old one on A is still open.
    const moved = await joinVisit(b, clinician.welcome.seatToken);
    expect(await clinician.client.closed).toBe(CONSULT_CLOSE_CODES.replaced);
    expect(moved.welcome).toMatchObject({ role: 'clinician', admitted: true, peerPresent: true });
    expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'rejoined', admitted: true });
    station.client.send({ type: 'signal', data: { type: 'offer', sdp: 'renegotiated' } });
    expect(await moved.client.next('signal')).toEqual({ type: 'signal', data: { type: 'offer', sdp: 'renegotiated' } });
    // The replaced socket's departure must not be announced as the clinician leaving.
    expect(station.client.received.some((m) => m.type === 'peer' && m.event === 'left')).toBe(false);

    // The station drops; the clinician is told, and the station comes back on B.
    station.client.ws.terminate();
    expect(await moved.client.next('peer')).toEqual({ type: 'peer', event: 'left', admitted: true });
    const stationBack = await joinVisit(b, station.welcome.seatToken);
    expect(stationBack.welcome.peerPresent).toBe(true);
    expect(await moved.client.next('peer')).toEqual({ type: 'peer', event: 'rejoined', admitted: true });
  });

  it('shares one token secret between instances that were given none', async () => {
    const a = await instance('fanout3:');
    const b = await instance('fanout3:');
    const visit = await b.createVisit();
    const station = await joinVisit(a, visit.stationToken);
    expect(station.welcome.visitId).toBe(visit.visitId);
  });

  it('keeps visit state in Redis with the visit lifetime as TTL', async () => {
    const a = await instance('fanout4:');
    const visit = await a.createVisit({ ttlSeconds: 120 });
    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    try {
      const ttl = await probe.pttl(`fanout4:visit:${visit.visitId}`);
      expect(ttl).toBeGreaterThan(110_000);
      expect(ttl).toBeLessThanOrEqual(120_000);
    } finally {
      probe.disconnect();
    }
  });

  it('ignores hostile events published on a visit channel', async () => {
    const a = await instance('fanout5:');
    const visit = await a.createVisit({ autoAdmit: true });
    const station = await joinVisit(a, visit.stationToken);
    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    try {
      await probe.publish(`fanout5:events:${visit.visitId}`, '{"kind":"deliver","to":"station","message":{"type":"signal","data":{"type":"offer","sdp":1}}}');
      await probe.publish(`fanout5:events:${visit.visitId}`, 'not json');
      await probe.publish(`fanout5:events:${visit.visitId}`, JSON.stringify({ kind: 'deliver', to: 'station', message: { type: 'app', payload: 'valid' } }));
      expect(await station.client.next('app')).toEqual({ type: 'app', payload: 'valid' });
      expect(station.client.received.some((m) => m.type === 'signal')).toBe(false);
    } finally {
      probe.disconnect();
    }
  });

  it('relays across instances exactly what the schema let through, and ignores hostile relay events', async () => {
    const a = await instance('fanout6:');
    const b = await instance('fanout6:');
    const visit = await a.createVisit({ autoAdmit: true });
    const station = await joinVisit(a, visit.stationToken);
    const clinician = await joinVisit(b, visit.clinicianToken);
    await station.client.next('peer');
    const frames: string[] = [];
    clinician.client.ws.on('message', (data) => frames.push(data.toString()));
    // Quotes and backslashes double when escaped: the largest such offer must still cross.
    const sdp = '"\\'.repeat(Math.floor((MAX_SIGNAL_MESSAGE_BYTES - 100) / 4));
    station.client.sendRaw(JSON.stringify({ type: 'signal', data: { type: 'offer', sdp, extra: 1 }, more: 2 }));
    expect(await clinician.client.next('signal')).toEqual({ type: 'signal', data: { type: 'offer', sdp } });
    expect(frames).toEqual([JSON.stringify({ type: 'signal', data: { type: 'offer', sdp } })]);

    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    try {
      const channel = `fanout6:events:${visit.visitId}`;
      await probe.publish(channel, 'relay station\n{"type":"ended","reason":"expired"}');
      await probe.publish(channel, 'relay nobody\n{"type":"app","payload":"to nobody"}');
      await probe.publish(channel, `relay station\n{"type":"app","payload":"${'x'.repeat(MAX_RELAYED_MESSAGE_CHARS)}"}`);
      await probe.publish(channel, 'relay station\n{"type":"app","payload":"valid"}');
      expect(await station.client.next('app')).toEqual({ type: 'app', payload: 'valid' });
      expect(station.client.received.filter((m) => m.type === 'ended' || m.type === 'app')).toEqual([{ type: 'app', payload: 'valid' }]);
      // The connection's state did not move: it still relays.
      clinician.client.send({ type: 'app', payload: 'still here' });
      expect(await station.client.next('app')).toEqual({ type: 'app', payload: 'still here' });
    } finally {
      probe.disconnect();
    }
  });

  // A crash, for real: the second instance is a process of its own (start:server), killed with SIGKILL,
  // so it releases nothing. Its seats free themselves when its lease lapses, the other side hears its
  // peer left, and the clinician's recovery rejoins through the live instance with its seat token.
  it("frees a crashed instance's seats within its lease; the visit goes on through the other instance", { timeout: 30_000 }, async () => {
    const a = await consult.start({ redis: redis.url, redisPrefix: 'vb:consult:' });
    const b = spawn(process.execPath, ['--import', 'tsx', 'src/node/consult/main.ts', '--redis', redis.url], {
      cwd: resolve(import.meta.dirname, '..', '..', '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const bUrl = await new Promise<string>((found, fail) => {
        createInterface({ input: b.stdout! }).on('line', (line) => {
          const match = /^Consult server: (\S+)$/.exec(line);
          if (match) found(match[1]!);
        });
        b.once('exit', (code) => fail(new Error(`start:server exited (${code})`)));
      });
      const visit = await a.createVisit({ autoAdmit: true });
      const station = await joinVisit(a, visit.stationToken);
      const clinician = await SignalClient.join(bUrl, visit.clinicianToken);
      expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'joined', admitted: true });
      expect(await a.clinicianConnected(visit.visitId)).toBe(true);

      const killedAt = Date.now();
      b.kill('SIGKILL');
      expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'left', admitted: true });
      const toldAfterMs = Date.now() - killedAt;
      expect(toldAfterMs).toBeLessThanOrEqual(10_000);
      // The lease lapsed (the instance renews every SEAT_LEASE_MS / 4), not a socket noticed going away.
      expect(toldAfterMs).toBeGreaterThanOrEqual(SEAT_LEASE_MS * 0.75 - 1_000);
      expect(await a.clinicianConnected(visit.visitId)).toBe(false);

      const back = await joinVisit(a, clinician.welcome.seatToken);
      expect(back.welcome).toMatchObject({ role: 'clinician', admitted: true, peerPresent: true });
      expect(await station.client.next('peer')).toEqual({ type: 'peer', event: 'rejoined', admitted: true });
      back.client.send({ type: 'app', payload: { spo2: 96 } });
      expect(await station.client.next('app')).toEqual({ type: 'app', payload: { spo2: 96 } });
      expect(Date.now() - killedAt).toBeLessThanOrEqual(15_000);
      clinician.client.ws.terminate();
    } finally {
      b.kill('SIGKILL');
    }
  });
});
