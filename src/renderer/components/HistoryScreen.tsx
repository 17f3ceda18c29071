import { useCallback, useEffect, useState } from 'react';
import type { MetricLimits } from '../../shared/clinical/alarm-limits';
import type { HistoryCursor, StationApi, StationReading } from '../../shared/contract';
import { METRICS, METRIC_DEFINITIONS, type Metric } from '../../shared/vitals';
import { failureText, isForbidden } from '../access/failure-text';
import type { StationStore } from '../station/station-store';
import type { ReadingEntry } from '../station/station-model';
import { displayUnit, formatClock, formatClockMinutes, formatDate, formatValue } from '../format/display-format';
import { flowsheetColumns, flowsheetRows, type FlowsheetCell, type FlowsheetRow } from './flowsheet';
import { mergeHistory } from './session-history';
import { TrendChart } from './TrendChart';
import { bandLimits, chartedUnit, panelTrend, TREND_PANELS, TREND_WINDOWS, windowBounds, type TrendWindowId } from './trend-model';

/** Readings asked of the records at a time. */
const HISTORY_PAGE = 500;
/** Pages loaded by themselves to fill a long window (20,000 readings, about 2 h of oximetry); more on request. */
const AUTO_PAGES = 40;
const MINUTE_MS = 60_000;

interface RecordedHistory {
  readings: readonly StationReading[];
  /** Where the older readings start; null once all are loaded. */
  next: HistoryCursor | null;
  pages: number;
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
        setRecorded({ ...page, pages: 1 });
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
      setRecorded((earlier) => ({ readings: [...(earlier?.readings ?? []), ...page.readings], next: page.next, pages: (earlier?.pages ?? 0) + 1 }));
      setProblem(null);
    } catch (failure) {
      showFailure(failure);
    } finally {
      setLoading(false);
    }
  };

  return { recorded, problem, loading, loadEarlier };
}

function PressedButton({ pressed, onClick, children, ...hooks }: { pressed: boolean; onClick: () => void; children: string } & Record<`data-${string}`, string>) {
  return (
    <button type="button" className="history-choice" aria-pressed={pressed} onClick={onClick} {...hooks}>
      {children}
    </button>
  );
}

function CellText({ metric, cell, row }: { metric: Metric; cell: FlowsheetCell; row: FlowsheetRow }) {
  const unit = chartedUnit(metric);
  const shown = (value: number) => formatValue(metric, value, unit);
  if (row.kind === 'spot' || cell.min === cell.max) return <>{shown(cell.value)}</>;
  return (
    <>
      {shown(cell.value)} <span className="flowsheet-range" data-role="min-max">{`${shown(cell.min)}–${shown(cell.max)}`}</span>
    </>
  );
}

