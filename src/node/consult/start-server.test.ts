import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseServerArgs, ServerUsageError } from './start-server';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

describe('start:server arguments', () => {
  it('turns a TURN secret into TURN and STUN entries on the server host, relay-only on request', () => {
    const { options, generatedStationKey } = parseServerArgs(['--port', '8443', '--turn-secret', 'abc', '--relay-only', '--public-url', 'https://consult.example'], {}, projectRoot);
    expect(options.port).toBe(8443);
    expect(options.ice).toEqual({
      stunUrls: ['stun:consult.example:3478'],
      turn: { urls: ['turn:consult.example:3478?transport=udp', 'turn:consult.example:3478?transport=tcp'], secret: 'abc' },
      relayOnly: true,
    });
    expect(generatedStationKey).toBe(true);
    expect(options.stationKey).toMatch(/^[\w-]{32}$/);
  });

  it('takes secrets from the environment', () => {
    const secret = Buffer.alloc(32, 1).toString('base64');
    const { options, generatedStationKey } = parseServerArgs([], { VITALBRIDGE_TURN_SECRET: 't', VITALBRIDGE_CONSULT_TOKEN_SECRET: secret, VITALBRIDGE_CONSULT_STATION_KEY: 'station-key' }, projectRoot);
    expect(options.ice?.turn?.secret).toBe('t');
    expect(options.ice?.turn).not.toHaveProperty('ttlSeconds');
    expect(parseServerArgs(['--turn-ttl', '900'], { VITALBRIDGE_TURN_SECRET: 't' }, projectRoot).options.ice?.turn?.ttlSeconds).toBe(900);
    expect(options.tokenSecret?.equals(Buffer.alloc(32, 1))).toBe(true);
    expect([options.stationKey, generatedStationKey]).toEqual(['station-key', false]);
  });

  it('points visit links at the clinician page and lets desktop stations (app://station) in when asked', () => {
    const { options } = parseServerArgs(['--allow-origin', 'app://station', '--allow-origin', 'http://127.0.0.1:5000'], {}, projectRoot);
    expect(options.clinicianPath).toBe('/clinician.html');
    expect(options.allowedOrigins).toEqual(['app://station', 'http://127.0.0.1:5000']);
    expect(options.customSchemes).toEqual(['app']);
  });

  it.each([
    [['--allow-origin', 'file:///etc'], /--allow-origin has the wrong scheme/],
    [['--port', '70000'], /--port/],
    [['--redis', 'http://x'], /--redis has the wrong scheme/],
    [['--turn', 'turn:x'], /--turn needs --turn-secret/],
    [['--cert', 'a.pem'], /--cert and --key go together/],
    [['--turn-ttl', '5'], /--turn-ttl must be a whole number of seconds from 10/],
    [['--turn-ttl', '1.5'], /--turn-ttl/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseServerArgs(argv, {}, projectRoot)).toThrow(ServerUsageError);
    expect(() => parseServerArgs(argv, {}, projectRoot)).toThrow(message);
  });
});

describe('npm run start:server', () => {
  it('prints exactly the server line, answers, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/consult/main.ts', '--port', '0'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(stdout);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(line).toMatch(/^Consult server: http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = line.slice('Consult server: '.length).trim();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout).toBe(line);
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/consult/main.ts', '--port', 'many'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a whole number');
    expect(stderr).toContain('Usage: npm run start:server');
  });
});
