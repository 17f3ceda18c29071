/**
 * `npm run start:server`: the stand-alone consultation server. stdout carries exactly one line,
 * `Consult server: <url>`; notes go to stderr. Secrets come from the environment so they stay out
 * of process listings (--turn-secret exists for convenience and tests).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLINICIAN_PAGE_PATH } from '../station/consult-seam';
import { createConsultServer, type ConsultServer, type ConsultServerOptions } from './server';

export const START_SERVER_USAGE = `Usage: npm run start:server -- [--port N] [--host ADDR] [--redis URL] [--turn-secret S] [--relay-only] [options]

Runs the consultation server (signalling, visit links, TURN credentials, the clinician page).
Prints "Consult server: <url>".
  --port N             port to listen on (default: any free port)
  --host ADDR          address to listen on (default: 127.0.0.1)
  --redis URL          share visits with other instances through Redis (redis://host:port)
  --turn-secret S      coturn static-auth-secret (or env VITALBRIDGE_TURN_SECRET)
  --turn-ttl SECONDS   how long a TURN credential lasts (default 3600, at least 10); calls renew theirs before it ends
  --turn URL           TURN server URL, repeatable (default with a secret: turn:<host>:3478, UDP and TCP)
  --stun URL           STUN server URL, repeatable (default with TURN: stun:<host>:3478)
  --relay-only         clients use relayed (TURN) candidates only
  --cert FILE --key FILE  serve HTTPS/WSS with this PEM certificate and key
  --trust-proxy        believe X-Forwarded-Proto from a TLS-terminating proxy
  --public-url URL     the address clinicians use, if not the listening one
  --allow-origin URL   another page origin allowed to open the socket, repeatable
                       (app://station for VitalBridge desktop stations)
  --static-dir DIR     the clinician web client's files (default: out/renderer when built)
Environment: VITALBRIDGE_CONSULT_TOKEN_SECRET (base64, >= 32 bytes; needed to keep tokens valid
across restarts), VITALBRIDGE_CONSULT_STATION_KEY (bearer key for POST /api/visits; random if unset).
`;

export class ServerUsageError extends Error {
  override readonly name = 'ServerUsageError';
}

export interface ParsedServerArgs {
  help: boolean;
  options: ConsultServerOptions;
  /** Whether the station key was generated (and must be shown to the operator). */
  generatedStationKey: boolean;
}

export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv, projectRoot: string): ParsedServerArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        redis: { type: 'string' },
        'turn-secret': { type: 'string' },
        'turn-ttl': { type: 'string' },
        turn: { type: 'string', multiple: true },
        stun: { type: 'string', multiple: true },
        'relay-only': { type: 'boolean' },
        cert: { type: 'string' },
        key: { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'public-url': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'static-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ServerUsageError(error instanceof Error ? error.message : String(error));
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ServerUsageError(`--port must be a whole number from 0 to 65535, not "${values.port}"`);
  const urlOption = (name: string, value: string | undefined, protocols: RegExp) => {
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ServerUsageError(`${name} must be a URL, not "${value}"`);
    }
    if (!protocols.test(parsed.protocol)) throw new ServerUsageError(`${name} has the wrong scheme: "${value}"`);
    return value;
  };
  const redis = urlOption('--redis', values.redis, /^rediss?:$/);
  const publicUrl = urlOption('--public-url', values['public-url'], /^https?:$/);
  // app://… is the VitalBridge desktop station's own page origin (the server checks its exact form).
  const allowedOrigins = (values['allow-origin'] ?? []).map((origin) => (/^app:\/\//i.test(origin) ? origin : (urlOption('--allow-origin', origin, /^https?:$/) as string)));
  if ((values.cert === undefined) !== (values.key === undefined)) throw new ServerUsageError('--cert and --key go together');
  const readPem = (file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ServerUsageError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const tls = values.cert !== undefined && values.key !== undefined ? { cert: readPem(values.cert), key: readPem(values.key) } : undefined;

  const host = values.host ?? '127.0.0.1';
  const turnHost = publicUrl ? new URL(publicUrl).hostname : host;
  const turnSecret = values['turn-secret'] ?? env.VITALBRIDGE_TURN_SECRET;
  const turnUrls = values.turn ?? (turnSecret ? [`turn:${turnHost}:3478?transport=udp`, `turn:${turnHost}:3478?transport=tcp`] : []);
  if (turnUrls.length > 0 && !turnSecret) throw new ServerUsageError('--turn needs --turn-secret (or VITALBRIDGE_TURN_SECRET)');
  const stunUrls = values.stun ?? (turnSecret ? [`stun:${turnHost}:3478`] : []);
  const ttlSeconds = values['turn-ttl'] === undefined ? undefined : Number(values['turn-ttl']);
  // Under 10 s a call would spend its time renewing (each renewal restarts ICE).
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds < 10 || ttlSeconds > 86_400)) {
    throw new ServerUsageError(`--turn-ttl must be a whole number of seconds from 10 to 86400, not "${values['turn-ttl']}"`);
  }

  let tokenSecret: Buffer | undefined;
  if (env.VITALBRIDGE_CONSULT_TOKEN_SECRET) {
    tokenSecret = Buffer.from(env.VITALBRIDGE_CONSULT_TOKEN_SECRET, 'base64');
    if (tokenSecret.length < 32) throw new ServerUsageError('VITALBRIDGE_CONSULT_TOKEN_SECRET must be base64 of at least 32 bytes');
  }
  const generatedStationKey = !env.VITALBRIDGE_CONSULT_STATION_KEY;
  const stationKey = env.VITALBRIDGE_CONSULT_STATION_KEY || randomBytes(24).toString('base64url');
  const builtClient = join(projectRoot, 'out', 'renderer');
  const staticDir = values['static-dir'] ?? (existsSync(builtClient) ? builtClient : undefined);

  return {
    help: values.help === true,
    generatedStationKey,
    options: {
      port,
      host,
      redis,
      tls,
      trustProxy: values['trust-proxy'] === true,
      publicUrl,
      allowedOrigins,
      customSchemes: ['app'],
      tokenSecret,
      stationKey,
      staticDir,
      // Visit links open the clinician page of the renderer build, not the station's screen.
      clinicianPath: CLINICIAN_PAGE_PATH,
      ice: { stunUrls, turn: turnSecret ? { urls: turnUrls, secret: turnSecret, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) } : undefined, relayOnly: values['relay-only'] === true },
    },
  };
}

/** The process: exit 2 on bad arguments, 1 when the server cannot start, clean stop on SIGINT/SIGTERM. */
export async function runConsultServerProcess(projectRoot: string): Promise<void> {
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  let server: ConsultServer;
  try {
    const parsed = parseServerArgs(process.argv.slice(2), process.env, projectRoot);
    if (parsed.help) {
      process.stdout.write(START_SERVER_USAGE);
      return;
    }
    server = await createConsultServer({ ...parsed.options, onLog: (line) => stderr(`[consult] ${line}`) });
    if (!parsed.options.staticDir) stderr('No clinician client folder (build the renderer or pass --static-dir): serving the API only');
    if (parsed.generatedStationKey) stderr(`Station key for POST /api/visits (this launch only): ${parsed.options.stationKey}`);
  } catch (error) {
    const usage = error instanceof ServerUsageError;
    stderr(`${usage ? '' : 'Consult server failed: '}${error instanceof Error ? error.message : String(error)}`);
    if (usage) process.stderr.write(START_SERVER_USAGE);
    process.exitCode = usage ? 2 : 1;
    return;
  }
  process.stdout.write(`Consult server: ${server.url}\n`);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      stderr(`Second ${signal}: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        stderr(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
