/**
 * The contract handler that searches the FHIR server's patients for the nurse or physician naming
 * the current patient (src/node/sync/patient-lookup.ts does the search). Every search is audited
 * before it is sent, whatever the server answers: who searched, never what for. The connection is
 * opened on the first search (a SMART key pair is then created if the station has none) and kept;
 * one that could not be opened is tried again at the next search.
 */
import type { AuditLog } from '../../audit/audit-log';
import type { FhirClient } from '../../sync/fhir-client';
import { findServerPatients, PatientLookupError } from '../../sync/patient-lookup';
import type { StationHandlers } from '../contract-session';

export type PatientLookupHandler = Pick<StationHandlers, 'findServerPatients'>;

export interface PatientLookupOptions {
  /** The client for the configured server, or null when the station has none. */
  connect: () => Promise<FhirClient | null>;
  audit: Pick<AuditLog, 'append'>;
}

export function createPatientLookupHandler({ connect, audit }: PatientLookupOptions): PatientLookupHandler {
  let connection: Promise<FhirClient | null> | null = null;
  const client = async (): Promise<FhirClient> => {
    connection ??= connect().catch((error: unknown) => {
      connection = null;
      throw error;
    });
    const opened = await connection;
    if (!opened) throw new PatientLookupError('no FHIR server is configured (settings fhirServer.baseUrl)');
    return opened;
  };

  return {
    findServerPatients: async (query, { actor }) => {
      const server = await client();
      audit.append({ actor: actor.id, role: actor.role, action: 'patient.server-search', object: null });
      return findServerPatients(server, query);
    },
  };
}
