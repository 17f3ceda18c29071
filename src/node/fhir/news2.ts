/**
 * NEWS2 as Observations: what staff charted by hand (performer: who charted it) and each score,
 * derived from the charted observations and device readings it used.
 */
import type { Observation, Reference } from '@medplum/fhirtypes';
import { LOINC_SYSTEM, METRIC_DEFINITIONS, type Coding } from '../../shared/vitals';
import type { StoredNews2Charted, StoredNews2Score } from '../records/store';
import { SNOMED_SYSTEM, ucumQuantity } from './codes';
import type { ResourceLinks } from './links';
import { observationBase } from './observations';

/**
 * ACVPU as SNOMED CT findings, where the sources agree: 248234008 alert, 450847001 responds to
 * pain and 422768004 unresponsive are in both the IHE mPSC ValueSet Level.Of.Responsiveness.AVPU.VS
 * and the PH Road Safety IG's SILPH-LevelofConsciousness ValueSet. For V the two disagree
 * (255373000 "Verbal" vs 300202002 "Voice") and new confusion (C) is in neither, so those two go
 * out as text only rather than with a code we could not verify.
 */
const ACVPU_SNOMED: Partial<Record<string, Coding>> = {
  A: { system: SNOMED_SYSTEM, code: '248234008', display: 'Mentally alert' },
  P: { system: SNOMED_SYSTEM, code: '450847001', display: 'Responds to pain' },
  U: { system: SNOMED_SYSTEM, code: '422768004', display: 'Unresponsive' },
};
const ACVPU_TEXT: Record<string, string> = { A: 'Alert', C: 'New confusion', V: 'Responds to voice', P: 'Responds to pain', U: 'Unresponsive' };

/**
 * LOINC 80288-4 "Level of consciousness", as HL7 Denmark's DK Core example Observation
 * MaxConsciousness codes an AVPU finding. No LOINC code for "on supplemental oxygen (yes/no)" or
 * for the Scale 2 prescription could be verified (3150-0 and 3151-8 are inhaled oxygen
 * concentration and flow, not whether oxygen is given), so those carry text only.
 */
const LEVEL_OF_CONSCIOUSNESS: Coding = { system: LOINC_SYSTEM, code: '80288-4', display: 'Level of consciousness' };

/** A charted NEWS2 observation, performed by who charted it. */
export function chartedObservation(charted: StoredNews2Charted, links: ResourceLinks): Observation & { id: string } {
  const effective = new Date(charted.enteredAt).toISOString();
  const head = { kind: 'news2-charted', recordId: charted.id, effective, patientId: charted.patientId, visitId: charted.visitId } as const;
  const performer = { performer: [links.person(charted.enteredBy)] };
  switch (charted.kind) {
    case 'respiratoryRate':
      // Counted by a person: the LOINC code only, no device (MDC) code.
      return {
        ...observationBase(links, { ...head, category: 'vital-signs', profile: 'resprate' }),
        ...performer,
        code: { coding: [...METRIC_DEFINITIONS.respiratoryRate.loinc] },
        valueQuantity: ucumQuantity(Number(charted.value), '/min'),
      };
    case 'consciousness': {
      const level = String(charted.value);
      const snomed = ACVPU_SNOMED[level];
      return {
        ...observationBase(links, { ...head, category: 'exam', profile: null }),
        ...performer,
        code: { coding: [LEVEL_OF_CONSCIOUSNESS], text: 'Level of consciousness (ACVPU)' },
        valueCodeableConcept: { ...(snomed ? { coding: [snomed] } : {}), text: `${level}: ${ACVPU_TEXT[level] ?? level}` },
      };
    }
    case 'onOxygen':
      return { ...observationBase(links, { ...head, category: 'exam', profile: null }), ...performer, code: { text: 'On supplemental oxygen (NEWS2 air or oxygen)' }, valueBoolean: charted.value === true };
    case 'spo2Scale2':
      return { ...observationBase(links, { ...head, category: 'exam', profile: null }), ...performer, code: { text: 'SpO2 Scale 2 prescribed (NEWS2)' }, valueBoolean: charted.value === true };
  }
}

/**
 * SNOMED CT 1104051000000101, the code of the NEWS2 Observation of the UK Core profiles (issue 10);
 * its display is left out rather than guessed (the UK edition's preferred term was not checked here).
 */
const NEWS2_TOTAL = { system: SNOMED_SYSTEM, code: '1104051000000101' };
const NEWS2_PARAMETER_TEXT: Record<string, string> = {
  respiratoryRate: 'respiration rate',
  spo2: 'oxygen saturation',
  airOrOxygen: 'air or oxygen',
  systolic: 'systolic blood pressure',
  pulse: 'pulse rate',
  consciousness: 'level of consciousness',
  temperature: 'temperature',
};

/** How to point at a score's inputs: an entry of the same bundle by its urn:uuid, one sent in another batch by its identifier. */
export interface News2InputRefs {
  charted(chartedId: string): Reference<Observation>;
  /** The Observation a device reading became; undefined when that reading is no longer in the records. */
  reading(readingId: number): Reference<Observation> | undefined;
}

/**
 * A NEWS2 result: the total as the value, each parameter's sub-score a component, derived from
 * the charted observations and the device readings it used.
 */
export function news2ScoreObservation(score: StoredNews2Score, links: ResourceLinks, inputs: News2InputRefs): Observation & { id: string } {
  const derivedFrom = [...score.chartedInputs.map((id) => inputs.charted(id)), ...score.readingInputs.flatMap((id) => inputs.reading(id) ?? [])];
  return {
    ...observationBase(links, { kind: 'news2-score', recordId: score.id, effective: new Date(score.scoredAt).toISOString(), category: 'survey', profile: null, patientId: score.patientId, visitId: score.visitId }),
    code: { coding: [NEWS2_TOTAL], text: 'NEWS2 total score' },
    valueInteger: score.total,
    interpretation: [{ text: `${score.risk} clinical risk` }],
    // No SNOMED codes for the sub-scores could be verified here: each is named in text.
    component: Object.entries(score.scores).map(([parameter, value]) => ({ code: { text: `NEWS2 ${NEWS2_PARAMETER_TEXT[parameter] ?? parameter} sub-score` }, valueInteger: value })),
    ...(derivedFrom.length > 0 ? { derivedFrom } : {}),
  };
}
