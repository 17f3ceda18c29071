/** What the monitor's NEWS2 summary needs from the station's assessment. Pure. */
import type { News2AssessmentPayload } from '../../shared/contract-clinical';

/**
 * When the oldest measured or entered input of a scored assessment was taken (device reading
 * received, or entry made): the score is no fresher than that. Null when every input is a default.
 */
export function oldestInputAt(assessment: Extract<News2AssessmentPayload, { ok: true }>): number | null {
  const times = Object.values(assessment.provenance).flatMap((source) =>
    source.kind === 'device' ? [source.receivedAt] : source.kind === 'manual' ? [source.enteredAt] : [],
  );
  return times.length === 0 ? null : Math.min(...times);
}
