import { useCallback, useEffect, useState } from 'react';
import type { HistoryCursor, StationApi, StationReading } from '../../shared/contract';
import { METRICS, METRIC_DEFINITIONS } from '../../shared/vitals';
import { failureText, isForbidden } from '../access/failure-text';
import type { StationStore } from '../station/station-store';
import type { ReadingEntry } from '../station/station-model';
import { displayUnit, formatClock, formatDeviceTime, formatValue } from '../format/display-format';
import { mergeHistory, readingKey } from './session-history';
import { TrendChart } from './TrendChart';

/** Rows in the readings table; the trends cover everything loaded. */
const TABLE_ROWS = 200;
/** Readings asked of the records at a time. */
const HISTORY_PAGE = 500;

interface RecordedHistory {
  readings: readonly StationReading[];
  /** Where the older readings start; null once all are loaded. */
  next: HistoryCursor | null;
}

/** The current encounter's readings from the records, newest pages first, and a way to load older ones. */
function useRecordedHistory(api: StationApi) {
  const [recorded, setRecorded] = useState<RecordedHistory | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const fetchPage = useCallback((before: HistoryCursor | null) => api.invoke('getEncounterHistory', { before, limit: HISTORY_PAGE }), [api]);
  const showFailure = (failure: unknown) => {
    // Locked meanwhile: the lock screen is on its way with the access event.
    if (!isForbidden(failure)) setProblem(`The recorded history could not be loaded: ${failureText(failure)}.`);
  };

  useEffect(() => {
    let current = true;
    fetchPage(null).then(
      (page) => {
        if (!current) return;
        setRecorded(page);
        setProblem(null);
      },
      (failure: unknown) => {
        if (current) showFailure(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [fetchPage]);

  const loadEarlier = async () => {
    if (!recorded?.next || loading) return;
    setLoading(true);
    try {
      const page = await fetchPage(recorded.next);
      setRecorded((earlier) => ({ readings: [...(earlier?.readings ?? []), ...page.readings], next: page.next }));
      setProblem(null);
    } catch (failure) {
      showFailure(failure);
    } finally {
      setLoading(false);
    }
  };

  return { recorded, problem, loading, loadEarlier };
}

/** Session readings (the current encounter's, from the records and live): a trend per metric and the latest readings as a table. */
export function HistoryScreen({ store, api }: { store: StationStore; api: StationApi }) {
  const { recorded, problem, loading, loadEarlier } = useRecordedHistory(api);
  const byMetric = METRICS.map((metric) => ({ metric, entries: mergeHistory(recorded?.readings ?? [], store.history(metric), metric) }));
  const withData = byMetric.filter(({ entries }) => entries.length > 0);
  const rows: ReadingEntry[] = withData
    .flatMap(({ entries }) => entries)
    .sort((a, b) => b.measuredAt - a.measuredAt)
    .slice(0, TABLE_ROWS);
  const deviceNames = new Map(store.getView().devices.map((device) => [device.id, device.name]));
  const status = (
    <div className="history-status" data-role="history-status" data-loaded={recorded?.readings.length ?? 0}>
      {problem && <p role="alert">{problem}</p>}
      {recorded?.next && (
        <button type="button" data-action="load-earlier-history" disabled={loading} onClick={() => void loadEarlier()}>
          Load earlier readings
        </button>
      )}
    </div>
  );

  if (withData.length === 0) {
    return (
      <>
        <p className="history-empty">{recorded === null && problem === null ? 'Loading the recorded readings…' : 'No readings in this session yet.'}</p>
        {status}
      </>
    );
  }
  return (
    <>
      <section className="trends" aria-labelledby="trends-heading">
        <h2 id="trends-heading" className="panel-heading">
          Trends
        </h2>
        <div className="trend-grid">
          {withData.map(({ metric, entries }) => (
            <TrendChart key={metric} metric={metric} entries={entries} />
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
                <tr key={readingKey(reading)} data-history-metric={reading.metric}>
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
        {status}
      </section>
    </>
  );
}
