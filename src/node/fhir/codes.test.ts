import { describe, expect, it } from 'vitest';
import { codeOf, codingsOf, ucumQuantity } from './codes';

// Codes as clinical-references.md and the ISO/IEEE 11073-10101 nomenclature give them, written out here.
const LOINC = 'http://loinc.org';
const MDC = 'urn:iso:std:iso:11073:10101';

describe('the codes of a reading', () => {
  it('carry the LOINC codes and the MDC code of the metric', () => {
    expect(codeOf('spo2', 'pulse-oximeter', '%')).toEqual({
      coding: [
        { system: LOINC, code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
        { system: LOINC, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
        { system: MDC, code: '150456', display: 'MDC_PULS_OXIM_SAT_O2' },
      ],
    });
  });

  it('code a pulse by the device that counted it, and leave the MDC code out when that device is not known', () => {
    expect(codingsOf('pulseRate', 'blood-pressure-cuff', '/min')).toEqual([
      { system: LOINC, code: '8867-4', display: 'Heart rate' },
      { system: MDC, code: '149546', display: 'MDC_PULS_RATE_NON_INV' },
    ]);
    expect(codingsOf('pulseRate', 'pulse-oximeter', '/min').at(-1)).toEqual({ system: MDC, code: '149530', display: 'MDC_PULS_OXIM_PULS_RATE' });
    expect(codingsOf('pulseRate', null, '/min')).toEqual([{ system: LOINC, code: '8867-4', display: 'Heart rate' }]);
  });
});

describe('the LOINC of a glucose, by unit', () => {
  // LOINC table: 41653-7 Glucose MCnc BldC Glucometer (mg/dL), 14743-9 Glucose SCnc BldC Glucometer (mmol/L).
  it('codes a mg/dL glucose as a mass concentration and a mmol/L one as a substance concentration', () => {
    expect(codingsOf('glucose', 'glucometer', 'mg/dL')[0]).toEqual({ system: LOINC, code: '41653-7', display: 'Glucose [Mass/volume] in Capillary blood by Glucometer' });
    expect(codingsOf('glucose', 'glucometer', 'mmol/L')[0]).toEqual({ system: LOINC, code: '14743-9', display: 'Glucose [Moles/volume] in Capillary blood by Glucometer' });
    expect(codingsOf('glucose', 'glucometer', 'mmol/L').map((coding) => coding.code)).toEqual(['14743-9', '160184']);
  });
});

describe('quantities', () => {
  it('are UCUM quantities whose code is the unit', () => {
    expect(ucumQuantity(37.2, 'Cel')).toEqual({ value: 37.2, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' });
  });
});