/** Rows of another day than `now` carry their date (a cuff's memory can hold readings from years ago). */
function Flowsheet({ rows, now }: { rows: readonly FlowsheetRow[]; now: number }) {
  const columns = flowsheetColumns(rows);
  const today = formatDate(now);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="readings-heading">
      <table className="readings-table flowsheet" data-role="history-table">
        <caption className="flowsheet-note">Readings, newest first: oximetry as the median of each minute with its lowest–highest, spot measurements each in a row of their own.</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            {columns.map((metric) => (
              <th scope="col" key={metric} className="numeric" data-history-metric={metric}>
                {METRIC_DEFINITIONS[metric].label} ({displayUnit(metric, chartedUnit(metric))})
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.kind}-${row.at}-${columns.find((metric) => row.cells[metric]) ?? ''}`} data-row-kind={row.kind} className={`flowsheet-${row.kind}`}>
              <th scope="row">
                {formatDate(row.at) === today ? '' : `${formatDate(row.at)} `}
                {row.kind === 'minute' ? `${formatClockMinutes(row.at)} (per min)` : formatClock(row.at)}
              </th>
              {columns.map((metric) => {
                const cell = row.cells[metric];
                return (
                  <td key={metric} className="numeric" data-history-metric={metric}>
                    {cell ? <CellText metric={metric} cell={cell} row={row} /> : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Session readings (the current encounter's, from the records and live) as trend charts or a flowsheet, over a chosen window. */
export function HistoryScreen({ store, api, limits }: { store: StationStore; api: StationApi; limits: Partial<Record<Metric, MetricLimits>> | null }) {
  const { recorded, problem, loading, loadEarlier } = useRecordedHistory(api);
  const [windowId, setWindowId] = useState<TrendWindowId>('1h');
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const [hidden, setHidden] = useState<ReadonlySet<Metric>>(new Set());

  const byMetric = new Map(METRICS.map((metric) => [metric, mergeHistory(recorded?.readings ?? [], store.history(metric), metric)] as const));
  const all: ReadingEntry[] = [...byMetric.values()].flat();
  const measured = METRICS.filter((metric) => byMetric.get(metric)!.length > 0);
  const earliest = all.length === 0 ? null : Math.min(...all.map((entry) => entry.measuredAt));
  // The axis ends at the next whole minute, so a chart is set up again once a minute, not on every reading.
  const now = Math.ceil(store.stationNow() / MINUTE_MS) * MINUTE_MS;
  const window = windowBounds(windowId, now, earliest);
  const missingEarlier = recorded?.next != null && (windowId === 'encounter' || earliest === null || window.from < earliest);

  useEffect(() => {
    if (missingEarlier && !loading && recorded !== null && recorded.pages < AUTO_PAGES) void loadEarlier();
  });

  const shown = new Set(measured.filter((metric) => !hidden.has(metric)));
  const status = (
    <div className="history-status" data-role="history-status" data-loaded={recorded?.readings.length ?? 0}>
      {problem && <p role="alert">{problem}</p>}
      {missingEarlier && earliest !== null && <p>Shown from {formatClock(earliest)}; earlier readings of this window are not loaded yet.</p>}
      {recorded?.next && (
        <button type="button" data-action="load-earlier-history" disabled={loading} onClick={() => void loadEarlier()}>
          Load earlier readings
        </button>
      )}
    </div>
  );

  if (measured.length === 0) {
    return (
      <>
        <p className="history-empty">{recorded === null && problem === null ? 'Loading the recorded readings…' : 'No readings in this session yet.'}</p>
        {status}
      </>
    );
  }
  const panels = TREND_PANELS.map((panel) => ({ panel, trend: panelTrend({ ...panel, metrics: panel.metrics.filter((metric) => shown.has(metric)) }, byMetric, window.from, window.to) }));
  const rows = view === 'table' ? flowsheetRows(all, shown, window.from, window.to) : [];
  return (
    <section className="trends history-view" aria-labelledby="readings-heading">
      <div className="history-controls">
        <h2 id="readings-heading" className="panel-heading">
          {view === 'chart' ? 'Trends' : 'Flowsheet'} · {formatDate(window.to)}
        </h2>
        <div role="group" aria-label="Time window" className="history-choices">
          {TREND_WINDOWS.map(({ id, label }) => (
            <PressedButton key={id} pressed={windowId === id} onClick={() => setWindowId(id)} data-action="history-window" data-window={id}>
              {label}
            </PressedButton>
          ))}
        </div>
        <div role="group" aria-label="View" className="history-choices">
          <PressedButton pressed={view === 'chart'} onClick={() => setView('chart')} data-action="history-view" data-view="chart">
            Chart
          </PressedButton>
          <PressedButton pressed={view === 'table'} onClick={() => setView('table')} data-action="history-view" data-view="table">
            Table
          </PressedButton>
        </div>
        <fieldset className="history-filter">
          <legend>Parameters</legend>
          {measured.map((metric) => (
            <label key={metric}>
              <input
                type="checkbox"
                checked={!hidden.has(metric)}
                data-action="history-filter"
                data-history-metric={metric}
                onChange={(event) => {
                  const next = new Set(hidden);
                  if (event.target.checked) next.delete(metric);
                  else next.add(metric);
                  setHidden(next);
                }}
              />{' '}
              {METRIC_DEFINITIONS[metric].label}
            </label>
          ))}
        </fieldset>
      </div>
      {view === 'chart' ? (
        // Focusable: below the patient banner a small screen scrolls the charts, and a keyboard must reach them too.
        <div className="trend-grid" data-role="history-charts" tabIndex={0} role="region" aria-label="Trend charts">
          {panels.map(({ panel, trend }) => trend && <TrendChart key={panel.id} panel={panel} trend={trend} window={window} band={bandLimits(trend, limits)} />)}
          {panels.every(({ trend }) => trend === null) && <p className="history-empty">No readings in this window.</p>}
        </div>
      ) : rows.length > 0 ? (
        <Flowsheet rows={rows} now={window.to} />
      ) : (
        <p className="history-empty">No readings in this window.</p>
      )}
      {status}
    </section>
  );
}
