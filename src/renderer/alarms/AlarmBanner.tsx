/**
 * The alarm signals on screen: one row per active alarm in its IEC 60601-1-8 colour, with a lamp
 * that flashes at the priority's rate (ALARM_VISUALS), the condition in words, and the operator's
 * acknowledge and audio-pause controls. Pure props, so the clinician's page shows the same.
 */
import type { CSSProperties } from 'react';
import type { AlarmStatePayload, PresentedAlarmPayload } from '../../shared/contract-clinical';
import { formatClock } from '../format/display-format';
import { PRIORITY_WORDS, alarmValueText, liveAnnouncement } from './alarm-words';
import { alarmLampStyle } from './tile-alarm';
import './alarms.css';

export interface AlarmBannerProps {
  /** What a screen needs of the station's alarm state (the clinician's page gets no more). */
  state: Pick<AlarmStatePayload, 'alarms' | 'audioPause'>;
  /** Physiological alarms need this right; technical ones anyone may acknowledge. */
  canAcknowledgePhysiological: boolean;
  onAcknowledge(alarmId: string): void;
  /** Omitted where the audio does not play (the clinician's page): no pause control. */
  onPauseAudio?: () => void;
  canPauseAudio: boolean;
  /** The last command the station refused, in its words. */
  error?: string | null;
}

export function AlarmBanner({ state, canAcknowledgePhysiological, canPauseAudio, onAcknowledge, onPauseAudio, error }: AlarmBannerProps) {
  const anyAudible = state.alarms.some((shown) => shown.audible);
  return (
    <section className="alarm-banner" aria-label="Active alarms" data-alarm-count={state.alarms.length}>
      <p className="visually-hidden" aria-live="assertive" aria-atomic="true">
        {liveAnnouncement(state.alarms)}
      </p>
      {state.alarms.length > 0 ? (
        <ul className="alarm-list">
          {state.alarms.map((shown) => (
            <AlarmRow
              key={shown.alarm.id}
              shown={shown}
              canAcknowledge={shown.alarm.kind === 'technical' || canAcknowledgePhysiological}
              onAcknowledge={onAcknowledge}
            />
          ))}
        </ul>
      ) : null}
      {state.alarms.length > 0 || state.audioPause ? (
        <div className="alarm-controls">
          {state.audioPause ? (
            <p className="alarm-paused" data-role="audio-paused">
              Alarm audio paused until {formatClock(state.audioPause.until)} by {state.audioPause.by.name}
            </p>
          ) : null}
          {canPauseAudio && onPauseAudio && anyAudible ? (
            <button type="button" className="alarm-button" data-action="pause-alarm-audio" onClick={onPauseAudio}>
              Pause audio 2 min
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="alarm-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

function AlarmRow({ shown, canAcknowledge, onAcknowledge }: { shown: PresentedAlarmPayload; canAcknowledge: boolean; onAcknowledge(alarmId: string): void }) {
  const { alarm, visual } = shown;
  // Once the condition has ended the number is history, and says so.
  const measured = alarmValueText(alarm.metric, alarm.value, alarm.unit, alarm.limit);
  const value = measured && alarm.latched ? `last ${measured}` : measured;
  const status = alarm.latched ? 'Condition ended: acknowledge' : alarm.acknowledged ? `Acknowledged by ${alarm.acknowledged.by.name}` : null;
  // The colour and flash rate come from ALARM_VISUALS, the one definition of the IEC 60601-1-8 signal.
  const lamp = alarmLampStyle(visual);
  const colour = { '--alarm-colour': visual.colour } as CSSProperties;
  return (
    <li
      style={colour}
      className={`alarm alarm-${alarm.priority}`}
      data-alarm-priority={alarm.priority}
      data-alarm-id={alarm.id}
      data-acknowledged={alarm.acknowledged !== null}
      data-latched={alarm.latched}
      data-audible={shown.audible}
    >
      <span className={`alarm-lamp${lamp.flashing ? ' alarm-lamp-flashing' : ''}`} style={lamp.style} aria-hidden="true" />
      <span className="alarm-priority">
        <span aria-hidden="true">{visual.marker} </span>
        {PRIORITY_WORDS[alarm.priority]}
      </span>
      <span className="alarm-message" data-role="alarm-message">
        {alarm.message}
        {value ? <span className="alarm-value"> {value}</span> : null}
      </span>
      <span className="alarm-meta">
        since <time dateTime={new Date(alarm.raisedAt).toISOString()}>{formatClock(alarm.raisedAt)}</time>
        {alarm.escalatedAt !== null ? ' · escalated' : ''}
        {status ? ` · ${status}` : ''}
      </span>
      {alarm.acknowledged === null && canAcknowledge ? (
        <button type="button" className="alarm-button" data-action="acknowledge-alarm" onClick={() => onAcknowledge(alarm.id)} aria-label={`Acknowledge ${alarm.message}`}>
          Acknowledge
        </button>
      ) : null}
    </li>
  );
}
