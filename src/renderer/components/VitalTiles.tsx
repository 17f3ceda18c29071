import { Fragment, type ReactNode } from 'react';
import { METRIC_DEFINITIONS, type Metric } from '../../shared/vitals';
import type { TileView } from '../station/station-model';
import { displayUnit, formatAge, formatClock, formatDeviceTime, formatValue, shownUnit, shownValue } from '../format/display-format';
import { alarmLampStyle, tileAlarmOf, tileLimitsOf, type TileAlarm, type TileAlarmState, type TileLimits } from '../alarms/tile-alarm';
import { PRIORITY_WORDS } from '../alarms/alarm-words';
import { BLOOD_PRESSURE_PARTS, isBloodPressurePart } from '../../shared/blood-pressure';
import type { TileSlot } from '../station/tile-visibility';

const PRIMARY: readonly Metric[] = ['spo2', 'pulseRate'];
const STATE_WORDS = { stale: 'Stale', invalid: 'Invalid' } as const;

/**
 * `ageAt`: station time to show each value's age against (the clinician's page, where data travels).
 * `alarmState`: the station's alarms and limits, so each tile shows its parameter's alarm and limits.
 * `after`: a further tile-sized item (the monitor's NEWS2 summary): at the end of the grid, or at `summary` in `slots`.
 * `slots`: the tiles to show, in their places (the monitor, tile-visibility.ts); without it, SpO₂,
 * pulse and blood pressure always, then every tile given.
 */
export function VitalTiles({
  tiles,
  ageAt,
  alarmState = null,
  after,
  slots,
}: {
  tiles: readonly TileView[];
  ageAt?: number;
  alarmState?: TileAlarmState | null;
  after?: ReactNode;
  slots?: readonly TileSlot[];
}) {
  const byMetric = new Map(tiles.map((tile) => [tile.metric, tile]));
  const tileOf = (metric: Metric): TileView => byMetric.get(metric) ?? { metric, state: 'absent', entry: null, reason: 'No reading yet', caution: null };
  const others = tiles.filter((tile) => !PRIMARY.includes(tile.metric) && !isBloodPressurePart(tile.metric)).map((tile) => tile.metric);
  const placed: readonly TileSlot[] = slots ?? [...PRIMARY, 'bloodPressure', ...others, 'summary'];
  return (
    <div className="tiles">
      {placed.map((slot) =>
        slot === 'summary' ? (
          <Fragment key={slot}>{after}</Fragment>
        ) : slot === 'bloodPressure' ? (
          <section key={slot} className="tile-group" aria-labelledby="bp-heading">
            <h3 id="bp-heading" className="tile-group-label">
              Blood pressure
            </h3>
            <div className="tile-group-members">
              {BLOOD_PRESSURE_PARTS.map((metric) => (
                <VitalTile key={metric} tile={tileOf(metric)} size="member" ageAt={ageAt} alarmState={alarmState} />
              ))}
            </div>
          </section>
        ) : (
          <VitalTile key={slot} tile={tileOf(slot)} size={PRIMARY.includes(slot) ? 'large' : 'small'} ageAt={ageAt} alarmState={alarmState} />
        ),
      )}
    </div>
  );
}

interface VitalTileProps {
  tile: TileView;
  size: 'large' | 'small' | 'member';
  ageAt: number | undefined;
  alarmState: TileAlarmState | null;
}

