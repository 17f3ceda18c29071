/**
 * TURN credentials against coturn itself: the HMAC checked with OpenSSL (an independent
 * implementation), then real Allocate requests to Debian's `turnserver` on loopback with
 * `--use-auth-secret --static-auth-secret`, through a minimal STUN/TURN client over UDP.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iceConfigFor, turnCredential, validateIceSettings } from './turn-credentials';
import { freePort } from './test-redis';

describe('coturn shared-secret credentials', () => {
  it('computes username <expiry>:<id> and base64(HMAC-SHA1(secret, username)) as OpenSSL does', () => {
    const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
    if (openssl.status !== 0) throw new Error('openssl is needed to cross-check the HMAC and is not runnable');
    const { username, credential } = turnCredential('north-wing-secret', 'visit42.clinician', 1_800_000_000);
    expect(username).toBe('1800000000:visit42.clinician');
    const reference = spawnSync('sh', ['-c', 'printf %s "$U" | openssl dgst -sha1 -hmac "$S" -binary | base64'], {
      env: { ...process.env, U: username, S: 'north-wing-secret' },
      encoding: 'utf8',
    });
    expect(credential).toBe(reference.stdout.trim());
  });

  it('gives each participant an expiring TURN entry, STUN first, and the relay policy', () => {
    const now = Date.UTC(2026, 0, 1);
    const ice = iceConfigFor({ stunUrls: ['stun:turn.example:3478'], turn: { urls: ['turn:turn.example:3478'], secret: 's', ttlSeconds: 900 }, relayOnly: true }, 'v.station', now);
    expect(ice.iceTransportPolicy).toBe('relay');
    expect(ice.expiresAt).toBe(now + 900_000);
    expect(ice.iceServers[0]).toEqual({ urls: ['stun:turn.example:3478'] });
    expect(ice.iceServers[1]?.username).toBe(`${now / 1000 + 900}:v.station`);
    expect(iceConfigFor({}, 'v.station', now)).toEqual({ iceServers: [], iceTransportPolicy: 'all', expiresAt: null });
  });

  it('refuses settings that leave clients without a path', () => {
    expect(() => validateIceSettings({ relayOnly: true })).toThrow(/relay-only needs a TURN server/);
    expect(() => validateIceSettings({ turn: { urls: [], secret: 's' } })).toThrow(/at least one TURN URL/);
    expect(() => validateIceSettings({ stunUrls: ['http://x'] })).toThrow(/Not a STUN\/TURN URL/);
  });
});

// --- A minimal TURN client (RFC 5389 / 5766): just enough for an authenticated Allocate. ---

const MAGIC_COOKIE = 0x2112a442;
const ATTR = { username: 0x0006, messageIntegrity: 0x0008, errorCode: 0x0009, realm: 0x0014, nonce: 0x0015, xorRelayedAddress: 0x0016, requestedTransport: 0x0019 };
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

function stunMessage(type: number, attributes: Buffer[], integrityKey?: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  randomBytes(12).copy(header, 8);
  let body = Buffer.concat(attributes);
  if (integrityKey) {
    // The length covers the MESSAGE-INTEGRITY attribute (24 bytes) that follows.
    header.writeUInt16BE(body.length + 24, 2);
    const mac = createHmac('sha1', integrityKey).update(Buffer.concat([header, body])).digest();
    body = Buffer.concat([body, attribute(ATTR.messageIntegrity, mac)]);
  }
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function parseStun(message: Buffer): { type: number; attributes: Map<number, Buffer> } {
  const attributes = new Map<number, Buffer>();
  const length = message.readUInt16BE(2);
  for (let offset = 20; offset + 4 <= 20 + length; ) {
    const type = message.readUInt16BE(offset);
    const size = message.readUInt16BE(offset + 2);
    attributes.set(type, message.subarray(offset + 4, offset + 4 + size));
    offset += 4 + size + ((4 - (size % 4)) % 4);
  }
  return { type: message.readUInt16BE(0), attributes };
}

async function exchange(socket: Socket, port: number, request: Buffer) {
  const reply = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from turnserver within 3 s')), 3_000);
    socket.once('message', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
  socket.send(request, port, '127.0.0.1');
  return parseStun(await reply);
}

const UDP = Buffer.from([17, 0, 0, 0]);
const BINDING_REQUEST = 0x0001;

/** Polls with STUN Binding requests until the server answers (5 s at most). */
async function waitForBinding(port: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('turnserver did not answer STUN within 5 s')), 5_000);
      const poll = setInterval(() => socket.send(stunMessage(BINDING_REQUEST, []), port, '127.0.0.1'), 100);
      socket.once('message', () => {
        clearTimeout(deadline);
        clearInterval(poll);
        resolve();
      });
    });
  } finally {
    socket.close();
  }
}

