/**
 * What the monitoring screen knows about the station, kept outside React: devices, the newest
 * reading of every metric, the session's history, and the rules that decide whether a number may
 * be shown as current. Pure apart from the times passed in.
 */
import type { DeviceInfo, FrameBatch, Snapshot, StationReading } from '../../shared/contract';
import type { SignalCondition } from '../../shared/readings';
import { METRIC_DEFINITIONS, METRICS, type Metric } from '../../shared/vitals';
import { measuredAtOf } from '../../shared/measured-at';
import { measurableMetrics, TileLayout, type TileSlot } from './tile-visibility';

export { measuredAtOf, parseDeviceTime } from '../../shared/measured-at';

export type TileState = 'live' | 'stale' | 'invalid' | 'absent';

export interface ReadingEntry {
  reading: StationReading;
  /** Station time the value was measured: the device's own time for stored readings, if earlier. */
  measuredAt: number;
  /**
   * Came from a device that was streaming (an oximeter on a finger): such a value is only current
   * while that stream continues, unlike a spot measurement (cuff, thermometer, scale).
   */
  continuous: boolean;
}

export interface TileView {
  metric: Metric;
  state: TileState;
  entry: ReadingEntry | null;
  /** Why the tile is not live, for the person at the screen. */
  reason: string | null;
  /** Signal-quality caveat the device reported on a live value. */
  caution: string | null;
}

/** Conditions under which the device itself says its numbers are not valid. */
const INVALIDATING_CONDITIONS: ReadonlySet<SignalCondition> = new Set(['probe-off', 'searching', 'no-finger', 'over-limit', 'under-zero', 'device-fault']);
const CONDITION_WORDS: Record<SignalCondition, string> = {
  ok: 'Signal OK',
  'probe-off': 'Probe off',
  searching: 'Searching for pulse',
  'no-finger': 'No finger in probe',
  'weak-signal': 'Weak signal',
  motion: 'Motion artefact',
  'over-limit': 'Outside measuring range',
  'low-battery': 'Low battery',
  zero: 'Scale empty',
  'under-zero': 'Below zero: re-zero the scale',
  'device-fault': 'Device fault',
};
/** Conditions that leave the numbers valid but deserve a visible caveat. */
const CAUTION_CONDITIONS: ReadonlySet<SignalCondition> = new Set(['weak-signal', 'motion', 'low-battery']);
export const MAX_HISTORY_PER_METRIC = 3_600;

export function conditionWords(condition: SignalCondition): string {
  return CONDITION_WORDS[condition];
}

/** Reason a reading can never be shown as a valid value, or null when it is plausible. */
function implausibility(reading: StationReading): string | null {
  const definition = METRIC_DEFINITIONS[reading.metric];
  if (!definition.units.includes(reading.unit)) return `Unexpected unit ${reading.unit}`;
  // Plausible limits are stated in the first unit; other units are checked by the device driver.
  if (reading.unit === definition.units[0] && (reading.value < definition.plausible.min || reading.value > definition.plausible.max)) {
    return 'Value outside the physically possible range';
  }
  return null;
}

export class StationModel {
  private devicesById = new Map<string, DeviceInfo>();
  private deviceOrder: DeviceInfo[] = [];
  /** When each device last stopped delivering trustworthy data (unplug, error, probe off). */
  private interruptedAt = new Map<string, number>();
  private latestByMetric = new Map<Metric, ReadingEntry>();
  private historyByMetric = new Map<Metric, ReadingEntry[]>();
  private hasDeviceList = false;
  private alwaysShow: readonly Metric[] = [];
  private readonly layout = new TileLayout();

  get devices(): readonly DeviceInfo[] {
    return this.deviceOrder;
  }

  history(metric: Metric): readonly ReadingEntry[] {
    return this.historyByMetric.get(metric) ?? [];
  }

  applySnapshot(snapshot: Snapshot, now: number): void {
    // A device list that arrived as an event while the snapshot was in flight is the newer one.
    if (!this.hasDeviceList) this.setDevices(snapshot.devices, now);
    this.setAlwaysShow(snapshot.alwaysShow ?? []);
    for (const reading of snapshot.latest) this.addReading(reading);
  }

