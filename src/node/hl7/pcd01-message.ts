/**
 * A batch of readings as one HL7 v2.6 ORU^R01 of the IHE PCD-01 "Communicate PCD Data" transaction
 * (DEC profile), per /work/shared/docs/clinical-references.md section 6 (IHE PCD TF-2, the GE B40
 * conformance pages and the Mindray VS900 sample there):
 *
 *   MSH  version 2.6, ORU^R01^ORU_R01, AL/NE, UNICODE UTF-8, MSH-21 IHE_PCD_001 profile
 *   PID  the patient's identifiers exactly as the FHIR export's Patient has them (../fhir/patient.ts)
 *   PV1  patient class
 *   OBR  one per measurement (a cuff's systolic, diastolic and mean; one instant of an oximeter),
 *        filler order number stable for the batch (the control id and the OBR's place in it)
 *   OBX  one per reading: NM, MDC code (section 4), containment MDS.VMD.CHAN.METRIC in OBX-4, UCUM
 *        unit in OBX-6, R, observation time in OBX-14, equipment in OBX-18
 *
 * Containment (OBX-4): the MDS is the device's place among the batch's devices, one VMD per device,
 * a channel per quantity except blood pressure, whose systolic, diastolic and mean share one channel
 * (the grouped set of PCD-01's NIBP), the metric its place in the channel.
 *
 * Built with @medplum/core's Hl7Message/Hl7Segment (delimiters, serialisation); free text goes
 * through escapeHl7, which that library does not do.
 */
import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import type { Identifier } from '@medplum/fhirtypes';
import { BLOOD_PRESSURE_PARTS, isBloodPressurePart } from '../../shared/blood-pressure';
import { mdcOf, type MdcCode } from '../../shared/vitals';
import { effectiveDateTime } from '../fhir/observations';
import { patientResource } from '../fhir/patient';
import type { StationIds } from '../fhir/stable-ids';
import { isContinuous } from '../records/minute-summaries';
import type { PatientRecord, StoredReading } from '../records/store';
import { escapeHl7, hl7Date, hl7DateTime } from './hl7-text';

export const PCD01_PROFILE = 'IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO';
export const PCD01_MESSAGE_TYPE = 'ORU^R01^ORU_R01';
/** OBR-4, the universal service identifier of device data (the VS900 and B40 samples). */
export const MONITORING_OF_PATIENT = '182777000^monitoring of patient^SCT';
export const SENDING_APPLICATION = 'VitalBridge';

export interface Pcd01Options {
  ids: StationIds;
  /** `records.patientIdentifierSystem`: the system of the clinic's identifier, as in the FHIR export. */
  patientIdentifierSystem: string | null;
}

export interface ReadingBatch {
  /** MSH-10, stable for the batch whatever the attempt, so a receiver can drop a resent copy. */
  controlId: string;
  /** MSH-7: when the batch was formed, not when it is sent, so a resend is the same message. */
  formedAt: number;
  patient: PatientRecord;
  readings: readonly StoredReading[];
}

const SEX: Record<PatientRecord['gender'], string> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };

/** The delimiters of every message the station sends (PCD-01 and PCD-04). */
export const CONTEXT = new Hl7Context();

export function segment(fields: string[]): Hl7Segment {
  return new Hl7Segment(fields, CONTEXT);
}

/** CX with the assigning authority's universal id as a URI (HD subcomponents) and the identifier type (PID-3). */
function cx(identifier: Identifier): string {
  const value = escapeHl7(identifier.value ?? '');
  const authority = identifier.system ? `&${escapeHl7(identifier.system)}&URI` : '';
  const type = identifier.type?.coding?.[0]?.code ?? 'PI';
  return `${value}^^^${authority}^${escapeHl7(type)}`;
}

/** PID of `record`: its identifiers and name exactly as the FHIR export's Patient has them. */
export function patientIdentification(record: PatientRecord, options: Pcd01Options): Hl7Segment {
  const patient = patientResource(record, options.ids, options.patientIdentifierSystem);
  const name = patient.name?.[0];
  const xpn = name ? `${escapeHl7(name.family ?? '')}^${escapeHl7(name.given?.[0] ?? '')}^^^^^L` : '';
  return segment(['PID', '1', '', (patient.identifier ?? []).map(cx).join('~'), '', xpn, '', record.birthDate ? hl7Date(record.birthDate) : '', SEX[record.gender]]);
}

/** PV1: outpatient; the station's visits (at the station, at home, by video) are all ambulatory. */
export function patientVisit(): Hl7Segment {
  return segment(['PV1', '1', 'O']);
}

/** MSH of a message the station sends: HL7 v2.6, accept ACK always, application ACK never (IHE PCD TF-2 for PCD-01 and PCD-04). */
export function messageHeader(messageType: string, profile: string, controlId: string, formedAt: number, options: Pcd01Options): Hl7Segment {
  return segment([
    'MSH',
    CONTEXT.getMsh2(),
    `${SENDING_APPLICATION}^${options.ids.stationId}^L`,
    '',
    '',
    '',
    hl7DateTime(formedAt),
    '',
    messageType,
    controlId,
    'P',
    '2.6',
    '',
    '',
    'AL',
    'NE',
    '',
    'UNICODE UTF-8',
    '',
    '',
    profile,
  ]);
}