/** Allocate with long-term credentials; the TURN result code (200 on success). */
async function allocate(port: number, username: string, password: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const challenge = await exchange(socket, port, stunMessage(ALLOCATE_REQUEST, [attribute(ATTR.requestedTransport, UDP)]));
    const realm = challenge.attributes.get(ATTR.realm);
    const nonce = challenge.attributes.get(ATTR.nonce);
    if (!realm || !nonce) throw new Error('turnserver did not challenge with REALM and NONCE');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const answer = await exchange(
      socket,
      port,
      stunMessage(ALLOCATE_REQUEST, [attribute(ATTR.requestedTransport, UDP), attribute(ATTR.username, Buffer.from(username)), attribute(ATTR.realm, realm), attribute(ATTR.nonce, nonce)], key),
    );
    if (answer.type === ALLOCATE_SUCCESS) {
      expect(answer.attributes.has(ATTR.xorRelayedAddress)).toBe(true);
      return 200;
    }
    const error = answer.attributes.get(ATTR.errorCode);
    if (!error) throw new Error(`unexpected TURN answer type 0x${answer.type.toString(16)}`);
    return (error[2] as number) * 100 + (error[3] as number);
  } finally {
    socket.close();
  }
}

describe('Allocate on a real coturn with the computed credentials', () => {
  const secret = randomBytes(16).toString('hex');
  let turn: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    const probe = spawnSync('turnserver', ['--version'], { encoding: 'utf8' });
    if (probe.error) throw new Error(`Cannot run the coturn check: turnserver not runnable (${probe.error.message}); install Debian's coturn`);
    port = await freePort();
    const relayPort = 40_000 + (port % 20_000);
    turn = spawn(
      'turnserver',
      ['-n', '--listening-ip', '127.0.0.1', '--listening-port', String(port), '--relay-ip', '127.0.0.1', '--min-port', String(relayPort), '--max-port', String(relayPort + 20),
        '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm', 'vitalbridge.test', '--no-tls', '--no-dtls', '--no-cli', '--no-tcp',
        '--log-file', 'stdout', '--simple-log', '--pidfile', `/tmp/vb-turn-${port}.pid`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    turn.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    turn.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<never>((_, reject) => turn?.once('exit', (code) => reject(new Error(`turnserver exited (${code}):\n${output}`))));
    // coturn's log is block-buffered on a pipe, so readiness is its answer to a Binding request.
    await Promise.race([exited, waitForBinding(port)]);
  });
  afterAll(async () => {
    if (!turn || turn.exitCode !== null) return;
    const exited = new Promise((resolve) => turn?.once('exit', resolve));
    turn.kill('SIGTERM');
    await exited;
  });

  it('accepts a fresh credential and refuses a wrong secret and an expired one', async () => {
    const ice = iceConfigFor({ turn: { urls: [`turn:127.0.0.1:${port}`], secret, ttlSeconds: 600 } }, 'visit.clinician', Date.now());
    const server = ice.iceServers[0];
    expect(await allocate(port, server?.username ?? '', server?.credential ?? '')).toBe(200);

    const forged = turnCredential('not-the-secret', 'visit.clinician', Math.floor(Date.now() / 1000) + 600);
    expect(await allocate(port, forged.username, forged.credential)).toBe(401);

    const expired = turnCredential(secret, 'visit.clinician', Math.floor(Date.now() / 1000) - 60);
    expect(await allocate(port, expired.username, expired.credential)).toBe(401);
  });
});
