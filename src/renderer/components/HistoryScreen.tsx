import { METRICS, METRIC_DEFINITIONS } from '../../shared/vitals';
import type { StationStore } from '../station/station-store';
import type { ReadingEntry } from '../station/station-model';
import { displayUnit, formatClock, formatDeviceTime, formatValue } from '../format/display-format';
import { TrendChart } from './TrendChart';

/** Rows in the readings table; the trends cover the whole session. */
const TABLE_ROWS = 200;

/** Session readings: a trend per metric and the latest readings as a table. */
export function HistoryScreen({ store }: { store: StationStore }) {
  const withData = METRICS.filter((metric) => store.history(metric).length > 0);
  const rows: ReadingEntry[] = withData
    .flatMap((metric) => store.history(metric))
    .sort((a, b) => b.measuredAt - a.measuredAt)
    .slice(0, TABLE_ROWS);
  const deviceNames = new Map(store.getView().devices.map((device) => [device.id, device.name]));

  if (withData.length === 0) {
    return <p className="history-empty">No readings in this session yet.</p>;
  }
  return (
    <>
      <section className="trends" aria-labelledby="trends-heading">
        <h2 id="trends-heading" className="panel-heading">
          Trends
        </h2>
        <div className="trend-grid">
          {withData.map((metric) => (
            <TrendChart key={metric} metric={metric} entries={store.history(metric)} />
          ))}
        </div>
      </section>
      <section className="readings" aria-labelledby="readings-heading">
        <h2 id="readings-heading" className="panel-heading">
          Readings (latest {rows.length})
        </h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="readings-heading">
          <table className="readings-table">
            <thead>
              <tr>
                <th scope="col">Measured</th>
                <th scope="col">Vital sign</th>
                <th scope="col" className="numeric">
                  Value
                </th>
                <th scope="col">Unit</th>
                <th scope="col">Device</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ reading, measuredAt }) => (
                <tr key={`${reading.deviceId}/${reading.metric}/${reading.seq}`} data-history-metric={reading.metric}>
                  <td>{reading.deviceTime === null ? formatClock(measuredAt) : `${formatDeviceTime(reading.deviceTime)} (device clock)`}</td>
                  <td>{METRIC_DEFINITIONS[reading.metric].label}</td>
                  <td className="numeric">{formatValue(reading.metric, reading.value, reading.unit)}</td>
                  <td>{displayUnit(reading.metric, reading.unit)}</td>
                  <td>{deviceNames.get(reading.deviceId) ?? reading.deviceId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