function VitalTile({ tile, size, ageAt, alarmState }: VitalTileProps) {
  const definition = METRIC_DEFINITIONS[tile.metric];
  const reading = tile.entry?.reading ?? null;
  // In the station's display unit for the metric (settings devices.displayUnits), else the device's.
  const shown = reading ? shownValue(tile.metric, reading.value, reading.unit) : null;
  const unit = shown?.unit ?? shownUnit(tile.metric, definition.units[0]!);
  // Only live and stale tiles carry a number; a stale one is marked, an invalid one shows none.
  const value = shown && (tile.state === 'live' || tile.state === 'stale') ? formatValue(tile.metric, shown.value, unit) : '---';
  const labelId = `tile-label-${tile.metric}`;
  const alarm = tileAlarmOf(tile.metric, alarmState);
  const limits = tileLimitsOf(tile.metric, alarmState);
  const lamp = alarm ? alarmLampStyle(alarm.visual, alarm.acknowledged) : null;
  return (
    <article
      className={`tile tile-${size}${alarm ? ` tile-in-alarm alarm-${alarm.priority}` : ''}`}
      style={lamp?.style}
      data-metric={tile.metric}
      data-state={tile.state}
      data-alarm-priority={alarm?.priority}
      data-alarm-acknowledged={alarm ? alarm.acknowledged : undefined}
      aria-labelledby={labelId}
    >
      {lamp ? <span className={`alarm-lamp tile-alarm-lamp${lamp.flashing ? ' alarm-lamp-flashing' : ''}`} style={lamp.style} data-role="alarm-lamp" aria-hidden="true" /> : null}
      <header className="tile-header">
        <h3 id={labelId} className="tile-label">
          {definition.label}
        </h3>
        {alarm ? <TileAlarmChip alarm={alarm} /> : null}
        {tile.state === 'stale' || tile.state === 'invalid' ? <span className={`tile-badge badge-${tile.state}`}>{STATE_WORDS[tile.state]}</span> : null}
      </header>
      <p className="tile-reading">
        <span className="tile-value" data-role="value">
          {value}
        </span>{' '}
        <span className="tile-unit" data-role="unit" data-ucum={unit}>
          {displayUnit(tile.metric, unit)}
        </span>
        {limits ? <LimitsBeside metric={tile.metric} limits={limits} /> : null}
      </p>
      <p className="tile-detail" data-role="detail">
        {tile.reason ?? tile.caution ?? ''}
        {tile.entry ? <MeasuredAt entry={tile.entry} /> : null}
        {tile.entry && ageAt !== undefined ? (
          <span className="tile-age" data-role="age">
            {formatAge(ageAt - tile.entry.measuredAt)}
          </span>
        ) : null}
      </p>
    </article>
  );
}

function MeasuredAt({ entry }: { entry: NonNullable<TileView['entry']> }) {
  const deviceTime = entry.reading.deviceTime;
  return (
    <span className="tile-time">
      {deviceTime === null ? (
        <time dateTime={new Date(entry.measuredAt).toISOString()}>{formatClock(entry.measuredAt)}</time>
      ) : (
        <>
          <time dateTime={deviceTime}>{formatDeviceTime(deviceTime)}</time> (device clock)
        </>
      )}
    </span>
  );
}

function TileAlarmChip({ alarm }: { alarm: TileAlarm }) {
  return (
    <span className="alarm-priority tile-alarm-chip" data-role="tile-alarm">
      <span aria-hidden="true">{alarm.visual.marker} </span>
      {alarm.acknowledged ? 'Acknowledged' : PRIORITY_WORDS[alarm.priority]}
    </span>
  );
}

/** The alarm limits, high over low as on a bedside monitor: kept in the metric's canonical unit (alarm-limits.ts), shown in the tile's. */
function LimitsBeside({ metric, limits }: { metric: Metric; limits: TileLimits }) {
  const canonical = METRIC_DEFINITIONS[metric].units[0]!;
  const side = (name: 'high' | 'low') => {
    const limit = limits[name];
    const shown = limit === null ? null : shownValue(metric, limit, canonical);
    return (
      <span className="tile-limit" data-role={`limit-${name}`} data-off={limit === null}>
        <span className="visually-hidden">{name} alarm limit </span>
        {shown === null ? 'alarm off' : formatValue(metric, shown.value, shown.unit)}
      </span>
    );
  };
  return (
    <span className="tile-limits" data-role="alarm-limits">
      {side('high')}
      {side('low')}
    </span>
  );
}
