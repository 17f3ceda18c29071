/**
 * The station screen's alarm area and alarm screen, wired to the ClinicalStore: what the operator
 * may do follows the session's actor through the same role matrix the station enforces.
 */
import { useState, type ReactNode } from 'react';
import { actorMay } from '../../shared/clinical/actor';
import type { ClinicalStore, ClinicalView } from './clinical-store';
import { AlarmBanner } from './AlarmBanner';
import { AlarmLimits } from './AlarmLimits';
import { AlarmLog } from './AlarmLog';
import { LimitChanges } from './LimitChanges';

/**
 * The staff screens carry the alarm sound's control in their header, where it costs no row; a
 * screen that does not (the kiosk) passes it as `soundControl` to sit beside the banner.
 */
export function StationAlarms({ clinical, view, soundControl }: { clinical: ClinicalStore; view: ClinicalView; soundControl?: ReactNode }) {
  const [error, setError] = useState<string | null>(null);
  const run = (command: () => Promise<void>) => {
    setError(null);
    command().catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };
  const { actor, alarms } = view;
  return (
    <div className="station-alarms">
      {soundControl}
      {alarms ? (
        <AlarmBanner
          state={alarms}
          canAcknowledgePhysiological={actor !== null && actorMay(actor, 'alarm.acknowledge')}
          canPauseAudio={actor !== null && actorMay(actor, 'alarm.pause-audio')}
          onAcknowledge={(alarmId) => run(() => clinical.acknowledge(alarmId))}
          onPauseAudio={() => run(() => clinical.pauseAudio())}
          error={error}
        />
      ) : (
        <p className="banner" role="status">
          {view.loadError ? `Alarm state unavailable (${view.loadError}); retrying.` : 'Loading alarm state…'}
        </p>
      )}
    </div>
  );
}

export function AlarmsScreen({ clinical, view }: { clinical: ClinicalStore; view: ClinicalView }) {
  if (!view.alarms) return <p className="panel-empty">Loading alarms…</p>;
  return (
    <div className="alarms-screen">
      <div className="alarms-log-column">
        <AlarmLog log={view.alarms.log} />
        <LimitChanges changes={view.alarms.limitChanges} />
      </div>
      <AlarmLimits
        limits={view.alarms.limits}
        editable={view.actor !== null && actorMay(view.actor, 'alarm.change-limits')}
        onChange={(change) => clinical.setLimits(change)}
      />
    </div>
  );
}
