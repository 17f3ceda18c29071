/**
 * How the resources of one bundle point at each other: the patient, the visit's Encounter and the
 * Device behind each reading are entries of the same bundle (referenced by their urn:uuid), a
 * visit whose record is not at hand is referenced by its identifier.
 */
import type { Device, Encounter, Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import type { StationIds } from './stable-ids';

export interface ResourceLinks {
  readonly ids: StationIds;
  /** The patient's Patient entry. */
  subject(patientId: string): Reference<Patient>;
  encounter(visitId: string | null): Reference<Encounter> | undefined;
  device(deviceId: string): Reference<Device>;
  /** A station user (who charted an observation), by identifier: users are not sent as resources. */
  person(userId: string): Reference<Practitioner>;
}

/**
 * Links where every device referenced is an entry of the bundle, and so is every visit in
 * `visitsInBundle` and every patient but those in `serverPatients` (patient id → the server's
 * logical id), which are referenced as the server's Patient.
 */
export function bundleLinks(ids: StationIds, visitsInBundle: ReadonlySet<string> | 'all', serverPatients: ReadonlyMap<string, string> = new Map()): ResourceLinks {
  return {
    ids,
    subject: (patientId) => {
      const serverId = serverPatients.get(patientId);
      return serverId === undefined ? ids.reference('Patient', 'patient', patientId) : { reference: `Patient/${serverId}`, type: 'Patient' };
    },
    encounter: (visitId) => {
      if (visitId === null) return undefined;
      return visitsInBundle === 'all' || visitsInBundle.has(visitId) ? ids.reference('Encounter', 'visit', visitId) : ids.logicalReference('Encounter', 'visit', visitId);
    },
    device: (deviceId) => ids.reference('Device', 'device', deviceId),
    person: (userId) => ids.logicalReference('Practitioner', 'person', userId),
  };
}
