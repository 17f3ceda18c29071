/** The station's NEWS2 screen, wired to the ClinicalStore; rights follow the session's actor. */
import type { DeviceInfo } from '../../shared/contract';
import { actorMay } from '../../shared/clinical/actor';
import type { ClinicalStore, ClinicalView } from '../alarms/clinical-store';
import { News2Panel } from './News2Panel';

export function News2Screen({ clinical, view, devices }: { clinical: ClinicalStore; view: ClinicalView; devices: readonly DeviceInfo[] }) {
  if (!view.news2) return <p className="panel-empty">Loading NEWS2…</p>;
  return (
    <News2Panel
      state={view.news2}
      entry={{
        canEnter: view.actor !== null && actorMay(view.actor, 'observation.enter'),
        canPrescribe: view.actor !== null && actorMay(view.actor, 'news2.prescribe-scale-2'),
        onEnter: (observation) => clinical.enterObservation(observation),
      }}
      deviceName={(deviceId) => devices.find((device) => device.id === deviceId)?.name ?? deviceId}
    />
  );
}
