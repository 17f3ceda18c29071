/**
 * What the station's FHIR output needs besides the records: the settings that shape it and the
 * station's software version (its Device's version).
 */
import packageJson from '../../../package.json' with { type: 'json' };
import { stationId } from '../audit/audit-log';
import type { RecordStore } from '../records/store';
import type { VisitSetting } from './encounter';
import type { ExportContext } from './patient-bundle';

export const STATION_SOFTWARE_VERSION: string = packageJson.version;

export interface FhirSettings {
  /** `records.patientIdentifierSystem`: the URI of the clinic's patient identifiers; null when not set. */
  patientIdentifierSystem: string | null;
  /** `records.careSetting`: where this station's visits take place (Encounter.class AMB or HH). */
  careSetting: VisitSetting;
}

export const DEFAULT_FHIR_SETTINGS: FhirSettings = { patientIdentifierSystem: null, careSetting: 'station' };

/** Everything a patient's export needs besides the patient's rows, read from the records now. */
export function patientExportContext(store: Pick<RecordStore, 'db' | 'patientVisits'>, patientId: string, settings: FhirSettings): ExportContext {
  return { stationId: stationId(store.db), softwareVersion: STATION_SOFTWARE_VERSION, visits: store.patientVisits(patientId), ...settings };
}
