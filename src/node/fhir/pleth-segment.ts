/**
 * One Observation per stored pleth segment (at most 10 s, ../station/persistence/station-recorder.ts),
 * sent only when staff ask for a visit's pleth (issue 12). The samples go as FHIR R4 SampledData:
 * `data` the device's raw integers as recorded, `period` the milliseconds between samples,
 * `dimensions` 1, and `origin` + `factor` × raw giving the sample as a fraction of the device's
 * raw scale (0 at its lowest value, 1 at its highest). A plethysmogram has no physical unit, so
 * the fraction is dimensionless (UCUM `1`, MDC_DIM_DIMLESS): what a receiver can rely on is the
 * shape and where a sample sits on the device's scale, never an absolute amount.
 *
 * Code: MDC_PULS_OXIM_PLETH, term 19380 in partition 2 (SCADA), so 2 × 65536 + 19380 = 150452 by
 * the rule of clinical-references.md section 4; OpenICE (mdpnp) publishes the oximeter pleth as a
 * sample array under this name in MDC_DIM_DIMLESS. No LOINC code is sent: LOINC has none for a
 * raw photoplethysmogram waveform, and a near one (a numeric oximetry result) would misname it.
 */
import type { Observation } from '@medplum/fhirtypes';
import { MDC_SYSTEM } from '../../shared/vitals';
import type { StoredWaveform } from '../records/store';
import { UCUM_SYSTEM } from './codes';
import type { ResourceLinks } from './links';
import { observationBase } from './observations';

export const PLETH_MDC = { system: MDC_SYSTEM, code: '150452', display: 'MDC_PULS_OXIM_PLETH' } as const;

export function plethObservation(segment: StoredWaveform, links: ResourceLinks): Observation & { id: string } {
  if (segment.metric !== 'pleth') throw new Error(`segment ${segment.id} is ${segment.metric}, not pleth`);
  const { scale } = segment;
  // Without the device's scale the raw numbers mean nothing to a receiver (RecordStore.queueVisitPleth never queues such a segment).
  if (scale === null) throw new Error(`pleth segment ${segment.id} has no raw scale`);
  const span = scale.max - scale.min;
  const periodMs = 1_000 / segment.rateHz;
  const base = observationBase(links, {
    kind: 'pleth-segment',
    recordId: segment.id,
    effective: { start: segment.startedAt, end: segment.startedAt + segment.samples.length * periodMs },
    category: 'vital-signs',
    profile: null,
    patientId: segment.patientId,
    visitId: segment.visitId,
    deviceId: segment.deviceId,
  });
  return {
    ...base,
    code: { coding: [{ ...PLETH_MDC }], text: 'Plethysmogram (pulse oximeter)' },
    valueSampledData: {
      // (0 - min), not -min: a scale from 0 would give -0.
      origin: { value: (0 - scale.min) / span, unit: '1', system: UCUM_SYSTEM, code: '1' },
      period: periodMs,
      factor: 1 / span,
      dimensions: 1,
      data: segment.samples.join(' '),
    },
  };
}
