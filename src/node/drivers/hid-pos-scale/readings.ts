/**
 * What the station makes of a stream of scale reports (device-protocols.md section 3,
 * "Behaviour"): the first report after opening may be stale and is dropped; a weight is reported
 * only when the scale says it is stable, non-zero and plausible; every change of the scale's state
 * is a status output, so the screen never keeps showing a weight while the scale is in motion,
 * over its limit or empty.
 */
import type { DeviceStatus, DriverOutput } from '../../../shared/readings';
import { METRIC_DEFINITIONS } from '../../../shared/vitals';
import { SCALE_STATUS, decodeScaleReport, inKilograms, type ScaleWeight } from './report';

const PLAUSIBLE_KG = METRIC_DEFINITIONS.bodyWeight.plausible;

const STATUS_CONDITIONS: ReadonlyMap<number, DeviceStatus> = new Map([
  [SCALE_STATUS.fault, { type: 'status', condition: 'device-fault', detail: 'scale fault' }],
  [SCALE_STATUS.stableAtZero, { type: 'status', condition: 'zero' }],
  [SCALE_STATUS.inMotion, { type: 'status', condition: 'motion' }],
  [SCALE_STATUS.underZero, { type: 'status', condition: 'under-zero' }],
  [SCALE_STATUS.overLimit, { type: 'status', condition: 'over-limit' }],
  [SCALE_STATUS.calibrationNeeded, { type: 'status', condition: 'device-fault', detail: 'calibration needed' }],
  [SCALE_STATUS.reZeroNeeded, { type: 'status', condition: 'device-fault', detail: 're-zero needed' }],
]);

export class ScaleReadings {
  private seenFirstDataReport = false;
  private lastStatus: DeviceStatus | null = null;
  private lastWeight: ScaleWeight | null = null;

  /** Outputs for one input report, in order. */
  push(report: Uint8Array): DriverOutput[] {
    const decoded = decodeScaleReport(report);
    if (decoded.kind === 'other') return [];
    if (decoded.kind === 'malformed') return this.enter({ type: 'status', condition: 'device-fault', detail: `unreadable report: ${decoded.reason}` });
    if (!this.seenFirstDataReport) {
      this.seenFirstDataReport = true;
      return [];
    }
    if (decoded.status !== SCALE_STATUS.weightStable) {
      return this.enter(STATUS_CONDITIONS.get(decoded.status) ?? fault(`unknown scale status ${decoded.status}`));
    }
    const { weight } = decoded;
    if ('unsupportedUnit' in weight) return this.enter(fault(`the scale weighs in ${weight.unsupportedUnit}; set it to kg, g, lb or oz`));
    // A stable report of nothing is "zero", whatever number the weight field carries.
    if (weight.value === 0) return this.enter({ type: 'status', condition: 'zero' });
    const kilograms = inKilograms(weight);
    if (!(kilograms > PLAUSIBLE_KG.min && kilograms <= PLAUSIBLE_KG.max)) {
      return this.enter(fault(`implausible weight ${weight.value} ${weight.unit}`));
    }
    const outputs = this.enter({ type: 'status', condition: 'ok', detail: 'stable' });
    if (outputs.length > 0 || this.lastWeight?.value !== weight.value || this.lastWeight.unit !== weight.unit) {
      this.lastWeight = weight;
      outputs.push({ type: 'observation', metric: 'bodyWeight', value: weight.value, unit: weight.unit, time: null });
    }
    return outputs;
  }

  /** The status output for a state change; nothing while the scale stays in the same state. */
  private enter(status: DeviceStatus): DriverOutput[] {
    const previous = this.lastStatus;
    if (status.condition !== 'ok') this.lastWeight = null;
    if (previous && previous.condition === status.condition && previous.detail === status.detail) return [];
    this.lastStatus = status;
    return [{ ...status }];
  }
}

function fault(detail: string): DeviceStatus {
  return { type: 'status', condition: 'device-fault', detail };
}