/** One measurement: the readings of one device that belong together (one measurement id, else one instant). */
interface Measurement {
  deviceId: string;
  readings: StoredReading[];
}

/**
 * The batch's measurements in order of arrival. The same quantity twice in one measurement is a
 * second measurement (it would repeat an OBX-4 within its OBR), as in the FHIR export's panels.
 */
function measurements(readings: readonly StoredReading[]): Measurement[] {
  const result: Measurement[] = [];
  const open = new Map<string, Measurement>();
  for (const reading of readings) {
    const key = `${reading.deviceId}\u0000${reading.measurementId ?? reading.deviceTime ?? reading.receivedAt}`;
    let measurement = open.get(key);
    if (!measurement || measurement.readings.some((other) => other.metric === reading.metric)) {
      measurement = { deviceId: reading.deviceId, readings: [] };
      open.set(key, measurement);
      result.push(measurement);
    }
    measurement.readings.push(reading);
  }
  return result;
}

/**
 * OBX-4 of each reading, the same path for the same quantity throughout the message: MDS = the
 * device's place among the batch's devices, VMD 1, a channel per quantity in order of first
 * appearance except that the blood-pressure parts share one, metric = place in the channel (the
 * blood-pressure parts in the order systolic, diastolic, mean).
 */
class Containment {
  readonly #devices: string[] = [];
  readonly #channels = new Map<string, string[]>();

  of(reading: StoredReading): string {
    if (!this.#devices.includes(reading.deviceId)) this.#devices.push(reading.deviceId);
    const mds = this.#devices.indexOf(reading.deviceId) + 1;
    const channels = this.#channels.get(reading.deviceId) ?? [];
    this.#channels.set(reading.deviceId, channels);
    const channel = isBloodPressurePart(reading.metric) ? 'blood-pressure' : reading.metric;
    if (!channels.includes(channel)) channels.push(channel);
    const metric = isBloodPressurePart(reading.metric) ? BLOOD_PRESSURE_PARTS.indexOf(reading.metric) + 1 : 1;
    return `${mds}.1.${channels.indexOf(channel) + 1}.${metric}`;
  }
}

/** A measurement's blood-pressure parts first, in the order systolic, diastolic, mean; anything else after them as it came. */
function inReadingOrder(readings: readonly StoredReading[]): StoredReading[] {
  const rank = (reading: StoredReading) => BLOOD_PRESSURE_PARTS.indexOf(reading.metric as (typeof BLOOD_PRESSURE_PARTS)[number]);
  const parts = readings.filter((reading) => isBloodPressurePart(reading.metric)).sort((a, b) => rank(a) - rank(b));
  return [...parts, ...readings.filter((reading) => !isBloodPressurePart(reading.metric))];
}

/** OBX-18: what the record holds of the device, the hub's device key, under the station's namespace. */
export function equipment(deviceId: string, options: Pcd01Options): string {
  return `${escapeHl7(deviceId)}^${SENDING_APPLICATION}^${options.ids.stationId}^L`;
}

function obx(setId: number, reading: StoredReading, mdc: MdcCode, containment: string, options: Pcd01Options): Hl7Segment {
  const fields = ['OBX', String(setId), 'NM', `${mdc.code}^${mdc.refId}^MDC`, containment, String(reading.value), `${reading.unit}^${reading.unit}^UCUM`];
  fields.push('', '', '', '', 'R', '', '', hl7DateTime(effectiveDateTime(reading)), '', '', isContinuous(reading) ? '' : '^APERIODIC', equipment(reading.deviceId, options));
  return segment(fields);
}

/** Readings the catalogue has no MDC code for (a pulse recorded before its device kind was kept) cannot go in PCD-01. */
export function sendableReadings(readings: readonly StoredReading[]): StoredReading[] {
  return readings.filter((reading) => mdcOf(reading.metric, reading.source) !== null);
}

/** The ORU^R01 of `batch`; null when none of its readings has an MDC code. */
export function pcd01Message(batch: ReadingBatch, options: Pcd01Options): Hl7Message | null {
  const readings = sendableReadings(batch.readings);
  if (readings.length === 0) return null;
  const segments = [messageHeader(PCD01_MESSAGE_TYPE, PCD01_PROFILE, batch.controlId, batch.formedAt, options), patientIdentification(batch.patient, options), patientVisit()];
  const containment = new Containment();
  let obxSetId = 0;
  measurements(readings).forEach((measurement, index) => {
    const observedAt = hl7DateTime(effectiveDateTime(measurement.readings[0]!));
    const filler = `${batch.controlId}.${index + 1}^${SENDING_APPLICATION}^${options.ids.stationId}^L`;
    segments.push(segment(['OBR', String(index + 1), '', filler, MONITORING_OF_PATIENT, '', '', observedAt]));
    for (const reading of inReadingOrder(measurement.readings)) {
      const mdc = mdcOf(reading.metric, reading.source)!;
      segments.push(obx(++obxSetId, reading, mdc, containment.of(reading), options));
    }
  });
  return new Hl7Message(segments, CONTEXT);
}
