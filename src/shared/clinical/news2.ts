/**
 * National Early Warning Score 2 (Royal College of Physicians, 2017), exactly as
 * ../shared/docs/clinical-references.md section 1 transcribes Chart 1 and the aggregate thresholds.
 */
import { z } from 'zod';
import { METRIC_DEFINITIONS } from '../vitals';

export const CONSCIOUSNESS_LEVELS = ['A', 'C', 'V', 'P', 'U'] as const;
export type ConsciousnessLevel = (typeof CONSCIOUSNESS_LEVELS)[number];

/**
 * Accepted ranges are the physically possible ranges of the station's catalogue: anything outside
 * is a typing or decoding error and must be refused, never scored.
 */
function bandedWholeNumber(name: string, metric: keyof typeof METRIC_DEFINITIONS) {
  const { min, max } = METRIC_DEFINITIONS[metric].plausible;
  const unit = METRIC_DEFINITIONS[metric].units[0] ?? '';
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${name} is required` : `${name} must be a number`) })
    // Chart 1 bands are whole numbers; charting records whole numbers, so a fraction is an entry error.
    .int({ error: `${name} must be a whole number (${unit})` })
    .min(min, { error: `${name} must be between ${min} and ${max} ${unit}` })
    .max(max, { error: `${name} must be between ${min} and ${max} ${unit}` });
}

const temperatureRange = METRIC_DEFINITIONS.bodyTemperature.plausible;

export const News2InputSchema = z.strictObject(
  {
    respiratoryRate: bandedWholeNumber('respiratoryRate', 'respiratoryRate'),
    spo2: bandedWholeNumber('spo2', 'spo2'),
    spo2Scale: z.union([z.literal(1), z.literal(2)], {
      error: (issue) => (issue.input === undefined ? 'spo2Scale is required' : 'spo2Scale must be 1 or 2'),
    }),
    onOxygen: z.boolean({
      error: (issue) => (issue.input === undefined ? 'onOxygen is required' : 'onOxygen must be true or false'),
    }),
    systolic: bandedWholeNumber('systolic', 'systolic'),
    pulse: bandedWholeNumber('pulse', 'pulseRate'),
    consciousness: z.enum(CONSCIOUSNESS_LEVELS, {
      error: (issue) =>
        issue.input === undefined ? 'consciousness is required' : `consciousness must be one of ${CONSCIOUSNESS_LEVELS.join(', ')}`,
    }),
    temperature: z
      .number({ error: (issue) => (issue.input === undefined ? 'temperature is required' : 'temperature must be a number') })
      .min(temperatureRange.min, { error: `temperature must be between ${temperatureRange.min} and ${temperatureRange.max} Cel` })
      .max(temperatureRange.max, { error: `temperature must be between ${temperatureRange.min} and ${temperatureRange.max} Cel` }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown input ${issue.keys.join(', ')}` : 'NEWS2 input must be an object') },
);
export type News2Input = z.infer<typeof News2InputSchema>;

export const NEWS2_PARAMETERS = ['respiratoryRate', 'spo2', 'airOrOxygen', 'systolic', 'pulse', 'consciousness', 'temperature'] as const;
export type News2Parameter = (typeof NEWS2_PARAMETERS)[number];
export type News2Scores = Record<News2Parameter, number>;

export const NEWS2_RISKS = ['low', 'low-medium', 'medium', 'high'] as const;
export type News2Risk = (typeof NEWS2_RISKS)[number];

export interface News2ClinicalResponse {
  monitoring: string;
  response: string;
}

export interface News2Result {
  total: number;
  risk: News2Risk;
  scores: News2Scores;
  /** Parameters that scored 3 (the "red score" that makes a total of 1–4 low-medium risk). */
  redScoreParameters: News2Parameter[];
  clinicalResponse: News2ClinicalResponse;
}

export function scoreRespiratoryRate(perMinute: number): number {
  if (perMinute <= 8) return 3;
  if (perMinute <= 11) return 1;
  if (perMinute <= 20) return 0;
  if (perMinute <= 24) return 2;
  return 3;
}

export function scoreSpo2Scale1(percent: number): number {
  if (percent <= 91) return 3;
  if (percent <= 93) return 2;
  if (percent <= 95) return 1;
  return 0;
}

