import { METRIC_DEFINITIONS, type Metric } from '../../shared/vitals';
import type { TileView } from '../station/station-model';
import { displayUnit, formatAge, formatClock, formatDeviceTime, formatValue } from '../format/display-format';

const BLOOD_PRESSURE: readonly Metric[] = ['systolic', 'diastolic', 'meanArterialPressure'];
const PRIMARY: readonly Metric[] = ['spo2', 'pulseRate'];
const STATE_WORDS = { stale: 'Stale', invalid: 'Invalid' } as const;

/** `ageAt`: station time to show each value's age against (the clinician's page, where data travels). */
export function VitalTiles({ tiles, ageAt }: { tiles: readonly TileView[]; ageAt?: number }) {
  const byMetric = new Map(tiles.map((tile) => [tile.metric, tile]));
  const tileOf = (metric: Metric): TileView => byMetric.get(metric) ?? { metric, state: 'absent', entry: null, reason: 'No reading yet', caution: null };
  const others = tiles.filter((tile) => !PRIMARY.includes(tile.metric) && !BLOOD_PRESSURE.includes(tile.metric));
  return (
    <div className="tiles">
      {PRIMARY.map((metric) => (
        <VitalTile key={metric} tile={tileOf(metric)} size="large" ageAt={ageAt} />
      ))}
      <section className="tile-group" aria-labelledby="bp-heading">
        <h3 id="bp-heading" className="tile-group-label">
          Blood pressure
        </h3>
        <div className="tile-group-members">
          {BLOOD_PRESSURE.map((metric) => (
            <VitalTile key={metric} tile={tileOf(metric)} size="member" ageAt={ageAt} />
          ))}
        </div>
      </section>
      {others.map((tile) => (
        <VitalTile key={tile.metric} tile={tile} size="small" ageAt={ageAt} />
      ))}
    </div>
  );
}

function VitalTile({ tile, size, ageAt }: { tile: TileView; size: 'large' | 'small' | 'member'; ageAt: number | undefined }) {
  const definition = METRIC_DEFINITIONS[tile.metric];
  const reading = tile.entry?.reading ?? null;
  const unit = reading?.unit ?? definition.units[0]!;
  // Only live and stale tiles carry a number; a stale one is marked, an invalid one shows none.
  const value = reading && (tile.state === 'live' || tile.state === 'stale') ? formatValue(tile.metric, reading.value, unit) : '---';
  const labelId = `tile-label-${tile.metric}`;
  return (
    <article className={`tile tile-${size}`} data-metric={tile.metric} data-state={tile.state} aria-labelledby={labelId}>
      <header className="tile-header">
        <h3 id={labelId} className="tile-label">
          {definition.label}
        </h3>
        {tile.state === 'stale' || tile.state === 'invalid' ? <span className={`tile-badge badge-${tile.state}`}>{STATE_WORDS[tile.state]}</span> : null}
      </header>
      <p className="tile-reading">
        <span className="tile-value" data-role="value">
          {value}
        </span>{' '}
        <span className="tile-unit" data-role="unit" data-ucum={unit}>
          {displayUnit(tile.metric, unit)}
        </span>
      </p>
      <p className="tile-detail">
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
