/** The page's clinical store and alarm sound, created once per page and started while mounted. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { StationApi } from '../../shared/contract';
import { AlarmSound } from './alarm-sound';
import { ClinicalStore } from './clinical-store';

export function useClinicalStation(api: StationApi) {
  const [clinical] = useState(() => new ClinicalStore(api));
  const [sound] = useState(() => new AlarmSound());
  useEffect(() => {
    clinical.start();
    return () => clinical.stop();
  }, [clinical]);
  useEffect(() => {
    window.__vitalbridgeAlarmAudio = sound.probe();
  }, [sound]);
  const view = useSyncExternalStore(clinical.subscribe, clinical.getView);
  return { clinical, view, sound };
}
