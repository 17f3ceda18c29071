/**
 * Stable resource ids and identifiers. The same record always becomes the same resource: its id
 * is a name-based UUID (version 5, RFC 9562 section 5.5) of the station id, the kind of record
 * and the record's own id. Name-based rather than random and stored, because then nothing has to
 * be kept to export or resend a record twice with the same ids, and two stations never collide
 * (each names its records under its own id). SHA-1 here only spreads names over the UUID space;
 * nothing relies on it being hard to invert.
 *
 * The identifier is a second name-based UUID of the same record, as a URI (system
 * urn:ietf:rfc:3986, FHIR's "the value is a URI"), so a conditional create on it (`ifNoneExist:
 * identifier=urn:ietf:rfc:3986|urn:uuid:...`) finds a resource sent before, whatever id the server
 * gave it. It must differ from the entry's fullUrl: a server resolving a transaction replaces each
 * fullUrl in every string of the Bundle (Medplum does), so an identifier equal to it would be
 * stored as "Patient/<id>" and never match again.
 */
import { createHash } from 'node:crypto';
import type { Identifier, Reference, Resource } from '@medplum/fhirtypes';

/** The namespace of every VitalBridge name-based UUID (a random UUID, fixed once). */
const VITALBRIDGE_NAMESPACE = Buffer.from('6f1c3e2a9b7d4e58a0c4d2b1e9f37a65', 'hex');

export const URI_IDENTIFIER_SYSTEM = 'urn:ietf:rfc:3986';

/** The kinds of record that become resources, each a separate name space under the station. */
export type RecordKind =
  | 'patient'
  | 'visit'
  | 'device'
  | 'station'
  | 'reading'
  | 'bp-panel'
  | 'reading-summary'
  | 'pleth-segment'
  | 'news2-charted'
  | 'news2-score'
  | 'person'
  | 'provenance'
  | 'visit-summary'
  | 'visit-summary-pdf';

/** An RFC 9562 version 5 UUID of `name` in the VitalBridge namespace. */
export function nameBasedUuid(name: string): string {
  // A string is hashed as UTF-8 (Node's default), pinned by a name with "ü" in stable-ids.test.ts.
  const hash = createHash('sha1').update(VITALBRIDGE_NAMESPACE).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Ids, full URLs and identifiers of one station's records. */
export class StationIds {
  constructor(readonly stationId: string) {
    if (!/^[\w-]{8,64}$/.test(stationId)) throw new Error('a station id is 8 to 64 letters, digits, dashes or underscores');
  }

  uuid(kind: RecordKind, recordId: string | number): string {
    return nameBasedUuid(`${this.stationId}/${kind}/${recordId}`);
  }

  /** The urn:uuid entries of one bundle use to reference each other. */
  fullUrl(kind: RecordKind, recordId: string | number): string {
    return `urn:uuid:${this.uuid(kind, recordId)}`;
  }

  identifier(kind: RecordKind, recordId: string | number): Identifier {
    return { system: URI_IDENTIFIER_SYSTEM, value: `urn:uuid:${nameBasedUuid(`identifier/${this.stationId}/${kind}/${recordId}`)}` };
  }

  /** A reference to a resource of this bundle; a urn:uuid says nothing of its type, so `type` does. */
  reference<T extends Resource>(type: T['resourceType'], kind: RecordKind, recordId: string | number): Reference<T> {
    return { reference: this.fullUrl(kind, recordId), type };
  }

  /** A reference by identifier only, to a resource outside this bundle (a station user, a record sent before). */
  logicalReference<T extends Resource = Resource>(type: T['resourceType'], kind: RecordKind, recordId: string | number): Reference<T> {
    return { type, identifier: this.identifier(kind, recordId) };
  }
}
