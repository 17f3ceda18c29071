import { describe, expect, it } from 'vitest';
import { codeOf, codingsOf, ucumQuantity } from './codes';

// Codes as clinical-references.md and the ISO/IEEE 11073-10101 nomenclature give them, written out here.
const LOINC = 'http://loinc.org';
const MDC = 'urn:iso:std:iso:11073:10101';

describe('the codes of a reading', () => {
  it('carry the LOINC codes and the MDC code of the metric', () => {
    expect(codeOf('spo2', 'pulse-oximeter')).toEqual({
      coding: [
        { system: LOINC, code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
        { system: LOINC, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
        { system: MDC, code: '150456', display: 'MDC_PULS_OXIM_SAT_O2' },
      ],
    });
  });

  it('code a pulse by the device that counted it, and leave the MDC code out when that device is not known', () => {
    expect(codingsOf('pulseRate', 'blood-pressure-cuff')).toEqual([
      { system: LOINC, code: '8867-4', display: 'Heart rate' },
      { system: MDC, code: '149546', display: 'MDC_PULS_RATE_NON_INV' },
    ]);
    expect(codingsOf('pulseRate', 'pulse-oximeter').at(-1)).toEqual({ system: MDC, code: '149530', display: 'MDC_PULS_OXIM_PULS_RATE' });
    expect(codingsOf('pulseRate', null)).toEqual([{ system: LOINC, code: '8867-4', display: 'Heart rate' }]);
  });
});

describe('quantities', () => {
  it('are UCUM quantities whose code is the unit', () => {
    expect(ucumQuantity(37.2, 'Cel')).toEqual({ value: 37.2, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' });
  });
});
