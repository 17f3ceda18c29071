/** The words and numbers the alarm views show, shared by the banner, the log and the live region. */
import type { PresentedAlarmPayload } from '../../shared/contract-clinical';
import { alarmAnnouncement } from '../../shared/clinical/alarm-presentation';
import type { Metric, UcumUnit } from '../../shared/vitals';
import { displayUnit, formatValue } from '../format/display-format';

export { PRIORITY_WORDS } from '../../shared/clinical-words';

/** "86 % (limit 90 %)", or null for an alarm without a number (technical ones). */
export function alarmValueText(metric: Metric | null, value: number | null, unit: UcumUnit | null, limit: number | null): string | null {
  if (metric === null || value === null || unit === null) return null;
  const symbol = displayUnit(metric, unit);
  const shown = `${formatValue(metric, value, unit)} ${symbol}`;
  return limit === null ? shown : `${shown} (limit ${formatValue(metric, limit, unit)} ${symbol})`;
}

/**
 * What the live region says: each alarm's priority, condition and status, without the changing
 * value, so a screen reader speaks when an alarm comes, goes or changes status, not every second.
 */
export function liveAnnouncement(alarms: readonly PresentedAlarmPayload[]): string {
  if (alarms.length === 0) return 'No active alarms.';
  return alarms
    .map(({ alarm }) => alarmAnnouncement({ priority: alarm.priority, message: alarm.message, acknowledged: alarm.acknowledged !== null, latched: alarm.latched }))
    .join(' ');
}
