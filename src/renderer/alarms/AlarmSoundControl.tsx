/**
 * The alarm sound's state, and its switch until it is on. Until the first user gesture the browser
 * will not play audio, so the control says so plainly; once enabled it stays on for the page's life
 * (the sound follows the station's audible priority, see useClinicalStation).
 */
import { useSyncExternalStore } from 'react';
import type { AlarmSound } from './alarm-sound';

/**
 * `askToEnable`: false on the kiosk, whose patients are not asked to switch on the staff's alarm
 * sound; it starts on their first touch (AlarmSound.enableOnFirstGesture) and nothing shows until then.
 */
export function AlarmSoundControl({ sound, askToEnable = true }: { sound: AlarmSound; askToEnable?: boolean }) {
  const enabled = useSyncExternalStore(sound.subscribe, sound.isEnabled, sound.isEnabled);
  if (enabled) {
    return (
      <p className="alarm-sound alarm-sound-on" data-role="alarm-sound" data-sound="on">
        Alarm sound on
      </p>
    );
  }
  if (!askToEnable) return null;
  return (
    <button type="button" className="alarm-sound alarm-sound-off" data-action="enable-alarm-sound" data-sound="off" onClick={() => sound.enable()}>
      Sound off: click to enable alarm sound
    </button>
  );
}
