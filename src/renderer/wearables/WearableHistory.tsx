/**
 * The current patient's readings from a watch, on the history screen: per parameter the newest
 * few, each with its value, the watch's time and how old it is ("from your watch, 3 h ago"). Hooks:
 * data-role="wearable-readings", a row per reading with data-wearable-metric.
 */
import { useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { WearableReading } from '../../shared/contract-wearables';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { displayUnit, formatDateTime, formatValue } from '../format/display-format';
import { wearableAgeText } from './wearable-words';
import './wearables.css';

export function WearableHistory({ api, now = Date.now }: { api: StationApi; now?: () => number }) {
  const [readings, setReadings] = useState<readonly WearableReading[] | null>(null);
  useEffect(() => {
    let current = true;
    const load = () =>
      api.invoke('getWearableReadings', undefined).then(
        ({ readings: rows }) => current && setReadings(rows),
        () => undefined, // locked meanwhile: the lock screen is on its way
      );
    void load();
    // An import finishing announces the new state: read the readings again.
    const stop = api.on('wearable', () => void load());
    return () => {
      current = false;
      stop();
    };
  }, [api]);
  if (readings === null || readings.length === 0) return null;
  const at = now();
  return (
    <section className="wearable-history" aria-labelledby="wearable-history-heading" data-role="wearable-readings" data-count={readings.length}>
      <h2 id="wearable-history-heading" className="panel-heading">
        From the patient’s watch (not used for alarms)
      </h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Value</th>
            <th scope="col">Watch time</th>
            <th scope="col">Age</th>
          </tr>
        </thead>
        <tbody>
          {readings.map((reading) => (
            <tr key={reading.id} data-wearable-metric={reading.metric}>
              <th scope="row">{METRIC_DEFINITIONS[reading.metric].label}</th>
              <td>
                {formatValue(reading.metric, reading.value, reading.unit)} {displayUnit(reading.metric, reading.unit)}
              </td>
              <td>{formatDateTime(reading.takenAt)}</td>
              <td data-role="wearable-age">{wearableAgeText(at - reading.takenAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