/** Scale 2: ≥93 % is only penalised on oxygen, where it means over-oxygenation of a CO2 retainer. */
export function scoreSpo2Scale2(percent: number, onOxygen: boolean): number {
  if (percent <= 83) return 3;
  if (percent <= 85) return 2;
  if (percent <= 87) return 1;
  if (percent <= 92 || !onOxygen) return 0;
  if (percent <= 94) return 1;
  if (percent <= 96) return 2;
  return 3;
}

export function scoreAirOrOxygen(onOxygen: boolean): number {
  return onOxygen ? 2 : 0;
}

export function scoreSystolic(mmHg: number): number {
  if (mmHg <= 90) return 3;
  if (mmHg <= 100) return 2;
  if (mmHg <= 110) return 1;
  if (mmHg <= 219) return 0;
  return 3;
}

export function scorePulse(perMinute: number): number {
  if (perMinute <= 40) return 3;
  if (perMinute <= 50) return 1;
  if (perMinute <= 90) return 0;
  if (perMinute <= 110) return 1;
  if (perMinute <= 130) return 2;
  return 3;
}

/** New confusion, voice, pain and unresponsive all score 3. */
export function scoreConsciousness(level: ConsciousnessLevel): number {
  return level === 'A' ? 0 : 3;
}

/** Decimal boundaries per the reference: ≤35 →3; ≤36 →1; ≤38 →0; ≤39 →1; above →2 (no 3 on the high side). */
export function scoreTemperature(celsius: number): number {
  if (celsius <= 35) return 3;
  if (celsius <= 36) return 1;
  if (celsius <= 38) return 0;
  if (celsius <= 39) return 1;
  return 2;
}

const CLINICAL_RESPONSES: Record<'zero' | News2Risk, News2ClinicalResponse> = {
  zero: { monitoring: 'Minimum every 12 hours', response: 'Continue routine NEWS2 monitoring.' },
  low: {
    monitoring: 'Minimum every 4–6 hours',
    response: 'Inform the registered nurse, who must assess the patient and decide whether monitoring frequency or escalation of care should change.',
  },
  'low-medium': {
    monitoring: 'Minimum every hour',
    response: 'A single parameter scores 3: the registered nurse informs the medical team for an urgent ward-based doctor review, to decide on escalation of care.',
  },
  medium: {
    monitoring: 'Minimum every hour',
    response: 'Key threshold for urgent response: the registered nurse immediately informs the medical team for an urgent review by a ward doctor or acute team nurse, and considers whether escalation to the critical care team is needed.',
  },
  high: {
    monitoring: 'Continuous monitoring of vital signs',
    response: 'Emergency: the registered nurse immediately informs the medical team; emergency assessment by a clinical team or critical care outreach team with critical care competencies, usually with transfer to a higher level of care.',
  },
};

export function news2Risk(total: number, hasRedScore: boolean): News2Risk {
  if (total >= 7) return 'high';
  if (total >= 5) return 'medium';
  return hasRedScore ? 'low-medium' : 'low';
}

/** Scores an already validated input; use parseNews2Input first for anything that came from outside. */
export function scoreNews2(input: News2Input): News2Result {
  const scores: News2Scores = {
    respiratoryRate: scoreRespiratoryRate(input.respiratoryRate),
    spo2: input.spo2Scale === 2 ? scoreSpo2Scale2(input.spo2, input.onOxygen) : scoreSpo2Scale1(input.spo2),
    airOrOxygen: scoreAirOrOxygen(input.onOxygen),
    systolic: scoreSystolic(input.systolic),
    pulse: scorePulse(input.pulse),
    consciousness: scoreConsciousness(input.consciousness),
    temperature: scoreTemperature(input.temperature),
  };
  const total = NEWS2_PARAMETERS.reduce((sum, parameter) => sum + scores[parameter], 0);
  const redScoreParameters = NEWS2_PARAMETERS.filter((parameter) => scores[parameter] === 3);
  const risk = news2Risk(total, redScoreParameters.length > 0);
  return { total, risk, scores, redScoreParameters, clinicalResponse: CLINICAL_RESPONSES[total === 0 ? 'zero' : risk] };
}

export type News2Parse = { ok: true; input: News2Input } | { ok: false; errors: string[] };

/** Validates untrusted input; each error names the input and why, so nothing is ever scored as a silent zero. */
export function parseNews2Input(candidate: unknown): News2Parse {
  const parsed = News2InputSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => issue.message) };
}
