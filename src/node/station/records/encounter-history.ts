/**
 * The session history as the records hold it: a page of the current encounter's readings in the
 * shape the screens already draw (StationReading), with where the next, older page starts.
 */
import { stationReading, type EncounterHistoryPage } from '../../../shared/contract';
import type { ClinicalRecords } from '../../records/clinical-records';
import type { StoredReading } from '../../records/store';
import type { StationHandlers } from '../contract-session';
import type { CurrentEncounter } from '../persistence/encounter';
import type { PatientViewAudit } from './patient-views';

export interface EncounterHistoryOptions {
  clinical: Pick<ClinicalRecords, 'visitReadingsPage'>;
  /** The station's current encounter, asked at every call: a kiosk visit may switch it. */
  encounter: () => Pick<CurrentEncounter, 'patientId' | 'visitId'>;
  views: PatientViewAudit;
}

/** getEncounterHistory: the contract session has checked patient.view; the records check it again for this patient. */
export function createEncounterHistoryHandler(options: EncounterHistoryOptions): Pick<StationHandlers, 'getEncounterHistory'> {
  return {
    getEncounterHistory: ({ before, limit }, { screen }) => {
      options.views.viewed(screen);
      const { patientId, visitId } = options.encounter();
      return encounterHistoryPage(options.clinical.visitReadingsPage(screen.sessionId(), patientId, visitId, before, limit), limit);
    },
  };
}

/** `rows` newest first, as read with `limit`; a full page may have older readings behind it. */
export function encounterHistoryPage(rows: readonly StoredReading[], limit: number): EncounterHistoryPage {
  const oldest = rows.at(-1);
  return {
    readings: rows.map((row) =>
      stationReading({
        deviceId: row.deviceId,
        source: row.source,
        measurementId: row.measurementId,
        metric: row.metric,
        value: row.value,
        unit: row.unit,
        deviceTime: row.deviceTime,
        receivedAt: row.receivedAt,
        // A recorded reading is known by its row; the hub's sequence numbers do not survive a restart.
        seq: row.id,
      }),
    ),
    next: rows.length === limit && oldest !== undefined ? { receivedAt: oldest.receivedAt, id: oldest.id } : null,
  };
}
