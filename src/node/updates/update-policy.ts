/**
 * When a downloaded update of the desktop app may be installed. Installing restarts the app, so it
 * never happens during a video or kiosk visit or while an alarm is shown: a restart would drop the
 * call and silence the alarm. A kiosk, which nobody quits, installs at an hour its administrator
 * chose (at night, usually); a staff station installs when someone quits it, never by itself.
 */

export interface StationActivity {
  kiosk: boolean;
  /** A video visit hosted here, or a kiosk visit open. */
  visitInProgress: boolean;
  /** Any alarm presented (present, latched or unacknowledged), of any priority. */
  alarmActive: boolean;
}

export type InstallDecision = { install: 'now' } | { install: 'on-quit' } | { install: 'later'; waitingFor: string };

export function installDecision(activity: StationActivity, now: Date, kioskInstallHour: number): InstallDecision {
  if (!activity.kiosk) return { install: 'on-quit' };
  if (activity.visitInProgress) return { install: 'later', waitingFor: 'the visit in progress to end' };
  if (activity.alarmActive) return { install: 'later', waitingFor: 'the active alarms to end' };
  if (now.getHours() !== kioskInstallHour) return { install: 'later', waitingFor: `the kiosk's update hour (${String(kioskInstallHour).padStart(2, '0')}:00)` };
  return { install: 'now' };
}
