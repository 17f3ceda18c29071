/**
 * "Insert current vitals": the patient's current values and NEWS2 as a plain-text table for the
 * note's findings, as the tiles show them: the same labels, units, decimals and times
 * (../format/display-format.ts), a stale value marked stale, an invalid or absent one left out
 * (never written down as current). Plain text in a monospace field, so it reads the same on the
 * station, the clinician page and in the records.
 */
import type { News2StatePayload } from '../../shared/contract-clinical';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { displayUnit, formatClock, formatDeviceTime, formatValue } from '../format/display-format';
import { oldestInputAt } from '../news2/news2-summary';
import { RISK_WORDS } from '../news2/news2-words';
import type { TileView } from '../station/station-model';

interface Row {
  label: string;
  value: string;
  time: string;
}

function tileRow(tile: TileView): Row | null {
  const entry = tile.entry;
  if (entry === null || (tile.state !== 'live' && tile.state !== 'stale')) return null;
  const { reading } = entry;
  const value = `${formatValue(tile.metric, reading.value, reading.unit)} ${displayUnit(tile.metric, reading.unit)}${tile.state === 'stale' ? ' (stale)' : ''}`;
  const time = reading.deviceTime === null ? formatClock(entry.measuredAt) : `${formatDeviceTime(reading.deviceTime)} (device clock)`;
  return { label: METRIC_DEFINITIONS[tile.metric].label, value, time };
}

function news2Row(news2: News2StatePayload | null): Row | null {
  const assessment = news2?.assessment;
  if (!assessment) return null;
  if (!assessment.ok) return { label: 'NEWS2', value: 'cannot be scored', time: `${assessment.problems.length} input(s) missing or too old` };
  const oldest = oldestInputAt(assessment);
  return { label: 'NEWS2', value: `${assessment.result.total} (${RISK_WORDS[assessment.result.risk]})`, time: oldest === null ? '' : `inputs from ${formatClock(oldest)}` };
}

/** The table, or null when there is nothing current to insert. `now` is the station's time of insertion. */
export function vitalsTableText(tiles: readonly TileView[], news2: News2StatePayload | null, now: number): string | null {
  const rows = [...tiles.map(tileRow), news2Row(news2)].filter((row): row is Row => row !== null);
  if (rows.length === 0) return null;
  const header: Row = { label: 'Vital sign', value: 'Value', time: 'Measured' };
  const all = [header, ...rows];
  const labelWidth = Math.max(...all.map((row) => row.label.length));
  const valueWidth = Math.max(...all.map((row) => row.value.length));
  const line = (row: Row) => `${row.label.padEnd(labelWidth)}  ${row.value.padEnd(valueWidth)}  ${row.time}`.trimEnd();
  return [`Vitals at ${formatClock(now)}:`, ...all.map(line)].join('\n');
}
