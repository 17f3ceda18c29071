/** Labels for NEWS2 inputs, parameters, risks and refusals, in the words of the RCP chart. */
import type { News2AssessmentPayload } from '../../shared/contract-clinical';
import type { ConsciousnessLevel, News2Parameter } from '../../shared/clinical/news2';

export const PARAMETER_LABELS: Record<News2Parameter, string> = {
  respiratoryRate: 'Respiration rate',
  spo2: 'SpO₂',
  airOrOxygen: 'Air or oxygen?',
  systolic: 'Systolic BP',
  pulse: 'Pulse',
  consciousness: 'Consciousness',
  temperature: 'Temperature',
};

type InputName = Extract<News2AssessmentPayload, { ok: false }>['problems'][number]['input'];

export const INPUT_LABELS: Record<InputName, string> = {
  respiratoryRate: 'respiration rate',
  spo2: 'SpO₂',
  spo2Scale: 'SpO₂ scale',
  onOxygen: 'air or oxygen',
  systolic: 'systolic BP',
  pulse: 'pulse',
  consciousness: 'consciousness (ACVPU)',
  temperature: 'temperature',
};

export { RISK_WORDS } from '../../shared/clinical-words';

export const CONSCIOUSNESS_WORDS: Record<ConsciousnessLevel, string> = {
  A: 'A: Alert',
  C: 'C: New confusion',
  V: 'V: Responds to voice',
  P: 'P: Responds to pain',
  U: 'U: Unresponsive',
};
