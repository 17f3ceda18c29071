/**
 * Settings section `hl7Output`: where the PCD-01 (and, with `alarms`, PCD-04) messages go. No secret lives here: MLLP has no
 * credentials, TLS trusts the system's CAs plus an optional CA file (a path, not its content).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { MllpTarget } from './mllp-client';
import { DEFAULT_BATCH_READINGS } from './hl7-outbox';

/** A DNS name or an IPv4/IPv6 address, nothing a URL or a shell could read more into. */
const hostName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9A-Fa-f:.]+$/, 'must be a host name or an IP address');

export const Hl7OutputSchema = z.object({
  /** The interface engine's MLLP listener; null: no HL7 output (readings are not queued for it). */
  host: hostName.nullable().default(null),
  /** 2575 is the port IANA registered for HL7 over MLLP. */
  port: z.number().int().min(1).max(65_535).default(2575),
  /** MLLP over TLS, verifying the engine's certificate and host name. */
  tls: z.boolean().default(false),
  /** A PEM file of CAs trusted besides the system's (an engine with the hospital's own CA). */
  extraCaFile: z.string().min(1).max(4_096).nullable().default(null),
  /** How long to wait for the engine's ACK before the batch counts as not delivered (and is retried). */
  ackTimeoutSeconds: z.number().int().min(1).max(600).default(30),
  /** Readings per message at most. */
  batchReadings: z.number().int().min(1).max(5_000).default(DEFAULT_BATCH_READINGS),
  /** Also report each alarm's start, acknowledgement, escalation and end as IHE PCD-04 (ORU^R40). */
  alarms: z.boolean().default(false),
});
export type Hl7OutputSettings = z.infer<typeof Hl7OutputSchema>;

/** The engine to send to, as the settings name it; null when no host is set. */
export async function mllpTargetOf(settings: Hl7OutputSettings): Promise<MllpTarget | null> {
  if (settings.host === null) return null;
  const ca = settings.tls && settings.extraCaFile !== null ? await readFile(settings.extraCaFile, 'utf8') : undefined;
  return {
    host: settings.host,
    port: settings.port,
    tls: settings.tls ? (ca === undefined ? {} : { ca }) : false,
    connectTimeoutMs: 10_000,
    ackTimeoutMs: settings.ackTimeoutSeconds * 1_000,
  };
}
