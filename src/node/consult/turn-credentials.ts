/**
 * ICE configuration for the participants: STUN servers, and TURN servers with time-limited
 * credentials in coturn's shared-secret scheme (`use-auth-secret` + `static-auth-secret`, the
 * "TURN REST API"): username `<expiry unix seconds>:<id>`, password base64(HMAC-SHA1(secret,
 * username)). coturn recomputes the password from the username and refuses it after the expiry, so
 * nothing is stored and a leaked credential dies on its own.
 */
import { createHmac } from 'node:crypto';
import type { IceConfig } from '../../shared/consult/protocol';

export interface IceSettings {
  stunUrls?: readonly string[];
  turn?: {
    urls: readonly string[];
    /** coturn's static-auth-secret. */
    secret: string;
    /** Credential lifetime; default one hour. */
    ttlSeconds?: number;
  };
  /** Tell clients to use relayed candidates only (iceTransportPolicy 'relay'). */
  relayOnly?: boolean;
}

const DEFAULT_TURN_TTL_SECONDS = 3_600;

export function turnCredential(secret: string, id: string, expiresAtUnixSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtUnixSeconds}:${id}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Refuses settings that would leave clients without a way to connect. */
export function validateIceSettings(settings: IceSettings): void {
  const urls = [...(settings.stunUrls ?? []), ...(settings.turn?.urls ?? [])];
  const bad = urls.find((url) => !/^(stuns?|turns?):[^\s]+$/.test(url));
  if (bad !== undefined) throw new Error(`Not a STUN/TURN URL: "${bad}"`);
  if (settings.turn) {
    if (settings.turn.urls.length === 0) throw new Error('A TURN secret needs at least one TURN URL');
    if (settings.turn.secret.length === 0) throw new Error('The TURN secret is empty');
  }
  if (settings.relayOnly && !settings.turn) throw new Error('relay-only needs a TURN server (URL and secret)');
}

/** The RTCPeerConnection configuration for one participant; `id` names it in coturn's logs. */
export function iceConfigFor(settings: IceSettings, id: string, nowMs: number): IceConfig {
  const iceServers: IceConfig['iceServers'] = [];
  if (settings.stunUrls?.length) iceServers.push({ urls: [...settings.stunUrls] });
  let expiresAt: number | null = null;
  if (settings.turn) {
    const expiry = Math.floor(nowMs / 1000) + (settings.turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS);
    iceServers.push({ urls: [...settings.turn.urls], ...turnCredential(settings.turn.secret, id, expiry) });
    expiresAt = expiry * 1000;
  }
  return { iceServers, iceTransportPolicy: settings.relayOnly ? 'relay' : 'all', expiresAt };
}
