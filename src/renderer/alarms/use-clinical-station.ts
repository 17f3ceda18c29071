/**
 * The page's clinical store and alarm sound, created once per page and started while mounted. The
 * sound follows the station's audible priority and enables itself on the first gesture here, not
 * in its on-screen control, so it behaves the same wherever a screen places that control.
 */
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
  useEffect(() => sound.enableOnFirstGesture(document), [sound]);
  const view = useSyncExternalStore(clinical.subscribe, clinical.getView);
  const audiblePriority = view.alarms?.audiblePriority ?? null;
  useEffect(() => sound.setPriority(audiblePriority), [sound, audiblePriority]);
  return { clinical, view, sound };
}
