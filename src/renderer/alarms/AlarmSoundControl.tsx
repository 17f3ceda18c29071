/**
 * The alarm sound's switch and state. Until the first user gesture the browser will not play audio,
 * so the control says so plainly; once enabled it follows the station's audible priority.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { AlarmPriority } from '../../shared/clinical/alarm-presentation';
import type { AlarmSound } from './alarm-sound';

export function AlarmSoundControl({ sound, audiblePriority }: { sound: AlarmSound; audiblePriority: AlarmPriority | null }) {
  const enabled = useSyncExternalStore(sound.subscribe, sound.isEnabled);
  useEffect(() => sound.setPriority(audiblePriority), [sound, audiblePriority]);
  useEffect(() => sound.enableOnFirstGesture(document), [sound]);
  if (enabled) {
    return (
      <p className="alarm-sound alarm-sound-on" data-role="alarm-sound" data-sound="on">
        Alarm sound on
      </p>
    );
  }
  return (
    <button type="button" className="alarm-sound alarm-sound-off" data-action="enable-alarm-sound" data-sound="off" onClick={() => sound.enable()}>
      Sound off: click to enable alarm sound
    </button>
  );
}
