import { describe, expect, it } from 'vitest';
import type { News2AssessmentPayload } from '../../shared/contract-clinical';
import { oldestInputAt } from './news2-summary';

type Scored = Extract<News2AssessmentPayload, { ok: true }>;
const nurse = { id: 'u1', name: 'nurse', role: 'nurse' as const };

const scored = (provenance: Scored['provenance']): Scored =>
  ({ ok: true, provenance, input: {} as Scored['input'], result: {} as Scored['result'] }) as Scored;

describe('oldestInputAt', () => {
  it('is the earliest device reading or manual entry, whichever kind it is', () => {
    const assessment = scored({
      spo2: { kind: 'device', deviceId: 'ox', metric: 'spo2', receivedAt: 5_000 },
      respiratoryRate: { kind: 'manual', enteredBy: nurse, enteredAt: 2_000 },
      systolic: { kind: 'device', deviceId: 'cuff', metric: 'systolic', receivedAt: 3_000 },
      spo2Scale: { kind: 'default', detail: 'Scale 1 unless prescribed' },
    } as Scored['provenance']);
    expect(oldestInputAt(assessment)).toBe(2_000);
  });

  it('ignores defaults, which were never measured, and is null when nothing else is there', () => {
    expect(oldestInputAt(scored({ spo2Scale: { kind: 'default', detail: 'Scale 1' } } as Scored['provenance']))).toBeNull();
  });
});
