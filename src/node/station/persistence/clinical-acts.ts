/**
 * The station's record of the clinical acts its screens made: alarm acknowledgements, audio pauses,
 * alarm-limit changes and NEWS2 entries, each an audit entry under the person who made it (a
 * relayed acknowledgement under the remote clinician). The entry names the alarm or the current
 * patient by id, never a value or a reason. A limit change is also kept in the encrypted records
 * with its values and reason (the audit entry names that row), in the same transaction, so the
 * station restarts with the limits the physician set (AlarmService.restoreLimits).
 */
import type { Actor } from '../../../shared/clinical/actor';
import type { AuditAction, AuditLog } from '../../audit/audit-log';
import type { RecordsDb } from '../../records/database';
import type { RecordStore } from '../../records/store';
import type { ClinicalActs } from '../clinical/clinical-station';

export interface ActRecords {
  db: RecordsDb;
  store: Pick<RecordStore, 'recordLimitChange'>;
  audit: Pick<AuditLog, 'append'>;
  encounter: { readonly patientId: string; readonly visitId: string };
}

export function auditedClinicalActs(records: ActRecords): ClinicalActs {
  const append = (by: Actor, action: AuditAction, object: string | null) => records.audit.append({ actor: by.id, role: by.role, action, object });
  return {
    acknowledged: (alarmId, by) => append(by, 'alarm.acknowledge', alarmId),
    audioPaused: (by) => append(by, 'alarm.pause-audio', null),
    limitsChanged: (changes, by) => {
      const { patientId, visitId } = records.encounter;
      records.db
        .transaction(() => {
          for (const change of changes) append(by, 'alarm.change-limits', records.store.recordLimitChange(patientId, visitId, change));
        })
        .immediate();
    },
    news2Entered: (observation, by) => {
      append(by, 'observation.enter', records.encounter.patientId);
      if (observation.spo2Scale2 !== undefined) append(by, 'news2.prescribe-scale-2', records.encounter.patientId);
    },
  };
}
