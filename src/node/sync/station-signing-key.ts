/**
 * The station's key pair for SMART Backend Services (ES384), generated with `jose` on first use.
 * The private key is kept only encrypted (AES-256-GCM) under the station's sync key, which the key
 * provider keeps like the records key: sealed by the OS keychain in the desktop app, a 0600 file in
 * web mode and the CLI. The public key sits in the clear next to it, so `sync-key` can print the
 * JWKS for registration without unsealing anything; it is the GCM's additional data, so a public
 * key swapped in the file makes the private key refuse to open.
 *
 * File `<dataDir>/sync-signing-key.json`: { version, alg, publicJwk, iv, ciphertext, tag } (base64url).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK, JSONWebKeySet } from 'jose';
import { DataKeyError, writeFileExclusively, type DataKeyProvider } from '../records/key-provider';

export const SIGNING_KEY_FILE = 'sync-signing-key.json';
export const SIGNING_ALGORITHM = 'ES384';

export interface StationSigningKey {
  /** The public key as registered with the server: kty, crv, x, y, kid (its RFC 7638 thumbprint), alg, use. */
  publicJwk: JWK;
  privateKey: CryptoKey;
}

interface StoredKey {
  version: 1;
  alg: typeof SIGNING_ALGORITHM;
  publicJwk: JWK;
  iv: string;
  ciphertext: string;
  tag: string;
}

const additionalData = (publicJwk: JWK): Buffer => Buffer.from(JSON.stringify(publicJwk));

function readStored(dataDir: string): StoredKey | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, SIGNING_KEY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataKeyError(`cannot read ${SIGNING_KEY_FILE}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
  }
  try {
    const stored = JSON.parse(text) as StoredKey;
    if (stored.version !== 1 || stored.alg !== SIGNING_ALGORITHM || typeof stored.publicJwk?.x !== 'string') throw new Error('unexpected content');
    return stored;
  } catch {
    throw new DataKeyError(`${SIGNING_KEY_FILE} is damaged`);
  }
}

/** The JWKS to register with the FHIR server's authorization server, or null when the station has no key pair yet. */
export function readStationJwks(dataDir: string): JSONWebKeySet | null {
  const stored = readStored(dataDir);
  return stored ? { keys: [stored.publicJwk] } : null;
}

async function createSigningKey(dataDir: string, sealingKey: Buffer): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicPart = await exportJWK(publicKey);
  const publicJwk: JWK = { ...publicPart, kid: await calculateJwkThumbprint(publicPart), alg: SIGNING_ALGORITHM, use: 'sig' };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey, iv).setAAD(additionalData(publicJwk));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(await exportJWK(privateKey))), cipher.final()]);
  const stored: StoredKey = { version: 1, alg: SIGNING_ALGORITHM, publicJwk, iv: iv.toString('base64url'), ciphertext: ciphertext.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
  // Another process may have created one meanwhile: theirs wins, and it is the one read back.
  writeFileExclusively(join(dataDir, SIGNING_KEY_FILE), Buffer.from(JSON.stringify(stored)));
}

/** The station's key pair, created (and its sync key with it) on first use. */
export async function loadStationSigningKey(dataDir: string, syncKeyProvider: DataKeyProvider): Promise<StationSigningKey> {
  const sealingKey = await syncKeyProvider.getDataKey({ create: true });
  if (!sealingKey) throw new DataKeyError('no sync key');
  if (!readStored(dataDir)) await createSigningKey(dataDir, sealingKey);
  const stored = readStored(dataDir)!;
  let privateJwk: JWK;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey, Buffer.from(stored.iv, 'base64url')).setAAD(additionalData(stored.publicJwk));
    decipher.setAuthTag(Buffer.from(stored.tag, 'base64url'));
    privateJwk = JSON.parse(Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, 'base64url')), decipher.final()]).toString('utf8')) as JWK;
  } catch {
    throw new DataKeyError(`${SIGNING_KEY_FILE} cannot be opened with this station's sync key (altered, or from another station)`);
  }
  const privateKey = (await importJWK(privateJwk, SIGNING_ALGORITHM, { extractable: false })) as CryptoKey;
  return { publicJwk: stored.publicJwk, privateKey };
}
