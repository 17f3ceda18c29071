/**
 * What a numeric tile shows of the alarm system: the alarm of its parameter (so the eye goes from
 * the banner to the number) and the limits it is watched against. Pure, from the alarm state the
 * station pushes; the signal itself (colour, flash rate) is ALARM_VISUALS', as on the banner.
 */
import type { CSSProperties } from 'react';
import type { AlarmStatePayload, PresentedAlarmPayload } from '../../shared/contract-clinical';
import { ALARM_METRICS, type AlarmMetric } from '../../shared/clinical/alarm-limits';
import type { Metric } from '../../shared/vitals';

export interface TileAlarm {
  priority: PresentedAlarmPayload['alarm']['priority'];
  /** An acknowledged alarm keeps a steady marker until its condition clears. */
  acknowledged: boolean;
  visual: PresentedAlarmPayload['visual'];
}

export interface TileLimits {
  /** null: that side's alarm is off. */
  low: number | null;
  high: number | null;
}

/** The parts of the alarm state the tiles read. */
export type TileAlarmState = Pick<AlarmStatePayload, 'alarms' | 'limits'>;

/**
 * The highest-priority physiological alarm of `metric`, or null. The station sends its alarms
 * highest priority first, so the first match is the one the tile must show.
 */
export function tileAlarmOf(metric: Metric, state: TileAlarmState | null): TileAlarm | null {
  const shown = state?.alarms.find(({ alarm }) => alarm.kind === 'physiological' && alarm.metric === metric);
  if (!shown) return null;
  return { priority: shown.alarm.priority, acknowledged: shown.alarm.acknowledged !== null, visual: shown.visual };
}

/** The limits a tile shows beside its value, or null for a parameter the alarm system does not watch. */
export function tileLimitsOf(metric: Metric, state: TileAlarmState | null): TileLimits | null {
  if (!state || !isAlarmMetric(metric)) return null;
  return state.limits[metric] ?? null;
}

function isAlarmMetric(metric: Metric): metric is AlarmMetric {
  return (ALARM_METRICS as readonly Metric[]).includes(metric);
}

/**
 * The lamp's colour and flash period, for the banner's rows and the tiles alike; `steady` (an
 * acknowledged alarm on a tile) keeps the colour without the flash.
 */
export function alarmLampStyle(visual: PresentedAlarmPayload['visual'], steady = false): { flashing: boolean; style: CSSProperties } {
  const flashing = !steady && visual.flashHz > 0;
  const style = { '--alarm-colour': visual.colour, ...(flashing ? { animationDuration: `${1000 / visual.flashHz}ms` } : {}) } as CSSProperties;
  return { flashing, style };
}