  setDevices(devices: readonly DeviceInfo[], now: number): void {
    const previous = this.devicesById;
    this.hasDeviceList = true;
    this.devicesById = new Map(devices.map((device) => [device.id, device]));
    this.deviceOrder = [...devices];
    for (const [id, before] of previous) {
      const after = this.devicesById.get(id);
      if (!trustworthy(before)) continue;
      if (!after || !trustworthy(after)) this.interruptedAt.set(id, now);
    }
  }

  /** The station's always-shown parameters (settings), from the snapshot and whenever an administrator changes them. */
  setAlwaysShow(metrics: readonly Metric[]): void {
    this.alwaysShow = metrics;
  }

  applyFrame(frame: FrameBatch): void {
    for (const reading of frame.readings) this.addReading(reading);
  }

  private addReading(reading: StationReading): void {
    const device = this.devicesById.get(reading.deviceId);
    const entry: ReadingEntry = {
      reading,
      measuredAt: measuredAtOf(reading),
      continuous: reading.deviceTime === null && (device?.state === 'streaming' || device?.state === 'probe-off'),
    };
    const history = this.historyByMetric.get(reading.metric) ?? [];
    const duplicate = history.some((old) => old.reading.deviceId === reading.deviceId && old.reading.seq === reading.seq);
    if (duplicate) return;
    history.push(entry);
    if (history.length > MAX_HISTORY_PER_METRIC) history.splice(0, history.length - MAX_HISTORY_PER_METRIC);
    this.historyByMetric.set(reading.metric, history);
    const latest = this.latestByMetric.get(reading.metric);
    // Downloaded memories can arrive after a fresher value; the tile shows the most recent measurement.
    if (!latest || entry.measuredAt >= latest.measuredAt) this.latestByMetric.set(reading.metric, entry);
  }

  tile(metric: Metric, now: number): TileView {
    const entry = this.latestByMetric.get(metric) ?? null;
    if (!entry) return { metric, state: 'absent', entry, reason: 'No reading yet', caution: null };
    const problem = implausibility(entry.reading);
    if (problem) return { metric, state: 'invalid', entry, reason: problem, caution: null };
    const device = this.devicesById.get(entry.reading.deviceId);
    if (entry.continuous) {
      if (!device || device.state === 'disconnected') return { metric, state: 'stale', entry, reason: 'Device disconnected', caution: null };
      if (device.state === 'error') return { metric, state: 'stale', entry, reason: device.reason ?? 'Device error', caution: null };
      if (device.state === 'probe-off' || INVALIDATING_CONDITIONS.has(device.condition)) {
        const condition = device.state === 'probe-off' && device.condition === 'ok' ? 'probe-off' : device.condition;
        return { metric, state: 'invalid', entry, reason: CONDITION_WORDS[condition], caution: null };
      }
      const interrupted = this.interruptedAt.get(device.id);
      if (interrupted !== undefined && entry.reading.receivedAt < interrupted) {
        return { metric, state: 'stale', entry, reason: 'Waiting for a new reading', caution: null };
      }
    }
    if (now - entry.measuredAt > METRIC_DEFINITIONS[metric].staleAfterMs) {
      return { metric, state: 'stale', entry, reason: 'No recent reading', caution: null };
    }
    const caution = entry.continuous && device && CAUTION_CONDITIONS.has(device.condition) ? CONDITION_WORDS[device.condition] : null;
    return { metric, state: 'live', entry, reason: null, caution };
  }

  tiles(now: number): TileView[] {
    return METRICS.map((metric) => this.tile(metric, now));
  }

  /** The monitor's tiles in their places (tile-visibility.ts): what a device measures, what has a value, what the station always shows. */
  monitorSlots(): readonly TileSlot[] {
    return this.layout.arrange(measurableMetrics({ devices: this.deviceOrder, withValue: this.latestByMetric.keys(), alwaysShow: this.alwaysShow }));
  }

  /** The next station time at which a tile turns stale by age alone, or null if none will. */
  nextExpiry(now: number): number | null {
    let next: number | null = null;
    for (const [metric, entry] of this.latestByMetric) {
      // Stale means strictly older than the limit, so the flip is one millisecond past it.
      const flip = entry.measuredAt + METRIC_DEFINITIONS[metric].staleAfterMs + 1;
      if (flip > now && (next === null || flip < next)) next = flip;
    }
    return next;
  }
}

function trustworthy(device: DeviceInfo): boolean {
  return device.state !== 'disconnected' && device.state !== 'error' && device.state !== 'probe-off' && !INVALIDATING_CONDITIONS.has(device.condition);
}
